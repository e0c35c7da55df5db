"""The Read page as a coding workspace, in a real browser (Debian's chromium through Playwright): mouse
selections in a .txt, the .docx and the .vtt transcript of the sample study become codings with exact
offsets, survive a reload, a selection becomes a new code, a click on a highlight removes it.
Screenshots of every step go to $QUALKIT_SHOTS (default: the test's tmp_path)."""
from pathlib import Path

import pytest

from qualkit.codebook import load_codebook
from qualkit.project import Project, ingest
from ui_helpers import chromium, mouse_select, pick, running_app, shots

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sample_project(tmp_path):
    src = REPO / "sample_transcripts"
    project = Project.init(tmp_path / "sample")
    ingest(project, [src / "P01.txt", src / "P03.docx", src / "P09.vtt"], participants_csv=src / "participants.csv")
    project.store.put_codebook(load_codebook(REPO / "codebooks" / "ai_in_medicine.yaml"), by="setup")
    project.close()
    return tmp_path / "sample"


def needle_in(transcript, skip: int = 0) -> str:
    """Five words from the middle of a participant turn, occurring once in the transcript."""
    turns = [t for t in transcript.turns if t.role == "participant" and len(t.text.split()) >= 14]
    words = turns[skip].text.split()
    for i in range(3, len(words) - 5):
        cand = " ".join(words[i:i + 5])
        if transcript.text.count(cand) == 1 and cand in turns[skip].text:
            return cand
    raise AssertionError(f"no unique phrase in {transcript.id}")


def open_read(page, url, tid):
    page.goto(f"{url}/?page=Read&coder=ana")
    page.get_by_text("Read and code").wait_for(timeout=60000)
    pick(page, "Transcript", tid)
    page.locator(f'.qk-ws[data-transcript="{tid}"]').wait_for(timeout=30000)


@pytest.mark.slow
def test_mouse_selections_are_coded_exactly_in_txt_docx_and_vtt(sample_project, tmp_path):
    from playwright.sync_api import expect

    out = shots(tmp_path)
    store = Project.open(sample_project).store
    texts = {t.id: t for t in store.transcripts()}
    with running_app(sample_project, tmp_path) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        coded = {}
        for tid, code in (("P01", "Human oversight"), ("P03", "Transparency and consent"), ("P09", "Privacy and data security")):
            t = texts[tid]
            code = code if code in store.codebook() else store.codebook().names[0]
            needle = needle_in(t)
            open_read(page, url, tid)
            mouse_select(page, needle)
            bar = page.locator('[data-testid="qk-code-bar"]')
            expect(bar).to_be_visible()
            page.screenshot(path=str(out / f"workspace-{tid}-selected.png"), full_page=True)
            bar.get_by_role("button", name=code, exact=True).click()
            expect(page.get_by_text(f"as {code}.")).to_be_visible(timeout=30000)
            coded[tid] = (needle, code)

            page.reload()  # a new session: the coding is in the store, not in the page
            page.locator(f'.qk-ws[data-transcript="{tid}"]').wait_for(timeout=60000)
            pieces = page.locator(".qk-ws .qk-coded")
            expect(pieces.filter(has_text=needle)).to_have_count(1)
            assert needle in pieces.all_inner_texts()
            page.screenshot(path=str(out / f"workspace-{tid}-after-reload.png"), full_page=True)

        for tid, (needle, code) in coded.items():
            [c] = [c for c in store.codings("ana") if c.transcript_id == tid]
            assert (c.code, c.origin) == (code, "human")
            assert texts[tid].text[c.char_start:c.char_end] == needle
            assert c.char_start == texts[tid].text.index(needle)

        # across two turns: from a phrase in one participant turn to one in the next
        t = texts["P01"]
        first, second = needle_in(t, 1), needle_in(t, 2)
        open_read(page, url, "P01")
        mouse_select(page, first, second)
        bar = page.locator('[data-testid="qk-code-bar"]')
        page.screenshot(path=str(out / "workspace-across-turns-selected.png"), full_page=True)
        # a new code, made from the selection
        bar.get_by_role("button", name="+ New code…").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible(timeout=30000)
        dialog.get_by_role("textbox", name="Name of the new code").fill("Reading habits")
        dialog.get_by_role("textbox", name="Definition (what the code means)").fill("How clinicians read what the AI drafts.")
        page.screenshot(path=str(out / "workspace-new-code-dialog.png"), full_page=True)
        dialog.get_by_role("button", name="Create the code and apply it").click()
        expect(page.get_by_text("as Reading habits.")).to_be_visible(timeout=30000)
        assert "Reading habits" in store.codebook()
        [c] = [c for c in store.codings("ana") if c.code == "Reading habits"]
        assert c.char_start == t.text.index(first)
        assert c.char_end == t.text.index(second) + len(second)
        page.screenshot(path=str(out / "workspace-new-code-applied.png"), full_page=True)

        # click a highlight: its details, then remove it
        needle, code = coded["P01"]
        page.locator(".qk-ws .qk-coded").filter(has_text=needle).first.click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text("hand coding")).to_be_visible(timeout=30000)
        expect(dialog.get_by_text(code).first).to_be_visible()
        page.screenshot(path=str(out / "workspace-highlight-dialog.png"), full_page=True)
        dialog.get_by_role("button", name=f"Remove {code}").click()
        expect(page.get_by_text(f"Removed {code}.")).to_be_visible(timeout=30000)
        assert not [c for c in store.codings("ana") if c.transcript_id == "P01" and c.code == code]
        expect(page.locator(".qk-ws .qk-coded").filter(has_text=needle)).to_have_count(0)
        page.screenshot(path=str(out / "workspace-removed.png"), full_page=True)
