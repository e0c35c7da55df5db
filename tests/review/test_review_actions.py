import pytest
from review_data import project  # noqa: F401  (the fixture)

from qualkit.codebook.model import Code
from qualkit.errors import CodebookError, ProjectError
from qualkit.project import Project
from qualkit.review import (ReviewError, Span, accept, add_code, add_memo, apply_code, bulk_accept, codebook_history,
                            dismiss_theme, edit_code, memos_for, merge_codes, order_queue, pending, progress,
                            promote_example, promote_theme, reject, remove_code, rename_code, replace, split_code,
                            undo_last)


def by_code(store, code, transcript=None):
    return [s for s in store.suggestions() if s.code == code and (transcript is None or s.transcript_id == transcript)]


def codings(store, coder="ana"):
    return sorted((c.transcript_id, c.char_start, c.code, c.origin) for c in store.codings(coder))


def test_accept_and_reject_are_recorded_at_once_and_seen_by_a_new_store(project):
    store = project.store
    s1 = by_code(store, "Human oversight", "P01")[0]
    s2 = by_code(store, "Efficiency", "P01")[0]
    d1 = accept(store, s1, "ana")
    d2 = reject(store, s2, "ana", note="not about speed")
    assert (d1.verdict, d1.suggestion_id, d1.segment_id, d1.coder) == ("accept", s1.id, s1.segment_id, "ana")
    assert d2.verdict == "reject" and d2.note == "not about speed"

    fresh = Project.open(project.path)  # a refresh/restart: a new Store object over the same database
    try:
        seen = [(d.verdict, d.suggestion_id) for d in fresh.store.decisions(coder="ana")]
        assert seen == [("accept", s1.id), ("reject", s2.id)]
        assert codings(fresh.store) == [("P01", s1.char_start, "Human oversight", "ai")]
        assert s1.id not in {s.id for s in pending(fresh.store, "ana")}
        assert s2.id not in {s.id for s in pending(fresh.store, "ana")}
    finally:
        fresh.close()


def test_decisions_need_a_coder_name(project):
    s = project.store.suggestions()[0]
    with pytest.raises(ReviewError, match="no coder name: enter your name"):
        accept(project.store, s, "  ")
    assert project.store.decisions() == []


def test_each_coder_has_their_own_pending_queue(project):
    store = project.store
    s = by_code(store, "Human oversight", "P01")[0]
    accept(store, s, "ana")
    assert s.id not in {x.id for x in pending(store, "ana")}
    assert s.id in {x.id for x in pending(store, "ben")}
    assert len(pending(store, "ben")) == 7


def test_replace_rejects_and_applies_in_one_action_and_one_undo_takes_both_back(project):
    store = project.store
    s = by_code(store, "Transparency", "P01")[0]
    decisions = replace(store, s, "Human oversight", "ana")
    assert [(d.verdict, d.code) for d in decisions] == [("reject", "Transparency"), ("apply", "Human oversight")]
    assert codings(store) == [("P01", s.char_start, "Human oversight", "human")]
    undone = undo_last(store, "ana")
    assert sorted(d.code for d in undone) == ["Human oversight", "Transparency"]
    assert codings(store) == []
    assert s.id in {x.id for x in pending(store, "ana")}
    with pytest.raises(ReviewError, match="replace needs a different code"):
        replace(store, s, "Transparency", "ana")
    with pytest.raises(ReviewError, match="unknown code 'Nope'"):
        replace(store, s, "Nope", "ana")


def test_undo_walks_back_one_action_at_a_time_and_only_for_that_coder(project):
    store = project.store
    a = by_code(store, "Human oversight", "P01")[0]
    b = by_code(store, "Efficiency", "P02")[0]
    accept(store, a, "ana")
    reject(store, b, "ana")
    accept(store, b, "ben")
    assert [(d.verdict, d.suggestion_id) for d in undo_last(store, "ana")] == [("undo", b.id)]
    assert b.id in {x.id for x in pending(store, "ana")}
    assert a.id not in {x.id for x in pending(store, "ana")}
    assert [(d.verdict, d.suggestion_id) for d in undo_last(store, "ana")] == [("undo", a.id)]
    assert undo_last(store, "ana") == []
    assert codings(store, "ben") == [("P02", b.char_start, "Efficiency", "ai")]  # ben untouched
    assert len(store.decisions(coder="ana")) == 4  # nothing deleted: two verdicts, two undos


def test_hand_coding_apply_and_remove_on_segments_and_spans(project):
    store = project.store
    seg = store.segments(transcript_id="P02")[0]
    apply_code(store, seg, "Efficiency", "ana", note="clear case")
    span = Span("P02", seg.char_start, seg.char_start + 10)
    apply_code(store, span, "Transparency", "ana")
    assert codings(store) == [("P02", seg.char_start, "Efficiency", "human"),
                              ("P02", seg.char_start, "Transparency", "human")]
    remove_code(store, span, "Transparency", "ana")
    assert codings(store) == [("P02", seg.char_start, "Efficiency", "human")]
    with pytest.raises(ReviewError, match=r"span 5-99999 is outside transcript 'P02'"):
        apply_code(store, Span("P02", 5, 99999), "Efficiency", "ana")
    with pytest.raises(ProjectError, match="no transcript 'P99'"):
        apply_code(store, Span("P99", 0, 3), "Efficiency", "ana")
    with pytest.raises(ReviewError, match="unknown code 'Speed'"):
        apply_code(store, seg, "Speed", "ana")


def test_bulk_accept_takes_only_pending_suggestions_of_that_code_above_the_threshold(project):
    store = project.store
    effs = by_code(store, "Efficiency")
    high = [s for s in effs if s.score >= 0.9]
    assert len(high) == 1
    assert bulk_accept(store, store.suggestions(), "Efficiency", 0.6, "ana") == 2  # 0.92 and 0.70, not 0.10
    assert bulk_accept(store, store.suggestions(), "Efficiency", 0.6, "ana") == 0  # already decided
    assert sorted(c[2] for c in codings(store)) == ["Efficiency", "Efficiency"]
    undone = undo_last(store, "ana")  # the bulk accept is one action
    assert len(undone) == 2 and codings(store) == []


def test_pending_order_and_progress(project):
    store = project.store
    queue = order_queue(pending(store, "ana"), "informative")
    assert {s.score for s in queue[:2]} == {0.55, 0.45}  # the most uncertain first
    assert [s.score for s in order_queue(pending(store, "ana"), "confident")][:2] == [0.95, 0.92]
    with pytest.raises(ValueError, match="unknown review order 'random'"):
        order_queue([], "random")
    accept(store, by_code(store, "Efficiency", "P02")[0], "ana")
    reject(store, by_code(store, "Efficiency", "P01")[0], "ana")
    p = progress(store, "ana")
    assert (p.reviewed, p.remaining, p.total) == (2, 5, 7)
    eff = p.by_code["Efficiency"]
    assert (eff.reviewed, eff.remaining, eff.accepted, eff.rejected) == (2, 1, 1, 1)
    assert (p.by_code["Transparency"].reviewed, p.by_code["Transparency"].remaining) == (0, 2)
    assert progress(store, "ben").reviewed == 0


def test_add_and_edit_code_write_new_codebook_versions(project):
    store = project.store
    cb = add_code(store, Code("Privacy", "Worry about where patient data goes."), "ana")
    assert cb.version == "2" and "Privacy" in store.codebook()
    cb = edit_code(store, "Privacy", "ana", definition="Where patient data goes, who sees it.",
                   keywords=["privacy", " data ", ""])
    assert store.codebook()["Privacy"].keywords == ("privacy", "data")
    assert store.codebook().version == "3"
    versions, _ = codebook_history(store)
    assert [(v["version"], v["saved_by"]) for v in versions] == [("1", "setup"), ("2", "ana"), ("3", "ana")]
    with pytest.raises(ReviewError, match="a code named 'Privacy' already exists"):
        add_code(store, Code("Privacy", "again"), "ana")
    with pytest.raises(ReviewError, match="cannot edit name of code 'Privacy'"):
        edit_code(store, "Privacy", "ana", name="X")
    with pytest.raises(CodebookError, match=r"parent"):
        edit_code(store, "Privacy", "ana", parent="No such code")
    assert store.codebook().version == "3"


def test_rename_keeps_past_decisions_and_a_new_store_sees_them_under_the_new_name(project):
    store = project.store
    s = by_code(store, "Human oversight", "P01")[0]
    accept(store, s, "ana")
    rename_code(store, "Human oversight", "Clinician oversight", "ana")
    assert "Human oversight" not in store.codebook() and "Clinician oversight" in store.codebook()
    fresh = Project.open(project.path)
    try:
        assert [c[2] for c in codings(fresh.store)] == ["Clinician oversight"]
        # the other still-pending suggestion of the old name is offered under the new name
        assert "Clinician oversight" in {p for p in progress(fresh.store, "ana").by_code}
    finally:
        fresh.close()
    other = by_code(store, "Human oversight", "P02")[0]
    d = accept(store, other, "ana")
    assert d.code == "Clinician oversight"
    with pytest.raises(ReviewError, match="'Human oversight' was used by a code that was renamed"):
        add_code(store, Code("Human oversight", "reuse"), "ana")


def test_merge_codes_moves_decisions_examples_and_keywords(project):
    store = project.store
    accept(store, by_code(store, "Transparency", "P01")[0], "ana")
    merge_codes(store, ["Transparency"], "Human oversight", "ana")
    cb = store.codebook()
    assert cb.names == ["Human oversight", "Efficiency"]
    assert cb["Human oversight"].keywords == ("review", "read", "told", "know")
    assert [c[2] for c in codings(store)] == ["Human oversight"]
    with pytest.raises(ReviewError, match="nothing to merge into 'Efficiency'"):
        merge_codes(store, ["Efficiency"], "Efficiency", "ana")


def test_split_code_keeps_the_original_as_parent_or_carries_decisions_to_a_part(project):
    store = project.store
    accept(store, by_code(store, "Efficiency", "P02")[0], "ana")
    parts = [Code("Throughput", "Patients per hour."), Code("Error reduction", "Fewer mistakes.")]
    cb = split_code(store, "Efficiency", parts, "ana")
    assert [(c.name, c.parent) for c in cb.codes][2:] == [("Efficiency", None), ("Throughput", "Efficiency"),
                                                          ("Error reduction", "Efficiency")]
    assert [c[2] for c in codings(store)] == ["Efficiency"]

    cb = split_code(store, "Transparency", [Code("Told", "Patients told."), Code("Not told", "Not told.")], "ana",
                    carry_to="Told")
    assert "Transparency" not in cb and cb["Told"].parent is None
    accept(store, by_code(store, "Transparency", "P01")[0], "ana")  # an old-name suggestion resolves to the part
    assert sorted(c[2] for c in codings(store)) == ["Efficiency", "Told"]
    with pytest.raises(ReviewError, match="split 'Efficiency' into at least two codes"):
        split_code(store, "Efficiency", parts[:1], "ana")
    with pytest.raises(ReviewError, match="carry_to 'X' must be one of the new codes"):
        split_code(store, "Efficiency", [Code("A", "a"), Code("B", "b")], "ana", carry_to="X")


def test_promote_example_adds_the_segment_text_once(project):
    store = project.store
    seg = store.segments(transcript_id="P02")[0]
    promote_example(store, seg, "Efficiency", "ana")
    promote_example(store, seg, "Efficiency", "ana")
    assert store.codebook()["Efficiency"].examples == (" ".join(seg.text.split()),)
    assert store.codebook().version == "2"


def test_promote_theme_adds_a_code_and_queues_its_quotes_for_review(project):
    store = project.store
    theme = [t for t in store.themes() if t.id == "theme-privacy"][0]
    cb, queued = promote_theme(store, theme, "Privacy", "Worry about where patient data goes.", "ana")
    assert "Privacy" in cb and cb["Privacy"].keywords == ("privacy", "data", "messages")
    assert [q.segment_id for q in queued] == list(theme.quote_ids)
    assert store.codings() == []  # promoting codes nothing by itself
    fresh = Project.open(project.path)
    try:
        mine = [s for s in pending(fresh.store, "ana") if s.code == "Privacy"]
        assert [s.segment_id for s in mine] == list(theme.quote_ids)
        assert {t.id: t.status for t in fresh.store.themes()}["theme-privacy"] == "promoted"
        accept(fresh.store, mine[0], "ana")
        assert [c[2:] for c in codings(fresh.store)] == [("Privacy", "ai")]
    finally:
        fresh.close()
    with pytest.raises(ReviewError, match="theme 'privacy / data / messages' was already promoted"):
        promote_theme(store, theme, "Privacy 2", "x", "ana")


def test_dismiss_theme_and_memos(project):
    store = project.store
    theme = [t for t in store.themes() if t.id == "theme-week"][0]
    dismiss_theme(store, theme, "ana", reason="an artefact of one interview")
    assert {t.id: t.status for t in store.themes()}["theme-week"] == "dismissed"
    with pytest.raises(ReviewError, match="theme 'weekly measurement' was already dismissed"):
        dismiss_theme(store, theme, "ana")
    seg = store.segments()[0]
    add_memo(store, "segment", seg.id, "  Ask about the pilot later. ", "ana")
    assert [(m.text, m.author) for m in memos_for(store, "segment", seg.id)] == [("Ask about the pilot later.", "ana")]
    with pytest.raises(ReviewError, match="the memo is empty"):
        add_memo(store, "segment", seg.id, " ", "ana")
    with pytest.raises(ReviewError, match="unknown memo target 'page'"):
        add_memo(store, "page", "x", "hi", "ana")


def test_accepting_a_suggestion_whose_code_left_the_codebook_is_refused_but_rejecting_works(project):
    store = project.store
    s = by_code(store, "Transparency", "P01")[0]
    cb = store.codebook()
    store.put_codebook(type(cb)(name=cb.name, version="9", codes=tuple(c for c in cb.codes if c.name != "Transparency")))
    assert all(p.code != "Transparency" for p in pending(store, "ana"))
    with pytest.raises(ReviewError, match="code 'Transparency', which is no longer in the codebook"):
        accept(store, s, "ana")
    assert reject(store, s, "ana").verdict == "reject"


def test_review_index_agrees_with_pending_and_progress_after_decisions_and_renames(project):
    from qualkit.review import ReviewIndex, review_suggestions
    store = project.store
    accept(store, by_code(store, "Human oversight", "P01")[0], "ana")
    reject(store, by_code(store, "Efficiency", "P02")[0], "ana")
    rename_code(store, "Efficiency", "Speed", "ana")
    index = ReviewIndex(review_suggestions(store), store.renames(), store.codebook().names)
    verdicts = index.verdicts(store.decisions(coder="ana"))
    queue = index.queue(verdicts, "confident")
    assert {s.id for s in queue} == {s.id for s in pending(store, "ana")} and len(queue) == 5
    assert [s.score for s in queue] == sorted((s.score for s in queue), reverse=True)
    assert [s.score for s in index.queue(verdicts, "confident", code="Speed", min_score=0.6)] == [0.70]
    assert [s.score for s in index.queue(verdicts, "confident", code="Speed")] == [0.70, 0.10]
    assert index.progress("ana", verdicts) == progress(store, "ana")
    assert queue[0].id not in {s.id for s in index.queue(verdicts, "confident", skip={queue[0].id})}
    assert len(index.queue(verdicts, "informative", limit=2)) == 2
