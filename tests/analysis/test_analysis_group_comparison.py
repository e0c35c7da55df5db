import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snapshot_fixture import DPR, EFF, HO, VER, make_snapshot  # noqa: E402

from qualkit.analysis import group_comparison  # noqa: E402
from qualkit.errors import QualkitError  # noqa: E402


def wilson(x, n, z=1.959963984540054):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def newcombe(x1, n1, x2, n2):
    """Newcombe (1998) method 10, by hand from Wilson intervals."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def test_counts_fisher_and_bh_by_hand():
    gc = group_comparison(make_snapshot())
    assert gc.groups == ("clinician", "developer")
    assert [r.code for r in gc.rows] == [HO, VER, EFF, DPR]  # parents without codings are not tested
    ho = gc.row(HO)
    assert ho.counts == {"clinician": 3, "developer": 1} and ho.totals == {"clinician": 3, "developer": 2}
    # hypergeometric, 4 of 5 have HO, 3 clinicians: P(X=3) = 0.4, P(X=2) = 0.6 -> two-sided p = 0.4
    assert ho.test == "fisher" and ho.p_value == pytest.approx(0.4)
    assert gc.row(EFF).p_value == pytest.approx(0.3 + 0.1)
    assert gc.row(DPR).p_value == pytest.approx(0.3 + 0.1)
    assert gc.row(VER).p_value == pytest.approx(1.0)
    # BH over (0.4, 1.0, 0.4, 0.4): 0.4 * 4 / 3 for the three, 1.0 for the last
    assert gc.row(HO).q_value == pytest.approx(0.4 * 4 / 3)
    assert gc.row(VER).q_value == pytest.approx(1.0)


def test_difference_and_newcombe_interval():
    gc = group_comparison(make_snapshot())
    dpr = gc.row(DPR)
    assert dpr.difference == pytest.approx(2 / 3)
    low, high = newcombe(2, 3, 0, 2)
    assert (dpr.ci_low, dpr.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert "Newcombe" in gc.ci_method and "Wilson" in gc.ci_method


def test_newcombe_published_example():
    # Newcombe (1998) Stat Med 17:873-890, Table II (a): 56/70 - 48/80, method 10: 0.0524 to 0.3339
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(56, 70, 48, 80, method="newcomb", compare="diff")
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    assert newcombe(56, 70, 48, 80) == (pytest.approx(low), pytest.approx(high))


def test_distinguishing_codes():
    gc = group_comparison(make_snapshot())
    assert gc.distinguishing["clinician"] == (DPR, HO, VER)  # differences 2/3, 1/2, 1/3
    assert gc.distinguishing["developer"] == (EFF,)


def test_group_order_can_be_chosen():
    gc = group_comparison(make_snapshot(), groups=["developer", "clinician"])
    assert gc.row(DPR).difference == pytest.approx(-2 / 3)


def test_three_groups_use_chi_square_with_permutation_note():
    parts = {"P1": "a", "P2": "a", "P3": "b", "P4": "b", "P5": "c"}
    snap = make_snapshot(participants={p: {"group": g} for p, g in parts.items()})
    gc = group_comparison(snap, n_permutations=2000, seed=1)
    eff = gc.row(EFF)  # a: P2 (1/2), b: P4 (1/2), c: P5 (1/1)
    assert eff.counts == {"a": 1, "b": 1, "c": 1}
    assert eff.test == "chi2-permutation" and "expected count below 5" in eff.note
    # chi-square by hand: expected with-code 2*3/5, 2*3/5, 1*3/5
    e = [1.2, 1.2, 0.6]
    o = [1, 1, 1]
    stat = sum((oi - ei) ** 2 / ei for oi, ei in zip(o, e)) + sum(
        ((n - oi) - (n - ei)) ** 2 / (n - ei) for oi, ei, n in zip(o, e, [2, 2, 1]))
    assert eff.statistic == pytest.approx(stat)
    assert 0 < eff.p_value <= 1 and eff.difference is None
    # exact permutation distribution (all 10 ways to place 3 EFF among 5): the observed table is the least
    # extreme, p = 1; for HO (a 2/2, b 2/2, c 0/1) only 1 of the 5 placements is as extreme, p = 0.2
    assert eff.p_value == pytest.approx(1.0)
    assert gc.row(HO).p_value == pytest.approx(0.2, abs=0.03)
    assert gc.row(HO).statistic == pytest.approx(5.0)
    again = group_comparison(snap, n_permutations=2000, seed=1)
    assert again.row(EFF).p_value == eff.p_value


def test_segment_unit_counts_segments_and_warns_about_clustering():
    gc = group_comparison(make_snapshot(), unit="segment")
    # participant segments of clinicians: 6, developers: 4 (interviewer turns are not units unless coded)
    assert gc.group_sizes == {"clinician": 6, "developer": 4}
    assert gc.row(HO).counts == {"clinician": 3, "developer": 1}
    assert any("nested in participants" in n for n in gc.notes)


def test_errors_name_the_problem():
    with pytest.raises(QualkitError, match="unknown unit 'turn'.*participant, segment"):
        group_comparison(make_snapshot(), unit="turn")
    with pytest.raises(QualkitError, match=r"group\(s\) 'nurse' not found.*clinician, developer"):
        group_comparison(make_snapshot(), groups=["clinician", "nurse"])
    with pytest.raises(QualkitError, match="needs at least two values of 'site'"):
        group_comparison(make_snapshot(), attribute="site")


def test_participants_without_group_are_left_out_with_a_note():
    parts = {"P1": {"group": "clinician"}, "P2": {"group": "clinician"}, "P4": {"group": "developer"}}
    gc = group_comparison(make_snapshot(participants=parts))
    assert gc.group_sizes == {"clinician": 2, "developer": 1}
    assert gc.notes[0].startswith("2 participant(s) without a value for 'group'")
    df = gc.to_frame()
    assert set(df.columns) >= {"n_clinician", "prop_developer", "ci_low", "q_value"}
