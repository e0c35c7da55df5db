"""ThemeResult: what `discover_themes` returns (the themes, the run that made them, and why)."""
from __future__ import annotations

from dataclasses import dataclass

from ..run import Run
from .model import Theme


@dataclass(frozen=True)
class ThemeResult:
    """`assignments` maps every clustered segment id to its theme id, or None for an outlier.

    Segments that were not clustered (interviewer turns, segments in `covered` in novelty mode) are absent.
    `notes` says in words everything a researcher should know about how the themes were made, including any
    fallback from BERTopic to another clustering; `run.params` records the same as data.
    """

    run: Run
    themes: list[Theme]
    assignments: dict[str, str | None]
    method: str
    notes: list[str]

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)
