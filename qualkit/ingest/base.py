"""What every format reader shares: the size limit, the Transcript constructor and participant ids from names."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from qualkit.errors import InputError
from qualkit.transcript import Transcript, Turn

MAX_FILE_BYTES = 100 * 1024 * 1024  # a 100 MB transcript is almost certainly the wrong file

# P01, p1, Participant_3, Respondent-12, Interviewee 4 as a token of a file name or CSV id.
_PARTICIPANT_ID = re.compile(
    r"(?:^|(?<=[^A-Za-z0-9]))((?:participant|respondent|interviewee|p)[ _-]?\d+)(?=$|[^0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class ReadOptions:
    """Options a reader may use (only the CSV reader reads the column names)."""

    text_column: str | None = None
    id_column: str | None = None
    interviewers: tuple[str, ...] = ()
    encoding: str | None = None  # the researcher's codec name for text-like files; None: UTF-8/UTF-16 only


class IngestNote(UserWarning):
    """Something a researcher should know about a file that was still read (rows skipped, links not followed).

    Issued with `warnings.warn`, so library callers see it without a new return type; the CLI prints each one as
    a `note:` line."""


def note(message: str) -> None:
    """Tell the caller about `message` (an IngestNote warning; shown once per call site by default filters)."""
    import warnings
    warnings.warn(IngestNote(message), stacklevel=3)


def participant_id_from(name: str) -> str:
    """The participant-looking id inside `name` (`P01` from `P01_interview`), else `name` itself."""
    m = _PARTICIPANT_ID.search(name)
    return m.group(1) if m else name


def check_size(path: Path) -> None:
    """InputError when the file is missing or larger than MAX_FILE_BYTES (checked before reading it)."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(path, f"cannot be read: {e.strerror or e}") from None
    if size > MAX_FILE_BYTES:
        raise InputError(path, f"is {size / 1024 / 1024:.1f} MB, over the {MAX_FILE_BYTES // 1024 // 1024} MB limit "
                               "for one transcript; split it or check that it is the right file")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, after the size check."""
    check_size(path)
    try:
        return path.read_bytes()
    except OSError as e:
        raise InputError(path, f"cannot be read: {e.strerror or e}") from None


# Characters that show nothing: whitespace, C0/C1 controls, zero-width and bidirectional formatting marks, the BOM,
# soft hyphen. A transcript of only these is empty to a reader, whatever its length.
_VISIBLE = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                      r"\u2066-\u206f\ufeff]")


def has_text(text: str) -> bool:
    """Whether `text` holds anything visible (a regex search: linear, C speed, stops at the first letter)."""
    return _VISIBLE.search(text) is not None


def require_text(path: Path, text: str, what: str = "is empty") -> None:
    """InputError(path, 'is empty ...') for extracted text with nothing visible in it (whitespace, zero-width
    spaces and other invisible formatting characters only)."""
    if not has_text(text):
        raise InputError(path, f"{what}: there is no transcript text in it")


def make_transcript(path: Path, source_path: str, fmt: str, text: str, turns: Sequence[Turn], labelled: bool, *,
                    id: str | None = None, attributes: Mapping[str, str] | None = None) -> Transcript:
    """Build the Transcript; id defaults to the file stem, participant_id comes from the id."""
    tid = id if id is not None else path.stem
    t = Transcript(id=tid, source_path=source_path, format=fmt, text=text, turns=tuple(turns),
                   participant_id=participant_id_from(tid), attributes=dict(attributes or {}), labelled=labelled)
    return t
