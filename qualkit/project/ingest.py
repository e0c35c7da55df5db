"""Ingest workflow: read files, segment, and write them to the store in one transaction (all or nothing)."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from .. import ingest as readers
from ..errors import InputError, ReingestError
from ..ids import text_hash
from ..segment import DEFAULT_MAX_CHARS, segment_transcript
from ..transcript import Transcript
from .project import Project


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    resegmented: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)  # no speaker labels: one participant turn per paragraph
    segments: int = 0

    @property
    def written(self) -> list[str]:
        return self.added + self.updated + self.resegmented


def content_hash(t: Transcript) -> str:
    """What makes a transcript 'the same' on re-ingest: its text, its turns and its attributes."""
    turns = [(x.speaker, x.role, x.char_start, x.char_end, x.start_s, x.end_s) for x in t.turns]
    return text_hash(json.dumps([t.text, turns, dict(t.attributes), t.participant_id], sort_keys=True))


def ingest(project: Project, paths: Sequence[str | Path], *, participants_csv: str | Path | None = None,
           unit: str = "turn", max_chars: int = DEFAULT_MAX_CHARS, text_column: str | None = None,
           id_column: str | None = None, interviewers: Sequence[str] = (),
           attributes: Mapping[str, str] | None = None, progress=None, encoding: str | None = None) -> IngestReport:
    """Ingest files/folders. Any bad file raises before anything is written; the store is left as it was.
    `encoding`: the codec of text files that are not UTF-8/UTF-16 (see `qualkit.ingest.read_file`)."""
    files = readers.iter_files(paths)
    if not files:
        raise InputError(", ".join(map(str, paths)), "no transcript files found (supported: "
                         f"{', '.join(readers.SUPPORTED_EXTENSIONS)})")
    transcripts: list[Transcript] = []
    seen: dict[str, Path] = {}
    for f in (progress(files, "reading") if progress else files):
        for t in readers.read_file(f, text_column=text_column, id_column=id_column, interviewers=interviewers,
                                   encoding=encoding):
            if t.id in seen:
                raise InputError(f, f"transcript id {t.id!r} is also used by {seen[t.id]}: rename one of the files")
            seen[t.id] = f
            transcripts.append(t)

    participants = readers.find_participants(paths, participants_csv)
    for t in transcripts:
        # Document attributes (e.g. CSV columns such as `split`) describe the participant too; participants.csv
        # and --attr take precedence.
        row = participants.setdefault(t.participant_id or t.id, {})
        for k, v in {**dict(t.attributes), **dict(attributes or {})}.items():
            if k not in row or k in (attributes or {}):
                row[k] = v
    participants = {k: v for k, v in participants.items() if v}

    # Segmenting is the slow part, so it happens before the write lock, for every transcript that differs
    # from what is stored now; the decision what to write is then made again under the lock (below).
    before = project.store.transcript_hashes()
    hashes = {t.id: content_hash(t) for t in transcripts}
    units = project.store.segment_units()
    segmented = {t.id: segment_transcript(t, unit, max_chars=max_chars) for t in transcripts
                 if before.get(t.id) != hashes[t.id] or (units and unit not in units)}
    # One transaction for the check and the write: "has this transcript codings?" must still hold when its new
    # text is stored, or a concurrent import-codings could add codings whose offsets point into replaced text.
    with project.store.transaction():
        report = _plan_and_write(project, transcripts, hashes, segmented, participants, unit, max_chars)
    return report


def _plan_and_write(project: Project, transcripts, hashes, segmented, participants, unit, max_chars
                    ) -> IngestReport:
    report = IngestReport()
    stored = project.store.transcript_hashes()
    units = project.store.segment_units()
    todo = []
    orphan_problems = []
    for t in transcripts:
        h = hashes[t.id]
        if t.id in stored and stored[t.id] == h:
            if units and unit not in units:
                report.resegmented.append(t.id)
                todo.append((t, h))
            else:
                report.unchanged.append(t.id)
            continue
        if t.id in stored:
            codings = [d for d in project.store.decisions(transcript_id=t.id)]
            if codings:
                orphan_problems.append(_orphan_message(t, codings))
                continue
            report.updated.append(t.id)
        else:
            report.added.append(t.id)
        todo.append((t, h))
        if not t.labelled:
            report.unlabelled.append(t.id)
    if orphan_problems:
        raise ReingestError("\n".join(orphan_problems))

    items = []
    for t, h in todo:
        segs = segmented.get(t.id)
        if segs is None:  # the store changed since the first look (another process): segment it now
            segs = segment_transcript(t, unit, max_chars=max_chars)
        report.segments += len(segs)
        items.append((t, h, segs))
    if items or participants:
        project.store.put_transcripts(items, participants)
    return report


def _orphan_message(t: Transcript, decisions) -> str:
    by = Counter((d.code, d.coder) for d in decisions)
    listing = "; ".join(f"{code} by {coder} x{n}" for (code, coder), n in sorted(by.items())[:10])
    more = "" if len(by) <= 10 else f"; and {len(by) - 10} more"
    return (f"{t.source_path}: changed since it was ingested, and transcript {t.id!r} already has "
            f"{len(decisions)} coding decision(s) ({listing}{more}) whose character positions would no longer "
            f"point at the right text. Nothing was ingested. To keep both, rename the changed file so it is "
            f"ingested as a new transcript; or restore the original file.")
