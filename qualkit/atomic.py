"""Every file qualkit writes for the researcher goes through here: one rule for where a file may go, and one
atomic writer.

The rule (`check_target`): the folder must exist (a clean error naming it; qualkit never creates folders above
a target, so a typo in a path is reported, not silently created); the target may not be a folder, a read-only
file, a qualkit project's own files (`qualkit.json`, `qualkit.db` and its journal files), a qualkit database
elsewhere (`--db`), or any path the caller protects (e.g. an input transcript). Folders a command is asked to fill (`deidentify --out`,
chart folders) are made by `ensure_folder`, under the same rule. Names built from data (transcript ids) become
file names only through `child_file`.

The writer (`atomic_path`): a temporary file in the target's folder, flushed to disk, then os.replace'd into
place. A crash or an error half-way never leaves a truncated file where the old one was; a failed write
removes its temporary file.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from .errors import QualkitError

# A qualkit project folder holds these (see qualkit.project.project); the database's journal files count too.
PROJECT_CONFIG = "qualkit.json"
PROJECT_FILES = (PROJECT_CONFIG, "qualkit.db", "qualkit.db-wal", "qualkit.db-shm", "qualkit.db-journal")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_JOURNALS = ("-wal", "-shm", "-journal")
_NAME_MAX = 255  # bytes, for a file name on every common filesystem

Protected = Iterable[tuple[object, str]]  # (path, what it is, e.g. "input transcript P01")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_database(path: Path) -> bool:
    """A qualkit project database (wherever `--db` put it): never the target of a write. Another tool's SQLite
    file (a Taguette export staged again) is not one; a SQLite file that cannot be read counts as one."""
    try:
        with open(path, "rb") as f:
            if f.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                return False
    except OSError:
        return False
    import sqlite3
    from urllib.parse import quote
    try:  # immutable: a peek at the schema that never writes, even in a read-only folder
        conn = sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?immutable=1", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return True
    return {"meta", "decisions"} <= tables


def _project_file(resolved: Path) -> str | None:
    """What `resolved` is if it belongs to a qualkit project or a database ("its database", ...), else None."""
    if resolved.name in PROJECT_FILES and (resolved.parent / PROJECT_CONFIG).is_file():
        what = "settings" if resolved.name == PROJECT_CONFIG else "database"
        return f"the {what} file of the qualkit project {resolved.parent}"
    for j in _JOURNALS:
        if resolved.name.endswith(j) and is_database(resolved.with_name(resolved.name[: -len(j)])):
            return f"a journal file of the database {resolved.with_name(resolved.name[: -len(j)])}"
    return None


def _read_only(path: Path) -> bool:
    # The mode bits as well as access(): root may write anything, but a 0444 file says "do not replace me".
    try:
        return not (path.stat().st_mode & 0o222) or not os.access(path, os.W_OK)
    except OSError:
        return False


def check_target(path, *, protected: Protected = ()) -> Path:
    """The rule for a file qualkit is about to write (see the module docstring); returns `path` as a Path.

    `protected`: (path, description) pairs the caller must not overwrite, e.g. the inputs of the command.
    Raises QualkitError whose message starts with the target and says what to do.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise QualkitError(f"{path}: is a folder; give the name of a file to write (in it or elsewhere)")
    if not path.parent.is_dir():
        what = "is a file, not a folder" if path.parent.exists() else "does not exist; create it first"
        raise QualkitError(f"{path}: folder {path.parent} {what}")
    resolved = path.resolve()
    for other, what in protected:
        if Path(other).expanduser().resolve() == resolved:
            raise QualkitError(f"{path}: is {what}; qualkit never overwrites it, choose another file name")
    project = _project_file(resolved)
    if project:
        raise QualkitError(f"{path}: is {project}; qualkit never overwrites it, choose another file name")
    if path.exists():
        if is_database(path):
            raise QualkitError(f"{path}: is a qualkit project database; qualkit never overwrites it, choose "
                               "another file name")
        if _read_only(path):
            raise QualkitError(f"{path}: is read-only; qualkit will not replace it: make it writable or choose "
                               "another file name")
    return path


def ensure_folder(folder, *, protected: Protected = ()) -> Path:
    """Create `folder` (only the last level: its parent must exist) for a command that fills it; returns it."""
    folder = Path(folder).expanduser()
    if folder.is_dir():
        return folder
    if folder.exists():
        raise QualkitError(f"{folder}: is a file, not a folder; give a folder to write into")
    check_target(folder, protected=protected)
    folder.mkdir()
    return folder


def file_name_problem(name: str, suffix: str = "") -> str | None:
    """Why `name` (from data, e.g. a transcript id) cannot be one plain file name, or None if it can: no '/',
    '\\', NUL or control characters, not '.', '..' or hidden, at most 255 bytes with `suffix`."""
    if not name or not name.strip():
        return "it is empty"
    if any(c in name for c in "/\\") or name in (".", ".."):
        return "it contains a path separator, / or \\, or is . or .."
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "it contains a control character"
    if name.startswith("."):
        return "it starts with '.', which makes a hidden file"
    if len((name + suffix).encode("utf-8")) > _NAME_MAX:
        return f"it is longer than {_NAME_MAX} bytes"
    return None


def child_file(folder, name: str, suffix: str = "") -> Path:
    """`folder/<name><suffix>` for a name that comes from data; QualkitError unless it is one plain file name
    (`file_name_problem`). Names are never changed to fit: the file name is how an id comes back on re-ingest."""
    problem = file_name_problem(name, suffix)
    if problem:
        raise QualkitError(f"{Path(folder)}: {name!r} cannot be a file name in this folder ({problem})")
    return Path(folder) / f"{name}{suffix}"


@contextmanager
def atomic_path(path, *, mode: int | None = None, protected: Protected = ()) -> Iterator[Path]:
    """Yield a temporary path next to `path` (same suffix, so writers that look at it behave); on success it is
    synced and replaces `path`, on error it is removed. `mode` None: what a normal write would give (umask);
    e.g. 0o600 for a private file (mkstemp creates it private, so it is never readable by others meanwhile).
    `path` must pass `check_target` (QualkitError otherwise)."""
    path = check_target(path, protected=protected)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}")
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent)  # the rename itself survives a power cut only once the folder is synced
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path, data: bytes, *, mode: int | None = None, protected: Protected = ()) -> Path:
    with atomic_path(path, mode=mode, protected=protected) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path, text: str, encoding: str = "utf-8", *, mode: int | None = None,
               protected: Protected = ()) -> Path:
    return write_bytes(path, text.encode(encoding), mode=mode, protected=protected)


__all__ = ["atomic_path", "check_target", "child_file", "ensure_folder", "file_name_problem", "is_database", "write_bytes",
           "write_text", "PROJECT_FILES", "PROJECT_CONFIG"]
