"""The machine steps as background jobs: suggest codes, propose candidate themes (qualkit.pipeline underneath).

Each task opens its own Project (its own database connections: the app's threads never share one), embeds the
participant segments in batches through the project's embedding cache so progress can be shown and cancel
honoured between batches, then calls the pipeline, which reuses an unchanged run. A run is stored only when it
completes, so a failed or cancelled run leaves the previous suggestions and themes in place.
"""
from __future__ import annotations

import functools
import threading
from typing import Callable

from ..project import Project
from .runner import Progress

BATCH = 128
_load_lock = threading.Lock()


@functools.lru_cache(maxsize=2)
def _embedder(name: str):
    from ..pipeline import load_embedder
    return load_embedder(name)


def shared_embedder(name: str | None = None):
    """The embedder `name` (default: qualkit's default), loaded once per process and shared by later runs."""
    from ..embed import DEFAULT_EMBEDDER
    with _load_lock:  # two first runs at once would load the model twice
        return _embedder(name or DEFAULT_EMBEDDER)


def _open(project_path: str, db: str | None) -> Project:
    return Project.open(project_path, db=db)


def _embed_in_batches(project: Project, embedder, progress: Progress, batch: int = BATCH) -> None:
    from ..embed import embed_texts
    from ..pipeline import participant_segments
    texts = [s.text for s in participant_segments(project)]
    total = len(texts)
    progress("embedding segments", 0, total)
    for start in range(0, total, batch):
        embed_texts(texts[start:start + batch], embedder, project.store)  # cached: only new texts are encoded
        progress("embedding segments", min(total, start + batch), total)


def _reused(report) -> str:
    return " (nothing had changed: the previous run was reused)" if any("reused" in n for n in report.notes) else ""


def _machine_step(project_path: str, db: str | None, embedder: str | None, load, stage: str, step):
    """A job function: open the project, load the model, embed in batches, then `step(project, model, report)`
    under `stage`; returns the one-line summary `step` gives."""
    def run(progress: Progress) -> str:
        from ..pipeline import PipelineReport
        project = _open(project_path, db)
        try:
            progress("loading the embedding model")
            model = load(embedder)
            _embed_in_batches(project, model, progress)
            progress(stage)
            report = PipelineReport()
            summary = step(project, model, report)
            # no progress report after the step: it has stored its run, so a cancel asked meanwhile cannot undo it
            return summary + _reused(report)
        finally:
            project.close()
    return run


def suggest_task(project_path: str, *, db: str | None = None, embedder: str | None = None, seed: int = 0,
                 load: Callable[[str | None], object] = shared_embedder) -> Callable[[Progress], str]:
    """A job function: suggest codes for every participant segment of the project; returns a one-line summary."""
    def step(project, model, report):
        from ..pipeline import run_suggest
        run_, suggestions = run_suggest(project, model, seed=seed, report=report)
        return f"{len(suggestions):,} suggestions from run {run_.id[:8]} ({run_.model})"
    return _machine_step(project_path, db, embedder, load, "scoring codes for each segment", step)


def llm_suggest_task(project_path: str, *, url: str, model: str, db: str | None = None, seed: int = 0,
                     institution_server: bool = False, load: Callable[[str | None], object] = shared_embedder
                     ) -> Callable[[Progress], str]:
    """A job function: suggest codes with a local language model (qualkit.llm) instead of the embedding engine.

    The server settings are checked here, before any job starts: a URL beyond this machine raises EndpointRefused
    unless `institution_server` (qualkit.llm's rule: nothing leaves the machine by accident)."""
    from ..llm import LLMConfig
    config = LLMConfig(url=url, model=model, institution_server=institution_server)

    def run(progress: Progress) -> str:
        from ..llm import run_llm_suggest
        project = _open(project_path, db)
        try:
            progress("loading the embedding model (to pick candidate codes)")
            embedder = load(None)
            progress("asking the language model", 0, None)
            run_, suggestions, stats = run_llm_suggest(
                project, config, embedder=embedder, seed=seed,
                progress=lambda done, total: progress("asking the language model, segment", done, total))
            return f"{len(suggestions):,} suggestions from run {run_.id[:8]} ({run_.model}): {stats.line()}"
        finally:
            project.close()
    return run


def themes_task(project_path: str, *, db: str | None = None, embedder: str | None = None, seed: int = 0,
                novelty: bool = True, load: Callable[[str | None], object] = shared_embedder
                ) -> Callable[[Progress], str]:
    """A job function: propose candidate themes (BERTopic, among segments no code covers unless novelty=False)."""
    def step(project, model, report):
        from ..pipeline import run_themes
        result = run_themes(project, model, seed=seed, novelty=novelty, report=report)
        return f"{len(result.themes)} candidate themes ({result.method})"
    return _machine_step(project_path, db, embedder, load, "clustering segments into candidate themes", step)
