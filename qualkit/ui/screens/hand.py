"""Code by hand: pick a segment, apply or remove any code, add a new code on the spot, write a memo."""
from __future__ import annotations

import streamlit as st

from ...codebook.model import Code
from ...review import add_code, add_memo, apply_code, memos_for, remove_code
from .. import views
from ..state import Context, guarded
from ..views import md_escape as _md


def render(ctx: Context) -> None:
    store = ctx.store
    st.header("Code by hand")
    codebook = store.codebook()
    transcripts = [t.id for t in store.transcripts()]
    if not transcripts or codebook is None:
        st.info("This needs transcripts and a codebook in the project.")
        return
    tid = st.selectbox("Transcript", transcripts, key="hand_transcript")
    segments = store.segments(transcript_id=tid, role="participant") or store.segments(transcript_id=tid)
    if not segments:
        st.info("This transcript has no segments.")
        return
    labels = {s.id: views.segment_label(s) for s in segments}
    sid = st.selectbox("Segment", list(labels), format_func=labels.get, key="hand_segment")
    seg = next(s for s in segments if s.id == sid)
    if seg.question:
        st.markdown(f"**Interviewer:** *{_md(seg.question)}*")
    st.markdown(f"**{_md(seg.speaker)}:** {_md(seg.text)}")

    mine = sorted({c.code for c in store.codings(ctx.coder) if c.transcript_id == seg.transcript_id
                   and (c.char_start, c.char_end) == (seg.char_start, seg.char_end)}) if ctx.coder else []
    st.write("Your codes on this segment: " + (", ".join(mine) if mine else "none"))
    for code in mine:
        st.button(f"Remove {code}", key=f"hand_remove_{code}", disabled=not ctx.coder,
                  on_click=guarded, args=(remove_code, store, seg, code, ctx.coder),
                  kwargs={"success": f"Removed {code}."})

    c1, c2 = st.columns([2, 3])
    code = c1.selectbox("Code", codebook.names, key="hand_code")
    note = c2.text_input("Note (optional)", key="hand_note")
    c1.caption(codebook[code].definition)
    st.button("Apply code", type="primary", key="hand_apply", disabled=not ctx.coder, on_click=guarded,
              args=(apply_code, store, seg, code, ctx.coder), kwargs={"note": note, "success": f"Applied {code}."})

    with st.expander("Add a new code"):
        with st.form("hand_new_code", clear_on_submit=True):
            name = st.text_input("Name", key="hand_new_name")
            definition = st.text_area("Definition", key="hand_new_definition")
            parent = st.selectbox("Parent", ["(none)"] + codebook.names)
            also_apply = st.checkbox("Apply it to this segment", value=True)
            if st.form_submit_button("Add code", disabled=not ctx.coder):
                new = Code(name=name.strip(), definition=definition.strip(),
                           parent=None if parent == "(none)" else parent)
                if guarded(add_code, store, new, ctx.coder, success=f"Added code {new.name}.") is not None \
                        and also_apply:
                    guarded(apply_code, store, seg, new.name, ctx.coder)
                st.rerun()

    with st.expander("Memos on this segment", expanded=bool(memos_for(store, "segment", seg.id))):
        for m in memos_for(store, "segment", seg.id):
            st.markdown(f"*{_md(m.author)}, {m.at[:16].replace('T', ' ')}:* {_md(m.text)}")
        with st.form("hand_memo", clear_on_submit=True):
            text = st.text_area("New memo", key="hand_memo_text")
            if st.form_submit_button("Save memo", disabled=not ctx.coder):
                guarded(add_memo, store, "segment", seg.id, text, ctx.coder, success="Memo saved.")
                st.rerun()

