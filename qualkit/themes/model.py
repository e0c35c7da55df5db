"""Theme: a candidate code proposed by clustering what the codebook leaves uncovered."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Theme:
    id: str
    run_id: str
    label: str
    keywords: tuple[str, ...]
    segment_ids: tuple[str, ...]
    quote_ids: tuple[str, ...]  # 3-5 representative segment ids, spread over participants and groups
    spread: Mapping[str, int] = field(default_factory=dict)  # group -> participants with the theme
    status: str = "candidate"  # candidate | promoted | dismissed
