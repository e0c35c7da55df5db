"""Project page, the study's dashboard: what is in the project, who coded and reviewed what, codes by frequency,
pending suggestions per code, agreement between coders, the last machine runs with their provenance, the AI's
buttons, and what to do next."""
from __future__ import annotations

from collections import Counter

import plotly.express as px
import streamlit as st

from ...errors import QualkitError
from ...project import project_status
from ..state import Context, review_index
from . import runs


def _goto(page: str) -> None:
    st.session_state["page"] = page


def _fingerprint(store) -> tuple:
    codebook = store.codebook()
    return store.url, store.counts()["decisions"], codebook.hash if codebook else "", tuple(store.renames().items())


def _status_key(store) -> tuple:
    # Everything project_status reads changes one of these (it loads every suggestion, seconds on a large project,
    # so it is computed once per state, not on every repaint).
    codebook = store.codebook()
    groups = tuple(sorted((p, a.get("group", "")) for p, a in store.participants().items()))
    return (store.url, tuple(store.counts().items()), codebook.hash if codebook else "", groups,
            tuple((r.id, r.finished_at) for r in store.runs()))


@st.cache_resource(show_spinner="Reading the project…", max_entries=4)
def _status(key: tuple, _project):
    return project_status(_project)


@st.cache_resource(show_spinner="Computing agreement…", max_entries=4)
def _agreement(key: tuple, _store, name: str):
    from ...analysis import agreement
    try:
        return agreement(_store.snapshot(name=name)), ""
    except QualkitError as e:
        return None, str(e)


def _next_steps(ctx: Context, status, pending: int | None) -> list[tuple[str, str | None]]:
    """(advice, page to go to) in the order a study proceeds; the first few are shown."""
    store = ctx.store
    codebook = store.codebook()
    steps: list[tuple[str, str | None]] = []
    if not status.transcripts:
        steps.append(("Bring in your transcripts (drag and drop them, with participants.csv).", "Bring in data"))
    if codebook is None or not codebook.codes:
        steps.append(("Upload a codebook (YAML, CSV or .qdc), or start an empty one and add codes.", "Bring in data"))
    if status.transcripts and not status.by_group:
        steps.append(("Optional: give participants a group (or any attribute) to compare groups later.",
                      "Bring in data"))
    latest = store.latest_run("suggest")
    if status.transcripts and codebook is not None and codebook.codes:
        if latest is None:
            steps.append(("Run **Suggest codes** below: the AI suggests codes you accept or reject.", None))
        elif latest.codebook_hash != codebook.hash:
            steps.append(("The codebook changed since the last suggestions: run **Suggest codes** again.", None))
    if not ctx.coder:
        steps.append(("Enter your name in the sidebar: every decision is recorded under it.", None))
    elif pending:
        steps.append((f"Review your {pending:,} pending suggestions.", "Review"))
    themes = store.themes()
    if status.transcripts and store.latest_run("themes") is None:
        steps.append(("Run **Propose candidate themes** below to see what the codebook leaves out.", None))
    elif any(t.status == "candidate" for t in themes):
        n = sum(t.status == "candidate" for t in themes)
        steps.append((f"{n} candidate theme{'s' if n != 1 else ''} wait for you: promote or dismiss.",
                      "Candidate themes"))
    if sum(status.codings_by_coder.values()):
        steps.append(("Download the theme table report (DOCX, HTML, XLSX) or the whole project (.qdpx).",
                      "Compare & export"))
    return steps


def render(ctx: Context) -> None:
    store = ctx.store
    st.header(ctx.project.name)
    st.caption(f"Folder {ctx.project.path.resolve()} · database {store.safe_url}")
    status = _status(_status_key(store), ctx.project)
    index = review_index(store) if status.suggestions else None
    prog = index.progress(ctx.coder, index.verdicts(store.decisions(coder=ctx.coder))) \
        if index is not None and ctx.coder else None

    m = st.columns(6)
    m[0].metric("Transcripts", status.transcripts)
    m[1].metric("Participants", status.participants)
    m[2].metric("Participant segments", f"{status.participant_segments:,}")
    m[3].metric("Codes", status.codes)
    m[4].metric("Codings", f"{sum(status.codings_by_coder.values()):,}")
    m[5].metric("Your pending suggestions" if ctx.coder else "Suggestions",
                f"{prog.remaining:,}" if prog is not None else f"{status.suggestions:,}")

    st.subheader("What to do next")
    steps = _next_steps(ctx, status, prog.remaining if prog is not None else None)
    if not steps:
        st.success("Everything is up to date.")
    for i, (advice, page) in enumerate(steps[:4]):
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        c1.markdown(f"{i + 1}. {advice}")
        if page:
            c2.button(f"Open {page}", key=f"next_{i}", on_click=_goto, args=(page,), width="stretch")

    st.subheader("Run the AI")
    left, right = st.columns(2)
    with left:
        runs.suggest_panel(ctx)
    with right:
        runs.themes_panel(ctx)

    left, right = st.columns(2)
    with left:
        st.subheader("Participants by group")
        if status.by_group:
            st.dataframe([{"group": g, "participants": n} for g, n in sorted(status.by_group.items())],
                         hide_index=True, width="stretch")
        else:
            st.caption("No group attribute yet (Bring in data → Participants).")
    with right:
        st.subheader("Coders")
        _coders(store, status)

    _frequencies(store)
    if prog is not None and prog.by_code:
        st.subheader("Your pending suggestions per code")
        rows = [{"code": c, "pending": p.remaining, "reviewed": p.reviewed, "accepted": p.accepted,
                 "rejected": p.rejected} for c, p in prog.by_code.items() if p.total]
        st.dataframe(rows, hide_index=True, width="stretch")
    _agreement_section(ctx, status)
    _last_runs(store)


def _coders(store, status) -> None:
    decisions = store.decisions()
    reviewed = Counter(d.coder for d in decisions if d.suggestion_id and d.verdict in ("accept", "reject"))
    total = Counter(d.coder for d in decisions)
    coders = sorted(set(total) | set(status.codings_by_coder))
    if not coders:
        st.caption("No decisions yet.")
        return
    st.dataframe([{"coder": c, "codings in force": status.codings_by_coder.get(c, 0),
                   "suggestions reviewed": reviewed.get(c, 0), "decisions": total.get(c, 0)} for c in coders],
                 hide_index=True, width="stretch")


def _frequencies(store) -> None:
    st.subheader("Codes by frequency")
    counts = Counter(c.code for c in store.codings())
    if not counts:
        st.caption("No codings yet: accept suggestions or code by hand.")
        return
    rows = [{"code": code, "codings": n} for code, n in counts.most_common()]
    fig = px.bar(rows, x="codings", y="code", orientation="h", height=max(260, 26 * len(rows)),
                 title="Accepted and hand-applied codings per code, every coder")
    top = rows[0]["codings"]
    fig.update_layout(yaxis={"categoryorder": "total ascending"}, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_xaxes(dtick=max(1, round(top / 6)), tickformat=",d")  # counts: whole-number ticks only
    st.plotly_chart(fig, width="stretch", key="dash_frequencies")


def _agreement_section(ctx: Context, status) -> None:
    st.subheader("Agreement between coders")
    coders = [c for c, n in status.codings_by_coder.items() if n]
    if len(coders) < 2:
        st.caption("Shown once two or more coders have coded the same transcripts.")
        return
    result, error = _agreement(_fingerprint(ctx.store), ctx.store, ctx.project.name)
    if result is None:
        st.caption(error)
        return
    p = result.pooled
    c = st.columns(3)
    c[0].metric("Cohen's kappa (pooled)", "n/a" if p.cohen_kappa != p.cohen_kappa else f"{p.cohen_kappa:.2f}",
                help="Two coders only.")
    c[1].metric("Krippendorff's alpha (pooled)",
                "n/a" if p.krippendorff_alpha != p.krippendorff_alpha else f"{p.krippendorff_alpha:.2f}")
    c[2].metric("Percent agreement", f"{p.percent_agreement:.0%}")
    st.caption(f"{', '.join(result.coders)} on {result.n_units} {result.unit_source}"
               + (f"; left out (not coded by everyone): {', '.join(result.excluded_transcripts)}"
                  if result.excluded_transcripts else ""))
    st.dataframe(result.to_frame(), hide_index=True, width="stretch")


def _last_runs(store) -> None:
    st.subheader("Last runs")
    recent = store.runs()[-6:][::-1]
    if not recent:
        st.caption("No machine runs yet.")
        return
    st.dataframe([{"kind": r.kind, "started": r.started_at[:19].replace("T", " "),
                   "finished": (r.finished_at or "")[:19].replace("T", " "), "model": r.model,
                   "model version": r.model_version, "codebook version": r.codebook_hash, "seed": r.seed,
                   "notes": r.notes} for r in recent], hide_index=True, width="stretch")
