"""Review by segment in a real browser with the keyboard, on the sample study scored by the real embedding model
(MiniLM, offline): accept two codes on one passage and reject a third with keys, undo one, check the store; then
ten decisions on one code change that code's pending scores and order, on the page and from the store."""
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from qualkit.codebook import load_codebook
from qualkit.project import Project, ingest
from qualkit.review import review_suggestions
from qualkit.review.queue import segment_queue
from ui_helpers import chromium, pick, running_app, shots

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scored_sample(tmp_path_factory):
    from qualkit.embed import get_embedder
    from qualkit.suggest import suggest

    root = tmp_path_factory.mktemp("review-browser")
    if os.environ.get("QUALKIT_SCORED_SAMPLE"):  # a copy of one built earlier: quicker re-runs while debugging
        import shutil
        shutil.copytree(os.environ["QUALKIT_SCORED_SAMPLE"], root / "sample")
        return root / "sample"
    src = REPO / "sample_transcripts"
    project = Project.init(root / "sample")
    ingest(project, [src], participants_csv=src / "participants.csv")
    store = project.store
    store.put_codebook(load_codebook(REPO / "codebooks" / "ai_in_medicine.yaml"), by="setup")
    run, suggestions = suggest(store.segments(role="participant"), store.codebook(), get_embedder("minilm"),
                               cache=store)
    store.put_run(run, suggestions=suggestions)
    project.close()
    return root / "sample"


def reference(code: str) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for line in (REPO / "sample_transcripts" / "reference_codings.csv").read_text().splitlines()[1:]:
        doc, a, b, c, _ = line.split(",", 4) if line.count(",") >= 4 else (line.split(",") + [""])[:5]
        if c == code:
            out.setdefault(doc, []).append((int(a), int(b)))
    return out


def current_passage(page, store):
    """(transcript id, segment) of the passage the page shows, from its header 'P01 · passage 5' (or, when the
    speaker is not the transcript's id, 'P01 · Participant · passage 5')."""
    head = page.locator('[data-testid="stHeading"]').filter(has_text=" · passage ").first.inner_text()
    m = re.match(r"(\S+) · (?:.* · )?passage (\d+)", head.strip())
    tid, n = m.group(1), int(m.group(2)) - 1
    return next(s for s in store.segments(transcript_id=tid) if s.index == n)


@pytest.mark.slow
def test_review_by_segment_with_the_keyboard_and_live_learning(scored_sample, tmp_path):
    from playwright.sync_api import expect

    out = shots(tmp_path)
    store = Project.open(scored_sample).store
    suggestions = review_suggestions(store)
    per_seg = Counter(s.segment_id for s in suggestions)
    busy = next(s for s in sorted(store.segments(role="participant"), key=lambda s: (s.transcript_id, s.index))
                if per_seg[s.id] >= 3)
    with running_app(scored_sample, tmp_path) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(f"{url}/?page=Review&coder=ana")
        expect(page.get_by_text("Review suggestions")).to_be_visible(timeout=120000)
        expect(page.get_by_text("Learning live")).to_be_visible(timeout=120000)
        page.get_by_text("Transcript order").click()
        pick(page, "Participant", busy.transcript_id)
        page.wait_for_timeout(1500)
        page.mouse.click(700, 5)  # keys go to the page, not to the filter just used
        for _ in range(40):
            if current_passage(page, store).id == busy.id:
                break
            shown = current_passage(page, store).id
            page.keyboard.press("n")
            for _ in range(80):
                page.wait_for_timeout(250)
                if current_passage(page, store).id != shown:
                    break
        else:
            page.screenshot(path=str(out / "review-not-found.png"), full_page=True)
            pytest.fail(f"passage {busy.id} never came in transcript order")
        expect(page.get_by_text("Keys:")).to_be_visible()
        page.screenshot(path=str(out / "review-1-passage.png"), full_page=True)

        page.mouse.click(700, 5)  # focus the page, not a field
        for key in ("a", "a", "r"):
            before = len(store.decisions(coder="ana"))
            page.keyboard.press(key)
            expect(page.get_by_text("Accepted " if key == "a" else "Rejected ").first).to_be_visible(timeout=30000)
            for _ in range(60):
                if len(store.decisions(coder="ana")) > before:
                    break
                page.wait_for_timeout(250)
        page.screenshot(path=str(out / "review-2-after-keys.png"), full_page=True)
        page.keyboard.press("u")
        expect(page.get_by_text("Undid your last action (1 decision).")).to_be_visible(timeout=30000)
        log = [(d.verdict, d.segment_id) for d in store.decisions(coder="ana")]
        assert [v for v, _ in log] == ["accept", "accept", "reject", "undo"]
        assert {sid for _, sid in log} == {busy.id}
        accepted = {d.code for d in store.decisions(coder="ana") if d.verdict == "accept"}
        assert len(accepted) == 2 and store.decisions(coder="ana")[2].code not in accepted
        assert {c.code for c in store.codings("ana")} == accepted
        page.screenshot(path=str(out / "review-3-after-undo.png"), full_page=True)

        # ten decisions on one code, answered as the reference coder would
        code = Counter(s.code for s in suggestions).most_common(1)[0][0]
        ref = reference(code)
        run_score = {s.segment_id: s.score for s in suggestions if s.code == code}
        pick(page, "Participant", "(all)")
        pick(page, "Code", code)
        page.get_by_text("Most informative first").click()
        expect(page.get_by_text("passages in this order")).to_have_count(1, timeout=30000)  # a rerun settled
        page.wait_for_timeout(1500)
        page.mouse.click(700, 5)
        for i in range(10):
            seg = current_passage(page, store)
            hit = any(min(b, seg.char_end) - max(a, seg.char_start) > 0 for a, b in ref.get(seg.transcript_id, ()))
            before = len(store.decisions(coder="ana"))
            page.keyboard.press("a" if hit else "r")
            for _ in range(80):
                if len(store.decisions(coder="ana")) > before:
                    break
                page.wait_for_timeout(250)
            expect(page.get_by_text("passages in this order")).to_have_count(1, timeout=30000)  # a rerun settled
        page.wait_for_timeout(1000)
        page.screenshot(path=str(out / "review-4-after-ten.png"), full_page=True)
        shown = page.get_by_text(re.compile(r"\(was \d\.\d\d when suggested\)"))
        expect(shown.first).to_be_visible(timeout=30000)  # the page shows re-scored suggestions
        decided = {d.segment_id for d in store.decisions(coder="ana") if d.code == code}
        assert len(decided) == 10

    # from the store: the decisions now in it re-score that code's pending suggestions and change their order
    from qualkit.embed import get_embedder
    from qualkit.suggest.live import LiveModel

    model = LiveModel(store.segments(), store.codebook(), get_embedder("minilm"), store.decisions(), cache=store)
    pending = [s for s in suggestions if s.code == code and s.segment_id not in decided]
    live = {s.segment_id: model.score(s.segment_id, code) for s in pending}
    assert max(abs(live[sid] - run_score[sid]) for sid in live) > 0.01
    old = [it.segment_id for it in segment_queue(pending, "confident")]
    new = [it.segment_id for it in segment_queue(pending, "confident", score=lambda s: live[s.segment_id])]
    assert old != new
