import pytest
from hypothesis import given, settings, strategies as st

from qualkit.errors import QualkitError
from qualkit.segment import UNITS, segment_transcript, sentence_spans
from qualkit.transcript import Transcript, Turn


def make(turns):
    """Build a transcript from (speaker, role, utterance) triples as 'Speaker: utterance' blocks."""
    text, out = "", []
    for speaker, role, utterance in turns:
        text += f"{speaker}: "
        start = len(text)
        text += utterance
        out.append(Turn(speaker, role, start, len(text), utterance))
        text += "\n\n"
    return Transcript("T1", "t.txt", "txt", text, tuple(out))


INTERVIEW = make([
    ("Interviewer", "interviewer", "How did the pilot go?"),
    ("P01", "participant", "Honestly? It was fine. Dr. Patel read every draft, e.g. the long ones.\nThen we stopped."),
    ("Interviewer", "interviewer", "Did it save time?"),
    ("P01", "participant", "Not really, no."),
])


def test_turn_unit_keeps_participant_turns_whole_with_question_context():
    segs = segment_transcript(INTERVIEW, "turn")
    assert [s.text for s in segs] == [INTERVIEW.turns[1].text, "Not really, no."]
    assert [s.question for s in segs] == ["How did the pilot go?", "Did it save time?"]
    assert all(s.role == "participant" for s in segs)


def test_sentence_unit_does_not_split_after_abbreviations():
    texts = [s.text for s in segment_transcript(INTERVIEW, "sentence")]
    assert texts == ["Honestly?", "It was fine.", "Dr. Patel read every draft, e.g. the long ones.",
                     "Then we stopped.", "Not really, no."]


def test_paragraph_unit_splits_on_line_breaks():
    texts = [s.text for s in segment_transcript(INTERVIEW, "paragraph")]
    assert texts == ["Honestly? It was fine. Dr. Patel read every draft, e.g. the long ones.",
                     "Then we stopped.", "Not really, no."]


def test_long_turn_is_split_at_sentence_boundaries():
    sentence = "We looked at every single draft before it went out to the patient. "
    t = make([("P02", "participant", (sentence * 40).strip())])
    segs = segment_transcript(t, "turn", max_chars=300)
    assert len(segs) > 1
    assert all(len(s.text) <= 300 for s in segs)
    assert all(s.text.endswith(".") for s in segs)


def test_run_on_turn_without_punctuation_is_bounded():
    t = make([("P03", "participant", "word " * 5000 + "end")])
    segs = segment_transcript(t, "turn", max_chars=500)
    assert all(len(s.text) <= 500 for s in segs)
    assert "".join(s.text for s in segs).replace(" ", "") == t.turns[0].text.replace(" ", "")


def test_interviewer_turns_only_on_request():
    segs = segment_transcript(INTERVIEW, "turn", include_interviewer=True)
    assert [s.role for s in segs] == ["interviewer", "participant", "interviewer", "participant"]


def test_ids_are_stable_and_unique():
    a = segment_transcript(INTERVIEW, "sentence")
    b = segment_transcript(INTERVIEW, "sentence")
    assert [s.id for s in a] == [s.id for s in b]
    assert len({s.id for s in a}) == len(a)


def test_unknown_unit_is_a_clear_error():
    with pytest.raises(QualkitError, match="unknown segmentation unit 'word': choose one of turn, sentence, paragraph"):
        segment_transcript(INTERVIEW, "word")


utterance = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=400)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["interviewer", "participant"]), utterance), min_size=1, max_size=6),
       st.sampled_from(UNITS), st.integers(min_value=50, max_value=400))
def test_offsets_always_round_trip(turns, unit, max_chars):
    t = make([(f"S{i}", role, u) for i, (role, u) in enumerate(turns)])
    segs = segment_transcript(t, unit, max_chars=max_chars, include_interviewer=True)
    last_end = -1
    for s in segs:
        assert t.text[s.char_start:s.char_end] == s.text
        assert s.text.strip() == s.text and s.text
        assert s.char_start >= last_end  # in order, no overlap
        last_end = s.char_end
        if unit != "paragraph":
            assert len(s.text) <= max_chars or " " not in s.text


@settings(max_examples=300, deadline=None)
@given(st.one_of(utterance, st.lists(st.sampled_from(["Yes.", " ", "\n", "Dr. Patel", "e.g.", "?!", "\t", "\u2028",
                                                      "well...", "ok", "\r\n"]), max_size=60).map("".join)),
       st.integers(min_value=1, max_value=400))
def test_a_turn_that_fits_is_its_packed_sentences(text, max_chars):
    """The turn unit keeps a turn that fits whole without splitting it into sentences: the same span the packed
    sentences would give."""
    from qualkit.segment.segmenter import _hard_split, _pack, _strip, _unit_spans

    s, e = _strip(text, 0, len(text))
    if e - s > max_chars:
        return
    sentences = [p for a, b in sentence_spans(text) for p in _hard_split(text, a, b, max_chars)]
    assert _unit_spans(text, 0, len(text), "turn", max_chars) == _pack(sentences, max_chars)


@settings(max_examples=200, deadline=None)
@given(utterance)
def test_sentence_spans_are_inside_and_ordered(text):
    spans = sentence_spans(text)
    for (s, e), (s2, _) in zip(spans, spans[1:] + [(len(text), len(text))]):
        assert 0 <= s < e <= s2
        assert text[s:e].strip() == text[s:e]


def test_a_very_long_line_is_cut_into_pieces_at_whitespace_with_exact_offsets():
    # One line of a survey cell far beyond MAX_LINE: Punkt's regex guard tripped on such lines (50 MB cell).
    from qualkit.segment.sentences import MAX_LINE, _pieces, sentence_spans
    line = "We talked about consent and who reads the draft " * (3 * MAX_LINE // 48)
    pieces = _pieces(7, line)
    assert len(pieces) >= 3 and all(len(p) <= MAX_LINE for _, p in pieces)
    assert "".join(p for _, p in pieces) == line
    assert [b for b, _ in pieces] == [7 + sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
    assert all(p.startswith(" ") or i == 0 for i, (_, p) in enumerate(pieces))  # cut at a space, not in a word
    text = "x\n" + line
    spans = sentence_spans(text)
    assert spans and all(text[a:b] == text[a:b].strip() and b > a for a, b in spans)
    covered = sum(len(text[a:b].replace(" ", "")) for a, b in spans)
    assert covered == len(text.replace(" ", "").replace("\n", ""))  # every word is in a sentence
    assert spans[-1][1] == len(text.rstrip())
