"""Agreement between two coders on binary per-segment labels."""
from __future__ import annotations

import numpy as np


def agreement(human: np.ndarray, tool: np.ndarray) -> dict[str, float]:
    """Cohen's kappa (sklearn), precision, recall, F1 of `tool` against `human` (0/1 arrays of equal length).

    Kappa is 0.0 where it is undefined (both coders constant and equal: no information); precision and
    recall are 0.0 when their denominator is 0.
    """
    from sklearn.metrics import cohen_kappa_score

    h = np.asarray(human).astype(bool)
    t = np.asarray(tool).astype(bool)
    tp = int((h & t).sum())
    fp = int((~h & t).sum())
    fn = int((h & ~t).sum())
    if len(h) == 0 or (h.all() and t.all()) or (~h.any() and ~t.any()):
        kappa = 0.0
    else:
        kappa = float(cohen_kappa_score(h, t))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"kappa": kappa, "precision": precision, "recall": recall, "f1": f1,
            "support": int(h.sum()), "predicted": int(t.sum()), "n": int(len(h))}
