"""Atomic writes for exports (see qualkit.atomic)."""
from ..atomic import atomic_path, write_bytes, write_text

__all__ = ["atomic_path", "write_bytes", "write_text"]
