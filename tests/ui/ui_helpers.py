"""Helpers the UI tests share (conftest.py holds only fixtures: its module name is not unique across folders)."""
from pathlib import Path

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def goto(at, page):
    at.sidebar.radio(key="page").set_value(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
