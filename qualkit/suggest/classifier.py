"""Per-code classifiers trained on decided segments: logistic regression (calibrated probabilities) with a
threshold chosen by cross-validation over transcripts, so a code's threshold reflects how it was decided."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CodeModel:
    coef: np.ndarray       # one weight per feature column
    intercept: float
    threshold: float
    n_positive: int
    n_negative: int
    cv_kappa: float | None  # kappa of the chosen threshold in cross-validation (None: not tuned)
    estimator: object = None  # the fitted sklearn model, reused as a warm start when the code is retrained


def _fit(F, y, C: float, seed: int, class_weight=None):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=500, random_state=seed, solver="lbfgs",
                              class_weight=class_weight).fit(F, y)


def _folds(groups: np.ndarray, y: np.ndarray, seed: int, k: int = 3) -> list[np.ndarray]:
    """Test masks. Folds hold whole transcripts when there are enough; otherwise rows (stratified by label)."""
    ug = np.unique(groups)
    rng = np.random.default_rng(seed)
    if len(ug) >= k:
        ug = rng.permutation(ug)
        masks = [np.isin(groups, ug[f::k]) for f in range(k)]
    else:
        order = np.concatenate([rng.permutation(np.where(y == v)[0]) for v in (0, 1)])
        fold_of = np.empty(len(y), dtype=int)
        fold_of[order] = np.arange(len(y)) % k
        masks = [fold_of == f for f in range(k)]
    return [m for m in masks if 0 < y[~m].sum() < (~m).sum()]  # each training part needs both labels


_GRID = np.round(np.arange(0.05, 0.91, 0.025), 3)


def tune_threshold(F, y: np.ndarray, groups: np.ndarray, C: float, seed: int,
                   class_weight=None) -> tuple[float, float | None]:
    """The probability threshold that maximises Cohen's kappa on out-of-fold predictions (0.5 if too few data)."""
    if y.sum() < 3:
        return 0.5, None
    masks = _folds(groups, y, seed)
    if len(masks) < 2:
        return 0.5, None
    covered = np.zeros(len(y), dtype=bool)
    p = np.zeros(len(y))
    for m in masks:
        p[m] = _fit(F[~m], y[~m], C, seed, class_weight).predict_proba(F[m])[:, 1]
        covered |= m
    yy, pp = y[covered], p[covered]
    best_t, best_k = 0.5, -1.0
    for t in _GRID:
        k = _kappa(yy, pp >= t)
        if k > best_k + 1e-9:
            best_t, best_k = float(t), k
    return best_t, best_k


def _kappa(y: np.ndarray, pred: np.ndarray) -> float:
    y = y.astype(bool)
    pred = pred.astype(bool)
    n = len(y)
    po = np.mean(y == pred)
    pe = (y.mean() * pred.mean()) + ((1 - y.mean()) * (1 - pred.mean()))
    return 0.0 if pe >= 1 else float((po - pe) / (1 - pe)) if n else 0.0


def train_code(F, y: np.ndarray, groups: np.ndarray, *, C: float, seed: int, tune: bool,
               warm: CodeModel | None = None, class_weight=None, warm_max_iter: int = 30) -> CodeModel:
    """Fit one code's classifier on feature rows F (dense or sparse) and 0/1 labels y.

    With `warm` (the code's previous model), optimisation starts from its weights and stops after at most
    `warm_max_iter` steps: after one more decision the optimum has barely moved, so a few steps get close to it
    (the interactive path; a full fit follows when all suggestions are refreshed). The previous model is
    copied, never changed. Deterministic: the same inputs give the same weights."""
    import copy
    import warnings

    est = getattr(warm, "estimator", None)
    if est is not None and est.coef_.shape[1] == F.shape[1]:
        est = copy.deepcopy(est)
        est.set_params(warm_start=True, max_iter=int(warm_max_iter))
        with warnings.catch_warnings():  # stopping early is the point here
            warnings.simplefilter("ignore")
            model = est.fit(F, y)
        model.set_params(warm_start=False, max_iter=500)
    else:
        model = _fit(F, y, C, seed, class_weight)
    threshold, cv_kappa = tune_threshold(F, y, groups, C, seed, class_weight) if tune else (0.5, None)
    return CodeModel(coef=model.coef_[0].astype(np.float64), intercept=float(model.intercept_[0]),
                     threshold=threshold, n_positive=int(y.sum()), n_negative=int(len(y) - y.sum()),
                     cv_kappa=cv_kappa, estimator=model)
