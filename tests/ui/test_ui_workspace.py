"""The workspace's data (views.transcript_pieces, trim_span, plain reasons) and the Read page through AppTest."""
from hypothesis import given, settings, strategies as st

from qualkit.coding import Coding
from qualkit.suggest.model import Suggestion
from qualkit.transcript import Transcript, Turn
from qualkit.ui import views
from ui_helpers import goto

TEXT = "Interviewer: Why?\nP1: I read every draft 🙂 before it goes out.\nInterviewer: And?\nP1: I tell them."


def transcript():
    turns, pos = [], 0
    for line in TEXT.split("\n"):
        speaker, _, body = line.partition(": ")
        start = TEXT.index(body, pos)
        turns.append(Turn(speaker, "interviewer" if speaker == "Interviewer" else "participant", start,
                          start + len(body), body))
        pos = start + len(body)
    return Transcript("T", "T.txt", "txt", TEXT, tuple(turns))


def coding(a, b, code, coder="ana"):
    return Coding("T", a, b, code, coder, "2026-01-01T00:00:00Z", "human", decision_id=f"d-{code}-{a}")


def test_pieces_reproduce_the_text_and_show_overlapping_codes():
    t = transcript()
    a = TEXT.index("read every")
    b = TEXT.index("before") + len("before")
    data = views.transcript_pieces(t, [coding(a, b, "Oversight"), coding(a + 5, b + 3, "Trust")], [],
                                   {"Oversight": "#1f77b4", "Trust": "#ff7f0e"})
    for turn, pieces in zip(t.turns, data["turns"]):
        assert "".join(p["t"] for p in pieces["pieces"]) == turn.text
        for p in pieces["pieces"]:
            assert TEXT[p["s"]:p["e"]] == p["t"]
    both = [p for tr in data["turns"] for p in tr["pieces"] if len(p["c"]) == 2]
    assert both and all(TEXT[p["s"]:p["e"]] in TEXT[a + 5:b] for p in both)
    assert [c["label"] for c in data["legend"]] == ["Oversight (1)", "Trust (1)"]
    ends = [data["codings"][k]["code"] for tr in data["turns"] for p in tr["pieces"] for k in p["ends"]]
    assert ends == ["Oversight", "Trust"]  # each label once, where its span ends


def test_a_span_across_turns_is_highlighted_in_both_and_labelled_once():
    t = transcript()
    a, b = TEXT.index("before"), TEXT.index("tell") + 4
    data = views.transcript_pieces(t, [coding(a, b, "X")], [])
    coded = [(i, p["t"]) for i, tr in enumerate(data["turns"]) for p in tr["pieces"] if p["c"]]
    assert {i for i, _ in coded} == {1, 2, 3}
    assert sum(len(p["ends"]) for tr in data["turns"] for p in tr["pieces"]) == 1


def test_pending_suggestions_are_marked_on_their_segment():
    t = transcript()
    turn = t.turns[1]
    s = Suggestion("s1", "r", "seg1", "T", turn.char_start, turn.char_end, "Oversight", 0.4)
    data = views.transcript_pieces(t, [], [s])
    marked = [p for p in data["turns"][1]["pieces"] if p["p"]]
    assert "".join(p["t"] for p in marked) == turn.text
    assert data["pending"][0]["segment"] == "seg1"
    assert data["legend"][-1]["pending"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(TEXT)), st.integers(0, len(TEXT))), max_size=6))
def test_pieces_cover_every_turn_exactly_whatever_the_codings(spans):
    t = transcript()
    cods = [coding(min(a, b), max(a, b) + 1, f"C{i}") for i, (a, b) in enumerate(spans) if max(a, b) < len(TEXT)]
    data = views.transcript_pieces(t, cods, [])
    for turn, tr in zip(t.turns, data["turns"]):
        assert "".join(p["t"] for p in tr["pieces"]) == turn.text
        for p in tr["pieces"]:
            assert p["e"] > p["s"]
            for k in p["c"]:
                assert cods[k].char_start <= p["s"] and p["e"] <= cods[k].char_end


def test_trim_span_drops_the_whitespace_a_selection_picks_up():
    assert views.trim_span("  ab c \n", 0, 8) == (2, 6)
    assert views.trim_span("abc", -3, 99) == (0, 3)


def test_plain_reasons_say_why_in_words():
    s = Suggestion("s", "r", "g", "T", 0, 1, "C", 0.3, nearest="I read every word", nearest_kind="example",
                   keywords=("consent",))
    assert views.plain_reasons(s) == ["close to the codebook's example: “I read every word”", "mentions ‘consent’"]


def test_read_page_filters_and_keeps_the_transcript(app):
    goto(app, "Read")
    assert not app.exception
    app.selectbox(key="read_group").set_value("developer").run()
    assert app.selectbox(key="read_transcript").options == ["P02"]
    assert app.query_params["transcript"] == "P02"  # a reload comes back here
    app.selectbox(key="read_group").set_value("(all)").run()
    assert any("pending suggestions" in c.value for c in app.caption)
