"""Writing export files: all at once or not at all (see qualkit.atomic)."""
from __future__ import annotations

from pathlib import Path

from ..atomic import write_bytes


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically. Like every other export, a missing folder is refused (QualkitError
    naming it), never created: a typo in --out must not scatter folders."""
    return write_bytes(path, data)
