"""Calibration of suggestion scores against a human coder: is a score of 0.8 right 80% of the time?"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ReliabilityBin:
    lo: float            # scores in [lo, hi); the last bin also holds hi = 1.0
    hi: float
    n: int
    mean_score: float    # 0.0 for an empty bin
    observed: float      # share of the bin's pairs the human coded; 0.0 for an empty bin


@dataclass(frozen=True)
class Calibration:
    n: int                 # (segment, code) pairs scored
    positives: int         # of which the human coded
    ece: float             # expected calibration error: sum over bins of n_b / n * |mean score_b - observed_b|
    brier: float           # mean squared difference between score and 0/1 label
    bins: tuple[ReliabilityBin, ...]


def calibration(scores, labels, n_bins: int = 10) -> Calibration:
    """ECE over `n_bins` equal-width bins of [0, 1], Brier score and the reliability table of `scores`
    (probabilities) against 0/1 `labels` of equal length. Raises ValueError for mismatched lengths or a score
    outside [0, 1]."""
    s = np.asarray(scores, dtype=float).ravel()
    y = np.asarray(labels, dtype=float).ravel()
    if s.shape != y.shape:
        raise ValueError(f"calibration needs one label per score, got {len(s)} scores and {len(y)} labels")
    if len(s) and (s.min() < 0 or s.max() > 1):
        raise ValueError(f"scores must be probabilities in [0, 1], got [{s.min()}, {s.max()}]")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.minimum((s * n_bins).astype(int), n_bins - 1)  # s == 1.0 falls in the last bin
    bins, ece = [], 0.0
    for b in range(n_bins):
        m = which == b
        k = int(m.sum())
        ms = float(s[m].mean()) if k else 0.0
        obs = float(y[m].mean()) if k else 0.0
        ece += k * abs(ms - obs)
        bins.append(ReliabilityBin(float(edges[b]), float(edges[b + 1]), k, ms, obs))
    n = len(s)
    return Calibration(n=n, positives=int(y.sum()), ece=ece / n if n else 0.0,
                       brier=float(np.mean((s - y) ** 2)) if n else 0.0, bins=tuple(bins))


def reliability_lines(label: str, c: Calibration) -> list[str]:
    """Plain-text reliability table for one setting: ECE and Brier, then one row per non-empty bin."""
    lines = [f"calibration {label}: ECE {c.ece:.3f}, Brier {c.brier:.4f} over {c.n} (segment, code) pairs, "
             f"{c.positives} coded by the human",
             f"  {'score bin':<11} {'n':>7} {'mean score':>10} {'observed':>9}"]
    for b in c.bins:
        if b.n:
            close = "]" if b.hi >= 1.0 else ")"
            lines.append(f"  [{b.lo:.1f}, {b.hi:.1f}{close} {b.n:>7} {b.mean_score:>10.3f} {b.observed:>9.3f}")
    return lines
