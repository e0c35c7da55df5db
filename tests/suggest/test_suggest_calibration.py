"""Platt scaling of the per-code classifiers: calibrated scores, the same segments above the threshold."""
import numpy as np
import pytest

from fakes import FakeEmbedder
from qualkit.suggest import suggest
from qualkit.suggest.classifier import platt_scaling, train_code, tune_threshold
from qualkit.suggest.params import DEFAULTS
from test_suggest_engine import CODEBOOK, make_segments


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_platt_scaling_recovers_the_true_mapping():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 2, 20000)
    y = (rng.random(len(z)) < sigmoid(0.5 * z - 3.0)).astype(int)
    a, b = platt_scaling(z, y)
    assert a == pytest.approx(0.5, abs=0.05) and b == pytest.approx(-3.0, abs=0.15)


def test_platt_scaling_falls_back_to_identity_without_order_or_labels():
    z = np.array([3.0, 2.0, 1.0, -1.0, -2.0, -3.0])
    assert platt_scaling(z, np.array([0, 0, 0, 1, 1, 1])) == (1.0, 0.0)  # reversed order: a would be < 0
    assert platt_scaling(z, np.zeros(6, int)) == (1.0, 0.0)


def _rare_code(seed=0, n_groups=9, per_group=60):
    """A rare code (about 8% positive) that a class-balanced fit makes look common."""
    rng = np.random.default_rng(seed)
    n = n_groups * per_group
    y = (rng.random(n) < 0.08).astype(int)
    F = rng.normal(0, 1, (n, 5))
    F[:, 0] += 1.2 * y
    groups = np.repeat([f"T{g}" for g in range(n_groups)], per_group)
    return F, y, groups


def test_calibrated_model_keeps_the_same_segments_above_its_threshold():
    F, y, groups = _rare_code()
    m = train_code(F, y, groups, C=4.0, seed=0, tune=True, class_weight="balanced")
    a, b = m.platt
    assert a > 0 and (a, b) != (1.0, 0.0)
    raw = m.estimator.decision_function(F)
    calibrated = sigmoid(F @ m.coef + m.intercept)
    assert np.allclose(calibrated, sigmoid(a * raw + b))
    raw_t, kappa = tune_threshold(F, y, groups, 4.0, 0, "balanced")
    assert kappa == m.cv_kappa
    assert m.threshold == pytest.approx(sigmoid(a * np.log(raw_t / (1 - raw_t)) + b))
    assert ((calibrated >= m.threshold) == (sigmoid(raw) >= raw_t)).all()
    # balanced: raw probabilities average near 0.5; calibrated ones near the base rate
    assert sigmoid(raw).mean() > 0.3
    assert calibrated.mean() == pytest.approx(y.mean(), abs=0.04)


def test_warm_update_keeps_scale_and_threshold_and_untuned_is_uncalibrated():
    F, y, groups = _rare_code()
    m = train_code(F, y, groups, C=4.0, seed=0, tune=True, class_weight="balanced")
    y2 = y.copy()
    y2[np.where(y == 0)[0][0]] = 1
    w = train_code(F, y2, groups, C=4.0, seed=0, tune=False, warm=m, class_weight="balanced")
    assert w.platt == m.platt and w.threshold == m.threshold and w.cv_kappa == m.cv_kappa
    assert np.allclose(w.coef, m.platt[0] * w.estimator.coef_[0])
    u = train_code(F, y, groups, C=4.0, seed=0, tune=False, class_weight="balanced")
    assert u.platt == (1.0, 0.0) and u.threshold == 0.5 and np.array_equal(u.coef, u.estimator.coef_[0])


def test_calibrated_zero_shot_rescales_the_earlier_logit_and_keeps_its_decisions():
    a, b = DEFAULTS["zs_calibration"]
    segs = make_segments()
    _, old = suggest(segs, CODEBOOK, FakeEmbedder(), params={"zs_calibration": (1.0, 0.0), "floor": 0.0})
    _, new = suggest(segs, CODEBOOK, FakeEmbedder(), params={"floor": 0.0})
    before = {(s.segment_id, s.code): s for s in old}
    assert len(new) == len(old) and any(s.above_threshold for s in new)
    for s in new:
        o = before[(s.segment_id, s.code)]
        assert s.above_threshold == o.above_threshold
        old_logit = sum(o.components.values())
        assert s.score == pytest.approx(sigmoid(a * old_logit + b), abs=1e-3)
        # the components still add up to the score's logit
        assert sum(s.components.values()) == pytest.approx(a * old_logit + b, abs=1e-3)
        assert s.threshold == pytest.approx(sigmoid(b)) and o.threshold == 0.5


def test_the_floor_never_hides_a_suggestion_above_its_threshold():
    _, sugs = suggest(make_segments(), CODEBOOK, FakeEmbedder(), params={"floor": 0.99})
    assert sugs and all(s.above_threshold for s in sugs)
    _, every = suggest(make_segments(), CODEBOOK, FakeEmbedder(), params={"floor": 0.0})
    assert len(sugs) == sum(s.above_threshold for s in every)
