"""Atomic file writes: a temporary file in the target's folder, flushed to disk, then os.replace'd into place.

A crash or an error half-way never leaves a truncated file where the old one was; a failed write removes its
temporary file. Every file qualkit writes for the researcher (exports, mappings, settings) goes through here.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


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


@contextmanager
def atomic_path(path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path next to `path` (same suffix, so writers that look at it behave); on success it is
    synced and replaces `path`, on error it is removed. `mode` None: what a normal write would give (umask);
    e.g. 0o600 for a private file (mkstemp creates it private, so it is never readable by others meanwhile).
    The folder must exist (QualkitError otherwise)."""
    path = Path(path)
    if not path.parent.is_dir():
        from .errors import QualkitError

        raise QualkitError(f"{path}: folder {path.parent} does not exist; create it first")
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


def write_bytes(path, data: bytes, *, mode: int | None = None) -> Path:
    with atomic_path(path, mode=mode) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path, text: str, encoding: str = "utf-8", *, mode: int | None = None) -> Path:
    return write_bytes(path, text.encode(encoding), mode=mode)
