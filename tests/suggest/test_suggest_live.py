"""LiveModel: learning from the first decision, following undo, and agreement cross-validated by transcript."""
import numpy as np
import pytest

from fakes import FakeEmbedder
from qualkit.codebook.model import Code, Codebook
from qualkit.coding import Decision
from qualkit.embed import MemoryCache
from qualkit.segment.model import Segment
from qualkit.suggest.live import LiveModel

BOOK = Codebook("t", (
    Code("Privacy", "Patient data privacy", keywords=("privacy",)),
    Code("Burnout", "Exhaustion of doctors"),
    Code("Oversight", "A human checks every draft"),
))
TEXTS = ["hackers could steal the records in a breach", "stolen records after the hackers got in",
         "a breach of the records by hackers again", "the inbox volume is exhausting every evening",
         "I double check every draft", "we had a nice lunch break", "the weather was fine today",
         "records were stolen by hackers last year", "a nurse verifies the draft", "my evenings go to the inbox"]


def segs(n_transcripts=4):
    return [Segment(f"T{t}-{i}", f"T{t}", "turn", i, "P", "participant", i * 100, i * 100 + len(x), x, i)
            for t in range(n_transcripts) for i, x in enumerate(TEXTS)]


def dec(n, seg, code, verdict, coder="ann"):
    return Decision(f"d{n}", seg.transcript_id, seg.char_start, seg.char_end, code, verdict, coder,
                    f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}Z", segment_id=seg.id, seq=n)


@pytest.fixture
def model():
    return LiveModel(segs(), BOOK, FakeEmbedder(), cache=MemoryCache())


def test_the_first_accepted_passage_changes_that_codes_scores_and_only_that_codes(model):
    s = segs()
    before = {c: model.probabilities(c).copy() for c in BOOK.names}
    changed = model.sync([dec(1, s[0], "Burnout", "accept")])  # an accept against the codebook's wording
    assert changed == ["Burnout"]
    assert model.mode("Burnout") == "examples"
    after = model.probabilities("Burnout")
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    similar = [i for i, x in enumerate(s) if "hackers" in x.text and x.id != s[0].id]
    unrelated = [i for i, x in enumerate(s) if "weather" in x.text or "lunch" in x.text]
    assert all(logit(after[i]) > logit(before["Burnout"][i]) + 0.3 for i in similar)
    assert all(logit(after[i]) < logit(before["Burnout"][i]) for i in unrelated)
    copies = [i for i, x in enumerate(s) if x.text == s[0].text and x.id != s[0].id]
    assert all(after[i] > model.threshold("Burnout") > before["Burnout"][i] for i in copies)
    np.testing.assert_array_equal(model.probabilities("Oversight"), before["Oversight"])
    assert any("close to your example" in r for r in model.reasons(s[7].id, "Burnout"))


def test_undo_takes_the_evidence_back(model):
    s = segs()
    before = model.probabilities("Burnout").copy()
    log = [dec(1, s[0], "Burnout", "accept")]
    model.sync(log)
    assert not np.allclose(model.probabilities("Burnout"), before)
    log.append(dec(2, s[0], "Burnout", "undo"))
    assert model.sync(log) == ["Burnout"]
    np.testing.assert_allclose(model.probabilities("Burnout"), before)
    assert model.mode("Burnout") == "zero-shot"


def test_a_rejection_pushes_similar_passages_down(model):
    s = segs()
    log = [dec(1, s[0], "Privacy", "accept"), dec(2, s[5], "Privacy", "reject")]
    model.sync(log[:1])
    lunch = [i for i, x in enumerate(s) if "lunch" in x.text and x.id != s[5].id]
    mid = model.probabilities("Privacy")[lunch].copy()
    model.sync(log)
    assert (model.probabilities("Privacy")[lunch] < mid).all()


def test_the_classifier_joins_with_enough_decisions_and_agreement_is_cross_validated(model):
    s = segs()
    log, n = [], 0
    for x in s:
        if x.transcript_id in ("T0", "T1", "T2"):
            n += 1
            log.append(dec(n, x, "Privacy", "accept" if "hackers" in x.text or "stolen" in x.text else "reject"))
    model.sync(log)
    assert model.mode("Privacy") == "learned"
    a = model.agreement("Privacy")
    assert a.n > 0 and a.n_positive > 0 and a.kappa is not None and -1 <= a.kappa <= 1
    rate, count = a.accept_rate(0.0)
    assert count == a.n and rate == pytest.approx(a.n_positive / a.n)


def test_agreement_of_a_code_learned_from_examples_uses_other_transcripts_only(model):
    s = segs(4)
    log = [dec(1, s[0], "Burnout", "accept"), dec(2, s[10], "Burnout", "accept"), dec(3, s[15], "Burnout", "reject")]
    model.sync(log)
    a = model.agreement("Burnout")
    assert a.mode == "examples" and a.n == model.decided("Burnout")


def test_implicit_only_changes_wait_for_refresh(model):
    s = segs()
    model.sync([dec(1, s[0], "Privacy", "accept")])
    assert "Burnout" in model._stale
    assert model.refresh() == ["Burnout", "Oversight"]
    assert not model._stale
