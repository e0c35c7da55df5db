"""Per-code classifiers trained on decided segments: logistic regression with a threshold chosen by
cross-validation over transcripts, so a code's threshold reflects how it was decided.

The fit is class-balanced (codes are rare), which pushes its probabilities far above how often a code actually
applies. The same out-of-fold predictions that tune the threshold therefore also fit a Platt scaling
(calibrated logit = a * logit + b, a > 0), which is folded into the stored weights: the model's probabilities are
calibrated, and its threshold is carried over to the calibrated scale, so exactly the same segments are above it.
"""
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
    platt: tuple[float, float] = (1.0, 0.0)  # (a, b) folded into coef and intercept; (1, 0): not calibrated


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


def _out_of_fold(F, y: np.ndarray, groups: np.ndarray, C: float, seed: int, class_weight=None
                 ) -> tuple[np.ndarray, np.ndarray] | None:
    """(logits, labels) of the rows that some fold held out, each scored by a model fitted without its fold;
    None when there are too few positives or folds to say anything."""
    if y.sum() < 3:
        return None
    masks = _folds(groups, y, seed)
    if len(masks) < 2:
        return None
    covered = np.zeros(len(y), dtype=bool)
    z = np.zeros(len(y))
    for m in masks:
        z[m] = _fit(F[~m], y[~m], C, seed, class_weight).decision_function(F[m])
        covered |= m
    return z[covered], y[covered]


def _best_threshold(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    p = sigmoid(z)
    best_t, best_k = 0.5, -1.0
    for t in _GRID:
        k = _kappa(y, p >= t)
        if k > best_k + 1e-9:
            best_t, best_k = float(t), k
    return best_t, best_k


def tune_threshold(F, y: np.ndarray, groups: np.ndarray, C: float, seed: int,
                   class_weight=None) -> tuple[float, float | None]:
    """The probability threshold that maximises Cohen's kappa on out-of-fold predictions (0.5 if too few data)."""
    oof = _out_of_fold(F, y, groups, C, seed, class_weight)
    return (0.5, None) if oof is None else _best_threshold(*oof)


def platt_scaling(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) such that sigmoid(a * z + b) is calibrated on held-out logits z with 0/1 labels y: Platt's
    method, maximum likelihood with his smoothed targets (N+ + 1) / (N+ + 2) and 1 / (N- + 2), which keep a
    handful of positives from pushing probabilities to 0 or 1. (1, 0) when the fit fails or does not
    increase with z (a <= 0: the scores carry no usable order)."""
    from scipy.optimize import minimize

    z = np.asarray(z, dtype=float)
    y = np.asarray(y, dtype=int)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if not n_pos or not n_neg:
        return 1.0, 0.0
    t = np.where(y == 1, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))

    def loss(ab):
        u = ab[0] * z + ab[1]
        # -[t log s(u) + (1-t) log(1-s(u))] = log(1 + e^u) - t u, stably
        val = float(np.sum(np.logaddexp(0.0, u) - t * u))
        r = sigmoid(u) - t
        return val, np.array([float(r @ z), float(r.sum())])

    res = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    a, b = (float(v) for v in res.x)
    if not (res.success and np.isfinite(a) and np.isfinite(b) and a > 1e-6):
        return 1.0, 0.0
    return a, b


def sigmoid(x):
    """The logistic function, clipped so that very large logits neither overflow nor warn."""
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


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
    (the interactive path; a full fit follows when all suggestions are refreshed), and `warm`'s calibration and
    threshold are kept. With `tune`, out-of-fold predictions over transcripts choose the threshold and fit the
    calibration (module docstring); otherwise the threshold is 0.5 on the uncalibrated scale. The previous model
    is copied, never changed. Deterministic: the same inputs give the same weights."""
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
    threshold, cv_kappa, platt = 0.5, None, (1.0, 0.0)
    if tune:
        oof = _out_of_fold(F, y, groups, C, seed, class_weight)
        if oof is not None:
            raw_threshold, cv_kappa = _best_threshold(*oof)
            platt = platt_scaling(*oof)
            # the threshold moves with the scores, sigmoid(a * logit(t) + b), so the same segments are above it
            threshold = float(sigmoid(platt[0] * np.log(raw_threshold / (1.0 - raw_threshold)) + platt[1]))
    elif warm is not None:  # keep warm's scale and its threshold on that scale
        threshold, cv_kappa, platt = warm.threshold, warm.cv_kappa, warm.platt
    a, b = platt
    return CodeModel(coef=a * model.coef_[0].astype(np.float64), intercept=a * float(model.intercept_[0]) + b,
                     threshold=threshold, n_positive=int(y.sum()), n_negative=int(len(y) - y.sum()),
                     cv_kappa=cv_kappa, estimator=model, platt=platt)
