"""Helpers the UI tests share (conftest.py holds only fixtures: its module name is not unique across folders)."""
import contextlib
from pathlib import Path

import pytest

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


# ---- real browser (Playwright on Debian's chromium) -------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@contextlib.contextmanager
def chromium():
    """`with chromium() as browser:` Debian's Chromium driven by Playwright (which never downloads a browser here),
    closed on exit whatever happens. Not installed fails the test, never skips it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium is not installed ({CHROMIUM}): apt-get install -y chromium", pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The shell's own choices of project, sign-in and database are not the test's: never passed on to the app.
_NOT_INHERITED = ("QUALKIT_PROJECT", "QUALKIT_SIGN_IN", "QUALKIT_DB")


class running_app:
    """`with running_app(project_dir, home) as url:` the real app (streamlit run app.py) on loopback with HOME=home
    (its log: home/streamlit.log), stopped on exit whatever happens. project_dir None: no project chosen (the start
    page). extra_env: the test's own settings (QUALKIT_SIGN_IN, caches, ...)."""

    def __init__(self, project_dir, home, extra_env=None):
        self.project_dir, self.home, self.extra_env = project_dir, home, dict(extra_env or {})

    def __enter__(self) -> str:
        import os
        import subprocess
        import time
        import urllib.request

        from qualkit.ui import streamlit_command

        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        env.update(HOME=str(self.home), **self.extra_env)
        if self.project_dir is not None:
            env["QUALKIT_PROJECT"] = str(self.project_dir)
        self.log = open(Path(self.home) / "streamlit.log", "w")
        self.proc = subprocess.Popen(streamlit_command(port, entry=APP), env=env, cwd=self.home, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    return url
            except OSError:
                time.sleep(0.5)
        self.__exit__(None, None, None)
        raise RuntimeError("streamlit did not start: " + (Path(self.home) / "streamlit.log").read_text()[-2000:])

    def __exit__(self, *exc):
        import subprocess
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        return False


# A real mouse selection of `needle` (its first occurrence in the workspace's text pieces): press on its first
# character, drag, release on its last.
_BOX_JS = """([needle, nth]) => {
  let seen = 0;
  for (const span of document.querySelectorAll('.qk-ws .qk-piece')) {
    const node = span.firstChild; if (!node) continue;
    const i = node.data.indexOf(needle); if (i < 0) continue;
    if (seen++ < nth) continue;
    const r = document.createRange();
    r.setStart(node, i); r.setEnd(node, i + 1); const a = r.getBoundingClientRect();
    r.setStart(node, i + needle.length - 1); r.setEnd(node, i + needle.length); const b = r.getBoundingClientRect();
    return [a.left + 1, (a.top + a.bottom) / 2, b.right - 1, (b.top + b.bottom) / 2];
  }
  return null; }"""


def mouse_select(page, first: str, last: str | None = None) -> None:
    """Select from the first character of `first` to the last character of `last` (default: of `first`)."""
    a = page.evaluate(_BOX_JS, [first, 0])
    b = page.evaluate(_BOX_JS, [last or first, 0])
    assert a and b, f"text not on the page: {first!r} / {last!r}"
    page.mouse.move(a[0], a[1])
    page.mouse.down()
    page.mouse.move((a[0] + b[2]) / 2, (a[1] + b[3]) / 2, steps=4)
    page.mouse.move(b[2], b[3], steps=4)
    page.mouse.up()


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the Streamlit selectbox labelled `label`."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):  # a Streamlit rerun landing between the click and the typing closes the list
        box.click()
        page.keyboard.type(option)
        try:
            choice.wait_for(state="visible", timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    choice.click()


def first_button(at, label_prefix, key_prefix=""):
    """The first enabled button whose label starts with `label_prefix` (and key with `key_prefix`): the Review
    page labels its buttons by code ("Accept Human oversight")."""
    found = [b for b in at.button if (b.key or "").startswith(key_prefix) and b.label.startswith(label_prefix)
             and not b.disabled]
    assert found, [(b.key, b.label) for b in at.button]
    return found[0]


def shots(tmp_path) -> Path:
    """Where a browser test saves its screenshots: $QUALKIT_SHOTS, else the test's tmp_path."""
    import os
    d = Path(os.environ.get("QUALKIT_SHOTS") or tmp_path)
    d.mkdir(parents=True, exist_ok=True)
    return d
