"""Read: the coding workspace. A transcript with its turns, codes as coloured highlights (legend, overlaps),
pending suggestions marked; select any passage with the mouse to apply a code or create one on the spot,
click a highlight to see who coded it and how, remove it or write a memo on it."""
from __future__ import annotations

import streamlit as st

from ...codebook.model import Code
from ...review import Span, accept, add_code, add_memo, apply_code, memos_for, reject, remove_code
from .. import views
from ..components import transcript_view
from ..state import Context, flash, guarded, review_index
from ..views import md_escape

# Memos on a hand-made span use the "segment" target with this id until memos get a "coding" target
# (requested in /work/notes/requests.md): a span is the researcher's own segment.
def span_memo_id(transcript_id: str, start: int, end: int) -> str:
    return f"{transcript_id}:{start}-{end}"


def _apply(store, tid: str, start: int, end: int, code: str, coder: str) -> None:
    text = store.transcript(tid).text
    start, end = views.trim_span(text, start, end)
    guarded(apply_code, store, Span(tid, start, end), code, coder,
            success=f"Coded “{views._short(text[start:end], 60)}” as {code}.")


@st.dialog("New code from your selection")
def _new_code_dialog(ctx: Context, tid: str, start: int, end: int) -> None:
    store = ctx.store
    text = store.transcript(tid).text
    start, end = views.trim_span(text, start, end)
    st.markdown(f"> {md_escape(views._short(text[start:end], 300))}")
    codebook = store.codebook()
    with st.form("read_new_code"):
        name = st.text_input("Name of the new code", key="read_new_name")
        definition = st.text_area("Definition (what the code means)", key="read_new_definition",
                                  help="Suggestions compare passages with it, so one clear sentence helps.")
        parent = st.selectbox("Parent", ["(none)"] + (codebook.names if codebook else []), key="read_new_parent")
        if st.form_submit_button("Create the code and apply it", type="primary"):
            new = Code(name=name.strip(), definition=definition.strip(),
                       examples=(" ".join(text[start:end].split()),),
                       parent=None if parent == "(none)" else parent)
            if guarded(add_code, store, new, ctx.coder) is not None:
                _apply(store, tid, start, end, new.name, ctx.coder)
                st.session_state.pop("read_new", None)
                st.rerun()
            else:
                for kind, message in st.session_state.pop("_flash", []):
                    getattr(st, kind)(message)


@st.dialog("Coding")
def _coding_dialog(ctx: Context, tid: str, ids: list[str]) -> None:
    store = ctx.store
    text = store.transcript(tid).text
    found = [c for c in store.codings() if c.transcript_id == tid and (c.decision_id in ids)]
    if not found:
        st.info("This coding is no longer there (removed or undone).")
    for c in found:
        st.markdown(f"**{md_escape(c.code)}** · {md_escape(c.coder)} · {views.origin_label(c.origin)} · "
                    f"{c.at[:16].replace('T', ' ')}")
        st.markdown(f"> {md_escape(views._short(text[c.char_start:c.char_end], 300))}")
        st.caption(f"characters {c.char_start}–{c.char_end}")
        note = next((d.note for d in store.decisions(coder=c.coder, transcript_id=tid) if d.id == c.decision_id), "")
        if note:
            st.markdown(f"*Note:* {md_escape(note)}")
        mid = span_memo_id(tid, c.char_start, c.char_end)
        for m in memos_for(store, "segment", mid):
            st.markdown(f"*Memo by {md_escape(m.author)}, {m.at[:16].replace('T', ' ')}:* {md_escape(m.text)}")
        mine = c.coder == ctx.coder
        k = f"{c.decision_id}"
        memo = st.text_input("Memo", key=f"read_memo_{k}", placeholder="Why this code here? (optional)")
        b1, b2 = st.columns(2)
        if b1.button("Save memo", key=f"read_memo_save_{k}", disabled=not ctx.coder):
            if guarded(add_memo, store, "segment", mid, memo, ctx.coder, success="Memo saved.") is not None:
                st.rerun()
        if b2.button(f"Remove {c.code}", key=f"read_remove_{k}", disabled=not mine,
                     help=None if mine else f"Only {c.coder} can remove their own coding"):
            guarded(remove_code, store, Span(tid, c.char_start, c.char_end), c.code, ctx.coder,
                    success=f"Removed {c.code}.")
            st.session_state.pop("read_open", None)
            st.rerun()
        st.divider()


@st.dialog("Suggestions on this passage")
def _pending_dialog(ctx: Context, segment_id: str) -> None:
    store = ctx.store
    index = review_index(store)
    verdicts = index.verdicts(store.decisions(coder=ctx.coder))
    todo = [s for s in index.by_segment.get(segment_id, []) if index.key_of[s.id] not in verdicts]
    if not todo:
        st.info("Nothing left to decide here.")
    for s in todo:
        name = index.code_of[s.id]
        st.markdown(f"**{md_escape(name)}** · score {s.score:.2f}")
        for r in views.plain_reasons(s):
            st.markdown(f"- {md_escape(r)}")
        b1, b2 = st.columns(2)
        if b1.button(f"Accept {name}", key=f"read_acc_{s.id}", type="primary"):
            guarded(accept, store, s, ctx.coder, success=f"Accepted {name}.")
            st.rerun()
        if b2.button(f"Reject {name}", key=f"read_rej_{s.id}"):
            guarded(reject, store, s, ctx.coder, success=f"Rejected {name}.")
            st.rerun()


def render(ctx: Context) -> None:
    store = ctx.store
    st.header("Read and code")
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
    wanted = st.query_params.get("transcript")
    if st.session_state.get("read_transcript") not in ids:
        st.session_state["read_transcript"] = wanted if wanted in ids else ids[0]
    tid = st.selectbox("Transcript", ids, key="read_transcript")
    if st.query_params.get("transcript") != tid:
        st.query_params["transcript"] = tid  # a reload (or a shared link) comes back to this transcript
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
    if not ctx.coder:
        st.info("Enter your name in the sidebar to code: every coding is recorded under it.")
    colors = views.code_colors(codebook) if codebook else {}
    data = views.transcript_pieces(transcript, shown, pend, colors, codebook)
    action = transcript_view(data, key=f"read_ws_{tid}")
    if action and not ctx.coder:
        st.warning("Enter your name in the sidebar first: every coding is recorded under it.")
    elif action and action.get("kind") == "apply":
        _apply(store, tid, int(action["start"]), int(action["end"]), str(action["code"]), ctx.coder)
        st.rerun()
    elif action and action.get("kind") == "new":
        if codebook is None:
            flash("error", "Load a codebook first.")
        else:
            _new_code_dialog(ctx, tid, int(action["start"]), int(action["end"]))
    elif action and action.get("kind") == "open":
        _coding_dialog(ctx, tid, [str(x) for x in action.get("codings", [])])
    elif action and action.get("kind") == "pending":
        _pending_dialog(ctx, str(action["segment"]))
