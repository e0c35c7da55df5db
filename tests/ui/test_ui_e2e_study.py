"""A new user's whole study in a real browser, from an empty folder (Playwright + Debian's Chromium, the real
app, the real embedding model and BERTopic): create a project, upload the 12 sample transcripts, participants.csv
and the sample codebook, run suggestions and watch the progress bar finish, accept some and reject others, run
themes and promote one, open the dashboard, download the DOCX report and the .qdpx; then check the files
themselves and the store. A second test uploads a broken file among good ones.

Screenshots of every step go to /tmp/qualkit-shots/app/ (and the test's tmp_path).
"""
import os
import re
import time
import zipfile
from pathlib import Path

import pytest

from qualkit.project import Project
from shared_data import shared_path
from ui_helpers import REPO, SAMPLES, chromium, running_app

SHOTS = Path("/tmp/qualkit-shots/app")
SLOW = 900_000  # ms: the first suggest run exports the model to ONNX on a fresh machine


@pytest.fixture
def app_url(tmp_path):
    """The app with no project chosen (the start page), a home folder of its own."""
    home = tmp_path / "home"
    home.mkdir()
    real_home = os.environ.get("HOME", str(Path.home()))
    # the model's ONNX export and numba's cache stay in the real cache folder: exported once per machine
    env = dict(XDG_CACHE_HOME=os.environ.get("XDG_CACHE_HOME", f"{real_home}/.cache"),
               QUALKIT_RECENT=str(home / "recent.json"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    with running_app(None, home, env) as url:
        yield url


@pytest.fixture
def browser_page(tmp_path):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 1800}, accept_downloads=True)
        yield context.new_page()


class Shots:
    def __init__(self, page, folder: Path, prefix: str):
        self.page, self.folder, self.prefix, self.n = page, folder, prefix, 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> None:
        self.n += 1
        file = f"{self.prefix}-{self.n:02d}-{name}.png"
        try:  # let the last rerun paint: Streamlit marks what it has not redrawn yet as stale
            self.page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=15000)
        except Exception:  # noqa: BLE001 - a screenshot of a page still drawing is better than none
            pass
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(SHOTS / file), full_page=True)
        self.page.screenshot(path=str(self.folder / file), full_page=True)


def goto_page(page, name):
    page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
    from playwright.sync_api import expect
    expect(page.get_by_test_id("stSidebar").get_by_role("radio", name=name, exact=True)).to_be_checked()


def uploader(page, label):
    return page.locator('[data-testid="stFileUploader"]').filter(has_text=label).locator('input[type="file"]')


def create_project(page, folder, name):
    from playwright.sync_api import expect
    expect(page.get_by_role("heading", name="Start a study")).to_be_visible(timeout=60000)
    page.get_by_label("Project name").fill(name)
    page.get_by_label("Folder", exact=True).fill(str(folder))
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Bring in data")).to_be_visible(timeout=60000)


def wait_for_decisions(folder, coder, n, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        p = Project.open(folder)
        try:
            got = p.store.decisions(coder=coder)
        finally:
            p.close()
        if len(got) >= n:
            return got
        time.sleep(0.3)
    raise AssertionError(f"{coder} has {len(got)} decisions, expected {n}")


@pytest.mark.slow
def test_a_new_users_whole_study_in_the_browser(app_url, browser_page, tmp_path):
    from docx import Document
    from lxml import etree
    from playwright.sync_api import expect

    xsd = shared_path("schemas/refi-qda/Project-mrt2019.xsd")  # first: a missing schema fails before the browser run
    page, shot = browser_page, Shots(browser_page, tmp_path, "study")
    folder = tmp_path / "my-study"
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Start a study")).to_be_visible(timeout=60000)
    shot("start-page")
    create_project(page, folder, "Clinicians and AI drafts")
    shot("created-bring-in-data")

    transcripts = sorted(p for p in SAMPLES.iterdir() if p.name.startswith("P"))
    assert len(transcripts) == 12
    uploader(page, "Transcripts").set_input_files([str(p) for p in transcripts] + [str(SAMPLES / "participants.csv")])
    expect(page.get_by_text("P12.txt", exact=True)).to_be_visible(timeout=30000)
    shot("transcripts-chosen")
    page.get_by_role("button", name="Bring these files in").click()
    expect(page.get_by_text("13 of 13 files went in.")).to_be_visible(timeout=120000)
    expect(page.get_by_text(re.compile(r"^P09\.vtt: added \(transcript P09, \d+ segments\)$"))).to_be_visible()
    shot("transcripts-in")

    page.get_by_role("tab", name="Codebook").click()
    uploader(page, "Codebook file").set_input_files(str(REPO / "codebooks" / "ai_in_medicine.yaml"))
    page.get_by_role("button", name="Use this codebook").click()
    expect(page.get_by_text(re.compile(r"^ai_in_medicine\.yaml: added \(AI in medicine"))).to_be_visible(timeout=60000)
    shot("codebook-in")
    page.get_by_role("tab", name="Participants").click()
    expect(page.get_by_text("Participants and their attributes")).to_be_visible()
    shot("participants-table")

    name = page.get_by_role("textbox", name="Your name (coder)")
    name.fill("ana")
    name.press("Enter")
    goto_page(page, "Project")
    expect(page.get_by_text("What to do next")).to_be_visible(timeout=60000)
    shot("dashboard-before-ai")
    page.get_by_role("button", name="Suggest codes").click()
    expect(page.get_by_test_id("stProgress").first).to_be_visible(timeout=60000)
    shot("suggest-progress")
    goto_page(page, "Read")  # the run goes on in the background while the researcher reads
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stProgress")).to_be_visible(timeout=30000)
    shot("reading-while-suggesting")
    goto_page(page, "Project")
    expect(page.get_by_text(re.compile(r"Suggesting codes finished: [\d,]+ suggestions from run"))).to_be_visible(
        timeout=SLOW)
    shot("suggest-finished")

    goto_page(page, "Review")
    accept = page.get_by_role("button", name=re.compile(r"^Accept (?!all)"))
    reject = page.get_by_role("button", name=re.compile(r"^Reject (?!all)"))
    expect(accept.first).to_be_visible(timeout=60000)
    shot("review")
    for i, button in enumerate([accept, accept, reject, accept, reject]):
        button.first.click()
        wait_for_decisions(folder, "ana", i + 1)
        expect(accept.first).to_be_visible(timeout=60000)
    shot("reviewed-five")
    decided = wait_for_decisions(folder, "ana", 5)
    accepted = {d.code for d in decided if d.verdict == "accept"}
    assert [d.verdict for d in decided].count("accept") == 3 and [d.verdict for d in decided].count("reject") == 2

    goto_page(page, "Candidate themes")
    page.get_by_role("button", name="Propose candidate themes").click()
    expect(page.get_by_text(re.compile(r"Proposing candidate themes finished: \d+ candidate themes"))).to_be_visible(
        timeout=SLOW)
    shot("themes-proposed")
    page.get_by_label("Definition").first.fill("Talk about this theme, promoted in the end-to-end test.")
    page.get_by_role("button", name="Promote to code").first.click()
    expect(page.get_by_text(re.compile(r"^Promoted .+: its quotes are in the review queue\.$"))).to_be_visible(
        timeout=60000)
    shot("theme-promoted")

    goto_page(page, "Project")
    expect(page.get_by_text("Codes by frequency")).to_be_visible(timeout=60000)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=60000)
    shot("dashboard-after")

    goto_page(page, "Compare & export")
    page.get_by_role("tab", name="Export").click()
    page.get_by_role("button", name="Prepare downloads").click()
    expect(page.get_by_role("button", name="Download qdpx")).to_be_visible(timeout=120000)
    shot("downloads")
    got = {}
    for fmt in ("docx", "qdpx"):
        with page.expect_download() as d:
            page.get_by_role("button", name=f"Download {fmt}").click()
        got[fmt] = tmp_path / d.value.suggested_filename
        d.value.save_as(got[fmt])

    assert got["docx"].name == "my-study-docx.docx"
    tables = [[c.text for row in t.rows for c in row.cells] for t in Document(str(got["docx"])).tables]
    theme_table = next(t for t in tables if all(any(code in cell for cell in t) for code in accepted))
    assert theme_table
    with zipfile.ZipFile(got["qdpx"]) as z:
        qde = etree.fromstring(z.read("project.qde"))
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    assert schema.validate(qde), schema.error_log
    p = Project.open(folder)
    try:
        mine = p.store.decisions(coder="ana")
        assert {d.coder for d in p.store.decisions()} == {"ana"}
        assert [d.verdict for d in mine][:5] == [d.verdict for d in decided]
        assert len(p.store.transcripts()) == 12 and p.store.latest_run("suggest").model.startswith("sentence-")
        assert [t.status for t in p.store.themes()].count("promoted") == 1
    finally:
        p.close()


@pytest.mark.slow
def test_a_broken_file_among_good_ones_is_refused_and_changes_nothing(app_url, browser_page, tmp_path):
    from playwright.sync_api import expect
    page, shot = browser_page, Shots(browser_page, tmp_path, "broken")
    folder = tmp_path / "study"
    page.goto(app_url)
    create_project(page, folder, "Broken file study")
    broken = tmp_path / "P13.docx"
    broken.write_bytes((REPO / "tests" / "data" / "bad" / "truncated.docx").read_bytes())
    uploader(page, "Transcripts").set_input_files(
        [str(SAMPLES / "P01.txt"), str(broken), str(SAMPLES / "P03.docx"), str(SAMPLES / "P09.vtt")])
    page.get_by_role("button", name="Bring these files in").click()
    expect(page.get_by_text("3 of 4 files went in; 1 refused (the project is unchanged by it).")).to_be_visible(
        timeout=120000)
    expect(page.get_by_text(re.compile(r"^P13\.docx: refused \(is not a valid \.docx file"))).to_be_visible()
    for good in ("P01.txt", "P03.docx", "P09.vtt"):
        expect(page.get_by_text(re.compile(rf"^{re.escape(good)}: added \(transcript "))).to_be_visible()
    shot("per-file-results")
    p = Project.open(folder)
    try:
        assert sorted(p.store.transcript_hashes()) == ["P01", "P03", "P09"]
    finally:
        p.close()
    assert sorted(x.name for x in (folder / "sources").iterdir()) == ["P01.txt", "P03.docx", "P09.vtt"]


@pytest.mark.slow
def test_sign_in_in_the_browser(tmp_path, browser_page):
    """Served for a team (QUALKIT_SIGN_IN=1, as `qualkit app DIR --host ADDR` sets it; bound to loopback here):
    a name in the URL signs nobody in, a wrong password is refused, the right one opens the project with the
    account as the coder (no name box). Decisions under the account: tests/ui/test_ui_app_signin.py."""
    from playwright.sync_api import expect
    from qualkit.auth import add_account
    p = Project.init(tmp_path / "team", name="Team study")
    add_account(p.store, "ana", "ana's long password")
    p.close()
    home = tmp_path / "home"
    home.mkdir()
    page, shot = browser_page, Shots(browser_page, tmp_path, "signin")
    with running_app(tmp_path / "team", home, {"QUALKIT_SIGN_IN": "1"}) as url:
        page.goto(f"{url}/?coder=ana&page=Codebook")  # a name in the URL signs nobody in
        expect(page.get_by_role("heading", name="Sign in to Team study")).to_be_visible(timeout=60000)
        expect(page.get_by_text("Your name (coder)")).to_have_count(0)
        page.get_by_label("Account name").fill("ana")
        page.get_by_role("textbox", name="Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("wrong name or password (4 attempt(s) left before a 15-minute wait)")).to_be_visible(
            timeout=30000)
        shot("wrong-password")
        page.get_by_label("Account name").fill("ana")
        page.get_by_role("textbox", name="Password").fill("ana's long password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as ana")).to_be_visible(timeout=30000)
        expect(page.get_by_role("heading", name="Codebook")).to_be_visible(timeout=30000)  # the page asked for
        expect(page.get_by_text("Your name (coder)")).to_have_count(0)
        shot("signed-in")
