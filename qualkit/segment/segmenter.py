"""Split transcripts into the segments that get coded.

Units: `turn` (a participant turn; a turn longer than `max_chars` is split at sentence boundaries), `sentence`,
`paragraph`. Interviewer turns are not coded by default; each segment carries the preceding interviewer turn as
`question` (context for the coder and the suggester).
"""
from __future__ import annotations

import re

from ..errors import QualkitError
from ..ids import stable_id, text_hash
from ..transcript import Transcript
from .model import UNITS, Segment
from .sentences import sentence_spans

DEFAULT_MAX_CHARS = 1200


def segment_transcript(transcript: Transcript, unit: str = "turn", *, max_chars: int = DEFAULT_MAX_CHARS,
                       include_interviewer: bool = False) -> list[Segment]:
    """Segments of one transcript, in order. Invariant: `transcript.text[s.char_start:s.char_end] == s.text`."""
    if unit not in UNITS:
        raise QualkitError(f"unknown segmentation unit {unit!r}: choose one of {', '.join(UNITS)}")
    if max_chars < 50:
        raise QualkitError(f"max_chars must be at least 50, got {max_chars}")
    text = transcript.text
    segments: list[Segment] = []
    question = ""
    for turn_index, turn in enumerate(transcript.turns):
        if turn.role == "interviewer" and not include_interviewer:
            question = turn.text
            continue
        for start, end in _unit_spans(text, turn.char_start, turn.char_end, unit, max_chars):
            piece = text[start:end]
            segments.append(Segment(
                id=stable_id("segment", transcript.id, unit, start, end, text_hash(piece)),
                transcript_id=transcript.id, unit=unit, index=len(segments), speaker=turn.speaker,
                role=turn.role, char_start=start, char_end=end, text=piece, turn_index=turn_index,
                question=question if turn.role == "participant" else "",
            ))
        if turn.role == "interviewer":
            question = turn.text
    return segments


def _unit_spans(text: str, start: int, end: int, unit: str, max_chars: int) -> list[tuple[int, int]]:
    if unit == "paragraph":
        return [_strip(text, start + m.start(), start + m.end()) for m in _PARAGRAPH.finditer(text[start:end])]
    if unit == "turn":  # a turn that fits stays whole: the packed sentences would span exactly its stripped text
        s, e = _strip(text, start, end)
        if e - s <= max_chars:
            return [(s, e)] if e > s else []
    sentences = [(start + s, start + e) for s, e in sentence_spans(text[start:end])]
    sentences = [piece for s, e in sentences for piece in _hard_split(text, s, e, max_chars)]
    if unit == "sentence":
        return sentences
    return _pack(sentences, max_chars)


_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def _pack(sentences: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Greedily join consecutive sentences into chunks of at most max_chars (a turn that fits stays whole)."""
    chunks: list[tuple[int, int]] = []
    for s, e in sentences:
        if chunks and e - chunks[-1][0] <= max_chars:
            chunks[-1] = (chunks[-1][0], e)
        else:
            chunks.append((s, e))
    return chunks


def _hard_split(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split a run-on 'sentence' longer than max_chars at whitespace, so no segment is unboundedly long."""
    out = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        out.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out
