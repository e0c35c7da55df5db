"""Which reader handles which extension, and `read_file`, the one entry point for reading any transcript file."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from qualkit.errors import InputError
from qualkit.ingest.base import ReadOptions
from qualkit.ingest.decode import check_encoding
from qualkit.ingest.docx import read_docx
from qualkit.ingest.odt import read_odt
from qualkit.ingest.pdf import read_pdf
from qualkit.ingest.subtitles import read_subtitles
from qualkit.ingest.table import read_csv
from qualkit.ingest.text import read_text
from qualkit.transcript import Transcript

Reader = Callable[[Path, str, ReadOptions], list[Transcript]]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".odt": read_odt,
    ".pdf": read_pdf,
    ".vtt": read_subtitles,
    ".srt": read_subtitles,
    ".csv": read_csv,
}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(READERS)


def unsupported(path) -> InputError:
    suffix = Path(path).suffix or "(none)"
    return InputError(path, f"unsupported file type {suffix!r}; supported: {', '.join(SUPPORTED_EXTENSIONS)}")


def read_file(path: str | Path, *, text_column: str | None = None, id_column: str | None = None,
              interviewers: Sequence[str] = (), encoding: str | None = None) -> list[Transcript]:
    """Read one file into Transcripts: one per file, one per row for .csv.

    `text_column`/`id_column` apply to .csv; `interviewers` names speakers to treat as interviewers;
    `encoding` names the codec of a .txt/.md/.vtt/.srt/.csv that is not UTF-8 or UTF-16 (without it such a file
    is refused, never guessed). Notes about a file that was still read (skipped empty CSV answers) are
    `IngestNote` warnings.
    Raises InputError(path, problem) for anything wrong with the file (missing, unsupported, too big,
    binary, undecodable, corrupt, empty, malformed).
    """
    source_path = str(path)
    p = Path(path)
    encoding = check_encoding(encoding)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise unsupported(p)
    if not p.is_file():
        raise InputError(p, "does not exist" if not p.exists() else "is not a file")
    options = ReadOptions(text_column=text_column, id_column=id_column, interviewers=tuple(interviewers),
                          encoding=encoding)
    return reader(p, source_path, options)
