"""theme_recovery maths (hand-computed) and theme_stability (ARI across seeds)."""
from __future__ import annotations

import numpy as np
import pytest
from themes_corpus import make_corpus

from qualkit.errors import QualkitError
from qualkit.ids import stable_id
from qualkit.segment.model import Segment
from qualkit.themes import recovery_table, theme_recovery, theme_stability


def test_recovery_f1_by_segment_overlap():
    # theme T1 = {a, b, c, d}; T2 = {e, f}; g unthemed
    assignments = {"a": "T1", "b": "T1", "c": "T1", "d": "T1", "e": "T2", "f": "T2", "g": None}
    labels = {"a": {"X"}, "b": {"X"}, "c": {"X", "Y"}, "e": {"Y"}, "g": {"Y"}, "h": {"Z"}}
    rep = theme_recovery(assignments, labels)
    x = rep.per_code["X"]
    # X = {a, b, c}: T1 has 3 of 4 -> P 0.75, R 1.0, F1 = 2*3/(3+4)
    assert (x.theme_id, x.n_code, x.n_theme, x.n_both) == ("T1", 3, 4, 3)
    assert x.precision == 0.75 and x.recall == 1.0 and x.f1 == pytest.approx(6 / 7)
    y = rep.per_code["Y"]
    # Y = {c, e, g}: T1 -> 2*1/(3+4) = 0.286, T2 -> 2*1/(3+2) = 0.4 (g is unthemed: a miss, not ignored)
    assert y.theme_id == "T2" and y.f1 == pytest.approx(0.4) and y.recall == pytest.approx(1 / 3)
    z = rep.per_code["Z"]  # h never clustered: no theme at all
    assert z.theme_id is None and z.f1 == 0.0 and z.n_code == 1
    assert rep.recovered() == ["X", "Y"]
    assert rep.recovered(threshold=0.5) == ["X"]


def test_one_to_one_matching_is_stricter():
    # both codes are best matched by T1; one-to-one gives T1 to X and T2 to Y
    assignments = {"a": "T1", "b": "T1", "c": "T1", "d": "T2", "e": "T3"}
    labels = {"a": {"X"}, "b": {"X", "Y"}, "c": {"X", "Y"}, "d": {"Y"}}
    rep = theme_recovery(assignments, labels)
    assert rep.per_code["X"].theme_id == "T1" and rep.per_code["Y"].theme_id == "T1"
    assert rep.per_code["Y"].f1 == pytest.approx(2 * 2 / (3 + 3))
    assert rep.one_to_one["X"].theme_id == "T1"
    assert rep.one_to_one["Y"].theme_id == "T2" and rep.one_to_one["Y"].f1 == pytest.approx(2 * 1 / (3 + 1))
    assert rep.recovered(strict=True) == ["X", "Y"]
    assert rep.recovered(threshold=0.6, strict=True) == ["X"]
    assert rep.recovered(threshold=0.6) == ["X", "Y"]


def test_recovery_ties_go_to_the_smaller_theme_id():
    rep = theme_recovery({"a": "T2", "b": "T1"}, {"a": {"X"}, "b": {"X"}})
    assert rep.per_code["X"].theme_id == "T1" and rep.per_code["X"].f1 == pytest.approx(2 / 3)


def test_recovery_table_lists_codes_best_first():
    rep = theme_recovery({"a": "T1", "b": "T2"}, {"a": {"X"}, "b": {"Y", "X"}})
    table = recovery_table(rep, {"T1": "Export / csv", "T2": "Plots"})
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["code", "n"]
    assert lines[1].startswith("Y") and lines[1].endswith("Plots")
    assert lines[2].startswith("X") and "0.67" in lines[2]


def test_recovery_without_labels_is_an_error():
    with pytest.raises(QualkitError, match="theme recovery needs human labels: no segment carries a code"):
        theme_recovery({"a": "T1"}, {"a": set()})


def test_stability_is_one_for_clusters_that_exist():
    segments, emb, _ = make_corpus()
    assert theme_stability(segments, emb, seeds=(0, 1, 2), params={"clustering": "kmeans", "k": 4}) == 1.0


def test_stability_is_low_for_structureless_data():
    rng = np.random.default_rng(0)
    segments = [Segment(id=stable_id("noise", i), transcript_id=f"p{i % 5}", unit="turn", index=i, speaker="p",
                        role="participant", char_start=0, char_end=5, text=f"word{i} other", turn_index=i)
                for i in range(60)]
    emb = rng.normal(size=(60, 16)).astype(np.float32)
    score = theme_stability(segments, emb, seeds=(0, 1, 2, 3), params={"clustering": "kmeans", "k": 6, "min_words": 0})
    assert 0.0 <= score < 0.9


def test_stability_needs_two_seeds():
    segments, emb, _ = make_corpus()
    with pytest.raises(QualkitError, match=r"at least two different seeds, got \[1, 1\]"):
        theme_stability(segments, emb, seeds=(1, 1))
