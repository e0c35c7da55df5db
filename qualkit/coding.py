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


def ordered(decisions: Iterable[Decision]) -> list[Decision]:
    """Log order: by `seq` where the store set it, otherwise as given (the sort is stable)."""
    decisions = list(decisions)
    if any(d.seq is not None for d in decisions):
        return sorted(decisions, key=lambda d: d.seq if d.seq is not None else -1)
    return decisions


def latest_verdicts(decisions: Iterable[Decision], renames: dict[str, str] | None = None) -> dict[tuple, Decision]:
    """(coder, transcript, start, end, code) -> the decision in force, replaying the log in order; the dict's
    order is the log order of the decisions in force.

    This is the one replay of the log: codings (`codings_from_decisions`) and learning labels
    (`qualkit.suggest.labels.decision_labels`) both read it, so they cannot disagree. `undo` takes a key back to
    no decision at all (pending, not "does not apply"); `renames` maps old code names to current ones, so
    decisions made before a rename or merge still resolve to the code they now belong to.
    """
    state: dict[tuple, Decision] = {}
    for d in ordered(decisions):
        code = resolve(d.code, renames)
        if code != d.code:
            d = replace(d, code=code)
        key = (d.coder, d.transcript_id, d.char_start, d.char_end, d.code)
        state.pop(key, None)  # re-inserted below: the dict keeps the order decisions came into force
        if d.verdict != "undo":
            state[key] = d
    return state


def in_force(decisions: Iterable[Decision], renames: dict[str, str] | None = None) -> list[Decision]:
    """The decisions in force (every coder), in the log order they came into force, code names resolved."""
    return list(latest_verdicts(decisions, renames).values())


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
