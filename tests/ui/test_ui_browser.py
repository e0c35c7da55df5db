"""End to end in a real browser: `streamlit run app.py` on a temporary project, Chromium through Playwright.

Needs Debian's chromium (/usr/bin/chromium); Playwright never downloads a browser here. Screenshots of every
page are saved under the test's tmp_path.
"""
import sys

import pytest

from qualkit.project import Project
from ui_helpers import chromium, running_app

PAGES = ["Project", "Bring in data", "Read", "Code by hand", "Review", "Codebook", "Candidate themes",
         "Compare & export"]


@pytest.fixture
def server(project_dir, tmp_path):
    with running_app(project_dir, tmp_path) as url:  # HOME=tmp_path: no ~/.streamlit state
        yield url


@pytest.mark.slow
def test_accept_and_reject_in_the_browser_survive_a_reload(server, project_dir, tmp_path):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server}/?page=Review")
        name = page.get_by_role("textbox", name="Your name (coder)")
        name.fill("ana")
        name.press("Enter")
        page.get_by_text("Most confident first").click()
        expect(page.get_by_text("0 of 7 suggestions reviewed", exact=False)).to_be_visible(timeout=30000)
        # The passage's selected suggestion carries the keyboard hint: P01's first passage, Human oversight first.
        page.get_by_role("button", name="Accept (A)").click()
        expect(page.get_by_text("Accepted Human oversight.")).to_be_visible(timeout=30000)
        page.get_by_role("button", name="Reject (R)").click()
        expect(page.get_by_text("Rejected Efficiency.")).to_be_visible(timeout=30000)
        expect(page.get_by_text("2 of 7 suggestions reviewed", exact=False)).to_be_visible(timeout=30000)

        page.reload()  # a new session: nothing may be lost
        expect(page.get_by_text("2 of 7 suggestions reviewed", exact=False)).to_be_visible(timeout=30000)
        page.get_by_text("Progress per code").click()
        page.screenshot(path=str(tmp_path / "after-reload-review.png"), full_page=True)

        for name in PAGES:
            page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
            expect(page.get_by_role("heading").first).to_be_visible(timeout=30000)
            page.wait_for_timeout(1500)
            if name == "Read":
                expect(page.locator(".qk-label").first).to_have_text("Human oversight", timeout=30000)
            page.screenshot(path=str(tmp_path / f"page-{name.split()[0].lower()}.png"), full_page=True)
        assert not page.get_by_test_id("stException").count()

    p = Project.open(project_dir)
    try:
        assert [(d.verdict, d.code) for d in p.store.decisions(coder="ana")] == [
            ("accept", "Human oversight"), ("reject", "Efficiency")]
    finally:
        p.close()
    print(f"screenshots in {tmp_path}", file=sys.stderr)
