"""Learning from the researcher: the decided segments most similar to the one at hand join the prompt as labelled
examples, so each accept and reject shapes later judgements."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from .prompt import Example


def pick_examples(i: int, vectors: np.ndarray | None, labels: Mapping[str, Mapping[int, int]],
                  texts: Sequence[str], candidates: Sequence[str], n: int) -> list[Example]:
    """Up to `n` decided segments other than `i`, most similar first, with the researcher's verdict on each of
    `candidates` they decided (segments with no verdict on any candidate are skipped)."""
    if n <= 0 or vectors is None:
        return []
    decided = sorted({r for c in candidates for r in labels.get(c, {}) if r != i})
    if not decided:
        return []
    sims = vectors[decided] @ vectors[i]
    out = []
    for r in (decided[int(j)] for j in np.argsort(-sims, kind="stable")):
        verdicts = {c: bool(labels[c][r]) for c in candidates if r in labels.get(c, {})}
        if verdicts:
            out.append(Example(texts[r], verdicts))
        if len(out) == n:
            break
    return out
