"""Session and shared resources of the app: which project, which coder, cached heavy objects, messages.

Shared, heavy things (the open project, suggestion lists of immutable runs) are st.cache_resource; what
belongs to one browser tab (coder name, skipped items, confirmations) is st.session_state.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from ..jobs import JobManager
from ..project import Project
from ..review import ReviewIndex, review_runs, review_suggestions
from ..store import Store
from .launch import PROJECT_ENV, SIGN_IN_ENV, is_loopback


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


def build_sample(path: str) -> None:
    """Ingest the sample interviews and codebook into `path` (quick); suggestions then run in the background."""
    from .sample import build_sample_project
    bar = st.progress(0.0, text="Preparing the sample study")
    build_sample_project(path, suggest=False, progress=lambda f, msg: bar.progress(f, text=msg)).close()
    bar.empty()


@st.cache_resource(show_spinner=False)
def job_manager() -> JobManager:
    """The background runs of this app process (shared by every browser session, one run per project)."""
    return JobManager()


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
    """The project this session shows: the one opened or created in the app (\"\" = the start page was asked
    for), else $QUALKIT_PROJECT; None shows the start page."""
    chosen = st.session_state.get("project_dir")
    if chosen is not None:
        return chosen or None
    return os.environ.get(PROJECT_ENV) or None


def choose_project(path: str | None) -> None:
    """Show `path` from the next run on (None: the start page), leaving the current page's widgets behind."""
    st.session_state["project_dir"] = path or ""
    for key in [k for k in st.session_state if k.startswith(("export_", "data_result"))]:
        del st.session_state[key]


def sign_in_required() -> bool:
    """True when the app is served beyond this machine: `qualkit app --host` says so, and so does a server
    address Streamlit was given that is not loopback. Then the coder is the signed-in account."""
    if os.environ.get(SIGN_IN_ENV) == "1":
        return True
    address = st.get_option("server.address")
    return bool(address) and not is_loopback(address)



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
