"""Scores as calibrated probabilities, like the embedding engine's: Platt scaling of the model's own probability
(its confidence in its verdict, lowered when its evidence is not in the segment) on the researcher's decided
segments. Too few decisions, or a model whose confidence does not rise with the verdicts: left uncalibrated, and
the run says so."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UNSUPPORTED_FACTOR = 0.4   # a "yes" whose quote is not in the segment keeps 40 % of its probability
NOT_CANDIDATE_SCORE = 0.01  # a code the pre-selection did not ask about (uncalibrated)
MIN_EACH = 3               # positives and negatives needed before fitting


def raw_probability(applies: bool, confidence: float, supported: bool) -> float:
    p = confidence if applies else 1.0 - confidence
    if applies and not supported:
        p *= UNSUPPORTED_FACTOR
    return float(np.clip(p, 0.001, 0.999))


def _logit(p):
    p = np.clip(np.asarray(p, dtype=float), 0.001, 0.999)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class Platt:
    a: float = 1.0
    b: float = 0.0
    n: int = 0
    fitted: bool = False
    note: str = "uncalibrated: no decided segments yet"
    not_candidate: float = NOT_CANDIDATE_SCORE

    def __call__(self, p):
        return 1.0 / (1.0 + np.exp(-(self.a * _logit(p) + self.b)))

    @property
    def threshold(self) -> float:
        """The calibrated score of a 50:50 verdict: at or above it, the model said the code applies."""
        return float(self(0.5))

    def record(self) -> dict:
        return {"a": round(self.a, 4), "b": round(self.b, 4), "n": self.n, "fitted": self.fitted, "note": self.note,
                "not_candidate": round(self.not_candidate, 4)}


def fit_platt(raw: np.ndarray, y: np.ndarray, not_candidate_y: np.ndarray | None = None) -> Platt:
    """Fit sigmoid(a * logit(raw) + b) to the decided labels `y` (0/1)."""
    raw, y = np.asarray(raw, dtype=float), np.asarray(y, dtype=int)
    nc = NOT_CANDIDATE_SCORE
    if not_candidate_y is not None and len(not_candidate_y):
        nc = float((np.sum(not_candidate_y) + 0.5) / (len(not_candidate_y) + 1.0))
    pos, neg = int(y.sum()), int(len(y) - y.sum())
    if pos < MIN_EACH or neg < MIN_EACH:
        return Platt(n=len(y), not_candidate=nc,
                     note=f"uncalibrated: {pos} positive and {neg} negative decided judgements "
                          f"(needs {MIN_EACH} of each)")
    from sklearn.linear_model import LogisticRegression

    x = _logit(raw).reshape(-1, 1)
    if np.ptp(x) < 1e-9:
        return Platt(n=len(y), not_candidate=nc, note="uncalibrated: the model gave every judgement the same "
                                                      "confidence")
    m = LogisticRegression(C=100.0).fit(x, y)
    a, b = float(m.coef_[0, 0]), float(m.intercept_[0])
    if a <= 0:
        return Platt(n=len(y), not_candidate=nc, note="uncalibrated: the model's confidence did not rise with the "
                                                      f"researcher's verdicts (slope {a:.2f})")
    return Platt(a, b, len(y), True, f"Platt scaling on {len(y)} decided judgements", nc)
