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
from ..atomic import check_target, child_file, ensure_folder, file_name_problem, write_bytes
from ..errors import InputError, QualkitError
from .deid import DeidResult, deidentify
from .names import NAME_COLUMNS

REPORT_NAME = "deidentification_report.csv"
PARTICIPANTS_NAME = "participants.csv"


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
    inside `out` or inside a qualkit project, nor any input of the run. Every output is checked
    (`qualkit.atomic.check_target`; ids must be plain file names, `child_file`) before anything is written:
    nothing is written if any input or target is bad (QualkitError naming it).
    """
    out = Path(out).expanduser()
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
    inputs = _inputs(paths, files, participants_csv)
    targets = _targets(out, transcripts, inputs)  # every output checked before anything is written
    check_target(mapping, protected=inputs)
    participants = readers.find_participants(paths, participants_csv)
    result = deidentify(transcripts, participants=participants, confirmed_names=names, salt=salt)

    result.write_mapping(mapping, protected=inputs)  # first: an interrupted run never leaves placeholders nobody
    ensure_folder(out)                               # can resolve
    written = []
    for t in result.transcripts:
        written.append(write_bytes(targets[t.id], t.text.encode("utf-8"), protected=inputs))
    if participants:
        written.append(write_bytes(out / PARTICIPANTS_NAME, _participants_csv(participants).encode("utf-8"),
                                   protected=inputs))
    report = write_bytes(out / REPORT_NAME, result.report_csv().encode("utf-8"), protected=inputs)
    return DeidFilesResult(result, tuple(written), mapping, report)


def _inputs(paths, files, participants_csv) -> list[tuple[Path, str]]:
    """What this run reads, so that no output (the mapping included) can overwrite it."""
    found = [(f, f"an input transcript of this run ({f.name})") for f in files]
    sidecars = [Path(participants_csv)] if participants_csv else [
        (p if p.is_dir() else p.parent) / PARTICIPANTS_NAME for p in map(Path, paths)]
    return found + [(p, f"the participants file of this run ({p.name})") for p in sidecars if p.exists()]


def _targets(out: Path, transcripts, inputs) -> dict[str, Path]:
    """`<out>/<id>.txt` for every transcript: ids come from the data (a CSV's id column, a file name), so each
    must be one plain file name (`child_file`), and two ids one case apart would overwrite each other on macOS
    and Windows."""
    if out.exists() and not out.is_dir():
        raise QualkitError(f"{out}: is a file, not a folder; give a folder for the de-identified transcripts")
    if not out.parent.is_dir():
        raise QualkitError(f"{out}: folder {out.parent} does not exist; create it first")
    targets, folded = {}, {}
    for t in transcripts:
        problem = file_name_problem(t.id, ".txt")
        if problem:
            raise InputError(t.source_path, f"transcript id {t.id!r} cannot be a file name in {out} ({problem}); "
                                            "rename it (in the id column, or the file's name)")
        path = child_file(out, t.id, ".txt")
        key = path.name.casefold()
        if key in folded:
            raise InputError(t.source_path, f"transcript ids {folded[key]!r} and {t.id!r} differ only in case: "
                             f"on macOS and Windows both would be written to {path}; rename one")
        folded[key] = t.id
        if out.is_dir():
            check_target(path, protected=inputs)
        targets[t.id] = path
    return targets


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
