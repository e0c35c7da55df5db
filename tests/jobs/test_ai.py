"""suggest and themes as background jobs: progress with counts, reuse of unchanged runs, a failed run keeps
the previous suggestions."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))

from fakes import FakeEmbedder  # noqa: E402
from review_data import project  # noqa: E402,F401  (the fixture)

from qualkit.codebook.model import Codebook  # noqa: E402
from qualkit.jobs import DONE, FAILED, JobManager, suggest_task  # noqa: E402

FAKE = FakeEmbedder()


def load(name):
    return FAKE


def test_suggest_job_reports_stages_with_counts_and_stores_a_run(project):
    seen = []

    class Recorder:
        def __call__(self, stage, done=0, total=None):
            seen.append((stage, done, total))

    before = len(project.store.runs("suggest"))
    summary = suggest_task(str(project.path), load=load)(Recorder())
    n = len(project.store.segments(role="participant"))
    assert ("embedding segments", n, n) in seen
    assert [s for s, _, _ in seen] == ["loading the embedding model"] + ["embedding segments"] * 2 + \
        ["scoring codes for each segment"]
    assert len(project.store.runs("suggest")) == before + 1
    assert summary.startswith(f"{len(project.store.suggestions())} suggestions from run")
    again = suggest_task(str(project.path), load=load)(Recorder())
    assert again.endswith("(nothing had changed: the previous run was reused)")


def test_a_failed_run_keeps_the_previous_suggestions(project):
    before = [s.id for s in project.store.suggestions()]
    project.store.put_codebook(Codebook(name="Empty", codes=()), by="ana")
    job, _ = JobManager().start(project.store.url, "suggest", suggest_task(str(project.path), load=load))
    s = job.wait(60)
    assert s.state == FAILED and s.error == "the project has no codebook: load one with `qualkit codebook use FILE`"
    assert [x.id for x in project.store.suggestions()] == before


@pytest.mark.slow
def test_suggest_and_themes_jobs_with_the_real_model_and_bertopic(tmp_path):
    from qualkit.jobs import themes_task
    from qualkit.ui.sample import build_sample_project
    path = str(build_sample_project(tmp_path / "sample", suggest=False).path)
    jobs = JobManager()
    s = jobs.start(path, "suggest", suggest_task(path))[0].wait(900)
    assert s.state == DONE, s.error
    assert "suggestions from run" in s.summary and "MiniLM" in s.summary
    s = jobs.start(path, "themes", themes_task(path))[0].wait(900)
    assert s.state == DONE, s.error
    assert "candidate themes" in s.summary
