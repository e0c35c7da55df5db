"""The app's live suggestion model: one `LiveModel` per project, codebook version and suggest run, kept across
reruns and sessions (st.cache_resource) and brought up to date with the decision log on every run, so each
accept, reject, replacement, hand coding and undo re-scores that code before the next suggestion is shown.
"""
from __future__ import annotations

import threading

import streamlit as st

from ..errors import QualkitError
from ..store import Store
from ..suggest.live import LiveModel
from ..suggest.params import DEFAULTS


class Live:
    """A LiveModel and the lock that serialises its updates (sessions share it)."""

    def __init__(self, model: LiveModel | None, reason: str = ""):
        self.model = model
        self.reason = reason  # why live learning is off, in words
        self.lock = threading.Lock()

    def sync(self, store: Store) -> list[str]:
        """Follow the store's decision log; the codes retrained now."""
        if self.model is None:
            return []
        with self.lock:
            return self.model.sync(store.decisions(), store.renames())


def embedder_for(model_id: str):
    """The registered embedder whose model_id is `model_id` (the one the suggest run used), or None."""
    from ..embed import MINILM_ID, available_embedders, get_embedder

    # the built-in ones by id, without constructing the fast one for nothing (its model_id exports the model)
    if model_id == MINILM_ID:
        return get_embedder("minilm")
    if model_id.startswith(MINILM_ID + "+onnx"):
        e = get_embedder("minilm-fast")
        return e if e.model_id == model_id else None  # another recipe or CPU kind: its vectors are not cached
    for name in available_embedders():
        if name in ("minilm", "minilm-fast"):
            continue
        try:
            e = get_embedder(name)
        except (QualkitError, TypeError):  # a factory that needs options (a path) cannot be the run's model
            continue
        if getattr(e, "model_id", None) == model_id:
            return e
    return None


@st.cache_resource(show_spinner="Preparing live learning (once per project and codebook version)…",
                   max_entries=4)
def _build(url: str, codebook_hash: str, run_id: str, _store: Store) -> Live:
    run = _store.latest_run("suggest")
    codebook = _store.codebook()
    embedder = embedder_for(run.model)
    if embedder is None:
        return Live(None, f"live learning is off: the embedding model of the last suggest run ({run.model}) is not "
                          "installed here; the scores shown are those of that run")
    params = {k: v for k, v in dict(run.params or {}).items() if k in DEFAULTS}
    try:
        model = LiveModel(_store.segments(), codebook, embedder, _store.decisions(), renames=_store.renames(),
                          cache=_store, seed=int(run.seed or 0), params=params)
    except QualkitError as e:
        return Live(None, f"live learning is off: {e}")
    return Live(model)


def live(store: Store) -> Live | None:
    """The project's live model, synced with the log; None when there is no suggest run or codebook."""
    run = store.latest_run("suggest")
    codebook = store.codebook()
    if run is None or codebook is None:
        return None
    out = _build(store.url, codebook.hash, run.id, store)
    out.sync(store)
    return out


__all__ = ["Live", "live", "embedder_for"]
