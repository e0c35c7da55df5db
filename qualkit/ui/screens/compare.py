"""Compare & export page: theme summary, group comparison and co-occurrence (qualkit.analysis) as tables and
plotly charts; downloads of every report format (qualkit.export)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import plotly.express as px
import streamlit as st

from ...errors import QualkitError
from ..state import Context


def _fingerprint(store) -> tuple:
    # Analysis is a pure function of the project state; these change whenever that state does.
    codebook = store.codebook()
    return (store.url, store.counts()["decisions"], codebook.hash if codebook else "", tuple(store.renames().items()))


@st.cache_resource(show_spinner="Computing…", max_entries=4)
def _analysis(key: tuple, _store, name: str, attribute: str) -> dict:
    from ...analysis import ai_disclosure, cooccurrence, group_comparison, theme_summary
    snap = _store.snapshot(name=name)
    out = {"snapshot": snap, "summary": theme_summary(snap, group_by=attribute),
           "cooc": cooccurrence(snap), "disclosure": ai_disclosure(snap)}
    try:
        out["groups"] = group_comparison(snap, attribute)
    except QualkitError as e:  # e.g. only one group: say why instead of failing the page
        out["groups_error"] = str(e)
    return out


def render(ctx: Context) -> None:
    store = ctx.store
    st.header("Compare & export")
    if not store.codings():
        st.info("No codings yet: accept suggestions or code by hand, then come back.")
    attribute = st.selectbox("Compare participants by", sorted({k for a in store.participants().values() for k in a})
                             or ["group"], key="compare_attribute")
    try:
        a = _analysis(_fingerprint(store), store, ctx.project.name, attribute)
    except QualkitError as e:
        st.error(str(e))
        return
    summary, groups = a["summary"], a.get("groups")
    tab_sum, tab_groups, tab_cooc, tab_export = st.tabs(["Theme summary", "Groups", "Co-occurrence", "Export"])
    with tab_sum:
        st.caption(a["disclosure"].paragraph)
        st.dataframe(summary.to_frame(), hide_index=True, width="stretch")
    with tab_groups:
        if groups is None:
            st.warning(a.get("groups_error", "No group comparison."))
        else:
            frame = groups.to_frame()
            long = [{"code": r.code, "group": g, "proportion": r.proportion(g) or 0.0}
                    for r in groups.rows for g in groups.groups]
            if long:
                fig = px.bar(long, x="proportion", y="code", color="group", barmode="group", orientation="h",
                             height=max(300, 28 * len(groups.rows) * max(1, len(groups.groups)) // 2),
                             title=f"Share of {groups.unit}s with each code, by {groups.attribute}")
                st.plotly_chart(fig, width="stretch")
            st.dataframe(frame, hide_index=True, width="stretch")
            for g, codes in groups.distinguishing.items():
                if codes:
                    st.markdown(f"**Most over-represented in {g}:** {', '.join(codes)}")
    with tab_cooc:
        cooc = a["cooc"]
        if cooc.codes:
            fig = px.imshow(cooc.to_frame("jaccard"), color_continuous_scale="Blues", aspect="auto",
                            title=f"Code co-occurrence (Jaccard, {cooc.unit_source})")
            st.plotly_chart(fig, width="stretch")
            st.dataframe(cooc.pairs(), hide_index=True, width="stretch")
        else:
            st.info("No codings to compare yet.")
    with tab_export:
        _exports(ctx, a["snapshot"])


def _exports(ctx: Context, snapshot) -> None:
    from ...export import FORMATS, export
    single = [f for f in FORMATS.values() if f.suffixes]  # charts fill a folder: not a download
    st.caption("Reports count accepted and hand-applied codings only; every quote cites its transcript and place.")
    if st.button("Prepare downloads", key="export_prepare", type="primary"):
        files = {}
        with st.spinner("Writing the reports…"), tempfile.TemporaryDirectory() as tmp:
            for f in single:
                path = Path(tmp) / f"qualkit-{f.name}{f.suffixes[0]}"
                try:
                    export(snapshot, path, f.name)
                    files[f.name] = path.read_bytes()
                except QualkitError as e:
                    st.error(f"{f.name}: {e}")
        st.session_state["export_files"] = files
    files = st.session_state.get("export_files") or {}
    stem = Path(str(ctx.project.path)).name
    for name, data in files.items():
        f = FORMATS[name]
        c1, c2 = st.columns([1, 3], vertical_alignment="center")
        c1.download_button(f"Download {name}", data, file_name=f"{stem}-{name}{f.suffixes[0]}", mime=f.mime,
                           key=f"export_{name}", help=f.what, width="stretch")
        c2.caption(f"{f.what} ({f.suffixes[0]})")
