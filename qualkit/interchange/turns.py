"""How imported text (Taguette documents, REFI-QDA sources) is split into speaker turns: decided here only."""
from __future__ import annotations

from ..transcript import Turn


def turns_for(text: str) -> tuple[tuple[Turn, ...], bool]:
    """Speaker turns for an imported document, and whether speaker labels were found.

    Uses the shared ingest parser (`qualkit.ingest.parse_speaker_turns`) when it exists, else one participant
    turn covering the whole text (imported tools keep no notion of speakers). Turn spans index the text as is.
    """
    try:
        from ..ingest import parse_speaker_turns  # type: ignore[attr-defined]
    except ImportError:
        parse_speaker_turns = None
    if parse_speaker_turns is not None:
        result = parse_speaker_turns(text)
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], bool):
            turns, labelled = result
        else:
            turns, labelled = result, True
        return tuple(turns), labelled
    if not text:
        return (), False
    return (Turn(speaker="participant", role="participant", char_start=0, char_end=len(text), text=text),), False
