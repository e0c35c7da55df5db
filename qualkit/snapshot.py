"""Snapshot: a read-only view of a whole project, the input of analysis and of every exporter/importer.

The store builds one (`Store.snapshot()`); importers return one; analysis and exports are pure functions of it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .codebook.model import Codebook
from .coding import Coding, Decision
from .segment.model import Segment
from .transcript import Transcript


@dataclass(frozen=True)
class Memo:
    id: str
    target_kind: str  # segment | code | transcript | project
    target_id: str
    text: str
    author: str
    at: str


@dataclass(frozen=True)
class Snapshot:
    name: str
    transcripts: tuple[Transcript, ...]
    codebook: Codebook
    codings: tuple[Coding, ...]  # accepted or hand-applied only; pending suggestions never appear here
    participants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # participant id -> attributes
    segments: tuple[Segment, ...] = ()
    decisions: tuple[Decision, ...] = ()
    memos: tuple[Memo, ...] = ()
    runs: tuple = ()  # qualkit.run.Run records, for the AI-assistance disclosure

    def transcript(self, transcript_id: str) -> Transcript:
        for t in self.transcripts:
            if t.id == transcript_id:
                return t
        raise KeyError(transcript_id)

    def participant_of(self, transcript_id: str) -> str:
        t = self.transcript(transcript_id)
        return t.participant_id or t.id

    def attribute(self, participant_id: str, name: str) -> str | None:
        return (self.participants.get(participant_id) or {}).get(name)

    @property
    def coders(self) -> list[str]:
        return sorted({c.coder for c in self.codings})
