"""One replay of the decision log serves codings and learning labels: undo is no label, renames and merges
keep their decisions."""
from qualkit.coding import Decision, codings_from_decisions, in_force
from qualkit.segment.model import Segment
from qualkit.suggest.labels import SegmentIndex, decision_labels

SEGS = [Segment(f"s{i}", "T", "turn", i, "P", "participant", i * 10, i * 10 + 8, "x" * 8, i) for i in range(4)]
INDEX = SegmentIndex(SEGS)


def d(n, seg, code, verdict, coder="ann"):
    s = SEGS[seg]
    return Decision(f"d{n}", "T", s.char_start, s.char_end, code, verdict, coder, f"2026-01-01T00:00:{n:02d}Z",
                    segment_id=s.id, seq=n)


def test_undone_accept_is_no_label_and_no_coding():
    log = [d(1, 0, "A", "accept"), d(2, 0, "A", "undo")]
    assert decision_labels(log, INDEX, ["A", "B"]) == {"A": {}, "B": {}}
    assert codings_from_decisions(log) == []


def test_undone_reject_is_no_label_either():
    log = [d(1, 1, "A", "reject"), d(2, 1, "A", "undo")]
    assert decision_labels(log, INDEX, ["A"]) == {"A": {}}


def test_undo_after_a_change_of_mind_goes_back_to_pending_not_to_the_first_verdict():
    log = [d(1, 0, "A", "accept"), d(2, 0, "A", "reject"), d(3, 0, "A", "undo")]
    assert decision_labels(log, INDEX, ["A"]) == {"A": {}}
    assert codings_from_decisions(log) == []


def test_labels_and_codings_agree_on_every_segment():
    log = [d(1, 0, "A", "accept"), d(2, 1, "A", "apply"), d(3, 2, "A", "reject"), d(4, 1, "A", "remove"),
           d(5, 3, "A", "accept"), d(6, 3, "A", "undo"), d(7, 2, "A", "undo"), d(8, 2, "A", "apply")]
    labels = decision_labels(log, INDEX, ["A"], implicit_negatives=False)["A"]
    coded = {SEGS.index(next(s for s in SEGS if s.char_start == c.char_start)) for c in codings_from_decisions(log)}
    assert {i for i, y in labels.items() if y == 1} == coded == {0, 2}
    assert labels == {0: 1, 1: 0, 2: 1}


def test_a_renamed_code_keeps_its_labels():
    log = [d(1, 0, "Old", "accept"), d(2, 1, "Old", "reject")]
    renames = {"Old": "New"}
    assert decision_labels(log, INDEX, ["New"], renames=renames) == {"New": {0: 1, 1: 0}}
    assert [c.code for c in codings_from_decisions(log, renames)] == ["New"]


def test_merged_codes_keep_their_labels_and_undo_still_reaches_through_the_merge():
    log = [d(1, 0, "A", "accept"), d(2, 1, "B", "accept"), d(3, 2, "B", "reject"), d(4, 1, "Into", "undo")]
    renames = {"A": "Into", "B": "Into"}
    assert decision_labels(log, INDEX, ["Into"], renames=renames, implicit_negatives=False) == {"Into": {0: 1, 2: 0}}
    assert [c.char_start for c in codings_from_decisions(log, renames)] == [0]


def test_latest_decision_in_force_wins_whoever_made_it_and_an_undo_reveals_the_other_coder():
    log = [d(1, 0, "A", "accept", "ann"), d(2, 0, "A", "reject", "bob")]
    assert decision_labels(log, INDEX, ["A"]) == {"A": {0: 0}}
    log.append(d(3, 0, "A", "undo", "bob"))
    assert decision_labels(log, INDEX, ["A"]) == {"A": {0: 1}}


def test_the_replay_follows_seq_not_the_order_given():
    log = [d(2, 0, "A", "undo"), d(1, 0, "A", "accept")]  # the store's seq says the accept came first
    assert in_force(log) == []


def test_implicit_negatives_follow_the_codings_in_force():
    log = [d(1, 0, "A", "accept"), d(2, 1, "A", "accept"), d(3, 1, "A", "undo")]
    assert decision_labels(log, INDEX, ["A", "B"]) == {"A": {0: 1}, "B": {0: 0}}
