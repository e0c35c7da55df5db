"""The sample study: the bundled interviews, participants and codebook as a ready project (built once)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..codebook import load_codebook
from ..errors import ProjectError
from ..project import Project, ingest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_ENV = "QUALKIT_SAMPLE_PROJECT"


def sample_dir() -> Path:
    """Where the sample project lives: $QUALKIT_SAMPLE_PROJECT, else ~/.qualkit/sample-project."""
    return Path(os.environ.get(SAMPLE_ENV) or Path.home() / ".qualkit" / "sample-project")


def build_sample_project(dest: str | Path | None = None, *, embedder=None, sources: Path = REPO,
                         progress: Callable[[float, str], None] | None = None, suggest: bool = True) -> Project:
    """Open the sample project at `dest`, building what is missing: ingest sample_transcripts/ with its
    participants.csv, load codebooks/ai_in_medicine.yaml, and (with `suggest`) run suggestions through the
    pipeline with `embedder` (default: the real MiniLM model, offline). Idempotent.

    Raises ProjectError if the sample files are not there (qualkit installed without its repository).
    """
    report = progress or (lambda fraction, message: None)
    transcripts, codebook_file = sources / "sample_transcripts", sources / "codebooks" / "ai_in_medicine.yaml"
    if not transcripts.is_dir() or not codebook_file.is_file():
        raise ProjectError(f"the sample study is not available: {transcripts} and {codebook_file} are needed; "
                           f"open your own project instead (qualkit app DIR)")
    project = Project.init(dest or sample_dir(), name="Sample study: AI in medicine")
    store = project.store
    report(0.1, "Ingesting the sample interviews")
    if not store.transcript_hashes():
        ingest(project, [transcripts], participants_csv=transcripts / "participants.csv")
    report(0.4, "Loading the codebook")
    if store.codebook() is None:
        store.put_codebook(load_codebook(codebook_file), by="sample")
    if suggest and store.latest_run("suggest") is None:
        from ..pipeline import load_embedder, run_suggest
        report(0.5, "Suggesting codes (first run loads the embedding model)")
        run_suggest(project, embedder or load_embedder(), seed=0)
    report(1.0, "Sample project ready")
    return project
