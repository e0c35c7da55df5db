"""The tool as a second coder: its confident suggestions as codings of a pseudo-coder, for agreement only.

These codings never enter the store or a report's counts; they exist so that `qualkit agreement --coder ai`
measures the tool against a human coder the way two humans are compared.
"""
from __future__ import annotations

from dataclasses import replace

from ..coding import Coding
from ..errors import QualkitError
from ..snapshot import Snapshot
from .project import Project

AI_CODER = "ai"


def ai_codings(project: Project, run_id: str | None = None) -> list[Coding]:
    """Suggestions of a run (default: the latest) that are above their code's threshold, as codings by `ai`."""
    return [Coding(s.transcript_id, s.char_start, s.char_end, s.code, AI_CODER, "", "ai", s.segment_id, s.id, None)
            for s in project.store.suggestions(run_id) if s.above_threshold]


def snapshot_with_ai(project: Project, run_id: str | None = None) -> Snapshot:
    """The project's snapshot with the tool's confident suggestions added as coder `ai` (in memory only).
    QualkitError when a person already codes as `ai` (the two would be pooled) or there are no suggestions."""
    snap = project.store.snapshot(project.name)
    if any(c.coder == AI_CODER for c in snap.codings):
        raise QualkitError(f"a human coder in this project is named {AI_CODER!r}, the name the tool codes under "
                           f"in agreement: compare the coders by name without --coder {AI_CODER}")
    if (project.store.latest_run("suggest") if run_id is None else run_id) is None:
        raise QualkitError("no suggestions to compare with: run `qualkit suggest` first")
    return replace(snap, codings=snap.codings + tuple(ai_codings(project, run_id)))
