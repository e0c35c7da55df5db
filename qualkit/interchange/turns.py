"""How imported text (Taguette documents, REFI-QDA sources) is split into speaker turns: decided here only."""
from __future__ import annotations

from ..ingest.speakers import parse_speaker_turns
from ..transcript import Turn


def turns_for(text: str) -> tuple[tuple[Turn, ...], bool]:
    """Speaker turns for an imported document and whether speaker labels were found.

    The same parser ingestion uses, so an imported transcript segments like an ingested one. Turn spans
    index `text` as is (imports never rewrite the text: coding offsets point into it).
    """
    turns, labelled = parse_speaker_turns(text)
    return tuple(turns), labelled
