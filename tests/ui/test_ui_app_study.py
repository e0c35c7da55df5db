"""A study built entirely in the app (AppTest): create a project, bring in data with a result line per file,
run suggestions in the background, review, and see the dashboard."""
import re

import pytest
from streamlit.testing.v1 import AppTest

from qualkit.project import Project
from ui_helpers import APP, REPO, button, create_project, first_button, goto, sample_files, wait_for_run


def open_store(folder):
    return Project.open(folder)


@pytest.fixture
def home(fresh_home):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert [h.value for h in at.header] == ["Start a study"]
    return at


def test_create_bring_in_data_and_see_it_on_the_dashboard(home, fresh_home):
    folder = fresh_home / "study"
    create_project(home, folder)
    assert home.session_state["page"] == "Bring in data"
    assert "Created My study in" in home.success[0].value
    names = [f"P{i:02d}.{ext}" for i, ext in [(1, "txt"), (2, "txt"), (3, "docx"), (4, "md"), (9, "vtt")]]
    home.file_uploader(key="data_transcripts").set_value(
        sample_files(*names) + [("broken.docx", (REPO / "tests/data/bad/truncated.docx").read_bytes(), "x")]
        + sample_files("participants.csv")).run()
    button(home, "Bring these files in").click().run()
    assert not home.exception, [e.value for e in home.exception]
    lines = [s.value for s in home.success]
    assert lines[0] == "participants.csv: added (12 participants; attributes: group, role, years_experience)"
    assert [x.split(" (")[0] for x in lines[1:]] == [f"{n}: added" for n in names]
    assert lines[3].startswith("P03.docx: added (transcript P03, ")
    assert [e.value for e in home.error] == [
        "broken.docx: refused (is not a valid .docx file: it is not a zip archive or it is truncated (File is not "
        "a zip file); open it in your word processor and save it again)"]
    assert "**Result:** 6 of 7 files went in; 1 refused (the project is unchanged by it)." in \
        [m.value for m in home.markdown]
    p = open_store(folder)
    try:
        assert sorted(p.store.transcript_hashes()) == ["P01", "P02", "P03", "P04", "P09"]
        assert p.store.participants()["P03"]["group"]
    finally:
        p.close()

    home.file_uploader(key="data_codebook").set_value(
        ("ai_in_medicine.yaml", (REPO / "codebooks/ai_in_medicine.yaml").read_bytes(), "application/yaml")).run()
    button(home, "Use this codebook").click().run()
    assert any(s.value.startswith("ai_in_medicine.yaml: added (AI in medicine") for s in home.success)

    goto(home, "Project")
    metrics = {m.label: m.value for m in home.metric}
    assert metrics["Transcripts"] == "5" and metrics["Participants"] == "5"
    steps = " ".join(m.value for m in home.markdown)
    assert "Run **Suggest codes** below" in steps


def test_recent_projects_reopen_and_the_switch_button_returns_home(home, fresh_home):
    create_project(home, fresh_home / "one", name="First study")
    button(home, "Projects…").click().run()
    assert [h.value for h in home.header] == ["Start a study"]
    assert "First study" in " ".join(m.value for m in home.markdown)
    home.button(key="home_recent_0").click().run()
    assert home.header[0].value == "First study"


def test_creating_in_a_file_path_is_refused_with_the_reason(home, fresh_home):
    (fresh_home / "afile").write_text("x")
    create_project(home, fresh_home / "afile")
    assert [e.value for e in home.error] == [f"{fresh_home / 'afile'}: exists and is not a directory"]
    assert [h.value for h in home.header] == ["Start a study"]


def test_empty_codebook_then_first_code_on_the_codebook_page(home, fresh_home):
    create_project(home, fresh_home / "s")
    home.sidebar.text_input(key="coder").set_value("ana").run()
    home.button(key="data_empty").click().run()
    assert "Started an empty codebook" in home.success[0].value
    goto(home, "Codebook")
    assert "The codebook is empty" in home.info[0].value
    home.text_input(key="cb_add_name").set_value("Trust")
    home.text_area(key="cb_add_def").set_value("Whether people trust the AI's drafts.")
    button(home, "Add").click().run()
    p = open_store(fresh_home / "s")
    try:
        assert p.store.codebook().names == ["Trust"]
    finally:
        p.close()


def test_review_then_suggest_in_the_background_and_the_dashboard(project_dir, fake_embedder):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.text_input(key="coder").set_value("ana").run()
    goto(at, "Review")
    first_button(at, "Accept ", "review_accept").click().run()
    goto(at, "Project")
    at.selectbox(key="run_embedder").set_value(fake_embedder).run()
    before = len(open_store(project_dir).store.runs("suggest"))
    at.button(key="run_suggest").click().run()
    wait_for_run(at)
    assert not at.exception, [e.value for e in at.exception]
    assert any(re.match(r"Suggesting codes finished: \d+ suggestions from run \w+ \(fake-bow\)\.", s.value)
               for s in at.success), [s.value for s in at.success]
    p = open_store(project_dir)
    try:
        assert len(p.store.runs("suggest")) == before + 1 and p.store.latest_run("suggest").model == "fake-bow"
    finally:
        p.close()
    runs_table = [d for d in at.dataframe if "model" in d.value.columns]
    assert runs_table and runs_table[0].value["model"].iloc[0] == "fake-bow"
    assert at.get("plotly_chart"), "the code frequency chart is drawn once something is coded"
    coders = [d for d in at.dataframe if "coder" in d.value.columns][0].value
    assert list(coders["coder"]) == ["ana"] and coders["suggestions reviewed"].iloc[0] == 1


def test_a_failed_run_shows_its_error_and_keeps_the_suggestions(project_dir):
    from qualkit.embed import register_embedder
    from qualkit.errors import QualkitError

    def missing(**_):
        raise QualkitError("embedding model 'broken-model' is not installed: pip install broken-model")
    register_embedder("broken-model", missing)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    p = open_store(project_dir)
    before = [s.id for s in p.store.suggestions()]
    p.close()
    at.selectbox(key="run_embedder").set_value("broken-model").run()
    at.button(key="run_suggest").click().run()
    wait_for_run(at)
    assert [e.value for e in at.error] == [
        "Suggesting codes failed: embedding model 'broken-model' is not installed: pip install broken-model. "
        "The previous suggestions and themes are unchanged."]
    p = open_store(project_dir)
    try:
        assert [s.id for s in p.store.suggestions()] == before
    finally:
        p.close()


def test_the_suggest_button_says_why_it_cannot_run(project_dir):
    from qualkit.codebook.model import Codebook
    p = open_store(project_dir)
    p.store.put_codebook(Codebook(name="Empty", codes=()), by="x")
    p.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.button(key="run_suggest").disabled
    assert "The codebook has no codes yet" in " ".join(c.value for c in at.caption)


def test_a_second_click_while_a_run_goes_does_not_start_a_second_run(project_dir):
    import threading
    from qualkit.embed import register_embedder
    from fakes import FakeEmbedder
    gate, loads = threading.Event(), []

    def slow(**_):
        loads.append(1)
        gate.wait(30)
        return FakeEmbedder()
    register_embedder("slow-fake", slow)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    other = AppTest.from_file(APP, default_timeout=60)  # a second browser session on the same project
    other.run()
    at.selectbox(key="run_embedder").set_value("slow-fake").run()
    at.button(key="run_suggest").click().run()
    try:
        assert at.button(key="run_suggest").disabled
        assert at.get("progress") and "Suggesting codes: " in at.get("progress")[0].proto.text
        # the other session still shows the page from before the run: its click gets through, and starts nothing
        other.selectbox(key="run_embedder").set_value("slow-fake")
        other.button(key="run_suggest").click().run()
        assert "Suggesting codes is already running for this project: it was not started a second time." in \
            [i.value for i in other.info]
        assert other.button(key="run_suggest").disabled
        from qualkit.ui.state import job_manager
        assert len(job_manager().running()) == 1
    finally:
        gate.set()
    wait_for_run(at)
    assert loads == [1]


@pytest.mark.slow
def test_the_sample_study_opens_at_once_and_suggests_in_the_background(home, fresh_home, monkeypatch):
    monkeypatch.setenv("QUALKIT_SAMPLE_PROJECT", str(fresh_home / "sample"))
    home.button(key="home_sample").click().run()
    assert home.header[0].value == "Sample study: AI in medicine"
    assert {m.label: m.value for m in home.metric}["Transcripts"] == "12"
    from qualkit.ui.state import job_manager
    assert [s.kind for s in job_manager().running()] == ["suggest"]  # the page did not wait for the model
    wait_for_run(home, timeout=900)
    assert any(s.value.startswith("Suggesting codes finished: ") for s in home.success), \
        [e.value for e in home.error]
