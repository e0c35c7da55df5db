"""Transcript ingestion: files (.txt .md .docx .odt .pdf .vtt .srt .csv) -> `Transcript` objects.

A pure library: no project state, no network. Every problem with an input file is an `InputError(path, problem)`.
"""
from qualkit.ingest.base import IngestNote
from qualkit.ingest.files import find_participants, iter_files
from qualkit.ingest.registry import SUPPORTED_EXTENSIONS, read_file
from qualkit.ingest.speakers import parse_speaker_turns
from qualkit.ingest.table import read_participants

__all__ = ["IngestNote", "SUPPORTED_EXTENSIONS", "find_participants", "iter_files", "parse_speaker_turns", "read_file", "read_participants"]
