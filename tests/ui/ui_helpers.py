"""Helpers the UI tests share (conftest.py holds only fixtures: its module name is not unique across folders)."""
from pathlib import Path

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def goto(at, page):
    at.sidebar.radio(key="page").set_value(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_transcripts"


def button(at, label):
    """The one button labelled `label` (AppTest finds buttons by key; labels are what a researcher sees)."""
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, (label, [b.label for b in at.button])
    return found[0]


def create_project(at, folder, name="My study"):
    at.text_input(key="home_name").set_value(name)
    at.text_input(key="home_folder").set_value(str(folder))
    button(at, "Create project").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sample_files(*names):
    """(name, bytes, mime) tuples for AppTest's file_uploader.set_value."""
    return [(n, (SAMPLES / n).read_bytes(), "application/octet-stream") for n in names]


def wait_for_run(at, timeout=120):
    """Rerun the page until no background run is going (the fragment would do this in a browser)."""
    import time
    from qualkit.ui.state import job_manager
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not job_manager().running():
            at.run()
            return at
        time.sleep(0.2)
    raise AssertionError("the background run did not finish")
