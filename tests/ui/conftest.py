import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # review_data: the shared small project

from review_data import make_project  # noqa: E402

from ui_helpers import APP  # noqa: E402


@pytest.fixture
def project_dir(tmp_path, monkeypatch):
    p = make_project(tmp_path)
    p.close()
    monkeypatch.setenv("QUALKIT_PROJECT", str(p.path))
    return p.path


@pytest.fixture
def app(project_dir):
    """The app on the small project, with a coder name entered."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.text_input(key="coder").set_value("ana").run()
    return at


@pytest.fixture
def fresh_home(tmp_path, monkeypatch):
    """No project chosen (the start page), and a recent-projects list of this test's own."""
    monkeypatch.delenv("QUALKIT_PROJECT", raising=False)
    monkeypatch.delenv("QUALKIT_SIGN_IN", raising=False)
    monkeypatch.setenv("QUALKIT_RECENT", str(tmp_path / "recent.json"))
    return tmp_path


@pytest.fixture
def fake_embedder():
    """The test double registered as embedder "fake-bow" (AppTest runs the app in this process)."""
    from fakes import FakeEmbedder
    from qualkit.embed import register_embedder
    register_embedder("fake-bow", lambda **_: FakeEmbedder())
    return "fake-bow"
