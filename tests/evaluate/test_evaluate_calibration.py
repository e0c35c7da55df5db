"""Calibration of scores: ECE, Brier and the reliability table, by hand and through evaluate()."""
import json

import numpy as np
import pytest

from fakes import FakeEmbedder
from qualkit.evaluate import EvalReport, calibration, evaluate, human_labels
from qualkit.suggest import suggest
from test_evaluate_agreement import CB, snapshot


def test_ece_and_brier_by_hand():
    c = calibration([0.05, 0.15, 0.15, 0.85, 0.95, 0.95], [0, 0, 1, 1, 1, 0])
    # bins: [0.0,0.1) {.05: 0} |.05-0|; [0.1,0.2) {.15: 0, .15: 1} |.15-.5|; [0.8,0.9) {.85: 1} |.85-1|;
    # [0.9,1.0] {.95: 1, .95: 0} |.95-.5|  ->  ECE = (1*.05 + 2*.35 + 1*.15 + 2*.45) / 6 = 0.3
    assert c.ece == pytest.approx(0.3)
    # Brier = (.05² + .15² + .85² + .15² + .05² + .95²) / 6 = 1.675 / 6
    assert c.brier == pytest.approx(1.675 / 6)
    assert (c.n, c.positives) == (6, 3)
    assert [b.n for b in c.bins] == [1, 2, 0, 0, 0, 0, 0, 0, 1, 2]
    b = c.bins[1]
    assert (b.lo, b.hi, b.mean_score, b.observed) == (pytest.approx(0.1), pytest.approx(0.2), pytest.approx(0.15), 0.5)
    assert c.bins[9].observed == 0.5 and c.bins[2].mean_score == 0.0  # an empty bin reports zeros


def test_calibrated_scores_have_zero_ece_and_edges_fall_in_the_outer_bins():
    c = calibration([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0])
    assert c.ece == pytest.approx(0.0)
    assert c.brier == pytest.approx((0.75 ** 2 + 3 * 0.25 ** 2) / 4)  # 0.1875
    edges = calibration([0.0, 1.0], [0, 1])
    assert edges.bins[0].n == 1 and edges.bins[9].n == 1 and edges.ece == 0.0 and edges.brier == 0.0


def test_calibration_rejects_bad_input():
    with pytest.raises(ValueError, match="one label per score, got 2 scores and 1 labels"):
        calibration([0.1, 0.2], [1])
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\], got \[0.1, 1.5\]"):
        calibration([0.1, 1.5], [0, 1])


def _report(cal):
    return EvalReport(snapshot="s", human_coder="h", model="m", codebook_hash="x", fractions=(0.0,), seeds=(0,),
                      params={}, n_segments=6, n_transcripts=1, codes=(), overall={0.0: {"kappa": 0.0, "f1": 0.0,
                                                                                         "micro_f1": 0.0}},
                      calibration={0.0: cal})


def test_table_and_json_show_calibration():
    rep = _report(calibration([0.05, 0.15, 0.15, 0.85, 0.95, 0.95], [0, 0, 1, 1, 1, 0]))
    table = rep.to_table()
    assert ("calibration zero-shot: ECE 0.300, Brier 0.2792 over 6 (segment, code) pairs, 3 coded by the human"
            in table)
    assert "  [0.1, 0.2)       2      0.150     0.500" in table
    assert "  [0.9, 1.0]       2      0.950     0.500" in table
    assert "[0.2, 0.3)" not in table  # empty bins are left out of the table
    d = json.loads(rep.to_json())
    cal = d["calibration"]["0.0"]
    assert cal["ece"] == pytest.approx(0.3) and cal["brier"] == pytest.approx(1.675 / 6) and cal["n"] == 6
    assert [b["n"] for b in cal["bins"]] == [1, 2, 0, 0, 0, 0, 0, 0, 1, 2]
    assert cal["bins"][8] == {"lo": pytest.approx(0.8), "hi": pytest.approx(0.9), "n": 1,
                              "mean_score": pytest.approx(0.85), "observed": 1.0}


def test_evaluate_calibrates_every_held_out_pair():
    s = snapshot()
    rep = evaluate(s, FakeEmbedder(), human_coder="ann", fractions=(0.0, 0.5), seeds=(0, 1))
    # zero-shot: 24 segments x 2 codes, held out in both seeds; learned 50%: 2 of 4 transcripts held out
    assert (rep.calibration[0.0].n, rep.calibration[0.0].positives) == (96, 32)
    assert (rep.calibration[0.5].n, rep.calibration[0.5].positives) == (48, 16)
    # zero-shot scores are those of suggest() with no floor, so low scores count too
    _, sugs = suggest(s.segments, CB, FakeEmbedder(), seed=0, params={"floor": 0.0})
    Y = human_labels(s, s.segments, ["Privacy", "Burnout"], "ann")
    ids = [x.id for x in s.segments]
    scores = np.zeros(Y.shape)
    for g in sugs:
        scores[ids.index(g.segment_id), ["Privacy", "Burnout"].index(g.code)] = g.score
    assert len(sugs) == 48 and scores.min() < 0.05  # below the default floor: would be missing without floor 0
    expected = calibration(np.tile(scores.ravel(), 2), np.tile(Y.ravel(), 2))
    assert rep.calibration[0.0] == expected
    assert "calibration learned 50%: ECE" in rep.to_table()
