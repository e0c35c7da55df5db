"""Segment: the unit that gets coded. `transcript.text[char_start:char_end] == text` always."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["turn", "sentence", "paragraph"]
UNITS = ("turn", "sentence", "paragraph")


@dataclass(frozen=True)
class Segment:
    id: str
    transcript_id: str
    unit: str
    index: int  # position within its transcript
    speaker: str
    role: str
    char_start: int
    char_end: int
    text: str
    turn_index: int
    question: str = ""  # the interviewer's turn before this one: context, not coded
