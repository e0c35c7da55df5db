"""Agreement coefficients on a raters x units matrix of nominal values (NaN = not rated).

Cohen's kappa comes from scikit-learn and Krippendorff's alpha from the `krippendorff` package; Gwet's AC1 has
no maintained Python package, so it is implemented here from Gwet (2008), "Computing inter-rater reliability and
its variance in the presence of high agreement", Br J Math Stat Psychol 61:29-48, in the form of his irrCAC
package for missing ratings: agreement over units rated at least twice, chance agreement over units rated at
least once.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def _matrix(ratings) -> np.ndarray:
    return np.asarray(ratings, dtype=float)


def percent_agreement(ratings) -> float:
    """Share of units, among those rated by at least two raters, on which all their raters agree."""
    m = _matrix(ratings)
    agree = total = 0
    for col in m.T:
        vals = col[~np.isnan(col)]
        if len(vals) >= 2:
            total += 1
            agree += bool((vals == vals[0]).all())
    return agree / total if total else math.nan


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa for two raters (scikit-learn); NaN when undefined (both raters constant and equal)."""
    from sklearn.metrics import cohen_kappa_score

    a, b = list(a), list(b)
    if len(set(a) | set(b)) < 2:
        return math.nan
    return float(cohen_kappa_score(a, b))


def krippendorff_alpha_nominal(ratings) -> float:
    """Krippendorff's alpha, nominal level (the `krippendorff` package); NaN when only one value occurs."""
    import krippendorff

    m = _matrix(ratings)
    values = np.unique(m[~np.isnan(m)])
    if len(values) < 2:
        return math.nan
    return float(krippendorff.alpha(reliability_data=m, level_of_measurement="nominal"))


def gwet_ac1(ratings, categories: Sequence | None = None) -> float:
    """Gwet's AC1 for any number of raters, nominal categories, missing ratings as NaN.

    pa = mean over units rated >= 2 times of sum_k r_ik (r_ik - 1) / (r_i (r_i - 1));
    pi_k = mean over units rated >= 1 time of r_ik / r_i;  pe = sum_k pi_k (1 - pi_k) / (q - 1);
    AC1 = (pa - pe) / (1 - pe). q is the number of categories (given, or those observed).
    NaN when fewer than two categories or no unit is rated twice.
    """
    m = _matrix(ratings)
    cats = np.array(sorted(categories) if categories is not None else np.unique(m[~np.isnan(m)]), dtype=float)
    q = len(cats)
    if q < 2:
        return math.nan
    r_ik = np.stack([(m == k).sum(axis=0) for k in cats], axis=1).astype(float)  # units x categories
    r_i = r_ik.sum(axis=1)
    twice = r_i >= 2
    if not twice.any():
        return math.nan
    pa = float(((r_ik[twice] * (r_ik[twice] - 1)).sum(axis=1) / (r_i[twice] * (r_i[twice] - 1))).mean())
    once = r_i >= 1
    pi = (r_ik[once] / r_i[once, None]).mean(axis=0)
    pe = float((pi * (1 - pi)).sum() / (q - 1))
    if pe == 1:
        return math.nan
    return (pa - pe) / (1 - pe)
