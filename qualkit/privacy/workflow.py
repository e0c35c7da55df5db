"""`qualkit deidentify PATH... --out DIR --mapping FILE [--name NAME]`: files in, de-identified .txt files out.

One library call for the CLI: `deidentify_files`. Transcripts are read with qualkit.ingest (any supported format);
each becomes `<out>/<transcript id>.txt`, which `qualkit ingest` reads back with the same speaker turns.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import ingest as readers
from ..errors import InputError, QualkitError
from .deid import DeidResult, deidentify
from .names import NAME_COLUMNS

REPORT_NAME = "deidentification_report.csv"


@dataclass(frozen=True)
class DeidFilesResult:
    result: DeidResult
    written: tuple[Path, ...]  # de-identified transcripts (and participants.csv without name columns)
    mapping_path: Path
    report_path: Path


def deidentify_files(paths: Sequence[str | Path], *, out: str | Path, mapping: str | Path,
                     names: Iterable[str] = (), participants_csv: str | Path | None = None, salt: str = "",
                     interviewers: Sequence[str] = ()) -> DeidFilesResult:
    """Read transcripts from `paths` (files or folders), de-identify them and write `<out>/<id>.txt`, a
    `deidentification_report.csv` (placeholders and de-identified excerpts only) and, when participants.csv is
    given or found beside the transcripts, `<out>/participants.csv` without its name columns.

    The mapping (placeholder -> original) goes to `mapping`, written atomically with mode 0600; it must not be
    inside `out` or inside a qualkit project. Nothing is written if any input is bad (InputError naming it).
    """
    out = Path(out)
    mapping = Path(mapping).expanduser()
    if _inside(mapping, out):
        raise QualkitError(f"{mapping}: the mapping file must not be inside the output folder {out}, which holds "
                           "the de-identified transcripts you may share; choose a private location")
    files = readers.iter_files(paths)
    if not files:
        raise InputError(", ".join(map(str, paths)), "no transcript files found (supported: "
                         f"{', '.join(readers.SUPPORTED_EXTENSIONS)})")
    for f in files:
        if _inside(f, out):
            raise QualkitError(f"{out}: the output folder holds input file {f}; choose an empty output folder so "
                               "originals are never overwritten")
    transcripts = [t for f in files for t in readers.read_file(f, interviewers=interviewers)]
    seen: dict[str, str] = {}
    for t in transcripts:
        if t.id in seen:
            raise InputError(t.source_path, f"transcript id {t.id!r} is also used by {seen[t.id]}: rename one file")
        seen[t.id] = t.source_path
    participants = readers.find_participants(paths, participants_csv)
    result = deidentify(transcripts, participants=participants, confirmed_names=names, salt=salt)

    from ..interchange.write import write_atomic
    result.write_mapping(mapping)  # first: an interrupted run never leaves placeholders nobody can resolve
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for t in result.transcripts:
        written.append(write_atomic(out / f"{t.id}.txt", t.text.encode("utf-8")))
    if participants:
        written.append(write_atomic(out / "participants.csv", _participants_csv(participants).encode("utf-8")))
    report = write_atomic(out / REPORT_NAME, result.report_csv().encode("utf-8"))
    return DeidFilesResult(result, tuple(written), mapping, report)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _participants_csv(participants: dict[str, dict[str, str]]) -> str:
    columns = list(dict.fromkeys(k for attrs in participants.values() for k in attrs
                                 if k.strip().casefold().replace(" ", "_") not in NAME_COLUMNS))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", *columns])
    for pid, attrs in participants.items():
        w.writerow([pid, *(attrs.get(c, "") for c in columns)])
    return buf.getvalue()
