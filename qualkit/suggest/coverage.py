"""Which segments the codebook already covers: the rule novelty-mode theme discovery leaves out."""
from __future__ import annotations

from typing import Iterable, Sequence

from ..coding import Coding
from ..segment.model import Segment
from .model import Suggestion


def covered_segments(segments: Sequence[Segment], codings: Iterable[Coding],
                     suggestions: Iterable[Suggestion]) -> frozenset[str]:
    """Ids of the segments a current coding spans exactly, or a suggestion above its code's threshold names:
    the ones a person coded, or the tool would code. Candidate themes are sought among the rest."""
    coded = {(c.transcript_id, c.char_start, c.char_end) for c in codings}
    covered = {s.id for s in segments if (s.transcript_id, s.char_start, s.char_end) in coded}
    return frozenset(covered | {x.segment_id for x in suggestions if x.above_threshold})
