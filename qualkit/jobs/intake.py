"""Bringing files into a project one by one, as the app's "Bring in data" page does: transcripts, a
participants table, a codebook, another tool's project. Each file is its own transaction and gets its own
result line (added / updated / unchanged / refused with the library's one-line reason): a refused file leaves
the project exactly as it was, and the other files still go in.

Uploaded files are kept with the project, under `<project>/sources/`, so a transcript's source path stays
meaningful; a refused file is taken out again (and a file it replaced is put back).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..atomic import write_bytes
from ..errors import InputError, QualkitError
from ..project import Project, import_project, ingest

SOURCES = "sources"
ADDED, UPDATED, UNCHANGED, REFUSED = "added", "updated", "unchanged", "refused"
CODEBOOK_SUFFIXES = (".yaml", ".yml", ".csv", ".qdc")
PROJECT_SUFFIXES = (".sqlite3", ".sqlite", ".qdpx")
PARTICIPANTS = "participants.csv"


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class FileResult:
    """One line of result for one file."""

    name: str
    outcome: str  # added | updated | unchanged | refused
    detail: str   # what went in, or the library's one-line reason for refusing

    @property
    def ok(self) -> bool:
        return self.outcome != REFUSED

    def line(self) -> str:
        return f"{self.name}: {self.outcome}" + (f" ({self.detail})" if self.detail else "")


def _safe_name(name: str) -> str:
    # Browsers send a bare file name, but never trust it to stay inside the project folder.
    base = os.path.basename(name.replace("\\", "/")).strip()
    if not base or base in (".", "..") or base.startswith("."):
        raise InputError(name or "(no name)", "is not a usable file name")
    return base


class _Staged:
    """The upload written to <project>/sources/<name>; undo() restores what was there before."""

    def __init__(self, project: Project, upload: Upload):
        folder = Path(project.path) / SOURCES
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / _safe_name(upload.name)
        self._before = self.path.read_bytes() if self.path.is_file() else None
        if self._before != upload.data:
            write_bytes(self.path, upload.data)

    def undo(self) -> None:
        if self._before is None:
            self.path.unlink(missing_ok=True)
        elif self.path.read_bytes() != self._before:
            write_bytes(self.path, self._before)


def _refused(name: str, error: BaseException, staged: "_Staged | None" = None) -> FileResult:
    """The refusal line; the kept copy's path is dropped from the reason (the line already names the file)."""
    from .runner import one_line
    reason = one_line(error)
    if staged is not None and reason.startswith(f"{staged.path}: "):
        reason = reason[len(f"{staged.path}: "):]
    return FileResult(name, REFUSED, reason)


def ingest_uploads(project: Project, uploads: Sequence[Upload], *, unit: str = "turn",
                   columns: dict[str, tuple[str | None, str | None]] | None = None) -> list[FileResult]:
    """Ingest each transcript file on its own (a participants.csv among them is read first and applies to all).

    `columns` maps a CSV file's name to its (text column, id column). Two files giving the same transcript id:
    the second is refused, naming the first.
    """
    columns = columns or {}
    results: list[FileResult] = []
    table = next((u for u in uploads if u.name.casefold() == PARTICIPANTS), None)
    people = None
    if table is not None:
        result = put_participants_file(project, table)
        results.append(result)
        if result.ok:
            people = Path(project.path) / SOURCES / _safe_name(table.name)
    from .. import ingest as readers
    owner: dict[str, str] = {}
    for upload in uploads:
        if upload is table:
            continue
        try:
            staged = _Staged(project, upload)
        except (QualkitError, OSError) as e:
            results.append(_refused(upload.name, e))
            continue
        text_col, id_col = columns.get(upload.name, (None, None))
        try:
            ids = [t.id for t in readers.read_file(staged.path, text_column=text_col, id_column=id_col)]
            clash = next((i for i in ids if i in owner), None)
            if clash is not None:
                raise InputError(upload.name, f"transcript id {clash!r} is also used by {owner[clash]}: "
                                              "rename one of the files")
            report = ingest(project, [staged.path], participants_csv=people, unit=unit, text_column=text_col,
                            id_column=id_col)
        except (QualkitError, OSError) as e:
            staged.undo()
            results.append(_refused(upload.name, e, staged))
            continue
        owner.update({i: upload.name for i in ids})
        results.append(_ingested(upload.name, report))
    return results


def _ingested(name: str, report) -> FileResult:
    def listing(ids):
        return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    if report.added:
        detail = f"transcript {listing(report.added)}, {report.segments} segments"
        if report.unlabelled:
            detail += "; no speaker labels found: one participant turn per paragraph"
        return FileResult(name, ADDED, detail)
    if report.updated or report.resegmented:
        return FileResult(name, UPDATED, f"transcript {listing(report.updated + report.resegmented)}, "
                                         f"{report.segments} segments")
    return FileResult(name, UNCHANGED, f"transcript {listing(report.unchanged)} is already in the project")


def put_participants_file(project: Project, upload: Upload) -> FileResult:
    """Read a participants table (id, group, role, ...) and merge its attributes into the project."""
    from ..ingest import read_participants
    try:
        staged = _Staged(project, upload)
    except (QualkitError, OSError) as e:
        return _refused(upload.name, e)
    try:
        people = read_participants(staged.path)
        project.store.put_participants(people)
    except (QualkitError, OSError) as e:
        staged.undo()
        return _refused(upload.name, e, staged)
    columns = sorted({k for v in people.values() for k in v})
    return FileResult(upload.name, ADDED, f"{len(people)} participants; attributes: {', '.join(columns) or 'none'}")


def put_codebook_file(project: Project, upload: Upload, *, by: str = "") -> FileResult:
    """Make a YAML, CSV or REFI-QDA .qdc codebook the project's codebook (earlier versions are kept)."""
    from ..codebook import load_codebook
    suffix = Path(upload.name).suffix.lower()
    if suffix not in CODEBOOK_SUFFIXES:
        return _refused(upload.name, InputError(upload.name, f"unsupported codebook format {suffix or '(none)'!r};"
                                                             f" use one of {', '.join(CODEBOOK_SUFFIXES)}"))
    try:
        staged = _Staged(project, upload)
    except (QualkitError, OSError) as e:
        return _refused(upload.name, e)
    try:
        if suffix == ".qdc":
            from ..interchange import import_qdc
            codebook = import_qdc(staged.path)
        else:
            codebook = load_codebook(staged.path)
        changed = project.store.put_codebook(codebook, by=by)
    except (QualkitError, OSError) as e:
        staged.undo()
        return _refused(upload.name, e, staged)
    what = f"{codebook.name} v{codebook.version}, {len(codebook.codes)} codes"
    return FileResult(upload.name, ADDED if changed else UNCHANGED,
                      what if changed else f"{what}: the same as the current codebook")


def import_upload(project: Project, upload: Upload, *, coder: str | None = None, unit: str = "turn") -> FileResult:
    """Import a Taguette .sqlite3 or REFI-QDA .qdpx project (transcripts, codebook, codings, memos)."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in PROJECT_SUFFIXES:
        return _refused(upload.name, InputError(upload.name, f"unsupported project file {suffix or '(none)'!r}; "
                                                             "import a Taguette .sqlite3 or a REFI-QDA .qdpx"))
    try:
        staged = _Staged(project, upload)
    except (QualkitError, OSError) as e:
        return _refused(upload.name, e)
    try:
        r = import_project(project, staged.path, unit=unit, coder=coder or None)
    except (QualkitError, OSError) as e:
        staged.undo()
        return _refused(upload.name, e, staged)
    if not (r.transcripts or r.codings):  # the report counts the file's memos even when the store had them
        return FileResult(upload.name, UNCHANGED, f"its {r.unchanged} transcripts and codings are already in the "
                                                  "project")
    detail = (f"{r.transcripts} transcripts, {r.codes} codes, {r.codings} codings, {r.memos} memos"
              + (f"; {r.unchanged} transcripts were already in the project" if r.unchanged else ""))
    return FileResult(upload.name, ADDED, detail)


def preview_csv(upload: Upload, rows: int = 5) -> tuple[list[str], list[dict[str, str]]]:
    """The header and first rows of an uploaded CSV transcript table (to pick its text and id columns).
    Raises InputError naming the upload when it is not a readable CSV."""
    import tempfile
    from ..ingest.table import _rows
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / _safe_name(upload.name)
        path.write_bytes(upload.data)
        try:
            header, body = _rows(path)
        except InputError as e:
            raise InputError(upload.name, e.problem) from None
    return header, [r for _, r in body[:rows]]
