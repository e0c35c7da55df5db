"""Active learning: which suggestions a person should review next."""
from __future__ import annotations

import math
from collections import defaultdict, deque
from typing import Sequence

from ..coding import Decision
from ..errors import QualkitError
from .model import Suggestion

ORDERS = ("informative", "confident")


def _decided(suggestion: Suggestion, by_seg: set, by_span: dict) -> bool:
    if (suggestion.segment_id, suggestion.code) in by_seg:
        return True
    length = max(1, suggestion.char_end - suggestion.char_start)
    for s, e in by_span.get((suggestion.transcript_id, suggestion.code), ()):
        if min(e, suggestion.char_end) - max(s, suggestion.char_start) >= 0.5 * length:
            return True
    return False


def _uncertainty(s: Suggestion) -> float:
    """Distance from the code's threshold in logit units (0 = a coin toss for this code)."""
    t = s.threshold
    lo = lambda p: math.log(max(p, 1e-6) / max(1 - p, 1e-6))  # noqa: E731
    return abs(lo(s.score) - lo(t))


def review_queue(suggestions: Sequence[Suggestion], decisions: Sequence[Decision] = (),
                 order: str = "informative", limit: int | None = None) -> list[Suggestion]:
    """Suggestions still to review, best first; (segment, code) pairs anyone has decided are skipped.

    "confident": highest score first. "informative": closest to its code's threshold first, interleaved across
    codes (round robin) and never the same segment twice in a row, so early answers teach many codes.
    """
    if order not in ORDERS:
        raise QualkitError(f"unknown review order {order!r}: choose one of {', '.join(ORDERS)}")
    by_seg = {(d.segment_id, d.code) for d in decisions if d.segment_id}
    by_span: dict = defaultdict(list)
    for d in decisions:
        by_span[(d.transcript_id, d.code)].append((d.char_start, d.char_end))
    todo = [s for s in suggestions if not _decided(s, by_seg, by_span)]
    if order == "confident":
        out = sorted(todo, key=lambda s: (-s.score, s.id))
    else:
        per_code: dict[str, deque] = {}
        for s in sorted(todo, key=lambda s: (_uncertainty(s), s.id)):
            per_code.setdefault(s.code, deque()).append(s)
        # codes whose best candidate is most uncertain go first in every round
        codes = sorted(per_code, key=lambda c: (_uncertainty(per_code[c][0]), c))
        out, last_seg = [], None
        while any(per_code[c] for c in codes):
            for c in codes:
                q = per_code[c]
                if not q:
                    continue
                pick = 0 if q[0].segment_id != last_seg or len(q) == 1 else 1
                s = q[pick]
                del q[pick]
                out.append(s)
                last_seg = s.segment_id
    return out[:limit] if limit is not None else out
