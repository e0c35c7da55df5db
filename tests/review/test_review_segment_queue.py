"""Review by segment: the vectorised ranking of ReviewIndex agrees with segment_queue, for every order and filter."""
import random

import numpy as np
import pytest

from qualkit.review.queue import ORDERS, ReviewIndex, order_queue, segment_queue
from qualkit.suggest.model import Suggestion

CODES = ["A", "B", "C"]


def suggestions(n=60, seed=0):
    rng = random.Random(seed)
    out = []
    for k in range(n):
        seg = k // 2
        t = f"T{seg % 3}"
        code = CODES[k % 3]
        out.append(Suggestion(f"s{k}", "r", f"g{seg}", t, seg * 10, seg * 10 + 8, code, round(rng.random(), 3),
                              threshold=0.3 + 0.1 * CODES.index(code)))
    return out


@pytest.mark.parametrize("order", ORDERS)
def test_rank_agrees_with_segment_queue(order):
    items = suggestions()
    index = ReviewIndex(items, codes=CODES)
    decided = {index.key_of[s.id]: "accept" for s in items[::7]}
    pending = [s for s in items if index.key_of[s.id] not in decided]
    assert index.rank(decided, order) == [it.segment_id for it in segment_queue(pending, order)]
    only_b = [s for s in pending if s.code == "B" and s.transcript_id != "T1"]
    assert index.rank(decided, order, code="B", transcripts=["T0", "T2"]) == \
        [it.segment_id for it in segment_queue(only_b, order)]


def test_rank_uses_live_scores_and_skips():
    items = suggestions()
    index = ReviewIndex(items, codes=CODES)
    scores = np.array([1.0 - s.score for s in items])
    ranked = index.rank({}, "confident", scores=scores)
    assert ranked == [it.segment_id for it in segment_queue(items, "confident", score=lambda s: 1.0 - s.score)]
    assert ranked[0] not in index.rank({}, "confident", scores=scores, skip=[ranked[0]])


def test_transcript_order_and_unknown_orders():
    items = suggestions()
    assert [s.id for s in order_queue(items, "transcript")][:2] == ["s0", "s1"]
    with pytest.raises(ValueError, match="unknown review order 'random'"):
        segment_queue(items, "random")
