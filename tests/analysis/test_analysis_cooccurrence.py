import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snapshot_fixture import DPR, EFF, HO, VER, make_snapshot  # noqa: E402

from qualkit.analysis import code_frequencies, cooccurrence, saturation_curve  # noqa: E402
from qualkit.errors import QualkitError  # noqa: E402


def test_segment_cooccurrence_counts_and_jaccard():
    c = cooccurrence(make_snapshot())
    assert c.codes == (HO, VER, EFF, DPR)
    df = c.to_frame()
    # diagonal: segments with the code (coders pooled)
    assert [df.loc[k, k] for k in c.codes] == [4, 1, 3, 2]
    assert df.loc[DPR, EFF] == df.loc[EFF, DPR] == 1  # T2's second answer: alice DPR, bob EFF
    assert df.loc[HO, DPR] == 0
    assert c.to_frame("jaccard").loc[DPR, EFF] == pytest.approx(1 / (2 + 3 - 1))
    pairs = c.pairs()
    assert list(pairs.itertuples(index=False, name=None)) == [(EFF, DPR, 1, 0.25)]


def test_participant_cooccurrence():
    c = cooccurrence(make_snapshot(), "participant")
    df = c.to_frame()
    # P1 {HO, DPR}, P2 {HO, DPR, EFF}, P3 {VER, HO}, P4 {EFF, HO}, P5 {EFF}
    assert c.n_units == 5
    assert (df.loc[HO, DPR], df.loc[HO, EFF], df.loc[HO, VER], df.loc[DPR, EFF]) == (2, 2, 1, 1)
    assert c.to_frame("jaccard").loc[HO, DPR] == pytest.approx(2 / (4 + 2 - 2))


def test_one_coder_and_bad_level():
    c = cooccurrence(make_snapshot(), coder="alice")
    assert c.to_frame().loc[DPR, EFF] == 0
    with pytest.raises(QualkitError, match="unknown co-occurrence level 'turn'; use one of: segment, participant"):
        cooccurrence(make_snapshot(), "turn")
    with pytest.raises(QualkitError, match="unknown co-occurrence table 'lift'"):
        c.to_frame("lift")


def test_code_frequencies_per_transcript():
    f = code_frequencies(make_snapshot())
    df = f.to_frame().set_index("transcript_id")
    # T2: HO by both coders on the same span counts once; DPR and EFF once each
    assert (df.loc["T2", HO], df.loc["T2", DPR], df.loc["T2", EFF]) == (1, 1, 1)
    assert df.loc["T5", EFF] == 1 and df.loc["T5", HO] == 0
    assert df.loc["T4", "group"] == "developer" and df.loc["T4", "participant_id"] == "P4"
    bob = code_frequencies(make_snapshot(), coder="bob").to_frame().set_index("transcript_id")
    assert bob.loc["T5", [HO, VER, EFF, DPR]].sum() == 0


def test_saturation_exact_average_over_all_orders():
    s = saturation_curve(make_snapshot(), n_orders=200)
    assert s.exhaustive and s.n_orders == 120  # 5! orders fit in 200
    # first interview brings its own codes: mean of 2, 3, 2, 2, 1
    assert s.new_mean[0] == pytest.approx(2.0)
    # after two: sum over codes of 1 - C(5-m, 2)/C(5, 2), m = transcripts with the code (HO 4, DPR 2, EFF 3, VER 1)
    assert s.cumulative_mean[1] == pytest.approx(1 + 0.7 + 0.9 + 0.4)
    assert s.new_mean[1] == pytest.approx(1.0)
    assert s.cumulative_mean[-1] == 4 and s.cumulative_low[-1] == 4
    assert sum(s.new_mean) == pytest.approx(4)
    assert s.cumulative_low[0] == 1 and s.cumulative_high[0] == 3


def test_saturation_sampled_orders_are_seeded():
    a = saturation_curve(make_snapshot(), n_orders=50, seed=3)
    b = saturation_curve(make_snapshot(), n_orders=50, seed=3)
    assert not a.exhaustive and a.n_orders == 50
    assert a.to_dict() == b.to_dict()
    assert a.new_mean[1] == pytest.approx(1.0, abs=0.25)
    assert all(lo <= m <= hi for lo, m, hi in zip(a.new_low, a.new_mean, a.new_high))
    with pytest.raises(QualkitError, match="n_orders must be at least 1"):
        saturation_curve(make_snapshot(), n_orders=0)
