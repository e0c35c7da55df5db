"""Writing export files: all at once or not at all (see qualkit.atomic)."""
from __future__ import annotations

from pathlib import Path

from ..atomic import write_bytes


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically, creating its folder if needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return write_bytes(path, data)
