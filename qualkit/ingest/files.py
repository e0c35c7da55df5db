"""Finding transcript files: explicit files and folders (recursive), in a stable order."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from qualkit.errors import InputError
from qualkit.ingest.base import note
from qualkit.ingest.registry import SUPPORTED_EXTENSIONS, unsupported

# Project tables that live beside the transcripts but are not transcripts.
NOT_TRANSCRIPTS = frozenset({"participants.csv", "reference_codings.csv", "reference_quotes.csv"})


def _skipped(path: Path) -> bool:
    # hidden files and Office lock files (~$name.docx) are never transcripts
    return path.name.casefold() in NOT_TRANSCRIPTS or path.name.startswith((".", "~$"))


def iter_files(paths: Sequence[str | Path]) -> list[Path]:
    """The transcript files named by `paths`: files as given, folders searched recursively (sorted, supported
    extensions only, skipping participants.csv, reference_codings.csv, reference_quotes.csv, hidden files and folders).

    Raises InputError for a path that does not exist or a file given explicitly with an unsupported extension.
    Duplicates are listed once, in first-seen order.
    """
    out: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            out.append(p)

    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(p, "does not exist")
        if p.is_dir():
            found = []
            root = p.resolve()
            for f in p.rglob("*"):
                rel = f.relative_to(p)
                if any(part.startswith(".") for part in rel.parts) or not f.is_file() or _skipped(f):
                    continue
                if f.suffix.lower() not in SUPPORTED_EXTENSIONS:
                    continue
                if f.is_symlink() and not f.resolve().is_relative_to(root):
                    # a folder is read as the folder: a link out of it (P05.txt -> /etc/passwd) is not a transcript
                    note(f"{f}: skipped: it is a link to {f.resolve()}, outside {p}; copy the file into the folder "
                         "or name it explicitly to ingest it")
                    continue
                found.append(f)
            for f in sorted(found, key=lambda f: f.relative_to(p).as_posix()):
                add(f)
        elif _skipped(p):
            continue
        elif p.suffix.lower() not in SUPPORTED_EXTENSIONS:
            raise unsupported(p)
        else:
            add(p)
    return out


def find_participants(paths: Sequence[str | Path], participants_csv: str | Path | None = None
                      ) -> dict[str, dict[str, str]]:
    """Participant attributes: from `participants_csv` if given, else merged from a participants.csv beside the
    transcripts (inside each folder given, or next to each file given)."""
    from qualkit.ingest.table import read_participants

    if participants_csv:
        return {k: dict(v) for k, v in read_participants(participants_csv).items()}
    out: dict[str, dict[str, str]] = {}
    for p in map(Path, paths):
        sidecar = (p if p.is_dir() else p.parent) / "participants.csv"
        if sidecar.exists():
            for k, v in read_participants(sidecar).items():
                out.setdefault(k, {}).update(v)
    return out
