import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snapshot_fixture import DPR, EFF, HO, VER, make_snapshot  # noqa: E402

from qualkit.analysis import (agreement, cohen_kappa, gwet_ac1, krippendorff_alpha_nominal,  # noqa: E402
                             percent_agreement)
from qualkit.codebook.model import Code, Codebook  # noqa: E402
from qualkit.coding import Coding  # noqa: E402
from qualkit.segment.model import Segment  # noqa: E402
from qualkit.snapshot import Snapshot  # noqa: E402
from qualkit.transcript import Transcript, Turn  # noqa: E402
from qualkit.errors import QualkitError  # noqa: E402

nan = math.nan


# ---- published worked examples ------------------------------------------------------------------------------

def test_krippendorff_2011_binary_example():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", A: binary data, two observers: 0.095
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha_nominal([a, b]), 3) == 0.095


def test_krippendorff_2011_nominal_missing_example():
    # Same paper, C: nominal data, four observers, missing values: alpha = 0.743
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    assert round(krippendorff_alpha_nominal(data), 3) == 0.743
    # Gwet's irrCAC package ships these ratings as cac.raw4raters (Gwet 2014, Handbook of Inter-Rater
    # Reliability); its gwet.ac1.raw reports pa = 0.8181818, pe = 0.1903212, AC1 = 0.77544
    assert round(gwet_ac1(data), 5) == 0.77544
    pa, pe = 9 / 11, 0.1903212
    assert gwet_ac1(data) == pytest.approx((pa - pe) / (1 - pe), abs=1e-6)


def test_cohen_kappa_textbook_example():
    # The worked example of Cohen's kappa (Wikipedia, "Cohen's kappa"): 50 proposals, yes/yes 20,
    # yes/no 5, no/yes 10, no/no 15 -> po = 0.7, pe = 0.5, kappa = 0.4
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert percent_agreement([a, b]) == pytest.approx(0.7)
    # Gwet (2008) two-rater AC1: pi = (0.5 + 0.6) / 2, pe = 2 pi (1 - pi)
    pi = 0.55
    assert gwet_ac1([a, b]) == pytest.approx((0.7 - 2 * pi * (1 - pi)) / (1 - 2 * pi * (1 - pi)))


def test_gwet_high_agreement_paradox():
    # Gwet's motivation: 95% agreement on a rare category gives a low kappa but a high AC1
    a = [1] * 1 + [0] * 18 + [1]
    b = [0] * 1 + [0] * 18 + [1]
    assert percent_agreement([a, b]) == 0.95
    assert cohen_kappa(a, b) < 0.7 < gwet_ac1([a, b])
    # by hand: pa = .95, pi = (2/20 + 1/20) / 2 = .075, pe = 2 * .075 * .925 = .13875
    assert gwet_ac1([a, b]) == pytest.approx((0.95 - 0.13875) / (1 - 0.13875))


def test_undefined_coefficients_are_nan():
    assert math.isnan(cohen_kappa([0, 0], [0, 0]))
    assert math.isnan(krippendorff_alpha_nominal([[0, 0], [0, 0]]))
    assert math.isnan(gwet_ac1([[1, 1], [1, 1]]))
    assert gwet_ac1([[1, 1], [1, 1]], categories=(0, 1)) == 1.0


# ---- agreement() on the fixture, by hand -------------------------------------------------------------------

def test_fixture_per_code_and_pooled_values():
    a = agreement(make_snapshot(), ["alice", "bob"])
    assert a.unit_source == "segments" and a.n_units == 8  # T1-T4 participant turns; T5 bob never coded
    assert a.excluded_transcripts == ("T5",)
    rows = {r.code: r for r in a.per_code}
    ho = rows[HO]  # alice 1,0,1,0,0,0,0,1 / bob 1,0,1,0,0,1,0,0
    assert ho.positives == (3, 3)
    assert ho.percent_agreement == 0.75
    assert ho.cohen_kappa == pytest.approx((0.75 - 34 / 64) / (1 - 34 / 64))  # 7/15
    assert ho.krippendorff_alpha == pytest.approx(1 - 15 * 2 / (10 * 6))  # 0.5
    assert ho.gwet_ac1 == pytest.approx((0.75 - 30 / 64) / (1 - 30 / 64))  # 9/17
    dpr = rows[DPR]  # alice 2, bob 1, one disagreement
    assert dpr.percent_agreement == 0.875
    assert dpr.cohen_kappa == pytest.approx(0.6)
    assert dpr.krippendorff_alpha == pytest.approx(8 / 13)
    assert dpr.gwet_ac1 == pytest.approx(73 / 89)
    assert rows[VER].cohen_kappa == 1.0 and rows[VER].gwet_ac1 == 1.0
    assert rows[EFF].positives == (1, 2)
    p = a.pooled  # 32 judgements, 4 disagreements, 7 positives each
    assert p.n_units == 32 and p.percent_agreement == 28 / 32
    assert p.cohen_kappa == pytest.approx(222 / 350)
    assert p.krippendorff_alpha == pytest.approx(1 - 63 * 4 / (50 * 14))
    assert p.gwet_ac1 == pytest.approx(546 / 674)


def test_fixture_disagreements_for_reconciliation():
    snap = make_snapshot()
    a = agreement(snap, ["alice", "bob"])
    got = [(d.transcript_id, d.code, d.coders_with, d.coders_without) for d in a.disagreements]
    assert got == [("T2", DPR, ("alice",), ("bob",)), ("T2", EFF, ("bob",), ("alice",)),
                   ("T3", HO, ("bob",), ("alice",)), ("T4", HO, ("alice",), ("bob",))]
    d = a.disagreements[2]
    assert snap.transcript(d.transcript_id).text[d.char_start:d.char_end] == d.text
    assert d.segment_id == "T3-s3"
    df = a.disagreements_frame()
    assert list(df["coders_with"]) == ["alice", "bob", "bob", "alice"]


def test_without_segments_units_are_merged_coded_spans():
    a = agreement(make_snapshot(with_segments=False), ["alice", "bob"])
    assert a.unit_source == "coded spans"
    assert a.n_units == 8  # every coded turn, once, in T1-T4 (uncoded turns are not units)
    # every participant answer in T1-T4 is coded by someone, so the units equal the segments used above
    assert {r.code: r.percent_agreement for r in a.per_code}[HO] == 0.75
    assert a.pooled.gwet_ac1 == pytest.approx(546 / 674)
    assert all(d.segment_id is None for d in a.disagreements)


def test_half_coverage_rule():
    text = "0123456789" * 2
    t = Transcript("T", "T.txt", "txt", text, (Turn("P", "participant", 0, 20, text),), participant_id="P")
    segs = (Segment("s0", "T", "sentence", 0, "P", "participant", 0, 10, text[:10], 0),
            Segment("s1", "T", "sentence", 1, "P", "participant", 10, 20, text[10:], 0))
    cb = Codebook("cb", (Code("X", "x"),))
    codings = (Coding("T", 0, 10, "X", "a", ""), Coding("T", 0, 15, "X", "b", ""))  # b covers half of s1
    snap = Snapshot("p", (t,), cb, codings, segments=segs)
    a = agreement(snap, ["a", "b"])
    assert a.per_code[0].positives == (1, 2)
    codings = (Coding("T", 0, 10, "X", "a", ""), Coding("T", 0, 14, "X", "b", ""))  # 4 of 10: not enough
    a = agreement(Snapshot("p", (t,), cb, codings, segments=segs), ["a", "b"])
    assert a.per_code[0].positives == (1, 1) and a.per_code[0].percent_agreement == 1.0


def test_krippendorff_binary_example_through_a_project():
    # the 10-unit binary example as ten one-sentence segments, coder A and B coding "X"
    a_vals = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b_vals = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    text = "".join(f"Sentence {i}. " for i in range(10))
    spans = [(text.index(f"Sentence {i}."), text.index(f"Sentence {i}.") + len(f"Sentence {i}.")) for i in range(10)]
    t = Transcript("T", "T.txt", "txt", text, (Turn("P", "participant", 0, len(text), text),), participant_id="P")
    segs = tuple(Segment(f"s{i}", "T", "sentence", i, "P", "participant", s, e, text[s:e], 0)
                 for i, (s, e) in enumerate(spans))
    codings = tuple(Coding("T", s, e, "X", coder, "") for coder, vals in (("A", a_vals), ("B", b_vals))
                    for v, (s, e) in zip(vals, spans) if v)
    res = agreement(Snapshot("p", (t,), Codebook("cb", (Code("X", "x"),)), codings, segments=segs), ["A", "B"])
    assert round(res.per_code[0].krippendorff_alpha, 3) == 0.095
    assert res.per_code[0].percent_agreement == 0.6
    assert res.per_code[0].cohen_kappa == pytest.approx((0.6 - 0.56) / 0.44)


def test_participant_unit():
    a = agreement(make_snapshot(), ["alice", "bob"], unit="participant")
    assert a.n_units == 4  # P1-P4
    ho = {r.code: r for r in a.per_code}[HO]
    assert ho.positives == (3, 3)  # alice: P1, P2, P4; bob: P1, P2, P3
    assert ho.percent_agreement == 0.5


def test_three_coders_no_kappa():
    snap = make_snapshot()
    extra = tuple(Coding(c.transcript_id, c.char_start, c.char_end, c.code, "carol", c.at)
                  for c in snap.codings if c.coder == "alice")
    a = agreement(make_snapshot(codings=snap.codings + extra), ["alice", "bob", "carol"])
    assert all(math.isnan(r.cohen_kappa) for r in a.per_code)
    ho = {r.code: r for r in a.per_code}[HO]
    assert ho.percent_agreement == 0.75 and not math.isnan(ho.krippendorff_alpha)


def test_errors():
    with pytest.raises(QualkitError, match="coder\\(s\\) 'zed' have no codings.*alice, bob"):
        agreement(make_snapshot(), ["alice", "zed"])
    with pytest.raises(QualkitError, match="at least two different coders, got alice"):
        agreement(make_snapshot(), ["alice"])
    with pytest.raises(QualkitError, match="unknown agreement unit 'word'"):
        agreement(make_snapshot(), ["alice", "bob"], unit="word")


def test_frame_has_pooled_row():
    df = agreement(make_snapshot(), ["alice", "bob"]).to_frame()
    assert list(df["code"])[-1] == "(pooled)"
    assert {"n_alice", "n_bob", "gwet_ac1", "cohen_kappa"} <= set(df.columns)
    assert np.isclose(df.iloc[-1]["percent_agreement"], 0.875)


def test_gwet_ac1_two_raters_by_hand_from_gwet_2008_definitions():
    """Two raters, two categories (Gwet 2008, BJMSP 61:29-48, eqs. for AC1): 40 yes/yes, 5 yes/no, 10 no/yes,
    45 no/no. pa = 0.85; pi_yes = (0.45 + 0.50) / 2 = 0.475; pe = 2 * 0.475 * 0.525 = 0.49875;
    AC1 = (0.85 - 0.49875) / (1 - 0.49875) = 0.700748..."""
    import numpy as np

    from qualkit.analysis import gwet_ac1
    a = [1] * 40 + [1] * 5 + [0] * 10 + [0] * 45
    b = [1] * 40 + [0] * 5 + [1] * 10 + [0] * 45
    assert gwet_ac1(np.array([a, b], dtype=float)) == pytest.approx(0.35125 / 0.50125, abs=1e-9)
