"""The main job as library calls: ingest -> segment -> embed -> suggest -> themes, each stage timed.

The CLI's `qualkit run`, `suggest` and `themes` and the benchmarks call these; nothing here draws or prints.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from .errors import QualkitError
from .ids import text_hash
from .project import Project, ingest



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


def load_embedder(name: str | None = None, **opts):
    from .embed import DEFAULT_EMBEDDER, get_embedder
    return get_embedder(name or DEFAULT_EMBEDDER, **opts)


def participant_segments(project: Project):
    segments = project.store.segments(role="participant")
    if not segments:
        raise QualkitError("the project has no participant segments: ingest transcripts first (`qualkit ingest`)")
    return segments


def embed_segments(project: Project, embedder, segments, report: PipelineReport | None = None):
    """Vectors for the segments' texts, through the project's embedding cache (only new texts are encoded)."""
    from .embed import embed_texts
    before = project.store.counts()["embeddings"] if report is not None else 0  # counting is for the report only
    vectors = embed_texts([s.text for s in segments], embedder, project.store)
    if report is not None:
        report.counts["embedded"] = project.store.counts()["embeddings"] - before
    return vectors


def run_suggest(project: Project, embedder, *, seed: int = 0, report: PipelineReport | None = None, llm=None,
                progress: Callable | None = None):
    """Suggest codes for every participant segment; stores the run and its suggestions. Returns (run, suggestions).

    With `llm` (a qualkit.llm.LLMConfig) a language model judges the segments, the embedder pre-selecting the
    candidate codes; `progress(done, total)` follows its segments (qualkit.llm.run_llm_suggest)."""
    if llm is not None:
        from .llm import run_llm_suggest
        run, suggestions, _ = run_llm_suggest(project, llm, embedder=embedder, seed=seed, progress=progress,
                                              report=report)
        return run, suggestions
    from .suggest import suggest
    codebook = project.store.codebook()
    if codebook is None or not codebook.codes:
        raise QualkitError("the project has no codebook: load one with `qualkit codebook use FILE`")
    segments = participant_segments(project)
    report = report or PipelineReport()
    with _Timer(report, "embed"):
        embed_segments(project, embedder, segments, report)
    decisions = project.store.decisions()
    key = input_key(codebook.hash, _model(embedder), seed, [x.id for x in segments], [d.id for d in decisions])
    with _Timer(report, "suggest"):
        latest = _reusable(project, "suggest", key)
        if latest is not None:
            # Same segments, codebook, decisions, model and seed give the same suggestions: reuse them.
            suggestions = project.store.suggestions(latest.id)
            report.notes.append(f"suggest: nothing changed since run {latest.id}; reused its suggestions")
            report.counts["suggestions"] = len(suggestions)
            return latest, suggestions
        run, suggestions = suggest(segments, codebook, embedder, decisions, cache=project.store, seed=seed)
        run = replace(run, params={**run.params, "input_key": key})
        project.store.put_run(run, suggestions=suggestions)
    report.counts["suggestions"] = len(suggestions)
    return run, suggestions


def input_key(*parts) -> str:
    """A digest of everything a machine step depends on; equal keys mean the stored result can be reused."""
    return text_hash(json.dumps(parts, sort_keys=True, default=str))[:32]


def _reusable(project: Project, kind: str, key: str):
    """The latest run of `kind` if it was made from the same inputs (its input_key is `key`), else None."""
    latest = project.store.latest_run(kind)
    return latest if latest is not None and latest.params.get("input_key") == key else None


def _model(embedder) -> str:
    return f"{getattr(embedder, 'model_id', type(embedder).__name__)}@{getattr(embedder, 'model_version', '')}"


def run_themes(project: Project, embedder, *, seed: int = 0, novelty: bool = True,
               report: PipelineReport | None = None):
    """Discover candidate themes (by default among segments no code covers); stores the run. Returns the result."""
    from .suggest.coverage import covered_segments
    from .themes import ThemeResult, discover_themes
    report = report or PipelineReport()
    segments = participant_segments(project)
    with _Timer(report, "embed"):
        vectors = embed_segments(project, embedder, segments)
    codebook = project.store.codebook() if novelty else None
    covered = (covered_segments(segments, project.store.codings(), project.store.suggestions())
               if codebook is not None else frozenset())
    # discover_themes wants attributes per transcript (for quote spread and per-group counts)
    people = project.store.participants()
    participants = {t.id: {**people.get(t.participant_id or t.id, {}), "participant_id": t.participant_id or t.id}
                    for t in project.store.transcripts()}
    key = input_key(codebook.hash if codebook else None, _model(embedder), seed, [x.id for x in segments],
                    sorted(covered), participants)
    with _Timer(report, "themes"):
        latest = _reusable(project, "themes", key)
        if latest is not None:
            notes = [f"themes: nothing changed since run {latest.id}; reused its themes"]
            report.notes.extend(notes)
            themes = project.store.themes(latest.id)
            report.counts["themes"] = len(themes)
            return ThemeResult(run=latest, themes=themes, assignments={}, method=str(latest.params.get("method")),
                               notes=notes)
        result = discover_themes(segments, vectors, codebook=codebook, covered=covered,
                                 participants=participants, seed=seed,
                                 embedding_model=embedder)
        result = replace(result, run=replace(result.run, params={**result.run.params, "input_key": key}))
        project.store.put_run(result.run, themes=result.themes)
    report.counts["themes"] = len(result.themes)
    report.notes.extend(result.notes)
    return result


def run_pipeline(project: Project, paths: Sequence[str | Path] = (), *, codebook_path: str | Path | None = None,
                 participants: str | Path | None = None, unit: str = "turn", embedder=None, seed: int = 0,
                 themes: bool = True, progress: Callable | None = None, llm=None) -> PipelineReport:
    """Ingest `paths` (if any), load the codebook (if given), suggest codes (with `llm`, a qualkit.llm.LLMConfig:
    by a language model) and propose candidate themes."""
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
    run_suggest(project, embedder, seed=seed, report=report, llm=llm)
    if themes:
        run_themes(project, embedder, seed=seed, report=report)
    return report
