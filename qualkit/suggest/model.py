"""Suggestion: a machine-proposed code for a segment, with its reasons. Never a coding until a person accepts it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Suggestion:
    id: str  # stable: uuid5(run id? no: segment id, code, model, codebook hash)
    run_id: str
    segment_id: str
    transcript_id: str
    char_start: int
    char_end: int
    code: str
    score: float  # calibrated probability in [0, 1]
    explanation: Mapping[str, object] = field(default_factory=dict)
    # explanation keys: "nearest" (text of the nearest example/definition sentence), "nearest_kind"
    # (example|definition|include), "keywords" (matched), "components" ({name: contribution})
