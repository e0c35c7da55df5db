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
