"""Read a CSV codebook: Taguette's codebook export or a generic `code,description[,parent]` sheet.

Taguette exports `tag,description,number of highlights`; the highlight count is a property of a
project, not of the codebook, so it is ignored. Names are taken as written: Taguette's own data
(the SERDIF study's nine codebooks) has no hierarchical `a.b` or `a/b` tag paths, so a dot or slash
in a name is not read as hierarchy; hierarchy comes from a `parent` column.

Empty descriptions are accepted (Taguette allows them); `warnings()` reports them. Problems name
the spreadsheet row (the header is row 1) as `path:row N -> <code name>: message`.
"""
from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

from ..errors import CodebookError
from .model import Codebook
from .validate import CODEBOOK_SUBJECT, codebook_from_dict, validate_codebook_dict
from .yaml_reader import decode_codebook_bytes, read_codebook_bytes

NAME_COLUMNS = ("tag", "name", "code")
DEFINITION_COLUMNS = ("description", "definition")
# Optional columns that map straight onto Code fields.
OPTIONAL_COLUMNS = ("parent", "include", "exclude", "color")
IGNORED_COLUMNS = ("number of highlights",)
VALID_COLUMNS = NAME_COLUMNS + DEFINITION_COLUMNS + OPTIONAL_COLUMNS + IGNORED_COLUMNS


def _header_problem(path: str, message: str) -> CodebookError:
    return CodebookError(path, [f"{path}:row 1 -> {CODEBOOK_SUBJECT}: {message}"])


def _pick(header: list[str], choices: tuple[str, ...], what: str, path: str) -> str:
    found = [c for c in choices if c in header]
    if len(found) > 1:
        raise _header_problem(path, f"columns {', '.join(found)} all look like the {what}; keep one")
    if not found:
        raise _header_problem(path, f"no {what} column; the header must have one of {', '.join(choices)} "
                                    f"(found: {', '.join(header) or 'nothing'})")
    return found[0]


def parse_csv_codebook(text: str, path: str = "<string>") -> Codebook:
    """Parse and validate CSV codebook text. Raises CodebookError listing every problem (with rows)."""
    path = str(path)
    if not text.strip():
        raise _header_problem(path, "the file is empty; a CSV codebook needs a header such as "
                                    "`code,description,parent` and one row per code")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as e:
        raise _header_problem(path, f"not readable as CSV: {e}") from None
    unknown = [h for h in header if h not in VALID_COLUMNS]
    if unknown:
        problems = []
        for h in unknown:
            close = difflib.get_close_matches(h, VALID_COLUMNS, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(f"{path}:row 1 -> {CODEBOOK_SUBJECT}: unknown column '{h}'{hint} Valid columns: "
                            f"{', '.join(VALID_COLUMNS)}")
        raise CodebookError(path, problems)
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise _header_problem(path, f"column {', '.join(duplicated)} appears more than once; keep one")
    name_col = _pick(header, NAME_COLUMNS, "code name", path)
    def_col = _pick(header, DEFINITION_COLUMNS, "description", path)

    codes: list[dict] = []
    rows: dict[tuple, int] = {(): 1, ("codes",): 1}
    problems: list[str] = []
    row = 1
    try:
        for record in reader:
            row += 1
            if not any(cell.strip() for cell in record):
                continue  # blank rows are common at the end of spreadsheet exports
            if len(record) != len(header):
                problems.append(f"{path}:row {row} -> {record[0].strip() or 'code'}: {len(record)} cells but the "
                                f"header has {len(header)}; check for an unquoted comma")
                # Keep the row (padded or cut) so other rows' checks, such as parents, still see its code.
                record = (record + [""] * len(header))[:len(header)]
            cells = dict(zip(header, (c.strip() for c in record)))
            entry = {"name": cells[name_col], "definition": cells[def_col]}
            for col in OPTIONAL_COLUMNS:
                if cells.get(col):  # an empty cell means "not set", e.g. no parent
                    entry[col] = cells[col]
            i = len(codes)
            codes.append(entry)
            rows[("codes", i)] = row
    except csv.Error as e:
        problems.append(f"{path}:row {row} -> {CODEBOOK_SUBJECT}: not readable as CSV: {e}")

    data = {"name": Path(path).stem, "codes": codes}
    problems += validate_codebook_dict(data, path, rows, unit="row", require_definition=False)
    if problems:
        raise CodebookError(path, problems)
    return codebook_from_dict(data, default_name=Path(path).stem, source_path=path)


def load_csv_codebook(path) -> Codebook:
    """Load a .csv codebook; the codebook is named after the file. Raises InputError or CodebookError."""
    raw = read_codebook_bytes(path)
    return parse_csv_codebook(decode_codebook_bytes(raw, str(path)), str(path))
