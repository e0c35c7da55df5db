"""Review by segment through AppTest, with live learning on (the small project's run used the test embedder,
registered here under its model id so the app can rebuild the model): every action is checked in the store."""
import pytest
from streamlit.testing.v1 import AppTest

from fakes import FakeEmbedder
from qualkit.embed import registry
from qualkit.project import Project
from ui_helpers import APP, goto


@pytest.fixture
def fake_model():
    registry.register_embedder("fake-bow", FakeEmbedder)
    yield
    registry._REGISTRY.pop("fake-bow", None)


@pytest.fixture
def review(project_dir, fake_model):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.text_input(key="coder").set_value("ana").run()
    goto(at, "Review")
    return at


def verdicts(project_dir, coder="ana"):
    p = Project.open(project_dir)
    try:
        return [(d.verdict, d.code, d.transcript_id) for d in p.store.decisions(coder=coder)]
    finally:
        p.close()


def text(at):
    return "\n".join(m.value for m in at.markdown)


def names(at):
    """The codes suggested on the passage shown (the first subheader names the passage)."""
    return [h.value for h in at.subheader][1:]


def test_a_segment_shows_all_its_pending_suggestions_with_question_and_neighbours(review):
    review.radio(key="review_order").set_value("Transcript order").run()
    assert names(review) == ["Human oversight", "Efficiency"]  # P01's first answer, most probable first
    md = text(review)
    assert "Could you tell me about your role?" in md  # the interviewer's question
    assert "Some of them think I typed it myself" in md  # the next turn, as context
    assert "**Keys:** 1–9 pick a suggestion · **A** accept · **R** reject" in md  # shortcuts on screen
    assert any(r.startswith("- mentions ‘read’") for r in md.splitlines())  # plain reasons first


def test_the_heading_names_the_transcript_once_and_each_score_its_codes_threshold(review):
    review.radio(key="review_order").set_value("Transcript order").run()
    assert review.subheader[0].value == "P01 · passage 1"  # the speaker is the transcript's id: said once
    md = text(review).splitlines()
    assert "**[1]** ▶ selected · score **0.95** ≥ this code's threshold **0.50**: the AI would code this" in md
    assert "**[2]** · score **0.10** < this code's threshold **0.50**: the AI would not code this" in md


def test_a_speaker_other_than_the_transcript_is_named_and_close_scores_get_the_decimals_that_tell_them_apart():
    from qualkit.segment.model import Segment
    from qualkit.suggest.model import Suggestion
    from qualkit.ui.screens.review import _against_threshold, _where
    assert _where(Segment("s", "P07", "turn", 2, "Participant", "participant", 0, 1, "x", 1)) == \
        "P07 · Participant · passage 3"
    s = Suggestion("x", "run", "s", "P07", 0, 1, "Trust", score=0.9, threshold=0.1)  # the live figures replace these
    assert _against_threshold(s, 0.0558, 0.0562) == \
        "score **0.0558** < this code's threshold **0.0562**: the AI would not code this"
    assert _against_threshold(s, 0.062, 0.058, " (was 0.04 when suggested)") == \
        "score **0.062** (was 0.04 when suggested) ≥ this code's threshold **0.058**: the AI would code this"
    assert _against_threshold(s, 0.5, 0.5) == "score **0.50** ≥ this code's threshold **0.50**: the AI would code this"


def test_accept_one_reject_another_then_the_next_passage_comes(review, project_dir):
    review.radio(key="review_order").set_value("Transcript order").run()
    review.button(key="review_accept").click().run()
    assert verdicts(project_dir) == [("accept", "Human oversight", "P01")]
    assert "✓ accepted" in text(review) and names(review) == ["Efficiency", "Human oversight"]
    review.button(key="review_reject").click().run()
    assert verdicts(project_dir)[-1] == ("reject", "Efficiency", "P01")
    assert names(review) == ["Transparency"]  # all decided: P01's second answer follows
    review.button(key="review_undo").click().run()
    assert verdicts(project_dir)[-1] == ("undo", "Efficiency", "P01")
    assert "Efficiency" in names(review)  # undo brings its passage back


def test_none_of_these_apply_and_accept_all_shown(review, project_dir):
    review.radio(key="review_order").set_value("Transcript order").run()
    review.button(key="review_none").click().run()
    assert sorted(verdicts(project_dir)) == [("reject", "Efficiency", "P01"), ("reject", "Human oversight", "P01")]
    review.button(key="review_accept_all").click().run()
    assert verdicts(project_dir)[-1] == ("accept", "Transparency", "P01")


def test_orders_and_filters(review):
    review.radio(key="review_order").set_value("Most confident first").run()
    assert names(review)[0] == "Human oversight"  # 0.95 leads
    review.selectbox(key="review_group").set_value("developer").run()
    assert names(review)[0] == "Efficiency" and review.subheader[0].value.startswith("P02")
    review.selectbox(key="review_group").set_value("(all)").run()
    review.selectbox(key="review_code").set_value("Transparency").run()
    assert names(review) == ["Transparency"]
    review.selectbox(key="review_code").set_value("(all)").run()
    review.selectbox(key="review_participant").set_value("P02").run()
    review.radio(key="review_order").set_value("Transcript order").run()
    assert review.subheader[0].value.startswith("P02 · passage")


def test_next_and_previous(review, project_dir):
    review.radio(key="review_order").set_value("Transcript order").run()
    first = text(review)
    review.button(key="review_skip").click().run()
    assert text(review) != first and verdicts(project_dir) == []
    review.button(key="review_prev").click().run()
    assert names(review) == ["Human oversight", "Efficiency"]


def test_the_first_accept_changes_that_codes_scores_on_the_page(review, project_dir):
    review.radio(key="review_order").set_value("Transcript order").run()
    review.button(key="review_accept").click().run()  # Human oversight on P01's first answer
    review.selectbox(key="review_code").set_value("Human oversight").run()
    md = text(review)
    assert "when suggested)" in md  # P02's Human oversight suggestion now scores differently
    details = [c.value for c in review.caption if c.value.startswith("score ")]
    assert any("scored by: examples" in d for d in details)


def test_bulk_accept_states_what_it_rests_on(review, project_dir):
    review.selectbox(key="review_code").set_value("Human oversight").run()
    bulk = [b for b in review.button if b.key == "review_bulk"]
    assert bulk and bulk[0].label == "Accept all 1 pending above 0.9 for Human oversight…"
    assert any("None of your decided passages scores ≥ 0.9 yet" in c.value for c in review.caption)
    bulk[0].click().run()
    review.button(key="review_bulk_yes").click().run()
    assert verdicts(project_dir)[-1] == ("accept", "Human oversight", "P01")


def test_agreement_per_code_is_shown_with_n(review, project_dir):
    review.radio(key="review_order").set_value("Transcript order").run()
    review.button(key="review_accept").click().run()
    review.toggle(key="review_measure").set_value(True).run()
    [rows] = [d.value for d in review.dataframe if "kappa" in d.value.columns]
    assert {"code", "scored by", "n", "coded", "kappa", "F1"} <= set(rows.columns)
    row = rows[rows["code"] == "Human oversight"].iloc[0]
    assert row["scored by"] == "examples" and row["n"] >= 1
