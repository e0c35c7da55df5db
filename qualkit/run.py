"""Run: the provenance of anything the machine produced (suggestions, themes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Run:
    id: str
    kind: str  # suggest | themes | eval
    started_at: str
    model: str = ""
    model_version: str = ""
    codebook_hash: str = ""
    seed: int | None = None
    params: Mapping[str, object] = field(default_factory=dict)
    finished_at: str | None = None
    notes: str = ""
