"""Review page: one suggestion at a time, in active-learning order, with its reasons; accept, reject, replace,
skip, bulk-accept the confident ones of a code (after confirming), undo, and progress per code."""
from __future__ import annotations

import streamlit as st

from ...review import accept, bulk_accept, reject, replace, undo_last
from .. import views
from ..state import Context, flash, guarded, review_index
from ..views import md_escape

BULK_THRESHOLD = 0.9
ORDER_LABELS = {"Most informative first": "informative", "Most confident first": "confident"}


def _skip(sid: str) -> None:
    st.session_state.setdefault("review_skipped", set()).add(sid)


def _undo(store, coder) -> None:
    undone = guarded(undo_last, store, coder)
    if undone == []:
        flash("info", "Nothing to undo.")
    elif undone:
        flash("success", f"Undid your last action ({len(undone)} decision{'s' if len(undone) != 1 else ''}).")


def _bulk(store, suggestions, code, coder) -> None:
    st.session_state.pop("review_confirm_bulk", None)
    guarded(bulk_accept, store, suggestions, code, BULK_THRESHOLD, coder,
            success=f"Accepted {{result}} suggestions of {code} scoring ≥ {BULK_THRESHOLD}.")


def render(ctx: Context) -> None:
    store = ctx.store
    st.header("Review suggestions")
    codebook = store.codebook()
    if codebook is None:
        st.info("Load a codebook first.")
        return
    if not ctx.coder:
        st.warning("Enter your name in the sidebar to review: every decision is recorded under it.")
        return
    index = review_index(store)
    if not index.items:
        st.info("No suggestions yet: run `qualkit suggest`.")
        return
    verdicts = index.verdicts(store.decisions(coder=ctx.coder))

    c1, c2, c3 = st.columns([2, 2, 1])
    order = ORDER_LABELS[c1.radio("Order", list(ORDER_LABELS), horizontal=True, key="review_order")]
    code_filter = c2.selectbox("Code", [views.ALL] + codebook.names, key="review_code")
    c3.button("Undo last", key="review_undo", on_click=_undo, args=(store, ctx.coder), width="stretch")

    skipped = st.session_state.get("review_skipped", set())
    queue = index.queue(verdicts, order, code=None if code_filter == views.ALL else code_filter, skip=skipped,
                        limit=1)
    prog = index.progress(ctx.coder, verdicts)
    st.progress(prog.fraction, text=f"{prog.reviewed} of {prog.total} reviewed · {prog.remaining} remaining"
                                     f"{f' · {len(skipped)} skipped this session' if skipped else ''}")

    if not queue:
        st.success("Nothing left to review here." if not skipped else
                   "Nothing left but the ones you skipped.")
        if skipped:
            st.button("Show skipped again", key="review_unskip",
                      on_click=lambda: st.session_state.pop("review_skipped", None))
    else:
        _card(ctx, queue[0], index.code_of[queue[0].id], codebook, index, verdicts)
    with st.expander("Progress per code", expanded=not queue):
        st.dataframe(views.progress_rows(prog, codebook), hide_index=True, width="stretch")


def _card(ctx: Context, s, name: str, codebook, index, verdicts) -> None:
    store = ctx.store
    code = codebook[name]
    segments = store.segments(transcript_id=s.transcript_id)
    seg = next((x for x in segments if x.id == s.segment_id), None)
    before, after = views.segment_context(segments, s.segment_id)

    left, right = st.columns([3, 2])
    with left:
        speaker = seg.speaker if seg and seg.speaker != s.transcript_id else ""
        st.subheader(f"{s.transcript_id} · {speaker}" if speaker else s.transcript_id)
        if seg and seg.question:
            st.markdown(f":gray[**Interviewer:** *{md_escape(seg.question)}*]")
        # Neighbouring segments are context only when they belong to the same turn (sentence/paragraph units).
        if before is not None and seg is not None and before.turn_index == seg.turn_index:
            st.markdown(f":gray[… {md_escape(before.text)}]")
        text = store.transcript(s.transcript_id).text[s.char_start:s.char_end] if seg is None else seg.text
        st.markdown(md_escape(text))  # plain text at full contrast: the researcher reads this most
        if after is not None and seg is not None and after.turn_index == seg.turn_index:
            st.markdown(f":gray[{md_escape(after.text)} …]")
    with right:
        st.subheader(name)
        st.metric("Score", f"{s.score:.2f}")
        st.markdown(f"**Definition.** {md_escape(code.definition)}")
        if code.include:
            st.markdown(f"**Include.** {md_escape(code.include)}")
        if code.exclude:
            st.markdown(f"**Exclude.** {md_escape(code.exclude)}")
        why = views.explanation_rows(s)
        if why["source"]:
            st.caption(f"From {why['source']}")
        if why["nearest"]:
            st.markdown(f"**Nearest {why['nearest_kind'] or 'example'}:** “{md_escape(why['nearest'])}”")
        if why["keywords"]:
            st.markdown("**Keywords matched:** " + ", ".join(md_escape(k) for k in why["keywords"]))
        if why["components"]:
            st.dataframe(why["components"], hide_index=True, width="stretch")

    b1, b2, b3, b4 = st.columns([1, 1, 2, 1])
    b1.button("Accept", type="primary", key="review_accept", width="stretch", on_click=guarded,
              args=(accept, store, s, ctx.coder), kwargs={"success": f"Accepted {name}."})
    b2.button("Reject", key="review_reject", width="stretch", on_click=guarded,
              args=(reject, store, s, ctx.coder), kwargs={"success": f"Rejected {name}."})
    others = [n for n in codebook.names if n != name]
    with b3:
        new_code = st.selectbox("Replace with", others, key="review_replace_code", label_visibility="collapsed")
        st.button("Replace with this code", key="review_replace", width="stretch", on_click=guarded,
                  args=(replace, store, s, new_code, ctx.coder),
                  kwargs={"success": f"Replaced {name} with {new_code}."})
    b4.button("Skip", key="review_skip", width="stretch", on_click=_skip, args=(s.id,))

    confident = index.queue(verdicts, "confident", code=name, min_score=BULK_THRESHOLD)
    if confident:
        if st.session_state.get("review_confirm_bulk") != name:
            st.button(f"Accept all {len(confident)} pending above {BULK_THRESHOLD} for {name}…",
                      key="review_bulk", on_click=lambda: st.session_state.update(review_confirm_bulk=name))
        else:
            st.warning(f"Accept all {len(confident)} pending suggestions of **{md_escape(name)}** scoring "
                       f"{BULK_THRESHOLD} or more, without reading them one by one? Undo last takes them all back.")
            y, n = st.columns(2)
            y.button(f"Yes, accept {len(confident)}", key="review_bulk_yes", type="primary",
                     on_click=_bulk, args=(store, confident, name, ctx.coder))
            n.button("Cancel", key="review_bulk_no", on_click=lambda: st.session_state.pop("review_confirm_bulk"))
