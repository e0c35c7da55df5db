import json

import numpy as np
import pytest

from fakes import FakeEmbedder
from qualkit.codebook.model import Code, Codebook
from qualkit.coding import Coding
from qualkit.errors import QualkitError
from qualkit.evaluate import agreement, evaluate, human_labels
from qualkit.segment.model import Segment
from qualkit.snapshot import Snapshot
from qualkit.suggest import suggest


def test_agreement_hand_checked():
    human = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    tool = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    r = agreement(human, tool)
    # po = 8/10; pe = .3*.3 + .7*.7 = .58; kappa = (.8-.58)/(1-.58)
    assert r["kappa"] == pytest.approx(0.22 / 0.42)
    assert r["precision"] == pytest.approx(2 / 3) and r["recall"] == pytest.approx(2 / 3)
    assert r["f1"] == pytest.approx(2 / 3) and r["support"] == 3
    assert agreement(np.zeros(4), np.zeros(4))["kappa"] == 0.0


CB = Codebook("cb", (Code("Privacy", "privacy of patient data records"),
                     Code("Burnout", "inbox workload exhaustion")))
TEXTS = ["privacy of patient records", "inbox workload is exhausting", "lunch was good",
         "patient data privacy", "exhaustion from inbox", "weather"]


def snapshot():
    segs, codings = [], []
    for t in ("A", "B", "C", "D"):
        pos = 0
        for i, text in enumerate(TEXTS):
            segs.append(Segment(f"{t}{i}", t, "turn", i, "P", "participant", pos, pos + len(text), text, i))
            code = {0: "Privacy", 3: "Privacy", 1: "Burnout", 4: "Burnout"}.get(i)
            if code:  # the human span covers only 60% of the segment: still counts (>= half)
                codings.append(Coding(t, pos, pos + int(0.6 * len(text)) + 1, code, "ann", "t"))
            pos += len(text) + 1
    # a coding covering less than half of segment 2 does not count
    codings.append(Coding("A", segs[2].char_start, segs[2].char_start + 3, "Privacy", "ann", "t"))
    codings.append(Coding("A", segs[2].char_start, segs[2].char_end, "Burnout", "other", "t"))
    return Snapshot("tiny", (), CB, tuple(codings), segments=tuple(segs))


def test_human_labels_half_coverage_and_coder():
    s = snapshot()
    Y = human_labels(s, s.segments, ["Privacy", "Burnout"], "ann")
    assert Y[:6].tolist() == [[1, 0], [0, 1], [0, 0], [1, 0], [0, 1], [0, 0]]


def test_evaluate_zero_shot_matches_suggestions_and_reports():
    s = snapshot()
    rep = evaluate(s, FakeEmbedder(), human_coder="ann", fractions=(0.0, 0.5), seeds=(0,))
    # recompute zero-shot by hand from suggest(): every transcript is held out at fraction 0
    _, sugs = suggest(s.segments, CB, FakeEmbedder(), seed=0)
    Y = human_labels(s, s.segments, ["Privacy", "Burnout"], "ann")
    for j, code in enumerate(["Privacy", "Burnout"]):
        pred = np.zeros(len(s.segments), int)
        for g in sugs:
            if g.code == code and g.above_threshold:
                pred[[x.id for x in s.segments].index(g.segment_id)] = 1
        assert rep.result(code, 0.0).kappa == pytest.approx(agreement(Y[:, j], pred)["kappa"])
    assert rep.result("Privacy", 0.5).support == 4  # 2 held-out transcripts x 2 Privacy segments
    assert rep.result("Privacy", 0.5).kappa == pytest.approx(1.0)  # trivially separable once learned
    table = rep.to_table()
    assert "zero-shot k" in table and "learned 50% k" in table and "mean kappa" in table
    d = json.loads(rep.to_json())
    assert d["human_coder"] == "ann" and set(d["overall"]) == {"0.0", "0.5"}


def test_evaluate_needs_a_coder_with_codings():
    with pytest.raises(QualkitError, match=r"coders \['ann', 'other'\]: pass human_coder="):
        evaluate(snapshot(), FakeEmbedder())
    with pytest.raises(QualkitError, match=r"coder 'bob' has no codings in snapshot 'tiny'; coders: ann, other"):
        evaluate(snapshot(), FakeEmbedder(), human_coder="bob")
    with pytest.raises(QualkitError, match=r"fraction 1.0 leaves no transcript to evaluate on"):
        evaluate(snapshot(), FakeEmbedder(), human_coder="ann", fractions=(1.0,))
