"""Plain text and Markdown transcripts (.txt, .md): decode, then the shared speaker parser."""
from __future__ import annotations

from pathlib import Path

from qualkit.ingest.base import ReadOptions, make_transcript, read_bytes, require_text
from qualkit.ingest.decode import decode_bytes
from qualkit.ingest.speakers import parse_speaker_turns
from qualkit.transcript import Transcript


def transcript_from_text(path: Path, source_path: str, fmt: str, text: str, options: ReadOptions) -> Transcript:
    """The Transcript for text already extracted from any text-like format (speaker parser applied)."""
    require_text(path, text)
    turns, labelled = parse_speaker_turns(text, interviewers=options.interviewers)
    return make_transcript(path, source_path, fmt, text, turns, labelled)


def read_text(path: Path, source_path: str, options: ReadOptions) -> list[Transcript]:
    """One Transcript from a .txt/.md file; InputError for binary, undecodable, oversized or empty files."""
    text = decode_bytes(read_bytes(path), path, options.encoding)
    return [transcript_from_text(path, source_path, path.suffix.lower().lstrip("."), text, options)]
