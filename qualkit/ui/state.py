"""Session and shared resources of the app: which project, which coder, cached heavy objects, messages.

Shared, heavy things (the open project, suggestion lists of immutable runs) are st.cache_resource; what
belongs to one browser tab (coder name, skipped items, confirmations) is st.session_state.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from ..project import Project
from ..review import ReviewIndex, review_runs, review_suggestions
from ..store import Store
from .launch import PROJECT_ENV


@dataclass(frozen=True)
class Context:
    """What every page gets: the project, its store and this session's coder name ('' until entered)."""

    project: Project
    coder: str

    @property
    def store(self) -> Store:
        return self.project.store


@st.cache_resource(show_spinner=False)
def open_project(path: str) -> Project:
    return Project.open(path)


@st.cache_resource(show_spinner="Opening the sample study…")
def open_sample_project(path: str) -> Project:
    from .sample import build_sample_project
    bar = st.progress(0.0, text="Preparing the sample study")
    project = build_sample_project(path, progress=lambda f, msg: bar.progress(f, text=msg))
    bar.empty()
    return project


@st.cache_resource(show_spinner=False, max_entries=8)
def _suggestions_of(url: str, runs_key: tuple, _store: Store) -> list:
    # Runs are immutable once written, so their suggestions are read once per set of runs, not per click.
    return review_suggestions(_store)


def suggestions_under_review(store: Store) -> list:
    """Every suggestion under review (shared, read-only list; do not mutate)."""
    key = tuple((r.id, r.started_at, r.finished_at) for r in review_runs(store))
    return _suggestions_of(store.url, key, store)


@st.cache_resource(show_spinner=False, max_entries=8)
def _index_of(url: str, runs_key: tuple, renames: tuple, codebook_hash: str, _store: Store) -> ReviewIndex:
    codebook = _store.codebook()
    return ReviewIndex(suggestions_under_review(_store), dict(renames), codebook.names if codebook else None)


def review_index(store: Store) -> ReviewIndex:
    """The shared ReviewIndex for the current runs, renames and codebook (rebuilt when any of them changes)."""
    key = tuple((r.id, r.started_at, r.finished_at) for r in review_runs(store))
    codebook = store.codebook()
    return _index_of(store.url, key, tuple(store.renames().items()), codebook.hash if codebook else "", store)


def project_dir() -> str | None:
    """The project this session shows: the one opened on the Project page, else $QUALKIT_PROJECT."""
    return st.session_state.get("project_dir") or os.environ.get(PROJECT_ENV) or None


def flash(kind: str, message: str) -> None:
    """Queue a message to show at the top of the next run (actions run in callbacks, before the page)."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop("_flash", []):
        getattr(st, kind)(message)


def guarded(action, *args, success: str | None = None, **kwargs):
    """Run a qualkit.review action from a widget callback: user errors become a message, not a traceback."""
    from ..errors import QualkitError
    try:
        result = action(*args, **kwargs)
    except QualkitError as e:
        flash("error", str(e))
        return None
    if success:
        flash("success", success.format(result=result))
    return result
