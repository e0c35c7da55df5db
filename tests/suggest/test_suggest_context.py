"""Neighbour context, class weights and the fast interactive retrain."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes import FakeEmbedder
from qualkit.errors import QualkitError
from qualkit.segment.model import Segment
from qualkit.suggest import Learner, suggest
from qualkit.suggest.context import neighbour_means, question_text
from test_suggest_engine import CODEBOOK, decisions_for, make_segments


def _seg(tid, start):
    return Segment(f"{tid}{start}", tid, "sentence", 0, "P", "participant", start, start + 1, "x", 0)


def test_neighbour_means_stay_inside_the_transcript_and_follow_text_order():
    # given out of order and interleaved across transcripts
    segs = [_seg("A", 20), _seg("B", 0), _seg("A", 0), _seg("A", 10), _seg("A", 30)]
    X = np.array([[3.0], [100.0], [1.0], [2.0], [4.0]])  # A in text order: 1, 2, 3, 4
    prev, nxt = neighbour_means(segs, X, 2)
    assert prev.ravel().tolist() == [1.5, 0.0, 0.0, 1.0, 2.5]
    assert nxt.ravel().tolist() == [4.0, 0.0, 2.5, 3.5, 0.0]
    prev1, nxt1 = neighbour_means(segs, X, 1)
    assert prev1.ravel().tolist() == [2.0, 0.0, 0.0, 1.0, 3.0]
    assert nxt1.ravel().tolist() == [4.0, 0.0, 2.0, 3.0, 0.0]
    p0, n0 = neighbour_means(segs, X, 0)
    assert not p0.any() and not n0.any()


def test_learned_explanations_include_neighbours_and_switch_off():
    segs = make_segments()
    _, sugs = suggest(segs, CODEBOOK, FakeEmbedder(), decisions_for(segs, ("T0", "T1")))
    learned = [s for s in sugs if s.mode == "learned"]
    assert learned and all("neighbours" in s.components for s in learned)
    _, off = suggest(segs, CODEBOOK, FakeEmbedder(), decisions_for(segs, ("T0", "T1")),
                     params={"neighbours": 0, "zs_neighbours": 0})
    assert all("neighbours" not in s.components for s in off)
    assert {(s.segment_id, s.code): s.score for s in off} != {(s.segment_id, s.code): s.score for s in sugs}


def test_components_still_sum_to_the_logit():
    segs = make_segments()
    _, sugs = suggest(segs, CODEBOOK, FakeEmbedder(), decisions_for(segs, ("T0", "T1")))
    for s in sugs:
        logit = sum(s.components.values())
        assert 1 / (1 + np.exp(-logit)) == pytest.approx(s.score, abs=1e-3)


def test_bad_context_and_class_weight_params_are_clear_errors():
    with pytest.raises(QualkitError, match=r"class_weight must be 'balanced' or None, got 'heavy'"):
        suggest(make_segments(), CODEBOOK, FakeEmbedder(), params={"class_weight": "heavy"})
    with pytest.raises(QualkitError, match=r"zs_neighbours must be 0 or more segments, got -1"):
        suggest(make_segments(), CODEBOOK, FakeEmbedder(), params={"zs_neighbours": -1})


def test_interactive_update_is_deterministic_and_leaves_the_previous_model_alone():
    segs = make_segments()
    ds = decisions_for(segs, ("T0", "T1"))

    def replay():
        learner = Learner(segs, CODEBOOK, FakeEmbedder())
        for d in ds[:-1]:
            learner.update(d)
        before = learner.engine.models_[ds[-1].code]
        coef = None if before is None else before.coef.copy()
        out = learner.update(ds[-1])
        if before is not None:  # the warm start copied the estimator instead of refitting it in place
            assert np.array_equal(before.coef, coef) and before.estimator is not learner.engine.models_[ds[-1].code].estimator
        return [(s.id, s.score) for s in out]

    assert replay() == replay()


TURN = ("Hi! Thank you so much for taking the time to speak with me today.\n\n"
        "That sounds fascinating - composing across so many media must bring its own challenges.\n\n"
        "Walk me through how AI fits into your process. Where do you reach for AI tools?")


def test_question_text_keeps_the_last_sentences_that_fit():
    assert question_text(TURN, 100) == "Walk me through how AI fits into your process. Where do you reach for AI tools?"
    assert question_text(TURN, 40) == "Where do you reach for AI tools?"


def test_question_text_keeps_a_short_turn_whole_and_0_means_the_whole_turn():
    assert question_text("  Why?  ", 150) == "Why?"
    assert question_text(TURN, 0) == TURN


def test_question_text_cuts_an_overlong_last_sentence_at_a_word():
    turn = "So " + "very " * 60 + "long?"
    out = question_text(turn, 50)
    assert turn.endswith(out) and len(out) <= 50 and out.split()[0] == "very"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400), st.integers(0, 300))
def test_question_text_is_always_a_stripped_tail_of_the_turn_within_the_limit(turn, limit):
    out = question_text(turn, limit)
    assert turn.strip().endswith(out) and out == out.strip()
    assert len(out) <= limit if limit else out == turn.strip()


def _question_from_whole_turn(turn: str, max_chars: int) -> str:
    """question_text's rule applied to sentence boundaries found in the whole turn (what the tail split must equal)."""
    from qualkit.segment.sentences import sentence_spans
    turn = turn.strip()
    if max_chars <= 0 or len(turn) <= max_chars:
        return turn
    start = len(turn)
    for s, _ in reversed(sentence_spans(turn)):
        if len(turn) - s > max_chars:
            break
        start = s
    if start == len(turn):
        cut = turn.find(" ", len(turn) - max_chars)
        start = cut + 1 if 0 <= cut < len(turn) - 1 else len(turn) - max_chars
    return turn[start:].strip()


_WORDS = st.sampled_from(["Thanks", "that's", "helpful.", "Dr.", "Smith", "said", "e.g.", "the", "U.S.", "rules",
                          "so", "...", "What", "do", "you", "think?", "Okay!", "\n", "3.5", "p.m.", "(yes).", "A.",
                          "\"Really?\"", "Mr.", "and", "then", "why?", "No.", "etc.", "I", "see."])


@given(st.lists(_WORDS, max_size=120).map(" ".join), st.integers(1, 200))
def test_question_text_splitting_only_the_tail_equals_splitting_the_whole_turn(turn, limit):
    assert question_text(turn, limit) == _question_from_whole_turn(turn, limit)


def test_question_text_tail_split_on_real_interviewer_turns():
    """The questions (interviewer turns) before the Anthropic interviews' first 600 answers: same either way."""
    from qualkit.ingest import read_file
    from qualkit.segment import segment_transcript
    from shared_data import shared_path
    turns = []
    for t in read_file(shared_path("benchmarks/anthropic-interviewer/all_transcripts.csv")):
        turns += [s.question for s in segment_transcript(t, "turn") if s.question]
        if len(turns) > 600:
            break
    assert len(turns) > 600
    for turn in turns:
        for limit in (60, 100, 150):
            assert question_text(turn, limit) == _question_from_whole_turn(turn, limit)
