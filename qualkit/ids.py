"""Stable identifiers: uuid5 over content, so re-running gives the same IDs, exports and golden files."""
from __future__ import annotations

import hashlib
import uuid

NAMESPACE = uuid.UUID("6f1c2a52-3c1e-5b8e-9d2a-7a51c0d1e001")


def stable_id(*parts: object) -> str:
    """A uuid5 string derived from the parts (joined with a unit separator)."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(str(p) for p in parts)))


def text_hash(text: str) -> str:
    """sha256 hex digest of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
