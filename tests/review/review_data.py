"""A small project for review and UI tests: two ingested interviews, a three-code codebook, a suggest run
with fake suggestions and a themes run with one candidate theme, all put in the store directly. `make_project`
builds it; the `project` fixture (import it: `from review_data import project`) opens it for one test."""
from __future__ import annotations

from pathlib import Path

import pytest

from qualkit.codebook.model import Code, Codebook
from qualkit.ids import stable_id
from qualkit.project import Project, ingest
from qualkit.run import Run
from qualkit.suggest.model import Suggestion
from qualkit.themes.model import Theme

P01 = """Interviewer: Could you tell me about your role?

P01: I'm a family physician. I read every draft before it goes out, always.

Interviewer: And the patients?

P01: Some of them think I typed it myself, which <worries> me a little & I tell them.

Interviewer: Anything about the data?

P01: I worry about where the messages go, the privacy of it.
"""

P02 = """Interviewer: What do you optimise for?

P02: Throughput, honestly. How many patients we can move through the clinic.

Interviewer: And errors?

P02: Fewer errors is the whole point of the model, we measure that every week.
"""

CODEBOOK = Codebook(name="Test book", version="1", codes=(
    Code("Human oversight", "A person reviews AI output before it reaches a patient.",
         examples=("Nothing goes out until I've read it.",), keywords=("review", "read"), color="#1f77b4"),
    Code("Transparency", "Patients are told, or not told, that AI was involved.", keywords=("told", "know")),
    Code("Efficiency", "Throughput, speed and error reduction as goals.", keywords=("throughput", "errors")),
))

SCORES = {  # (transcript, participant turn number) -> [(code, score)]
    ("P01", 0): [("Human oversight", 0.95), ("Efficiency", 0.10)],
    ("P01", 1): [("Transparency", 0.55)],
    ("P01", 2): [("Transparency", 0.30)],
    ("P02", 0): [("Efficiency", 0.92)],
    ("P02", 1): [("Efficiency", 0.70), ("Human oversight", 0.45)],
}


def make_project(root: Path) -> Project:
    docs = root / "transcripts"
    docs.mkdir(parents=True)
    (docs / "P01.txt").write_text(P01, encoding="utf-8")
    (docs / "P02.txt").write_text(P02, encoding="utf-8")
    (docs / "participants.csv").write_text("id,group\nP01,clinician\nP02,developer\n", encoding="utf-8")
    project = Project.init(root / "proj")
    ingest(project, [docs])
    store = project.store
    store.put_codebook(CODEBOOK, by="setup")
    segs = [s for s in store.segments() if s.role == "participant"]
    by_turn: dict[tuple[str, int], object] = {}
    for s in segs:
        n = sum(1 for x in by_turn if x[0] == s.transcript_id)
        by_turn[(s.transcript_id, n)] = s
    run = Run(id="run-suggest-1", kind="suggest", started_at="2026-01-01T00:00:00+00:00", model="fake-bow",
              codebook_hash=CODEBOOK.hash, seed=0)
    suggestions = []
    for key, items in SCORES.items():
        seg = by_turn[key]
        for code, score in items:
            suggestions.append(Suggestion(
                id=stable_id("s", seg.id, code), run_id=run.id, segment_id=seg.id, transcript_id=seg.transcript_id,
                char_start=seg.char_start, char_end=seg.char_end, code=code, score=score,
                threshold=0.5, nearest=CODEBOOK[code].examples[0] if CODEBOOK[code].examples else
                CODEBOOK[code].definition, nearest_kind="example" if CODEBOOK[code].examples else "definition",
                keywords=tuple(CODEBOOK[code].keywords[:1]),
                components={"similarity": round(score * 0.8, 3), "keywords": round(score * 0.2, 3)}))
    store.put_run(run, suggestions=suggestions)
    trun = Run(id="run-themes-1", kind="themes", started_at="2026-01-01T00:05:00+00:00", model="fake-bertopic")
    theme = Theme(id="theme-privacy", run_id=trun.id, label="privacy / data / messages",
                  keywords=("privacy", "data", "messages"), segment_ids=(by_turn[("P01", 2)].id,),
                  quote_ids=(by_turn[("P01", 2)].id,), spread={"clinician": 1, "developer": 0})
    theme2 = Theme(id="theme-week", run_id=trun.id, label="weekly measurement", keywords=("week", "measure"),
                   segment_ids=(by_turn[("P02", 1)].id,), quote_ids=(by_turn[("P02", 1)].id,),
                   spread={"clinician": 0, "developer": 1})
    store.put_run(trun, themes=[theme, theme2])
    return project


@pytest.fixture
def project(tmp_path):
    """make_project(tmp_path), open for the test and closed after it."""
    p = make_project(tmp_path)
    yield p
    p.close()
