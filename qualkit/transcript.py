"""Transcript and Turn: what ingestion produces. Turn spans index into `Transcript.text`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

Role = Literal["interviewer", "participant"]


@dataclass(frozen=True)
class Turn:
    """One speaker's uninterrupted utterance; `text == transcript.text[char_start:char_end]` (label excluded)."""

    speaker: str
    role: Role
    char_start: int
    char_end: int
    text: str
    start_s: float | None = None
    end_s: float | None = None


@dataclass(frozen=True)
class Transcript:
    """One document. `id` is the document name researchers use (file stem or CSV id), unique in a project."""

    id: str
    source_path: str
    format: str
    text: str
    turns: tuple[Turn, ...]
    participant_id: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    labelled: bool = True  # False when no speaker labels were found (one participant turn per paragraph)

    def check_spans(self) -> None:
        """Raise AssertionError if any turn's span does not reproduce its text (an internal invariant)."""
        for t in self.turns:
            assert self.text[t.char_start:t.char_end] == t.text, (self.id, t)
