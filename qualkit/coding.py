"""Decisions (append-only events) and Codings (derived from them).

A Decision is one human judgement: who, when, what, on which span, from which suggestion.
Codings are never stored or edited in place: `codings_from_decisions` replays the event log.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

Verdict = Literal["accept", "reject", "apply", "remove"]
VERDICTS = ("accept", "reject", "apply", "remove")


@dataclass(frozen=True)
class Decision:
    """One event. `accept`/`reject` answer a suggestion; `apply`/`remove` are hand coding (or imports)."""

    id: str
    transcript_id: str
    char_start: int
    char_end: int
    code: str
    verdict: Verdict
    coder: str
    at: str  # ISO 8601 UTC
    segment_id: str | None = None
    suggestion_id: str | None = None
    source: str = "human"  # human | import:<file>
    note: str = ""
    seq: int | None = None  # position in the project's log, set by the store


@dataclass(frozen=True)
class Coding:
    """A code on a span, held by one coder; `origin` says whether it began as an AI suggestion."""

    transcript_id: str
    char_start: int
    char_end: int
    code: str
    coder: str
    at: str
    origin: str = "human"  # human | ai | import
    segment_id: str | None = None
    suggestion_id: str | None = None
    decision_id: str | None = None


def codings_from_decisions(decisions: Iterable[Decision]) -> list[Coding]:
    """Replay decisions in log order; the latest verdict per (coder, span, code) wins."""
    state: dict[tuple, Decision] = {}
    for d in decisions:
        state[(d.coder, d.transcript_id, d.char_start, d.char_end, d.code)] = d
    out = []
    for d in state.values():
        if d.verdict not in ("accept", "apply"):
            continue
        origin = "ai" if d.verdict == "accept" else ("import" if d.source.startswith("import") else "human")
        out.append(Coding(d.transcript_id, d.char_start, d.char_end, d.code, d.coder, d.at, origin,
                          d.segment_id, d.suggestion_id, d.id))
    out.sort(key=lambda c: (c.transcript_id, c.char_start, c.char_end, c.code, c.coder))
    return out
