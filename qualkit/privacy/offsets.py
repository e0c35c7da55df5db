"""OffsetMap: where a character span of the original text lands in the de-identified text.

Replacing "Jane Doe" with "[PERSON_1]" shifts everything after it; codings and decisions carry over by mapping
their (start, end) through the transcript's OffsetMap.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """One replacement: old text[old_start:old_end] became new text[new_start:new_end]."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


class OffsetMap:
    """Maps positions of an old text to a new text made from it by non-overlapping replacements (`edits`, in
    order). Outside replacements, text is unchanged, so a span that touches no replacement maps to the same
    characters. A span that starts or ends inside a replacement is widened to the whole placeholder."""

    def __init__(self, edits: list[Edit], old_length: int):
        self.edits = tuple(edits)
        self.old_length = old_length
        self._old_starts = [e.old_start for e in self.edits]
        self._old_ends = [e.old_end for e in self.edits]
        delta = sum((e.new_end - e.new_start) - (e.old_end - e.old_start) for e in self.edits)
        self.new_length = old_length + delta

    def _position(self, p: int, side: str) -> int:
        if not 0 <= p <= self.old_length:
            raise ValueError(f"position {p} is outside the original text (0-{self.old_length})")
        # the last edit starting at or before p
        i = bisect_right(self._old_starts, p) - 1
        if i < 0:
            return p
        e = self.edits[i]
        if p == e.old_start:  # at the edit's start: the placeholder's start, whichever side
            return e.new_start
        if p < e.old_end:  # strictly inside: widen to the whole placeholder
            return e.new_start if side == "start" else e.new_end
        return e.new_end + (p - e.old_end)

    def map(self, old_start: int, old_end: int) -> tuple[int, int]:
        """(new_start, new_end) for the old span; ValueError if the span is not within the old text."""
        if old_start > old_end:
            raise ValueError(f"span {old_start}-{old_end} ends before it starts")
        return self._position(old_start, "start"), self._position(old_end, "end")

    def overlaps(self, old_start: int, old_end: int) -> bool:
        """True when the span shares a character with a replacement (its text will differ after mapping)."""
        # edits are sorted and disjoint: only the last one starting before old_end can reach into the span
        i = bisect_right(self._old_starts, max(old_end - 1, old_start)) - 1
        return i >= 0 and self.edits[i].old_end > old_start and self.edits[i].old_start < max(old_end, old_start + 1)

    def __repr__(self) -> str:
        return f"OffsetMap({len(self.edits)} edits, {self.old_length} -> {self.new_length} chars)"
