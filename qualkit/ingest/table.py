"""CSV files: transcripts one per row, and the participants table (participants.csv)."""
from __future__ import annotations

import csv
import io
import sys
from contextlib import contextmanager
from pathlib import Path

from qualkit.errors import InputError
from qualkit.ingest.base import ReadOptions, make_transcript, read_bytes, require_text
from qualkit.ingest.decode import decode_bytes
from qualkit.ingest.speakers import parse_speaker_turns
from qualkit.transcript import Transcript

TEXT_COLUMNS = ("text",)
ID_COLUMNS = ("id", "transcript_id", "document")
PARTICIPANT_ID_COLUMNS = ("id", "participant", "participant_id")


@contextmanager
def _large_fields():
    # whole interviews live in one cell; csv's default 128 KB field limit would reject long ones
    old = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """(header, rows) of a CSV decoded with the transcript decoding rules; InputError when empty or malformed."""
    text = decode_bytes(read_bytes(path), path)
    require_text(path, text)
    with _large_fields():
        try:
            reader = csv.reader(io.StringIO(text, newline=""))
            header = [h.strip() for h in next(reader)]
            rows = []
            for n, values in enumerate(reader, start=1):
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(header):
                    raise InputError(path, f"row {n} has {len(values)} cells but the header has {len(header)} "
                                           "columns; check the quoting of that row")
                rows.append((n, dict(zip(header, values + [""] * (len(header) - len(values))))))
        except csv.Error as e:
            raise InputError(path, f"is not a readable CSV file ({e})") from None
    return header, rows


def _pick(path: Path, header: list[str], wanted: str | None, defaults: tuple[str, ...], what: str,
          required: bool) -> str | None:
    columns = ", ".join(repr(h) for h in header)
    if wanted is not None:
        if wanted not in header:
            raise InputError(path, f"has no {what} column {wanted!r}; the columns are: {columns}")
        return wanted
    by_lower = {h.casefold(): h for h in header}
    for d in defaults:
        if d in by_lower:
            return by_lower[d]
    if required:
        names = " or ".join(repr(d) for d in defaults)
        raise InputError(path, f"has no {what} column (looked for {names}); the columns are: {columns}. "
                               f"Name the column to use (text_column=...)")
    return None


def read_csv(path: Path, source_path: str, options: ReadOptions) -> list[Transcript]:
    """One Transcript per row. `text_column` defaults to 'text'; `id_column` to id/transcript_id/document, else
    '<stem>_<row>'; other columns become attributes. InputError for missing columns, empty texts, duplicate ids."""
    header, rows = _rows(path)
    text_col = _pick(path, header, options.text_column, TEXT_COLUMNS, "text", required=True)
    id_col = _pick(path, header, options.id_column, ID_COLUMNS, "id", required=options.id_column is not None)
    transcripts = []
    seen: dict[str, int] = {}
    for n, row in rows:
        tid = row[id_col].strip() if id_col else f"{path.stem}_{n}"
        if not tid:
            raise InputError(path, f"row {n}: the id column {id_col!r} is empty")
        if tid in seen:
            raise InputError(path, f"row {n}: duplicate id {tid!r} (first used in row {seen[tid]}); "
                                   "ids must be unique")
        seen[tid] = n
        text = row[text_col]
        if not text.strip():
            raise InputError(path, f"row {n} ({tid!r}): the text column {text_col!r} is empty")
        turns, labelled = parse_speaker_turns(text, interviewers=options.interviewers)
        attributes = {k: v for k, v in row.items() if k not in (text_col, id_col) and k}
        transcripts.append(make_transcript(path, source_path, "csv", text, turns, labelled, id=tid,
                                           attributes=attributes))
    if not transcripts:
        raise InputError(path, "is empty: the CSV has a header but no rows")
    return transcripts


def read_participants(path) -> dict[str, dict[str, str]]:
    """participants.csv -> {participant id: {column: value}} (id from id/participant/participant_id).

    Raises InputError for a missing id column, or listing every row with an empty or duplicate id.
    """
    path = Path(path)
    header, rows = _rows(path)
    by_lower = {h.casefold(): h for h in header}
    id_col = next((by_lower[c] for c in PARTICIPANT_ID_COLUMNS if c in by_lower), None)
    if id_col is None:
        raise InputError(path, f"has no participant id column (looked for 'id', 'participant' or "
                               f"'participant_id'); the columns are: {', '.join(repr(h) for h in header)}")
    out: dict[str, dict[str, str]] = {}
    first_row: dict[str, int] = {}
    problems = []
    for n, row in rows:
        pid = row[id_col].strip()
        if not pid:
            problems.append(f"row {n}: empty {id_col!r}")
        elif pid in out:
            problems.append(f"row {n}: duplicate id {pid!r} (first in row {first_row[pid]})")
        else:
            first_row[pid] = n
            out[pid] = {k: v.strip() for k, v in row.items() if k != id_col and k}
    if problems:
        raise InputError(path, "; ".join(problems))
    return out
