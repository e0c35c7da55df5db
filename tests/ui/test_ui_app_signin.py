"""Served beyond loopback the app requires sign-in: no page and no decision without a session, the coder is the
signed-in account (never a text box or a URL parameter), wrong passwords are refused and rate-limited."""
import pytest
from streamlit.testing.v1 import AppTest

from qualkit.auth import MAX_FAILURES, add_account
from qualkit.errors import ProjectError
from qualkit.project import Project
from qualkit.ui.launch import check_served_project, is_loopback
from ui_helpers import APP, button, goto


@pytest.fixture
def served(project_dir, monkeypatch):
    p = Project.open(project_dir)
    add_account(p.store, "ana", "ana's long password")
    add_account(p.store, "ben", "ben's long password")
    p.close()
    monkeypatch.setenv("QUALKIT_SIGN_IN", "1")
    return project_dir


def sign_in(at, name, password):
    at.text_input(key="sign_in_name").set_value(name)
    at.text_input(key="sign_in_password").set_value(password)
    button(at, "Sign in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_without_a_session_nothing_but_the_sign_in_form_is_drawn(served):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["coder"] = "ana"  # a coder name in the URL does not sign anyone in
    at.query_params["page"] = "Codebook"
    at.run()
    assert [h.value for h in at.header] == ["Sign in to proj"]
    assert not [r for r in at.sidebar.radio if r.key == "page"]
    assert not [t for t in at.sidebar.text_input if t.key == "coder"]
    labels = {b.label for b in at.button}
    assert not labels & {"Accept", "Reject", "Add", "Apply code", "Suggest codes"}


def test_a_wrong_password_is_refused_and_failures_are_rate_limited(served):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    sign_in(at, "ana", "wrong")
    assert [e.value for e in at.error] == ["wrong name or password (4 attempt(s) left before a 15-minute wait)"]
    for _ in range(MAX_FAILURES - 1):
        sign_in(at, "ana", "wrong")
    sign_in(at, "ana", "ana's long password")  # right password, too late
    assert at.error[0].value.startswith("too many failed sign-ins for 'ana': try again in ")
    assert [h.value for h in at.header] == ["Sign in to proj"]
    other = sign_in(AppTest.from_file(APP, default_timeout=60).run(), "ben", "ben's long password")
    assert "Signed in as **ben**" in [m.value for m in other.sidebar.markdown]  # the lock is per account


def test_the_coder_is_the_signed_in_account(served):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["coder"] = "mallory"
    at.run()
    sign_in(at, "ana", "ana's long password")
    assert "Signed in as **ana**" in [m.value for m in at.sidebar.markdown]
    assert not [t for t in at.sidebar.text_input if t.key == "coder"]
    assert not [b for b in at.sidebar.button if b.key == "switch_project"]  # no other projects from outside
    goto(at, "Codebook")
    at.text_input(key="cb_add_name").set_value("Trust")
    at.text_area(key="cb_add_def").set_value("Whether people trust the AI's drafts.")
    button(at, "Add").click().run()
    p = Project.open(served)
    try:
        assert p.store.codebook_history()[-1]["saved_by"] == "ana"
    finally:
        p.close()
    at.sidebar.button(key="sign_out").click().run()
    assert [h.value for h in at.header] == ["Sign in to proj"]


def test_serving_beyond_loopback_needs_an_account(tmp_path):
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    p = Project.init(tmp_path / "study")
    assert check_served_project(p.path, "127.0.0.1") is False
    with pytest.raises(ProjectError, match=r"this project has no accounts yet: create one per coder with "
                                           r"`qualkit user add NAME --project "):
        check_served_project(p.path, "0.0.0.0")
    with pytest.raises(ProjectError, match="needs a project with accounts: run `qualkit user add NAME"):
        check_served_project(None, "0.0.0.0")
    add_account(p.store, "ana", "a long password")
    p.close()
    assert check_served_project(tmp_path / "study", "0.0.0.0") is True
