"""The shared speaker parser: every label form, what is not a label, the fallback, roles, and span invariants."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.ingest import parse_speaker_turns
from qualkit.ingest.speakers import assign_roles


def triples(text, **kw):
    turns, labelled = parse_speaker_turns(text, **kw)
    for t in turns:
        assert text[t.char_start:t.char_end] == t.text
    return [(t.speaker, t.role, t.text) for t in turns], labelled


@pytest.mark.parametrize("text, expected", [
    ("Interviewer: How was it?\nP01: Fine.",
     [("Interviewer", "interviewer", "How was it?"), ("P01", "participant", "Fine.")]),
    ("Dr. Smith: How was it?\nJane Doe: Fine, thanks.\nDr. Smith: Why?\nJane Doe: Habit.",
     [("Dr. Smith", "interviewer", "How was it?"), ("Jane Doe", "participant", "Fine, thanks."),
      ("Dr. Smith", "interviewer", "Why?"), ("Jane Doe", "participant", "Habit.")]),
    ("**Interviewer:** Ready?\n**Participant**: Yes.",
     [("Interviewer", "interviewer", "Ready?"), ("Participant", "participant", "Yes.")]),
    ("Q: Ready?\nA: Yes.", [("Q", "interviewer", "Ready?"), ("A", "participant", "Yes.")]),
    ("MODERATOR: Start with task 1?\nRESPONDENT 2: Sure.",
     [("MODERATOR", "interviewer", "Start with task 1?"), ("RESPONDENT 2", "participant", "Sure.")]),
    ("AI: What do you do?\nUser: I compose.\nAssistant: Nice.",
     [("AI", "interviewer", "What do you do?"), ("User", "participant", "I compose."),
      ("Assistant", "interviewer", "Nice.")]),
    ("Facilitator: Go on?\nInterviewee: Well.", [("Facilitator", "interviewer", "Go on?"),
                                                 ("Interviewee", "participant", "Well.")]),
    ("Researcher: Go on?\nI: also me\nInt: and me", [("Researcher", "interviewer", "Go on?"),
                                                     ("I", "interviewer", "also me"),
                                                     ("Int", "interviewer", "and me")]),
    ("  \tMODERATOR: indented label?\nanswer", [("MODERATOR", "interviewer", "indented label?"),
                                              ("Participant", "participant", "answer")]),
])
def test_label_forms(text, expected):
    assert triples(text) == (expected, True)


def test_timestamped_labels_keep_seconds():
    text = ("[00:01:02] Ann: Hello?\n[00:01:10] Ben: Hi.\nAnn (01:02:03.5): More?\nBen (1:02:09): Sure.\n"
            "Ann 00:05:00\nOn its own line?\nBen 5:07\nYes.")
    turns, labelled = parse_speaker_turns(text)
    assert labelled
    assert [(t.speaker, t.text, t.start_s) for t in turns] == [
        ("Ann", "Hello?", 62.0), ("Ben", "Hi.", 70.0), ("Ann", "More?", 3723.5), ("Ben", "Sure.", 3729.0),
        ("Ann", "On its own line?", 300.0), ("Ben", "Yes.", 307.0)]
    assert [t.role for t in turns] == ["interviewer", "participant"] * 3


def test_otter_speaker_numbers_are_labels_with_time_on_own_line():
    text = "Speaker 1  0:03\nWhat do you do?\n\nSpeaker 2  0:09\nI am a nurse."
    turns, labelled = parse_speaker_turns(text)
    assert [(t.speaker, t.role, t.text, t.start_s) for t in turns] == [
        ("Speaker 1", "interviewer", "What do you do?", 3.0), ("Speaker 2", "participant", "I am a nurse.", 9.0)]


def test_label_alone_on_its_line_takes_the_next_lines():
    text = "Dan:\n\tOkay. So my first question?\nParticipant:\n\tYes.\nit wraps\nDan:\t\n\tRight."
    assert triples(text)[0] == [("Dan", "interviewer", "Okay. So my first question?"),
                                ("Participant", "participant", "Yes.\nit wraps"), ("Dan", "interviewer", "Right.")]


@pytest.mark.parametrize("line", [
    "One thing I noticed: it was slow",
    "So temporal units: hour, day, month",
    "Heat map: nice colours",
    "The problem is this: nobody reads them",
    "At 10:30 we met the team",
    "Note: this was recorded",
])
def test_ordinary_sentences_are_not_labels(line):
    text = f"Interviewer: What happened?\nP01: Well.\n{line}\n{line}\nInterviewer: Right?"
    turns, _ = triples(text)
    assert turns[1] == ("P01", "participant", f"Well.\n{line}\n{line}")
    assert len(turns) == 3


def test_a_capitalised_name_must_recur_to_count():
    text = "Interviewer: Where?\nP01: In the clinic.\nLocation: Dublin, I think.\nInterviewer: Ok."
    turns, _ = triples(text)
    assert turns[1] == ("P01", "participant", "In the clinic.\nLocation: Dublin, I think.")


def test_dialogue_quoted_inside_a_participant_turn_stays_in_it():
    text = ("AI: How do you use it?\nUser: Like this:\n\nMe: find sources\nChosen AI: [sources]\nMe: summarise\n"
            "Chosen AI: [summary]\n\nThat is my path.\nAI: Thanks. And then?\nUser: Then I write.")
    turns, _ = triples(text)
    assert [s for s, _, _ in turns] == ["AI", "User", "AI", "User"]
    assert turns[1][2].startswith("Like this:\n\nMe: find sources") and turns[1][2].endswith("That is my path.")


def test_continuation_lines_belong_to_previous_turn():
    text = "Interviewer: First?\nP01: Line one.\nline two\n\nparagraph two\nInterviewer: Next."
    assert triples(text)[0][1] == ("P01", "participant", "Line one.\nline two\n\nparagraph two")


def test_no_labels_gives_one_participant_turn_per_paragraph():
    text = "\n  I started in 2019.\nIt was hard.\n\n\n  Then it got easier.  \n"
    assert triples(text) == ([("Participant", "participant", "I started in 2019.\nIt was hard."),
                              ("Participant", "participant", "Then it got easier.")], False)


def test_short_header_before_first_label_is_not_a_turn_but_long_preamble_is():
    assert triples("Interview 3\n12 May 2024\n\nInterviewer: Hi?\nP03: Hi.")[0][0][0] == "Interviewer"
    preamble = "\n".join(f"Unlabelled speech line {k} that goes on for a while." for k in range(5))
    turns, _ = triples(preamble + "\nInterviewer: Hi?\nP03: Hi.")
    assert turns[0] == ("Participant", "participant", preamble)


def test_only_interviewer_labelled_means_unlabelled_text_is_the_participant():
    # the SERDIF think-aloud notes: only the moderator is labelled
    text = ("1 Read the home tab.\n\tAlright, I have logged in.\n\tMODERATOR: Could you start in task 1?\n"
            "\t(The participant reads)\n\tOkay, that's cool.\n\tMODERATOR: Anything else?\n\tNo.")
    assert triples(text)[0] == [
        ("Participant", "participant", "1 Read the home tab.\n\tAlright, I have logged in."),
        ("MODERATOR", "interviewer", "Could you start in task 1?"),
        ("Participant", "participant", "(The participant reads)\n\tOkay, that's cool."),
        ("MODERATOR", "interviewer", "Anything else?"),
        ("Participant", "participant", "No.")]


def test_interviewers_argument_and_typos_in_role_words():
    text = "Dan: So?\nParticpant: Yes.\nDan: Why?\nParticipant: Because."
    turns, _ = triples(text, interviewers=["dan"])
    assert [r for _, r, _ in turns] == ["interviewer", "participant", "interviewer", "participant"]


def test_role_inference_question_asker_who_speaks_least_is_interviewer():
    roles = assign_roles([("Ann", "What brought you here?"), ("Ben", "A long story about my clinic and work."),
                          ("Ann", "And then?"), ("Ben", "Then I stayed for years and years.")])
    assert roles == {"ann": "interviewer", "ben": "participant"}
    # a single unknown speaker is a participant; a known interviewer makes every unknown name a participant
    assert assign_roles([("Ann", "What?")]) == {"ann": "participant"}
    assert assign_roles([("Interviewer", "x"), ("Ann", "What?"), ("Ben", "Yes.")]) == {
        "interviewer": "interviewer", "ann": "participant", "ben": "participant"}
    # one question in a single turn must not beat an interviewer with many questions
    many = [("Dan", "Q?"), ("Participant", "long answer " * 5)] * 10
    assert assign_roles(many + [("Particpnt", "Really?")])["dan"] == "interviewer"


_label_lines = st.sampled_from([
    "Interviewer: How?", "P01: Fine.", "**Jane:** hi", "**Jane**: hi", "[00:01:02] Bob: yes", "Bob 00:01:02",
    "Bob (1:02): x", "MODERATOR:", "Dan:", "Q:", "A: a", "One thing: it", "  ", "", "\t", "::", "**", "Me: x",
])
_line = st.one_of(_label_lines, st.text(max_size=40),
                  st.text(alphabet="Ab :*[]()0123\t?.\r\n", max_size=30))


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_line, max_size=25), seps=st.lists(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]), min_size=1),
       interviewers=st.lists(st.sampled_from(["Bob", "Jane", "dan"]), max_size=2))
def test_spans_reproduce_text_in_order_without_overlap(lines, seps, interviewers):
    text = "".join(line + seps[k % len(seps)] for k, line in enumerate(lines))
    turns, labelled = parse_speaker_turns(text, interviewers=interviewers)
    end = 0
    for t in turns:
        assert text[t.char_start:t.char_end] == t.text
        assert t.text and t.text == t.text.strip()
        assert t.char_start >= end
        assert t.role in ("interviewer", "participant")
        end = t.char_end
    if not labelled:
        assert all(t.speaker == "Participant" for t in turns)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_breaks_the_parser(text):
    turns, _ = parse_speaker_turns(text)
    end = 0
    for t in turns:
        assert text[t.char_start:t.char_end] == t.text and t.char_start >= end
        end = t.char_end
