"""Import another tool's project (Taguette .sqlite3, REFI-QDA .qdpx) or codebook (.qdc) into a qualkit project."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..coding import Decision
from ..errors import InputError
from ..ids import stable_id
from ..segment import segment_transcript
from ..snapshot import Snapshot
from ..store import now
from .ingest import content_hash
from .project import Project


@dataclass
class ProjectImportReport:
    transcripts: int
    codes: int
    codings: int
    memos: int
    unchanged: int


def read_foreign(path: str | Path) -> Snapshot:
    """Read a file from another QDA tool as a Snapshot (pure; raises InputError naming the file)."""
    from .. import interchange
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".sqlite3", ".sqlite", ".db"):
        return interchange.read_taguette(path)
    if suffix == ".qdpx":
        return interchange.import_qdpx(path)
    raise InputError(path, f"unsupported project file {suffix or '(no extension)'!r}: qualkit imports Taguette "
                           ".sqlite3 projects and REFI-QDA .qdpx projects (and .qdc codebooks)")


def import_project(project: Project, path: str | Path, *, unit: str = "turn",
                   coder: str | None = None) -> ProjectImportReport:
    """Add a foreign project's transcripts, codebook, participants, codings and memos. All or nothing.

    Codings become `apply` decisions with source `import:<file>`; their ids derive from content, so importing the
    same file twice adds nothing. A transcript id that exists with different text is refused.
    """
    path = Path(path)
    if path.suffix.lower() == ".qdc":
        from ..interchange import import_qdc
        cb = import_qdc(path)  # validated: an empty or inconsistent codebook never replaces the project's
        project.store.put_codebook(cb, by=coder or "")
        return ProjectImportReport(0, len(cb.codes), 0, 0, 0)
    snap = read_foreign(path)
    decisions = [Decision(
        id=stable_id("import", coder or c.coder, c.transcript_id, c.char_start, c.char_end, c.code),
        transcript_id=c.transcript_id, char_start=c.char_start, char_end=c.char_end, code=c.code, verdict="apply",
        coder=coder or c.coder, at=c.at or now(), source=f"import:{path.name}") for c in snap.codings]
    segmented = {t.id: segment_transcript(t, unit) for t in snap.transcripts}  # outside the lock: slow part
    # One transaction: the checks (which transcripts exist, with which text; which decisions are there) and
    # every write, so a failure half-way leaves the project exactly as it was, and a concurrent ingest cannot
    # change a transcript between the check and the codings that point into it.
    with project.store.transaction():
        stored = project.store.transcript_hashes()
        items, unchanged = [], 0
        for t in snap.transcripts:
            h = content_hash(t)
            if t.id in stored:
                if stored[t.id] != h:
                    raise InputError(path, f"transcript {t.id!r} already exists in the project with different "
                                           "text; import into a new project, or rename it there first")
                unchanged += 1
                continue
            items.append((t, h, segmented[t.id]))
        present = {d.id for d in project.store.decisions()}
        new = [d for d in dict((d.id, d) for d in decisions).values() if d.id not in present]
        if items or snap.participants:
            project.store.put_transcripts(items, {k: dict(v) for k, v in snap.participants.items()})
        if snap.codebook.codes:
            project.store.put_codebook(snap.codebook, by=f"import:{path.name}")
        project.store.record(new)
        for memo in snap.memos:
            project.store.add_memo(memo)
    return ProjectImportReport(len(items), len(snap.codebook.codes), len(new), len(snap.memos), unchanged)
