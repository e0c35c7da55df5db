"""Team use: a project created in the app on a PostgreSQL database, two browser sessions with different coders
working at once; every decision is kept under the coder who made it. And the AI-engine choice refuses a model
server beyond this machine before anything runs."""
import pytest
from streamlit.testing.v1 import AppTest

from qualkit.project import Project
from ui_helpers import APP, REPO, button, first_button, goto, sample_files, wait_for_run


def session(coder, page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.text_input(key="coder").set_value(coder).run()
    return goto(at, page)


@pytest.mark.slow
def test_two_coders_at_once_on_a_postgresql_project_created_in_the_app(postgres, fresh_home, monkeypatch,
                                                                        fake_embedder):
    from qualkit.codebook import load_codebook
    url = postgres.create_database("team_app")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="home_name").set_value("Team study")
    at.text_input(key="home_folder").set_value(str(fresh_home / "team"))
    at.radio(key="home_storage").set_value("A team database (PostgreSQL URL)")
    at.text_input(key="home_url").set_value(url)
    button(at, "Create project").click().run()
    assert not at.error, [e.value for e in at.error]
    at.file_uploader(key="data_transcripts").set_value(sample_files("P01.txt", "P07.txt")).run()
    button(at, "Bring these files in").click().run()
    p = Project.open(fresh_home / "team")
    try:
        assert p.store.url == url and sorted(p.store.transcript_hashes()) == ["P01", "P07"]
        p.store.put_codebook(load_codebook(REPO / "codebooks" / "ai_in_medicine.yaml"), by="setup")
    finally:
        p.close()

    monkeypatch.setenv("QUALKIT_PROJECT", str(fresh_home / "team"))
    ana, ben = session("ana", "Codebook"), session("ben", "Codebook")
    for i, (at, coder) in enumerate(((ana, "ana"), (ben, "ben"), (ana, "ana"))):
        at.text_input(key="cb_add_name").set_value(f"Code {i} by {coder}")
        at.text_area(key="cb_add_def").set_value(f"Added by {coder} in the team test.")
        button(at, "Add").click().run()
        assert not at.error, [e.value for e in at.error]
    p = Project.open(fresh_home / "team")
    try:
        saved = [v["saved_by"] for v in p.store.codebook_history()]
        assert saved == ["setup", "ana", "ben", "ana"]
        codes = p.store.codebook().names
        assert {"Code 0 by ana", "Code 1 by ben", "Code 2 by ana"} <= set(codes)  # nobody's edit was lost
    finally:
        p.close()

    goto(ana, "Project")
    ana.selectbox(key="run_embedder").set_value(fake_embedder).run()
    ana.button(key="run_suggest").click().run()
    wait_for_run(ana)
    goto(ana, "Review")
    goto(ben, "Review")
    first_button(ana, "Accept ", "review_accept").click().run()
    first_button(ben, "Reject ", "review_reject").click().run()
    first_button(ana, "Reject ", "review_reject").click().run()
    p = Project.open(fresh_home / "team")
    try:
        assert [d.verdict for d in p.store.decisions(coder="ana")] == ["accept", "reject"]
        assert [d.verdict for d in p.store.decisions(coder="ben")] == ["reject"]
    finally:
        p.close()


def test_a_model_server_beyond_this_machine_is_refused_before_a_run(project_dir):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.radio(key="run_engine").set_value("Local language model (slower; needs a model server)").run()
    at.text_input(key="run_llm_url").set_value("http://203.0.113.7:8080")
    at.text_input(key="run_llm_model").set_value("gemma3").run()
    at.button(key="run_suggest").click().run()
    assert at.error and "203.0.113.7" in at.error[0].value
    from qualkit.ui.state import job_manager
    assert not job_manager().running()
