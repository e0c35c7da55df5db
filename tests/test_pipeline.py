"""The pipeline: run_pipeline end to end (fake embedder), and a re-run with the same inputs recomputes nothing."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "project"))

from fakes import FakeEmbedder  # noqa: E402
from project_data import P01, P02  # noqa: E402

from qualkit.codebook.model import Code, Codebook  # noqa: E402
from qualkit.coding import Decision  # noqa: E402
from qualkit.pipeline import PipelineReport, run_suggest, run_themes  # noqa: E402
from qualkit.project import Project, ingest  # noqa: E402

CODEBOOK = Codebook("cb", (Code("Human oversight", "A person reads and approves every AI draft.",
                                examples=("I read every draft before it goes out.",)),
                           Code("Efficiency", "Throughput and time saved.", examples=("We see more patients.",))))


def test_suggest_is_reused_until_an_input_changes(tmp_path):
    d = tmp_path / "t"
    d.mkdir()
    (d / "P01.txt").write_text(P01, encoding="utf-8")
    (d / "P02.txt").write_text(P02, encoding="utf-8")
    project = Project.init(tmp_path / "p")
    ingest(project, [d])
    project.store.put_codebook(CODEBOOK)
    emb = FakeEmbedder()
    run1, s1 = run_suggest(project, emb)
    report = PipelineReport()
    run2, s2 = run_suggest(project, emb, report=report)
    assert run2.id == run1.id and [x.id for x in s2] == [x.id for x in s1]
    assert report.notes == [f"suggest: nothing changed since run {run1.id}; reused its suggestions"]
    seg = project.store.segments()[0]
    project.store.record(Decision("d1", seg.transcript_id, seg.char_start, seg.char_end, "Human oversight",
                                  "accept", "ana", "2026-01-01T00:00:00", segment_id=seg.id))
    report = PipelineReport()
    run3, _ = run_suggest(project, emb, report=report, seed=0)
    assert run3.id != run1.id and report.notes == []  # a new decision: recomputed
    run4, _ = run_suggest(project, emb, seed=1)
    assert run4.id != run3.id  # another seed: recomputed


def test_themes_get_the_pipelines_embedder(tmp_path):
    """run_themes hands its embedder to theme discovery: the run records the model, keywords are re-ranked
    with it and each theme names its closest code."""
    project = Project.init(tmp_path / "p")
    ingest(project, [Path(__file__).parents[1] / "sample_transcripts"])
    project.store.put_codebook(CODEBOOK)
    emb = FakeEmbedder()
    result = run_themes(project, emb)
    assert result.run.model == emb.model_id
    assert "keywords re-ranked by similarity to the theme centroid (KeyBERT-inspired)" in result.notes
    assert len([n for n in result.notes if " is closest to code " in n]) == len(result.themes) > 0


SAMPLE = Path(__file__).parents[1] / "sample_transcripts"


def test_run_pipeline_ingests_suggests_and_proposes_candidate_themes(tmp_path):
    from qualkit.pipeline import run_pipeline
    project = Project.init(tmp_path / "p")
    emb = FakeEmbedder()
    report = run_pipeline(project, [SAMPLE], codebook_path=Path(__file__).parents[1] / "codebooks" /
                          "ai_in_medicine.yaml", participants=SAMPLE / "participants.csv", embedder=emb, seed=2)
    store = project.store
    assert report.counts["added"] == 12 and report.counts["segments_written"] == len(store.segments())
    assert report.counts["suggestions"] == len(store.suggestions()) > 0
    assert report.counts["themes"] == len(store.themes()) > 0
    assert set(report.timings) == {"ingest", "embed", "suggest", "themes"}
    runs = {r.kind: r for r in store.runs()}
    assert runs["suggest"].seed == runs["themes"].seed == 2 and runs["suggest"].model == emb.model_id
    assert store.participants()["P01"]["group"]
    # candidate themes are sought among segments the codebook does not cover
    covered = {s.segment_id for s in store.suggestions() if s.above_threshold}
    assert covered and not covered & {sid for t in store.themes() for sid in t.segment_ids}
    again = run_pipeline(project, [SAMPLE], embedder=emb, seed=2)  # nothing changed: nothing recomputed
    assert again.counts["unchanged"] == 12 and again.counts["added"] == 0
    assert [n.split(" run ")[0] for n in again.notes[:2]] == ["suggest: nothing changed since",
                                                              "themes: nothing changed since"]
    assert len(store.runs()) == 2
    project.close()


def test_run_pipeline_without_candidate_themes_and_its_errors(tmp_path):
    from qualkit.errors import QualkitError
    from qualkit.pipeline import run_pipeline
    project = Project.init(tmp_path / "p")
    with pytest.raises(QualkitError, match=r"the project has no codebook: load one with `qualkit codebook use FILE`"):
        run_pipeline(project, [SAMPLE / "P01.txt"], embedder=FakeEmbedder())
    report = run_pipeline(project, codebook_path=Path(__file__).parents[1] / "codebooks" / "ai_in_medicine.yaml",
                          embedder=FakeEmbedder(), themes=False)
    assert "themes" not in report.counts and [r.kind for r in project.store.runs()] == ["suggest"]
    project.close()
