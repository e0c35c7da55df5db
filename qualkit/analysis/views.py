"""Read-only views of a Snapshot shared by the analyses: who said what, in which group, where in the transcript.

Only `snapshot.codings` are read (accepted or hand-applied); pending suggestions never reach a Snapshot.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..coding import Coding
from ..errors import QualkitError
from ..snapshot import Snapshot

NO_GROUP = "(no group)"


def codings_for(snapshot: Snapshot, coder: str | None = None) -> list[Coding]:
    """The snapshot's codings, optionally only one coder's; an unknown coder is an error naming the known ones."""
    if coder is None:
        return list(snapshot.codings)
    if coder not in snapshot.coders:
        raise QualkitError(f"coder {coder!r} has no codings in project {snapshot.name!r}; "
                           f"coders with codings: {', '.join(snapshot.coders) or 'none'}")
    return [c for c in snapshot.codings if c.coder == coder]


def group_of(snapshot: Snapshot, participant_id: str, attribute: str = "group",
             transcript_id: str | None = None) -> str | None:
    """A participant's attribute value; falls back to the transcript's own attributes (set at ingest)."""
    value = snapshot.attribute(participant_id, attribute)
    if value is None and transcript_id is not None:
        value = snapshot.transcript(transcript_id).attributes.get(attribute)
    return None if value in (None, "") else str(value)


def participant_groups(snapshot: Snapshot, attribute: str = "group") -> dict[str, str | None]:
    """participant id -> group value (None when unknown), for every participant with a transcript."""
    out: dict[str, str | None] = {}
    for t in snapshot.transcripts:
        pid = snapshot.participant_of(t.id)
        g = group_of(snapshot, pid, attribute, t.id)
        if out.get(pid) is None:
            out[pid] = g
    return out


def code_order(snapshot: Snapshot, names: Iterable[str]) -> list[str]:
    """Codes in codebook order; codes missing from the codebook (e.g. imported) follow, sorted by name."""
    names = set(names)
    known = [n for n in snapshot.codebook.names if n in names]
    return known + sorted(names - set(known))


def theme_of(snapshot: Snapshot, code: str) -> str:
    """The top-level parent of a code (the code itself when it is top-level or not in the codebook)."""
    return snapshot.codebook.root_of(code) if code in snapshot.codebook else code


def codes_under(snapshot: Snapshot, code: str) -> set[str]:
    """A code and all its descendants in the codebook."""
    out = {code}
    frontier = [code]
    while frontier:
        parent = frontier.pop()
        for child in snapshot.codebook.children(parent):
            if child.name not in out:
                out.add(child.name)
                frontier.append(child.name)
    return out


@dataclass(frozen=True)
class Location:
    """Where a quote sits: `transcript.text[char_start:char_end]` is the quote; turn is 0-based, line 1-based."""

    transcript_id: str
    char_start: int
    char_end: int
    turn_index: int | None
    line: int

    def label(self) -> str:
        turn = f", turn {self.turn_index + 1}" if self.turn_index is not None else ""
        return f"{self.transcript_id} {self.char_start}-{self.char_end}{turn}, line {self.line}"


def locate(snapshot: Snapshot, transcript_id: str, char_start: int, char_end: int) -> Location:
    """The turn that holds the start of the span (or overlaps it) and the line on which the span starts."""
    t = snapshot.transcript(transcript_id)
    turn_index = None
    for i, turn in enumerate(t.turns):
        if turn.char_start <= char_start < turn.char_end:
            turn_index = i
            break
    if turn_index is None:  # span starts in a speaker label or between turns: take the first overlapping turn
        for i, turn in enumerate(t.turns):
            if turn.char_start < char_end and char_start < turn.char_end:
                turn_index = i
                break
    return Location(transcript_id, char_start, char_end, turn_index, t.text.count("\n", 0, char_start) + 1)


def quote(snapshot: Snapshot, transcript_id: str, char_start: int, char_end: int) -> str:
    return snapshot.transcript(transcript_id).text[char_start:char_end]


# ---- units: the things counted when the unit is a stretch of text -------------------------------------------

@dataclass(frozen=True)
class TextUnit:
    """A stretch of one transcript that is coded or not: a project segment, or a merged run of coded spans."""

    transcript_id: str
    char_start: int
    char_end: int
    segment_id: str | None = None


def merge_intervals(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of half-open intervals as sorted disjoint intervals (touching intervals stay separate)."""
    out: list[list[int]] = []
    for s, e in sorted(intervals):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def covered(intervals: Sequence[tuple[int, int]], start: int, end: int) -> int:
    """How many characters of [start, end) the (merged, disjoint) intervals cover."""
    return sum(max(0, min(e, end) - max(s, start)) for s, e in intervals)


def text_units(snapshot: Snapshot, codings: Sequence[Coding], transcript_ids: Iterable[str] | None = None,
               include_interviewer: bool = False) -> tuple[list[TextUnit], str]:
    """The units for segment-level counts, and where they came from ("segments" or "coded spans").

    With project segments: every segment of the given transcripts; interviewer segments only when
    `include_interviewer` or when some coding touches them (so uncoded interviewer turns do not inflate
    agreement on absence). Without segments: the union of coded spans, merged into disjoint runs.
    """
    wanted = set(transcript_ids) if transcript_ids is not None else {t.id for t in snapshot.transcripts}
    if snapshot.segments:
        spans_by_t: dict[str, list[tuple[int, int]]] = {}
        for c in codings:
            spans_by_t.setdefault(c.transcript_id, []).append((c.char_start, c.char_end))
        merged = {t: merge_intervals(v) for t, v in spans_by_t.items()}
        units = []
        for s in sorted(snapshot.segments, key=lambda s: (s.transcript_id, s.char_start, s.index)):
            if s.transcript_id not in wanted:
                continue
            if s.role == "interviewer" and not include_interviewer \
                    and not covered(merged.get(s.transcript_id, []), s.char_start, s.char_end):
                continue
            units.append(TextUnit(s.transcript_id, s.char_start, s.char_end, s.id))
        return units, "segments"
    by_t: dict[str, list[tuple[int, int]]] = {}
    for c in codings:
        if c.transcript_id in wanted:
            by_t.setdefault(c.transcript_id, []).append((c.char_start, c.char_end))
    units = [TextUnit(t, s, e) for t in sorted(by_t) for s, e in merge_intervals(by_t[t])]
    return units, "coded spans"


def unit_codes(units: Sequence[TextUnit], codings: Iterable[Coding]) -> list[set[str]]:
    """For each unit, the codes whose codings (pooled) cover at least half of it."""
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for c in codings:
        spans.setdefault((c.transcript_id, c.code), []).append((c.char_start, c.char_end))
    merged = {k: merge_intervals(v) for k, v in spans.items()}
    by_t: dict[str, list[tuple[str, list[tuple[int, int]]]]] = {}
    for (t, code), iv in merged.items():
        by_t.setdefault(t, []).append((code, iv))
    out = []
    for u in units:
        length = u.char_end - u.char_start
        codes = set()
        for code, iv in by_t.get(u.transcript_id, []):
            # ">= half": 2 * covered >= length keeps the test exact for odd lengths
            if length > 0 and 2 * covered(iv, u.char_start, u.char_end) >= length:
                codes.add(code)
        out.append(codes)
    return out
