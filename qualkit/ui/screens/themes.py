"""Candidate themes page: BERTopic's proposals (label, keywords, quotes, spread over groups), started from here
in the background; the researcher promotes one to a code or dismisses it. They are candidates, not findings."""
from __future__ import annotations

import streamlit as st

from ...review import dismiss_theme, promote_theme
from .. import views
from ..state import Context, guarded
from ..views import md_escape
from . import runs


def render(ctx: Context) -> None:
    store = ctx.store
    st.header("Candidate themes")
    st.caption("Proposals from clustering what participants said (BERTopic; on small studies a simpler "
               "clustering, named with each run): a theme becomes part of your analysis only when you promote it "
               "to a code.")
    with st.expander("Propose candidate themes", expanded=store.latest_run("themes") is None):
        runs.themes_panel(ctx, status=False)
    runs.status_block(ctx, "themes")  # outside the expander, which folds once a run exists
    themes = store.themes()
    if not themes:
        st.info("No candidate themes yet: propose some above.")
        return
    show = st.radio("Show", ["candidate", "promoted", "dismissed", "all"], horizontal=True, key="themes_show")
    segments = {s.id: s for s in store.segments()}
    codebook = store.codebook()
    shown = [t for t in themes if show == "all" or t.status == show]
    st.caption(f"{len(shown)} of {len(themes)} candidate themes")
    for t in shown:
        with st.container(border=True):
            st.subheader(t.label)
            st.markdown(f"**Keywords:** {md_escape(', '.join(t.keywords))} · {len(t.segment_ids)} segments · "
                        f"status: *{t.status}*")
            if t.spread:
                st.markdown("**Spread:** " + " · ".join(f"{md_escape(g)}: {n} participant{'s' if n != 1 else ''}"
                                                        for g, n in sorted(t.spread.items())))
            for cite, text in views.theme_quotes(t, segments):
                st.markdown(f"> {md_escape(text)}  \n> — *{md_escape(cite)}*")
            if t.status != "candidate":
                continue
            with st.form(f"theme_{t.id}"):
                c1, c2 = st.columns([1, 2])
                name = c1.text_input("Code name", t.label, key=f"theme_name_{t.id}")
                parent = c1.selectbox("Parent", ["(none)"] + (codebook.names if codebook else []),
                                      key=f"theme_parent_{t.id}")
                definition = c2.text_area("Definition", key=f"theme_def_{t.id}",
                                          placeholder="What talk does this code cover? Its quotes are then "
                                                      "queued for review.")
                p, d = st.columns(2)
                if p.form_submit_button("Promote to code", type="primary", disabled=not ctx.coder):
                    guarded(promote_theme, store, t, name, definition, ctx.coder,
                            parent=None if parent == "(none)" else parent,
                            success=f"Promoted {name}: its quotes are in the review queue.")
                    st.rerun()
                if d.form_submit_button("Dismiss", disabled=not ctx.coder):
                    guarded(dismiss_theme, store, t, ctx.coder, success=f"Dismissed {t.label}.")
                    st.rerun()
