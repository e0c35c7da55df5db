"""Memos: the researcher's notes on a segment, code, transcript or the project (appended, never edited)."""
from __future__ import annotations

from ..snapshot import Memo
from ..store import Store
from ._common import ReviewError, check_coder, event_id, now

TARGETS = ("segment", "code", "transcript", "project")


def add_memo(store: Store, target_kind: str, target_id: str, text: str, author: str) -> Memo:
    """Write a memo now; returns it. ReviewError for an unknown target kind or empty text."""
    author = check_coder(author)
    if target_kind not in TARGETS:
        raise ReviewError(f"unknown memo target {target_kind!r}: one of {', '.join(TARGETS)}")
    if not (text or "").strip():
        raise ReviewError("the memo is empty: write something first")
    at = now()
    memo = Memo(id=event_id("memo", target_kind, target_id, author, at), target_kind=target_kind,
                target_id=target_id, text=text.strip(), author=author, at=at)
    store.add_memo(memo)
    return memo


def memos_for(store: Store, target_kind: str, target_id: str) -> list[Memo]:
    return [m for m in store.memos() if m.target_kind == target_kind and m.target_id == target_id]
