"""Read page: a transcript with its turns, accepted codes as coloured highlights and pending suggestions."""
from __future__ import annotations

import streamlit as st

from .. import views
from ..state import Context, review_index


def render(ctx: Context) -> None:
    store = ctx.store
    st.header("Read")
    transcripts = store.transcripts()
    if not transcripts:
        st.info("No transcripts yet: ingest some with `qualkit ingest`.")
        return
    participants = store.participants()
    codebook = store.codebook()
    codings = store.codings()
    c1, c2, c3, c4 = st.columns(4)
    pids = sorted({t.participant_id or t.id for t in transcripts})
    participant = c1.selectbox("Participant", [views.ALL] + pids, key="read_participant")
    group = c2.selectbox("Group", [views.ALL] + views.groups_of(participants), key="read_group")
    code = c3.selectbox("Code", [views.ALL] + (codebook.names if codebook else []), key="read_code")
    whose = c4.radio("Codings", ["everyone", "mine"], horizontal=True, key="read_whose")
    ids = views.filter_transcripts(transcripts, participants, codings, participant, group, code)
    if not ids:
        st.warning("No transcript matches these filters.")
        return
    tid = st.selectbox("Transcript", ids, key="read_transcript")
    transcript = next(t for t in transcripts if t.id == tid)
    shown = [c for c in codings if c.transcript_id == tid and (whose == "everyone" or c.coder == ctx.coder)]
    pend = []
    if ctx.coder and st.toggle("Show my pending suggestions", value=True, key="read_pending"):
        index = review_index(store)
        verdicts = index.verdicts(store.decisions(coder=ctx.coder, transcript_id=tid))
        pend = [s for s in index.items if s.transcript_id == tid and index.key_of[s.id] not in verdicts]
    attrs = participants.get(transcript.participant_id or transcript.id, {})
    st.caption(" · ".join([transcript.source_path] + [f"{k}: {v}" for k, v in attrs.items()]) +
               f" · {len(shown)} codings · {len(pend)} pending suggestions")
    colors = views.code_colors(codebook) if codebook else {}
    st.html(views.TRANSCRIPT_CSS + views.transcript_html(transcript, shown, pend, colors))
