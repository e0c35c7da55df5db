"""Import codings from CSV (document, start_char, end_char, code[, coder]): the common export of QDA tools."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..coding import Decision
from ..errors import InputError
from ..ids import stable_id
from ..ingest.table import _large_fields, duplicate_columns  # one CSV rule for transcripts and codings
from ..store import now
from .project import Project

REQUIRED = ("document", "start_char", "end_char", "code")


@dataclass
class ImportReport:
    added: int
    already_present: int
    unknown_codes: list[str]


def import_codings(project: Project, path: str | Path, *, coder: str | None = None) -> ImportReport:
    """Validate every row first (errors list row numbers); then append all decisions in one transaction.

    Re-importing the same rows adds nothing (decision ids derive from coder, span and code).
    """
    path = Path(path)
    rows = _read_rows(path)
    # The spans are checked against the stored text and written in one transaction: an ingest that replaces a
    # transcript's text cannot slip in between (it checks for codings under the same lock).
    with project.store.transaction():
        return _check_and_record(project, path, rows, coder)


def _check_and_record(project: Project, path: Path, rows, coder: str | None) -> ImportReport:
    texts = {t.id: t.text for t in project.store.transcripts()}
    problems, decisions = [], []
    stamp = now()
    for lineno, row in rows:
        doc = (row.get("document") or "").strip()
        code = (row.get("code") or "").strip()
        who = (coder or row.get("coder") or "").strip()
        where = f"row {lineno}"
        if doc not in texts:
            problems.append(f"{where}: unknown document {doc!r} (ingest it first)")
            continue
        try:
            start, end = int(row["start_char"]), int(row["end_char"])
        except (TypeError, ValueError):
            problems.append(f"{where}: start_char and end_char must be whole numbers, got "
                            f"{row.get('start_char')!r} and {row.get('end_char')!r}")
            continue
        if start >= end:
            problems.append(f"{where}: span {start}-{end} " + ("ends before it starts" if start > end else
                                                               "is empty (start_char equals end_char)"))
            continue
        if not 0 <= start < end <= len(texts[doc]):
            problems.append(f"{where}: span {start}-{end} is outside document {doc!r} "
                            f"({len(texts[doc])} characters)")
            continue
        if not code:
            problems.append(f"{where}: empty code")
            continue
        if not who:
            problems.append(f"{where}: no coder (add a coder column or pass --coder NAME)")
            continue
        decisions.append(Decision(
            id=stable_id("import", who, doc, start, end, code), transcript_id=doc, char_start=start, char_end=end,
            code=code, verdict="apply", coder=who, at=stamp, source=f"import:{path.name}"))
    if problems:
        shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise InputError(path, f"{len(problems)} bad row(s), nothing imported:\n  " + "\n  ".join(shown))
    present = {d.id for d in project.store.decisions()}
    new = [d for d in dict((d.id, d) for d in decisions).values() if d.id not in present]
    project.store.record(new)
    codebook = project.store.codebook()
    unknown = sorted({d.code for d in decisions} - set(codebook.names)) if codebook else []
    return ImportReport(added=len(new), already_present=len(decisions) - len(new), unknown_codes=unknown)


def _read_rows(path: Path) -> list[tuple[int, dict]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text (byte {e.start}): save the CSV as UTF-8") from e
    # A field over csv's default 128 KB (a long quote column) is read like any other, as ingest reads CSVs.
    with _large_fields():
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            twice = duplicate_columns(header)
            if twice:
                raise InputError(path, twice)
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise InputError(path, f"missing column(s) {', '.join(missing)}; a codings CSV needs "
                                       f"{', '.join(REQUIRED)} and optionally coder (found: "
                                       f"{', '.join(header) or 'nothing'})")
            reader.fieldnames = header
            rows = [(i + 2, {k: (v or "") for k, v in r.items() if k}) for i, r in enumerate(reader)]
        except csv.Error as e:
            raise InputError(path, f"line {reader.line_num}: not readable as CSV ({e})") from None
    if not rows:
        raise InputError(path, "no rows")
    return rows
