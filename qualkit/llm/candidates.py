"""Cost control: the embedding engine pre-selects which codes the model is asked about for each segment.

Its top-k codes by score, plus any code whose keywords the segment matches (up to k more); every code when the
codebook is small enough that asking about all of them costs little more than choosing.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def candidate_codes(scores: np.ndarray, keyword_hits: np.ndarray, code_names: Sequence[str], *, top_k: int,
                    all_codes_up_to: int) -> list[list[str]]:
    """Per segment (rows of `scores`, shape (n, k)), the candidate code names in codebook order.

    `keyword_hits` is a (n, k) boolean array of codebook-keyword matches."""
    n, k = scores.shape
    if k <= all_codes_up_to:
        return [list(code_names) for _ in range(n)]
    out = []
    for i in range(n):
        top = set(np.argsort(-scores[i], kind="stable")[:top_k].tolist())
        extra = [j for j in np.argsort(-scores[i], kind="stable") if keyword_hits[i, j] and j not in top][:top_k]
        chosen = top | set(int(j) for j in extra)
        out.append([code_names[j] for j in range(k) if j in chosen])
    return out
