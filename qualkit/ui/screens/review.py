"""Review by segment: a passage in its place (the interviewer's question, the turns around it) with all of its
pending suggestions; accept or reject each, "none of these apply", "accept all shown", next/previous, undo,
keyboard shortcuts. Reasons in plain words first, numbers under "details". Suggestions learn live: every
decision retrains its code (ui/learning.py) and the queue is re-ranked before the next passage is shown."""
from __future__ import annotations

from dataclasses import replace as dc_replace

import streamlit as st

from ...review import accept, bulk_accept, reject, replace, undo_last
from ...review.queue import ORDERS
from .. import views
from ..components import shortcuts
from ..learning import live
from ..state import Context, flash, guarded, review_index
from ..views import md_escape

BULK_THRESHOLD = 0.9
ORDER_LABELS = {"Most informative first": "informative", "Most confident first": "confident",
                "Transcript order": "transcript"}
assert set(ORDER_LABELS.values()) == set(ORDERS)
KEYS = {"a": "accept", "r": "reject", "x": "none of these apply", "y": "accept all shown", "n": "next",
        "p": "previous", "u": "undo"}
KEY_HELP = ("**Keys:** 1–9 pick a suggestion · **A** accept · **R** reject · **X** none of these apply · "
            "**Y** accept all shown · **N** next passage · **P** previous · **U** undo")


def _ss():
    return st.session_state


def _where(seg) -> str:
    """The passage's heading: 'P01 · passage 3', with the speaker too when it is not the transcript's own id
    ('P07 · Participant · passage 3')."""
    who = seg.transcript_id if seg.speaker == seg.transcript_id else f"{seg.transcript_id} · {seg.speaker}"
    return f"{who} · passage {seg.index + 1}"


def _against_threshold(s, score: float, threshold: float, note: str = "") -> str:
    """'score **0.08** ≥ this code's threshold **0.06**: the AI would code this' (or '<' and 'would not') for the
    suggestion `s` at its live `score` and `threshold` (the verdict is the library's rule, Suggestion.above_threshold),
    with as many decimals (up to 4) as it takes for two different numbers not to print alike; `note` follows the
    score."""
    digits = next((d for d in (2, 3, 4) if f"{score:.{d}f}" != f"{threshold:.{d}f}"), 2)
    would = dc_replace(s, score=score, threshold=threshold).above_threshold
    sign, verdict = ("≥", "the AI would code this") if would else ("<", "the AI would not code this")
    return f"score **{score:.{digits}f}**{note} {sign} this code's threshold **{threshold:.{digits}f}**: {verdict}"


def _decide(action, store, s, coder, name, segment_id) -> None:
    verb = "Accepted" if action is accept else "Rejected"
    if guarded(action, store, s, coder, success=f"{verb} {name}.") is not None:
        _ss().pop("review_back", None)  # decided: the passage goes once nothing is left on it


def _decide_all(action, store, items, coder, segment_id) -> None:
    done = [name for s, name in items if guarded(action, store, s, coder) is not None]
    if done:
        verb = "Accepted" if action is accept else "Rejected"
        flash("success", f"{verb} {', '.join(done)}.")
        _ss().pop("review_back", None)


def _replace(store, s, new_code, coder, name, segment_id) -> None:
    if guarded(replace, store, s, new_code, coder, success=f"Replaced {name} with {new_code}.") is not None:
        _ss().pop("review_back", None)


def _next(segment_id) -> None:
    _ss().pop("review_back", None)
    _ss().setdefault("review_history", []).append(segment_id)
    _ss().setdefault("review_skipped", set()).add(segment_id)
    _ss().pop("review_current", None)
    _ss()["review_cursor"] = 0


def _previous() -> None:
    history = _ss().get("review_history") or []
    if not history:
        flash("info", "This is the first passage of this session.")
        return
    sid = history.pop()
    _ss().get("review_skipped", set()).discard(sid)
    _ss()["review_current"] = sid
    _ss()["review_back"] = sid
    _ss()["review_cursor"] = 0


def _undo(store, coder) -> None:
    undone = guarded(undo_last, store, coder)
    if undone == []:
        flash("info", "Nothing to undo.")
    elif undone:
        flash("success", f"Undid your last action ({len(undone)} decision{'s' if len(undone) != 1 else ''}).")
        _ss()["review_current"] = undone[0].segment_id or _ss().get("review_current")


def _bulk(store, suggestions, code, coder) -> None:
    _ss().pop("review_confirm_bulk", None)
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
    lv = live(store)
    model = lv.model if lv else None
    verdicts = index.verdicts(store.decisions(coder=ctx.coder))

    # live scores of every suggestion under review (a code nobody has decided keeps its run's score)
    if model is not None:
        live_scores, live_thresholds = model.score_arrays(index)
    else:
        live_scores, live_thresholds = index.arrays()["score"], index.arrays()["threshold"]
    position = index.arrays()["position"]

    def score(s):
        i = position.get(s.id)
        return s.score if i is None else float(live_scores[i])

    def threshold(s):
        i = position.get(s.id)
        return s.threshold if i is None else float(live_thresholds[i])

    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    order = ORDER_LABELS[c1.radio("Order", list(ORDER_LABELS), horizontal=True, key="review_order")]
    code_filter = c2.selectbox("Code", [views.ALL] + codebook.names, key="review_code")
    transcripts = store.transcripts()
    participants = store.participants()
    pids = sorted({t.participant_id or t.id for t in transcripts})
    participant = c3.selectbox("Participant", [views.ALL] + pids, key="review_participant")
    group = c4.selectbox("Group", [views.ALL] + views.groups_of(participants), key="review_group")
    allowed = views.filter_transcripts(transcripts, participants, (), participant, group)
    code = None if code_filter == views.ALL else code_filter

    skipped = _ss().setdefault("review_skipped", set())
    queue = index.rank(verdicts, order, code=code, transcripts=allowed, skip=skipped, scores=live_scores,
                       thresholds=live_thresholds)
    prog = index.progress(ctx.coder, verdicts)
    st.progress(prog.fraction, text=f"{prog.reviewed} of {prog.total} suggestions reviewed · {len(queue)} passages "
                                     f"to go{f' · {len(skipped)} skipped this session' if skipped else ''}")
    if model is not None:
        st.caption("Learning live: each decision retrains its code, re-scores its pending suggestions and "
                   "re-ranks the queue before the next passage is shown.")
    elif lv is not None:
        st.caption(lv.reason)

    view = (order, code_filter, participant, group)
    if _ss().get("review_view") != view:  # a new order or filter starts from its first passage
        _ss()["review_view"] = view
        _ss().pop("review_current", None)
    current = _ss().get("review_current")
    def open_here(sid) -> bool:  # still something to decide on it under these filters
        return any((code is None or index.code_of[x.id] == code) and x.transcript_id in allowed
                   and index.key_of[x.id] not in verdicts for x in index.by_segment.get(sid, []))

    # the passage stays until everything shown on it is decided (or the researcher moves on); one reached with
    # "previous" stays even when decided, so an answer can be changed
    if current is None or not (open_here(current) or (current == _ss().get("review_back")
                                                      and current in index.by_segment)):
        if current is not None and current in index.by_segment and current != _ss().get("review_back"):
            history = _ss().setdefault("review_history", [])
            if not history or history[-1] != current:
                history.append(current)
        current = queue[0] if queue else None
        _ss()["review_current"] = current
        _ss()["review_cursor"] = 0
        _ss().pop("review_back", None)
    if current is None:
        st.success("Nothing left to review here." if not skipped else "Nothing left but the passages you skipped.")
        if skipped:
            st.button("Show skipped again", key="review_unskip", on_click=lambda: _ss().pop("review_skipped", None))
    else:
        _segment(ctx, current, index, verdicts, code, score, threshold, model, queue)

    with st.expander("How the suggestions agree with you, per code"):
        if st.toggle("Measure agreement (re-measured after every decision while on)", key="review_measure"):
            _agreement(model, codebook, index)
    with st.expander("Progress per code", expanded=current is None):
        st.dataframe(views.progress_rows(prog, codebook), hide_index=True, width="stretch")


def _segment(ctx, segment_id, index, verdicts, code, score, threshold, model, queue) -> None:
    store = ctx.store
    codebook = store.codebook()
    shown = [s for s in index.by_segment[segment_id] if code is None or index.code_of[s.id] == code]
    shown.sort(key=lambda s: (-score(s), index.code_of[s.id]))
    pending = [s for s in shown if index.key_of[s.id] not in verdicts]
    cursor = min(_ss().get("review_cursor", 0), max(0, len(pending) - 1))

    pressed = shortcuts(list("123456789") + list(KEYS), key="review_keys")
    if pressed:
        if pressed.isdigit():
            if int(pressed) <= len(pending):
                _ss()["review_cursor"] = int(pressed) - 1
        elif pressed in ("a", "r") and pending:
            s = pending[cursor]
            _decide(accept if pressed == "a" else reject, store, s, ctx.coder, index.code_of[s.id], segment_id)
        elif pressed == "x" and pending:
            _decide_all(reject, store, [(s, index.code_of[s.id]) for s in pending], ctx.coder, segment_id)
        elif pressed == "y" and pending:
            _decide_all(accept, store, [(s, index.code_of[s.id]) for s in pending], ctx.coder, segment_id)
        elif pressed == "n":
            _next(segment_id)
        elif pressed == "p":
            _previous()
        elif pressed == "u":
            _undo(store, ctx.coder)
        st.rerun()

    segments = store.segments(transcript_id=shown[0].transcript_id) if shown else []
    seg = next((x for x in segments if x.id == segment_id), None)
    if seg is None:
        st.warning("This passage is no longer in the project (re-segmented since the suggestions were made).")
        st.button("Next passage", on_click=_next, args=(segment_id,))
        return
    pos = queue.index(segment_id) if segment_id in queue else None
    left, right = st.columns([3, 2])  # the passage and its suggestions side by side: decide without scrolling
    with left, st.container(border=True):
        st.subheader(_where(seg))
        if pos is not None:
            st.caption(f"{pos + 1} of {len(queue)} passages in this order")
        before = [x for x in segments if x.index < seg.index][-2:]
        after = [x for x in segments if x.index > seg.index][:1]
        for x in before:
            if x.role == "interviewer":
                st.markdown(f":gray[**{md_escape(x.speaker)}:** *{md_escape(x.text)}*]")
            else:
                st.markdown(f":gray[**{md_escape(x.speaker)}:** {md_escape(views._short(x.text, 300))}]")
        if seg.question and not any(x.role == "interviewer" for x in before):
            st.markdown(f":gray[**Interviewer:** *{md_escape(seg.question)}*]")
        st.markdown(f"**{md_escape(seg.speaker)}:** {md_escape(seg.text)}")
        for x in after:
            st.markdown(f":gray[**{md_escape(x.speaker)}:** {md_escape(views._short(x.text, 300))}]")

    with right:
        st.markdown(KEY_HELP)
        others = codebook.names
        for s in pending + [x for x in shown if x not in pending]:  # what is left to decide first
            name = index.code_of[s.id]
            v = verdicts.get(index.key_of[s.id])
            k = pending.index(s) if s in pending else None
            now, thr = score(s), threshold(s)
            # the suggestion under the cursor keeps plain keys (what A and R act on); the others are numbered
            suffix = "" if k == cursor else f"_{k + 1}" if k is not None else ""
            with st.container(border=True):
                st.subheader(name)
                status = {None: "", "accept": " · ✓ accepted", "apply": " · ✓ coded", "reject": " · ✗ rejected",
                          "remove": " · ✗ removed"}.get(v, f" · {v}")
                changed = f" (was {s.score:.2f} when suggested)" if abs(now - s.score) >= 0.005 else ""
                head = f"**[{k + 1}]**{' ▶ selected' if k == cursor else ''} · " if k is not None else ""
                st.markdown(f"{head}{_against_threshold(s, now, thr, changed)}{status}")
                if s.mode == "promoted-theme":
                    st.caption("From promoted theme")
                reasons = (model.reasons(s.segment_id, name) if model and model.knows(name) else []) \
                    or views.plain_reasons(s)
                for r in reasons[:4]:
                    st.markdown(f"- {md_escape(r)}")
                if k is not None:
                    b1, b2 = st.columns(2)
                    b1.button("Accept" + (" (A)" if k == cursor else ""), key=f"review_accept{suffix}",
                              width="stretch", type="primary" if k == cursor else "secondary", on_click=_decide,
                              args=(accept, store, s, ctx.coder, name, segment_id))
                    b2.button("Reject" + (" (R)" if k == cursor else ""), key=f"review_reject{suffix}",
                              width="stretch", on_click=_decide, args=(reject, store, s, ctx.coder, name, segment_id))
                    with st.popover("Replace with another code…", width="stretch",
                                    help="Reject this code and apply another one to the passage"):
                        new_code = st.selectbox("Code", [n for n in others if n != name],
                                                key=f"review_replace_code{suffix}")
                        st.button("Replace with this code", key=f"review_replace{suffix}", on_click=_replace,
                                  args=(store, s, new_code, ctx.coder, name, segment_id))
                with st.expander("details"):
                    c = codebook[name] if name in codebook else None
                    if c is not None:
                        st.markdown(f"**Definition.** {md_escape(c.definition)}")
                        if c.include:
                            st.markdown(f"**Include.** {md_escape(c.include)}")
                        if c.exclude:
                            st.markdown(f"**Exclude.** {md_escape(c.exclude)}")
                    mode = model.mode(name) if model and model.knows(name) else s.mode
                    st.caption(f"score {now:.3f} · threshold {thr:.3f} · scored by: {mode} · when suggested: "
                               f"{s.score:.3f} ({s.mode}, {s.decided} decided)")
                    rows = views.explanation_rows(s)["components"]
                    if rows:
                        st.dataframe(rows, hide_index=True, width="stretch")

    b1, b2, b3, b4, b5 = st.columns(5)
    items = [(s, index.code_of[s.id]) for s in pending]
    b1.button("Accept all shown (Y)", key="review_accept_all", disabled=not pending, width="stretch",
              on_click=_decide_all, args=(accept, store, items, ctx.coder, segment_id))
    b2.button("None of these apply (X)", key="review_none", disabled=not pending, width="stretch",
              on_click=_decide_all, args=(reject, store, items, ctx.coder, segment_id))
    b3.button("← Previous (P)", key="review_prev", width="stretch", on_click=_previous)
    b4.button("Next passage (N) →", key="review_skip", width="stretch", on_click=_next, args=(segment_id,))
    b5.button("Undo last (U)", key="review_undo", width="stretch", on_click=_undo, args=(store, ctx.coder))

    bulk_code = code or (index.code_of[pending[0].id] if pending else None)
    if bulk_code:
        _bulk_box(ctx, index, verdicts, bulk_code, score, model)


def _bulk_box(ctx, index, verdicts, name, score, model) -> None:
    store = ctx.store
    rescored = [dc_replace(s, score=score(s)) for s in index.pending(verdicts, code=name)]
    confident = [s for s in rescored if s.score >= BULK_THRESHOLD]
    if not confident:
        return
    basis = ""
    if model is not None and model.knows(name):
        rate, n = model.agreement(name).accept_rate(BULK_THRESHOLD)
        basis = (f"On your own decisions so far (each scored without its transcript's decisions), you accepted "
                 f"{rate:.0%} of the {n} passages scoring ≥ {BULK_THRESHOLD}." if rate is not None else
                 f"None of your decided passages scores ≥ {BULK_THRESHOLD} yet: there is nothing to check this "
                 f"threshold against.")
    if _ss().get("review_confirm_bulk") != name:
        st.button(f"Accept all {len(confident)} pending above {BULK_THRESHOLD} for {name}…", key="review_bulk",
                  on_click=lambda: _ss().update(review_confirm_bulk=name))
        if basis:
            st.caption(basis)
    else:
        st.warning(f"Accept all {len(confident)} pending suggestions of **{md_escape(name)}** scoring "
                   f"{BULK_THRESHOLD} or more, without reading them one by one? {basis} "
                   "Undo last takes them all back.")
        y, n = st.columns(2)
        y.button(f"Yes, accept {len(confident)}", key="review_bulk_yes", type="primary",
                 on_click=_bulk, args=(store, confident, name, ctx.coder))
        n.button("Cancel", key="review_bulk_no", on_click=lambda: _ss().pop("review_confirm_bulk"))


def _agreement(model, codebook, index) -> None:
    if model is None:
        st.caption("Agreement needs live learning (see above).")
        return
    st.caption("Each decided passage is scored by a model that has not seen its transcript's decisions "
               "(cross-validated by transcript); κ = Cohen's kappa against your decisions, n = decided passages.")
    rows = []
    for name in codebook.names:
        if not model.knows(name) or not model.decided(name):
            continue
        a = model.agreement(name)
        rows.append({"code": name, "scored by": a.mode, "n": a.n, "coded": a.n_positive,
                     "kappa": None if a.kappa is None else round(a.kappa, 2),
                     "F1": None if a.f1 is None else round(a.f1, 2)})
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.caption("No decisions yet.")
