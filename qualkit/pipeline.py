"""The main job as library calls: ingest -> segment -> embed -> suggest -> themes, each stage timed.

The CLI's `qualkit run`, `suggest` and `themes` and the benchmarks call these; nothing here draws or prints.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .errors import QualkitError
from .project import Project, ingest

SUGGEST_MIN_SCORE = 0.5  # a suggestion at or above this is 'confident': its segment counts as covered for themes


@dataclass
class PipelineReport:
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Timer:
    def __init__(self, report: PipelineReport, stage: str):
        self.report, self.stage = report, stage

    def __enter__(self):
        self.t0 = time.perf_counter()

    def __exit__(self, *exc):
        self.report.timings[self.stage] = self.report.timings.get(self.stage, 0.0) + time.perf_counter() - self.t0


def load_embedder(name: str = "minilm", **opts):
    from .embed import get_embedder
    return get_embedder(name, **opts)


def participant_segments(project: Project):
    segments = project.store.segments(role="participant")
    if not segments:
        raise QualkitError("the project has no participant segments: ingest transcripts first (`qualkit ingest`)")
    return segments


def embed_segments(project: Project, embedder, segments, report: PipelineReport | None = None):
    """Vectors for the segments' texts, through the project's embedding cache (only new texts are encoded)."""
    from .embed import embed_texts
    before = project.store.counts()["embeddings"]
    vectors = embed_texts([s.text for s in segments], embedder, project.store)
    if report is not None:
        report.counts["embedded"] = project.store.counts()["embeddings"] - before
    return vectors


def run_suggest(project: Project, embedder, *, seed: int = 0, report: PipelineReport | None = None):
    """Suggest codes for every participant segment; stores the run and its suggestions. Returns (run, suggestions)."""
    from .suggest import suggest
    codebook = project.store.codebook()
    if codebook is None or not codebook.codes:
        raise QualkitError("the project has no codebook: load one with `qualkit codebook use FILE`")
    segments = participant_segments(project)
    report = report or PipelineReport()
    with _Timer(report, "embed"):
        embed_segments(project, embedder, segments, report)
    with _Timer(report, "suggest"):
        run, suggestions = suggest(segments, codebook, embedder, project.store.decisions(), cache=project.store,
                                   seed=seed)
        project.store.put_run(run, suggestions=suggestions)
    report.counts["suggestions"] = len(suggestions)
    return run, suggestions


def run_themes(project: Project, embedder, *, seed: int = 0, novelty: bool = True,
               report: PipelineReport | None = None):
    """Discover candidate themes (by default among segments no code covers); stores the run. Returns the result."""
    from .themes import discover_themes
    report = report or PipelineReport()
    segments = participant_segments(project)
    with _Timer(report, "embed"):
        vectors = embed_segments(project, embedder, segments)
    codebook = project.store.codebook() if novelty else None
    covered: set[str] = set()
    if codebook is not None:
        coded = {(c.transcript_id, c.char_start, c.char_end) for c in project.store.codings()}
        covered |= {s.id for s in segments if (s.transcript_id, s.char_start, s.char_end) in coded}
        covered |= {x.segment_id for x in project.store.suggestions() if x.score >= SUGGEST_MIN_SCORE}
    # discover_themes wants attributes per transcript (for quote spread and per-group counts)
    people = project.store.participants()
    participants = {t.id: {**people.get(t.participant_id or t.id, {}), "participant_id": t.participant_id or t.id}
                    for t in project.store.transcripts()}
    with _Timer(report, "themes"):
        result = discover_themes(segments, vectors, codebook=codebook, covered=frozenset(covered),
                                 participants=participants, seed=seed,
                                 embedding_model=getattr(embedder, "model", None))
        project.store.put_run(result.run, themes=result.themes)
    report.counts["themes"] = len(result.themes)
    report.notes.extend(result.notes)
    return result


def run_pipeline(project: Project, paths: Sequence[str | Path] = (), *, codebook_path: str | Path | None = None,
                 participants: str | Path | None = None, unit: str = "turn", embedder=None, seed: int = 0,
                 themes: bool = True, progress: Callable | None = None) -> PipelineReport:
    """Ingest `paths` (if any), load the codebook (if given), suggest codes and discover themes."""
    from .codebook import load_codebook
    report = PipelineReport()
    if codebook_path:
        project.store.put_codebook(load_codebook(codebook_path))
    if paths:
        with _Timer(report, "ingest"):
            r = ingest(project, paths, participants_csv=participants, unit=unit, progress=progress)
        report.counts.update(added=len(r.added), updated=len(r.updated), unchanged=len(r.unchanged),
                             segments_written=r.segments)
    embedder = embedder or load_embedder()
    run_suggest(project, embedder, seed=seed, report=report)
    if themes:
        run_themes(project, embedder, seed=seed, report=report)
    return report
