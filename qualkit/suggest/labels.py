"""Turn the decision log into training labels: which segments a person said do (1) or do not (0) carry a code."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Iterable, Mapping, Sequence

from ..coding import Decision, in_force
from ..ids import text_hash
from ..segment.model import Segment

POSITIVE = ("accept", "apply")


class SegmentIndex:
    """Find the segments a decision is about: by segment_id, else segments of the same transcript that the
    decision's span covers by at least half of the segment's length."""

    def __init__(self, segments: Sequence[Segment]):
        self.segments = list(segments)
        self.by_id = {s.id: i for i, s in enumerate(self.segments)}
        self.by_transcript: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.segments):
            self.by_transcript[s.transcript_id].append(i)

    def match(self, transcript_id: str, char_start: int, char_end: int, segment_id: str | None = None) -> list[int]:
        if segment_id is not None and segment_id in self.by_id:
            return [self.by_id[segment_id]]
        out = []
        for i in self.by_transcript.get(transcript_id, ()):
            s = self.segments[i]
            length = max(1, s.char_end - s.char_start)
            overlap = min(char_end, s.char_end) - max(char_start, s.char_start)
            if overlap >= 0.5 * length:
                out.append(i)
        return out


def decision_labels(decisions: Iterable[Decision], index: SegmentIndex, codes: Sequence[str],
                    implicit_negatives: bool = True, renames: Mapping[str, str] | None = None
                    ) -> dict[str, dict[int, int]]:
    """{code: {segment index: 1 or 0}} from the decisions in force (`qualkit.coding.in_force`, the same replay
    that derives codings): an undone decision is no label at all, and decisions made under a code's old name
    (`renames`: rename, merge, split with carry) count for the code it is now. Among the decisions in force on
    one (segment, code), the one that came into force last wins, whoever made it.

    With implicit_negatives, a segment that carries some code (latest verdict positive) is a 0 for every other
    code nobody decided on it: coding a segment is taken as judging the other codes absent.
    Decisions on codes outside `codes` are ignored.
    """
    wanted = set(codes)
    labels: dict[str, dict[int, int]] = {c: {} for c in codes}
    for d in in_force(decisions, dict(renames or {})):
        if d.code not in wanted:
            continue
        for i in index.match(d.transcript_id, d.char_start, d.char_end, d.segment_id):
            labels[d.code][i] = label_of(d)
    return with_implicit_negatives(labels) if implicit_negatives else labels


def with_implicit_negatives(labels: dict[str, dict[int, int]]) -> dict[str, dict[int, int]]:
    """A copy of `labels` where every segment that carries some code is a 0 for each code nobody decided on it."""
    out = {c: dict(v) for c, v in labels.items()}
    coded = {i for v in labels.values() for i, y in v.items() if y == 1}
    for v in out.values():
        for i in coded:
            v.setdefault(i, 0)
    return out


def label_of(decision: Decision) -> int:
    """1 for a decision that codes (accept, apply), 0 for one that says the code does not apply."""
    return 1 if decision.verdict in POSITIVE else 0


def state_hash(labels: dict[int, int], index: SegmentIndex) -> str:
    """A short hash of one code's labels (by segment id), part of every Suggestion id."""
    items = sorted((index.segments[i].id, y) for i, y in labels.items())
    return text_hash(json.dumps(items))[:16]
