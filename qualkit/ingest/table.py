"""CSV files: transcripts one per row, and the participants table (participants.csv)."""
from __future__ import annotations

import csv
import io
import sys
from contextlib import contextmanager
from pathlib import Path

from qualkit.errors import InputError
from qualkit.ingest.base import ReadOptions, has_text, make_transcript, note, read_bytes, require_text
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


def duplicate_columns(header: list[str]) -> str | None:
    """A message naming the first column that appears twice in `header` (compared ignoring case and surrounding
    spaces, as columns are looked up), or None. Reading a row into a dict would silently keep the last one."""
    first: dict[str, int] = {}
    for i, h in enumerate(header, start=1):
        key = h.strip().casefold()
        if not key:
            continue  # unnamed columns (trailing commas) are never read
        if key in first:
            return (f"the header names the column {h.strip()!r} twice (columns {first[key]} and {i}); a reader would "
                    "silently keep only the last one: rename or delete one of them")
        first[key] = i
    return None


def _rows(path: Path, encoding: str | None = None) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, numbered rows) of a CSV decoded with the transcript decoding rules; InputError when empty,
    malformed or when the header repeats a column."""
    text = decode_bytes(read_bytes(path), path, encoding)
    require_text(path, text)
    with _large_fields():
        # strict: an unclosed quote must not silently swallow every row after it into one cell
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        row_line = 1  # the file line where the row being read starts (a quoted cell may span lines)
        try:
            header = [h.strip() for h in next(reader)]
            duplicate = duplicate_columns(header)
            if duplicate:
                raise InputError(path, duplicate)
            rows = []
            n = 0
            while True:
                row_line = reader.line_num + 1
                values = next(reader, None)
                if values is None:
                    break
                n += 1
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(header):
                    raise InputError(path, f"row {n} has {len(values)} cells but the header has {len(header)} "
                                           "columns; check the quoting of that row")
                rows.append((n, dict(zip(header, values + [""] * (len(header) - len(values))))))
        except csv.Error as e:
            hint = ("a quoted cell opens there and is never closed" if "end of data" in str(e)
                    else f"{e}; a quote inside a cell must be doubled (\"\")")
            raise InputError(path, f"is not a readable CSV file: the row starting on line {row_line}: {hint}") \
                from None
    return header, rows


def _row_list(rows: list[int], limit: int = 20) -> str:
    shown = ", ".join(map(str, rows[:limit]))
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


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
    header, rows = _rows(path, options.encoding)
    text_col = _pick(path, header, options.text_column, TEXT_COLUMNS, "text", required=True)
    id_col = _pick(path, header, options.id_column, ID_COLUMNS, "id", required=options.id_column is not None)
    transcripts = []
    seen: dict[str, int] = {}
    empty: list[int] = []  # survey exports leave answers blank: skipped, and said so
    for n, row in rows:
        text = row[text_col]
        if not has_text(text):
            empty.append(n)
            continue
        tid = row[id_col].strip() if id_col else f"{path.stem}_{n}"
        if not tid:
            raise InputError(path, f"row {n}: the id column {id_col!r} is empty")
        if tid in seen:
            raise InputError(path, f"row {n}: duplicate id {tid!r} (first used in row {seen[tid]}); "
                                   "ids must be unique")
        seen[tid] = n
        turns, labelled = parse_speaker_turns(text, interviewers=options.interviewers)
        attributes = {k: v for k, v in row.items() if k not in (text_col, id_col) and k}
        transcripts.append(make_transcript(path, source_path, "csv", text, turns, labelled, id=tid,
                                           attributes=attributes))
    if not rows:
        raise InputError(path, "is empty: the CSV has a header but no rows")
    if not transcripts:
        raise InputError(path, f"is empty: the text column {text_col!r} is empty in every row "
                               f"({len(empty)} row(s): {_row_list(empty)})")
    if empty:
        note(f"{path}: skipped {len(empty)} row(s) whose text column {text_col!r} is empty: row(s) "
             f"{_row_list(empty)}")
    return transcripts


def read_participants(path, encoding: str | None = None) -> dict[str, dict[str, str]]:
    """participants.csv -> {participant id: {column: value}} (id from id/participant/participant_id).

    Raises InputError for a missing id column, or listing every row with an empty or duplicate id.
    """
    path = Path(path)
    header, rows = _rows(path, encoding)
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
