"""The tool as a second coder: its confident suggestions as codings of a pseudo-coder, for agreement only.

These codings never enter the store or a report's counts; they exist so that `qualkit agreement --coder ai`
measures the tool against a human coder the way two humans are compared.
"""
from __future__ import annotations

from dataclasses import replace

from ..coding import Coding
from ..snapshot import Snapshot
from .project import Project

AI_CODER = "ai"


def ai_codings(project: Project, run_id: str | None = None) -> list[Coding]:
    """Suggestions of a run (default: the latest) that are above their code's threshold, as codings by `ai`."""
    out = []
    for s in project.store.suggestions(run_id):
        if s.above_threshold:
            out.append(Coding(s.transcript_id, s.char_start, s.char_end, s.code, AI_CODER, "", "ai",
                              s.segment_id, s.id, None))
    return out


def snapshot_with_ai(project: Project, run_id: str | None = None) -> Snapshot:
    snap = project.store.snapshot(project.name)
    return replace(snap, codings=snap.codings + tuple(ai_codings(project, run_id)))
