import numpy as np
import pytest

from fakes import CountingEmbedder, FakeEmbedder
from qualkit.codebook.model import Code, Codebook
from qualkit.coding import Decision
from qualkit.embed import MemoryCache
from qualkit.errors import CodebookError, QualkitError
from qualkit.segment.model import Segment
from qualkit.suggest import Learner, review_queue, suggest

CODEBOOK = Codebook("t", (
    Code("Risks", "Risks of AI in care"),
    Code("Privacy", "Patient data privacy and security of records", parent="Risks",
         keywords=("privacy", "data breach"), examples=("hackers could steal the records",)),
    Code("Burnout", "Workload inbox volume and exhaustion of doctors", parent="Risks",
         examples=("I am exhausted by the inbox",), counterexamples=("lunch break was nice",)),
    Code("Oversight", "A human checks and verifies every AI draft before sending", keywords=("double check",)),
))

TEXTS = [
    ("I worry about privacy of patient records", "Privacy"),
    ("hackers could steal records, a data breach", "Privacy"),
    ("security of patient data matters to me", "Privacy"),
    ("privacy again and the records", "Privacy"),
    ("the inbox volume is exhausting", "Burnout"),
    ("so much workload, I am exhausted", "Burnout"),
    ("doctors exhaustion from inbox", "Burnout"),
    ("inbox workload every evening", "Burnout"),
    ("I double check every AI draft", "Oversight"),
    ("a human verifies the draft before sending", "Oversight"),
    ("I check and verify drafts", "Oversight"),
    ("verifies every draft human", "Oversight"),
    ("we had a nice lunch break", None),
    ("the weather was fine", None),
]


def make_segments(n_transcripts=3):
    segs = []
    for t in range(n_transcripts):
        for i, (text, _) in enumerate(TEXTS):
            segs.append(Segment(f"T{t}-s{i}", f"T{t}", "turn", i, "P", "participant", i * 100, i * 100 + len(text),
                                text, 2 * i + 1, question="What worries you?"))
        segs.append(Segment(f"T{t}-q", f"T{t}", "turn", 99, "I", "interviewer", 5000, 5010, "privacy?", 0))
    return segs


def decisions_for(segs, transcripts=("T0",)):
    out = []
    for s in segs:
        if s.transcript_id in transcripts and s.role == "participant":
            code = TEXTS[s.index][1]
            if code:
                out.append(Decision(f"d-{s.id}", s.transcript_id, s.char_start, s.char_end, code, "apply", "ann",
                                    "2025-01-01T00:00:00Z", segment_id=s.id))
            else:
                out.append(Decision(f"d-{s.id}", s.transcript_id, s.char_start, s.char_end, "Privacy", "reject",
                                    "ann", "2025-01-01T00:00:00Z", segment_id=s.id))
    return out


def test_zero_shot_suggestions_are_explained_and_only_for_leaf_codes_and_participants():
    segs = make_segments()
    run, sugs = suggest(segs, CODEBOOK, FakeEmbedder())
    assert sugs and {s.code for s in sugs} <= {"Privacy", "Burnout", "Oversight"}  # "Risks" has children
    assert all(not s.segment_id.endswith("-q") for s in sugs)
    for s in sugs:
        assert 0.05 <= s.score <= 1
        assert s.nearest and s.nearest_kind in ("definition", "include", "example")
        assert set(s.components) == {"similarity", "keywords", "counterexamples", "calibration"}
        assert s.mode == "zero-shot" and s.above_threshold == (s.score >= s.threshold)
    top = {s.segment_id: s for s in sorted(sugs, key=lambda s: s.score)}  # highest score per segment wins
    assert top["T0-s0"].code == "Privacy" and top["T0-s0"].keywords == ("privacy",)
    assert top["T0-s8"].code == "Oversight" and top["T0-s8"].keywords == ("double check",)
    assert run.kind == "suggest" and run.model == "fake-bow" and run.codebook_hash == CODEBOOK.hash
    assert run.seed == 0 and run.params["floor"] == 0.05 and run.finished_at


def test_same_inputs_same_ids_and_scores_and_decisions_change_ids():
    segs = make_segments()
    _, a = suggest(segs, CODEBOOK, FakeEmbedder(), seed=3)
    _, b = suggest(segs, CODEBOOK, FakeEmbedder(), seed=3)
    assert [(s.id, s.score) for s in a] == [(s.id, s.score) for s in b]
    assert len({s.id for s in a}) == len(a)
    _, c = suggest(segs, CODEBOOK, FakeEmbedder(), decisions_for(segs), seed=3)
    assert {s.id for s in c}.isdisjoint({s.id for s in a})


def test_second_run_with_cache_encodes_nothing():
    segs = make_segments()
    counting, cache = CountingEmbedder(FakeEmbedder()), MemoryCache()
    suggest(segs, CODEBOOK, counting, cache=cache)
    assert counting.encoded > 0
    before = counting.encoded
    suggest(segs, CODEBOOK, counting, cache=cache)
    assert counting.encoded == before


def test_learned_codes_use_decisions_and_beat_zero_shot_on_held_out():
    segs = make_segments()
    _, sugs = suggest(segs, CODEBOOK, FakeEmbedder(), decisions_for(segs, ("T0", "T1")))
    learned = [s for s in sugs if s.mode == "learned"]
    assert {s.code for s in learned} == {"Privacy", "Burnout", "Oversight"}
    comps = learned[0].components
    assert {"embedding", "question", "lexical", "zero_shot", "intercept"} <= set(comps)
    # the components are the logit: they reproduce the score
    s = learned[0]
    assert abs(1 / (1 + np.exp(-sum(comps.values()))) - s.score) < 1e-3
    above = {(s.segment_id, s.code) for s in sugs if s.above_threshold and s.transcript_id == "T2"}
    truth = {(f"T2-s{i}", c) for i, (_, c) in enumerate(TEXTS) if c}
    assert len(above & truth) >= 10 and len(above - truth) <= 2


def test_decisions_matched_by_span_when_segment_id_unknown():
    segs = make_segments()
    ds = [Decision(f"x{i}", d.transcript_id, d.char_start, d.char_end + 3, d.code, d.verdict, d.coder, d.at)
          for i, d in enumerate(decisions_for(segs, ("T0", "T1")))]
    _, sugs = suggest(segs, CODEBOOK, FakeEmbedder(), ds)
    assert any(s.mode == "learned" for s in sugs)


def test_empty_codebook_is_a_clear_error():
    with pytest.raises(QualkitError, match=r"codebook 'empty' has no codes: add at least one code"):
        suggest(make_segments(), Codebook("empty", ()), FakeEmbedder())


def test_codes_without_definition_are_all_listed():
    cb = Codebook("cb", (Code("A", ""), Code("B", "fine"), Code("C", "  ")))
    with pytest.raises(CodebookError) as e:
        suggest(make_segments(), cb, FakeEmbedder())
    msg = str(e.value)
    assert "2 problems" in msg and "[code -> A] has no definition" in msg and "[code -> C] has no definition" in msg


def test_no_segments_is_a_clear_error():
    with pytest.raises(QualkitError, match=r"no segments to suggest codes for \(given 0, none with role participant\)"):
        suggest([], CODEBOOK, FakeEmbedder())
    only_interviewer = [s for s in make_segments() if s.role == "interviewer"]
    with pytest.raises(QualkitError, match=r"given 3, none with role participant"):
        suggest(only_interviewer, CODEBOOK, FakeEmbedder())


def test_unknown_param_lists_valid_ones():
    with pytest.raises(QualkitError, match=r"unknown suggestion parameter\(s\) colour; valid: floor"):
        suggest(make_segments(), CODEBOOK, FakeEmbedder(), params={"colour": 1})


def test_review_queue_skips_decided_and_orders():
    segs = make_segments()
    ds = decisions_for(segs, ("T0",))
    _, sugs = suggest(segs, CODEBOOK, FakeEmbedder(), ds)
    q = review_queue(sugs, ds)
    decided = {(d.segment_id, d.code) for d in ds}
    assert q and not any((s.segment_id, s.code) in decided for s in q)
    assert len(q) == len([s for s in sugs if (s.segment_id, s.code) not in decided])
    conf = review_queue(sugs, ds, order="confident", limit=5)
    assert len(conf) == 5 and [s.score for s in conf] == sorted((s.score for s in conf), reverse=True)
    # informative: first picks come from different codes and are nearer their threshold than the most confident
    assert len({s.code for s in q[:3]}) == 3
    with pytest.raises(QualkitError, match="unknown review order 'random': choose one of informative, confident"):
        review_queue(sugs, order="random")


def test_learner_update_retrains_the_code():
    segs = make_segments()
    learner = Learner(segs, CODEBOOK, FakeEmbedder())
    assert all(s.mode == "zero-shot" for s in learner.suggestions())
    out = []
    for d in decisions_for(segs, ("T0", "T1")):
        out = learner.update(d)
    assert out and all(s.mode == "learned" for s in out)
    assert learner.update(Decision("z", "T0", 0, 1, "NotACode", "apply", "a", "t")) == []
    # the same decisions through suggest() give the same scores
    _, batch = suggest(segs, CODEBOOK, FakeEmbedder(), decisions_for(segs, ("T0", "T1")))
    now = {(s.segment_id, s.code): s.score for s in learner.suggestions()}
    assert now == {(s.segment_id, s.code): s.score for s in batch}


def test_suggestions_carry_typed_reasons_and_one_threshold_rule():
    """threshold and mode are fields of every suggestion; above_threshold is derived from them, not stored."""
    from dataclasses import replace

    from qualkit.suggest.model import Suggestion
    _, sugs = suggest(make_segments(), CODEBOOK, FakeEmbedder(), decisions_for(make_segments(), ("T0", "T1")))
    assert {s.mode for s in sugs} == {"learned"}
    s = sugs[0]
    assert replace(s, score=s.threshold).above_threshold and not replace(s, score=s.threshold - 1e-6).above_threshold
    assert Suggestion.from_stored(s.explanation, id=s.id, run_id=s.run_id, segment_id=s.segment_id,
                                  transcript_id=s.transcript_id, char_start=s.char_start, char_end=s.char_end,
                                  code=s.code, score=s.score) == s
    with pytest.raises(ValueError, match="mode 'guess' is not one of zero-shot, learned, llm, promoted-theme"):
        replace(s, mode="guess")


def test_covered_segments_are_coded_or_above_threshold():
    from dataclasses import replace

    from qualkit.coding import Coding
    from qualkit.suggest.coverage import covered_segments
    segs = make_segments(1)
    _, sugs = suggest(segs, CODEBOOK, FakeEmbedder())
    above = [replace(sugs[0], score=1.0, threshold=0.5)]
    below = [replace(sugs[1], segment_id=segs[5].id, score=0.2, threshold=0.5)]
    coded = [Coding("T0", segs[3].char_start, segs[3].char_end, "Privacy", "ana", "")]
    near = [Coding("T0", segs[4].char_start, segs[4].char_end - 1, "Privacy", "ana", "")]  # not the segment's span
    assert covered_segments(segs, coded + near, above + below) == {sugs[0].segment_id, segs[3].id}


def test_engine_constructor_stores_parameters_and_fit_does_the_work():
    from qualkit.suggest import Engine
    emb = CountingEmbedder(FakeEmbedder())
    engine = Engine(CODEBOOK, emb, params={"floor": 0.1})
    assert emb.encoded == 0 and engine.params["floor"] == 0.1 and not hasattr(engine, "X_")
    assert engine.fit(make_segments()) is engine and emb.encoded > 0
    assert engine.X_.shape[0] == len(engine.segments_) == 42 and set(engine.models_) == set(engine.code_names)


def test_parameters_tuned_on_another_model_warn_and_are_recorded():
    from qualkit.suggest.params import TUNED_ON, TuningWarning
    with pytest.warns(TuningWarning, match=f"tuned on {TUNED_ON}, not on embedder fake-bow: zero-shot scores"):
        run, _ = suggest(make_segments(), CODEBOOK, FakeEmbedder())
    assert run.params["tuned_on"] == TUNED_ON and run.params["model_is_tuning_model"] is False
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", TuningWarning)
        run, _ = suggest(make_segments(), CODEBOOK, FakeEmbedder(model_id=TUNED_ON + "+onnx-int8-u8-v7@avx2"))
        assert run.params["model_is_tuning_model"] is True  # an encoder derived from the tuning model
        suggest(make_segments(), CODEBOOK, FakeEmbedder(), params={"tuned_on": "fake-bow"})  # refitted for it


def test_small_batches_use_the_measured_spread():
    """Below min_batch segments the similarities are standardised with params fixed_spread, not the batch's."""
    segs = make_segments(1)[:8]
    _, a = suggest(segs, CODEBOOK, FakeEmbedder(), params={"floor": 0.0})
    _, b = suggest(segs, CODEBOOK, FakeEmbedder(), params={"floor": 0.0, "fixed_spread": (0.0, 0.08)})
    assert [s.score for s in a] != [s.score for s in b]
    with pytest.raises(QualkitError, match=r"fixed_spread must be \(mean, sd\) with sd > 0"):
        suggest(segs, CODEBOOK, FakeEmbedder(), params={"fixed_spread": (0.2, 0.0)})
