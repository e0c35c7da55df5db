"""Run the AI from the app: "Suggest codes" and "Propose candidate themes" as background jobs (qualkit.jobs).

The page never waits for the model: a click starts a worker thread owned by the app process (one run per
project; a second click while one runs starts nothing), and a fragment polls its progress once a second, so the
researcher can keep reading and coding. When the run ends the whole page reruns once to show the new results.
"""
from __future__ import annotations

import time

import streamlit as st

from ...errors import QualkitError
from ..state import Context, flash, job_manager

KIND_LABEL = {"suggest": "Suggesting codes", "themes": "Proposing candidate themes"}
ENGINE_EMBED, ENGINE_LLM = "Embedding model (default, fast)", "Local language model (slower; needs a model server)"
POLL_SECONDS = 1.0


def _key(ctx: Context) -> str:
    return ctx.store.url


def _status(key: str):
    job = job_manager().get(key)
    return job.status() if job is not None else None


def _start(key: str, kind: str, factory) -> None:
    try:
        fn = factory()
    except QualkitError as e:  # e.g. a model server address beyond this machine: refused before anything runs
        flash("error", str(e))
        return
    job, started = job_manager().start(key, kind, fn)
    if not started:
        flash("info", f"{KIND_LABEL.get(job.kind, job.kind)} is already running for this project: "
                      "it was not started a second time.")


def _cancel(key: str) -> None:
    if job_manager().cancel(key):
        flash("info", "Cancel asked: the run stops at its next step and keeps nothing; the earlier suggestions "
                      "and themes stay as they were.")


def _show(status, compact: bool = False) -> None:
    label = KIND_LABEL.get(status.kind, status.kind)
    if status.running:
        elapsed = int(time.time() - status.started)
        counted = status.fraction is not None
        text = f"{label}: {status.text}{'' if counted else ' …'} · {elapsed} s"
        if status.cancel_requested:
            text += " · stopping"
        st.progress(status.fraction if counted else 0.0, text=text)
    elif compact:
        return
    elif status.state == "done":
        st.success(f"{label} finished: {status.summary}.")
    elif status.state == "failed":
        st.error(f"{label} failed: {status.error}. The previous suggestions and themes are unchanged.")
    elif status.state == "cancelled":
        st.warning(f"{label} was cancelled; nothing from it was kept.")


@st.fragment(run_every=POLL_SECONDS)
def _live(key: str, compact: bool) -> None:
    status = _status(key)
    if status is None or not status.running:
        st.rerun()  # the run ended: redraw the whole page once, with its results (this fragment then stops)
    _show(status, compact)
    if not compact:
        st.button("Cancel", key="run_cancel", on_click=_cancel, args=(key,),
                  disabled=status.cancel_requested)


def status_block(ctx: Context, kind: str | None = None, compact: bool = False) -> bool:
    """Show the project's current or last run (of `kind`, if given); returns True while one is running."""
    status = _status(_key(ctx))
    if status is None:
        return False
    if status.running:
        if kind is None or status.kind == kind:
            _live(_key(ctx), compact)
        else:
            st.caption(f"{KIND_LABEL.get(status.kind, status.kind)} is running: this can start when it ends.")
        return True
    if kind is None or status.kind == kind:
        _show(status, compact)
    return False


def sidebar_status(ctx: Context) -> None:
    """A small progress bar in the sidebar on every page while a run is going."""
    status_block(ctx, compact=True)


def _ready(ctx: Context) -> str:
    """Why the AI cannot run yet ('' when it can)."""
    counts = ctx.store.counts()
    if not counts["participant_segments"]:
        return "Bring in transcripts first (page Bring in data)."
    codebook = ctx.store.codebook()
    if codebook is None or not codebook.codes:
        return "The codebook has no codes yet: upload one or add codes on the Codebook page."
    return ""


def suggest_panel(ctx: Context) -> None:
    """The "Suggest codes" button with its engine choice, progress bar and cancel."""
    from ...embed import DEFAULT_EMBEDDER, available_embedders
    from ...jobs import llm_suggest_task, suggest_task
    st.markdown("**Suggest codes.** The AI reads every participant segment against your codebook and suggests "
                "codes with its reasons; nothing is coded until a person accepts it.")
    running = _status(_key(ctx)) is not None and _status(_key(ctx)).running
    engine = st.radio("AI engine", [ENGINE_EMBED, ENGINE_LLM], key="run_engine", horizontal=True,
                      disabled=running)
    path, db = str(ctx.project.path), ctx.store.url
    if engine == ENGINE_EMBED:
        names = available_embedders()
        name = st.selectbox("Embedding model", names, index=names.index(DEFAULT_EMBEDDER)
                            if DEFAULT_EMBEDDER in names else 0, key="run_embedder", disabled=running)
        factory = lambda: suggest_task(path, db=db, embedder=name)  # noqa: E731
    else:
        c1, c2 = st.columns(2)
        url = c1.text_input("Model server address", "http://127.0.0.1:8080", key="run_llm_url",
                            help="llama.cpp's server or Ollama on this computer (http://127.0.0.1:11434).")
        model = c2.text_input("Model name", key="run_llm_model", help="The name the server lists at /v1/models.")
        own = st.checkbox("This address is my institution's own server (transcripts are sent there)",
                          key="run_llm_institution")
        factory = lambda: llm_suggest_task(path, db=db, url=url, model=model, institution_server=own)  # noqa: E731
    why = _ready(ctx)
    if why:
        st.caption(why)
    st.button("Suggest codes", type="primary", key="run_suggest", disabled=running or bool(why),
              on_click=_start, args=(_key(ctx), "suggest", factory))
    status_block(ctx, "suggest")


def themes_panel(ctx: Context, status: bool = True) -> None:
    """The "Propose candidate themes" button (BERTopic) with (unless `status` is False: the page shows it
    elsewhere with `status_block`) its progress bar and cancel."""
    from ...jobs import themes_task
    st.markdown("**Propose candidate themes.** Clusters what people said (by default only what no code covers "
                "yet) into candidate themes for you to promote to codes or dismiss.")
    running = _status(_key(ctx)) is not None and _status(_key(ctx)).running
    uncovered = st.checkbox("Only segments no code covers yet", value=True, key="run_themes_uncovered",
                            disabled=running)
    path, db = str(ctx.project.path), ctx.store.url
    why = "" if ctx.store.counts()["participant_segments"] else "Bring in transcripts first (page Bring in data)."
    if why:
        st.caption(why)
    st.button("Propose candidate themes", key="run_themes", disabled=running or bool(why), on_click=_start,
              args=(_key(ctx), "themes", lambda: themes_task(path, db=db, novelty=uncovered)))
    if status:
        status_block(ctx, "themes")
