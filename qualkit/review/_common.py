"""Shared helpers of the review actions: who is deciding, when, and the codebook they decide against."""
from __future__ import annotations

from ..codebook.model import Codebook
from ..errors import ProjectError, QualkitError
from ..ids import stable_id
from ..clock import now
from ..store import Store


class ReviewError(QualkitError):
    """A review action that cannot be done as asked (unknown code, no coder name, theme already handled...)."""


def check_coder(coder: str) -> str:
    coder = (coder or "").strip()
    if not coder:
        raise ReviewError("no coder name: enter your name (as coder) before making a decision, so every decision "
                          "says who made it")
    return coder


def current_codebook(store: Store) -> Codebook:
    codebook = store.codebook()
    if codebook is None:
        raise ProjectError("this project has no codebook yet: load one first (`qualkit codebook use FILE`)")
    return codebook


def check_code(codebook: Codebook, code: str) -> str:
    if code not in codebook:
        raise ReviewError(f"unknown code {code!r}: not in codebook {codebook.name!r} v{codebook.version} "
                          f"(codes: {', '.join(codebook.names[:12])}{', ...' if len(codebook.names) > 12 else ''})")
    return code


def event_id(kind: str, *parts: object) -> str:
    """Decision/memo ids: uuid5 over what, who and when (append-only events are unique by their time)."""
    return stable_id(kind, *parts)


__all__ = ["ReviewError", "check_coder", "current_codebook", "check_code", "event_id", "now"]
