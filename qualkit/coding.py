"""Decisions (append-only events) and Codings (derived from them).

A Decision is one human judgement: who, when, what, on which span, from which suggestion.
Codings are never stored or edited in place: `codings_from_decisions` replays the event log.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Literal

Verdict = Literal["accept", "reject", "apply", "remove", "undo"]
VERDICTS = ("accept", "reject", "apply", "remove", "undo")


@dataclass(frozen=True)
class Decision:
    """One event. `accept`/`reject` answer a suggestion; `apply`/`remove` are hand coding (or imports);
    `undo` takes back the coder's previous verdict on the same span and code (it becomes pending again)."""

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


def latest_verdicts(decisions: Iterable[Decision], renames: dict[str, str] | None = None) -> dict[tuple, Decision]:
    """(coder, transcript, start, end, code) -> the decision in force, replaying the log in order.

    `renames` maps old code names to current ones, so decisions made before a rename or merge still resolve.
    """
    state: dict[tuple, Decision] = {}
    for d in decisions:
        code = resolve(d.code, renames)
        if code != d.code:
            d = replace(d, code=code)
        key = (d.coder, d.transcript_id, d.char_start, d.char_end, d.code)
        if d.verdict == "undo":
            state.pop(key, None)
        else:
            state[key] = d
    return state


def resolve(code: str, renames: dict[str, str] | None) -> str:
    seen = {code}
    while renames and code in renames:
        code = renames[code]
        if code in seen:
            break
        seen.add(code)
    return code


def codings_from_decisions(decisions: Iterable[Decision], renames: dict[str, str] | None = None) -> list[Coding]:
    """Replay decisions in log order; the latest verdict per (coder, span, code) wins."""
    state = latest_verdicts(decisions, renames)
    out = []
    for d in state.values():
        if d.verdict not in ("accept", "apply"):
            continue
        origin = "ai" if d.verdict == "accept" else ("import" if d.source.startswith("import") else "human")
        out.append(Coding(d.transcript_id, d.char_start, d.char_end, d.code, d.coder, d.at, origin,
                          d.segment_id, d.suggestion_id, d.id))
    out.sort(key=lambda c: (c.transcript_id, c.char_start, c.char_end, c.code, c.coder))
    return out
