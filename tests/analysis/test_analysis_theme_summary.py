import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snapshot_fixture import DPR, EFF, HO, OPTIMISE, OVERSIGHT, VER, make_snapshot  # noqa: E402

from qualkit.analysis import pick_exemplars, theme_summary  # noqa: E402
from qualkit.analysis.exemplars import centroid_similarities  # noqa: E402
from qualkit.errors import QualkitError  # noqa: E402


def row(summary, code):
    return next(r for r in summary.rows if r.code == code)


def test_prevalence_pooled_over_coders_overall_and_per_group():
    s = theme_summary(make_snapshot())
    assert s.groups == ("clinician", "developer")
    assert s.group_sizes == {"clinician": 3, "developer": 2}
    ho = row(s, HO)
    # HO: P1, P2 (both coders), P3 (bob only), P4 (alice only)
    assert (ho.participants.n, ho.participants.of, ho.participants.pct) == (4, 5, 80.0)
    assert (ho.by_group["clinician"].n, ho.by_group["clinician"].of) == (3, 3)
    assert (ho.by_group["developer"].n, ho.by_group["developer"].of) == (1, 2)
    assert ho.n_codings == 6 and ho.n_passages == 4
    eff = row(s, EFF)
    assert (eff.participants.n, eff.by_group["clinician"].n, eff.by_group["developer"].n) == (3, 1, 2)
    assert eff.ai_codings == 1


def test_one_coder_only():
    s = theme_summary(make_snapshot(), coder="alice")
    assert row(s, HO).participants.n == 3  # P3's HO is bob's
    assert row(s, EFF).by_group["clinician"].n == 0  # P2's EFF is bob's


def test_unknown_coder_is_named():
    with pytest.raises(QualkitError, match="coder 'carol' has no codings.*alice, bob"):
        theme_summary(make_snapshot(), coder="carol")


def test_rows_follow_themes_and_parents_without_codings_are_headings():
    s = theme_summary(make_snapshot())
    assert [(r.theme, r.code) for r in s.rows] == [(OVERSIGHT, HO), (OVERSIGHT, VER), (OPTIMISE, EFF), (OPTIMISE, DPR)]
    totals = {t.theme: t for t in s.themes}
    assert totals[OVERSIGHT].participants.n == 4  # P1-P4
    assert totals[OPTIMISE].participants.n == 4  # P1, P2, P4, P5
    assert totals[OPTIMISE].by_group["developer"].n == 2


def test_exemplars_trace_back_to_their_place_and_come_from_different_participants():
    snap = make_snapshot()
    s = theme_summary(snap)
    for r in s.rows:
        pids = [e.participant_id for e in r.exemplars]
        assert len(pids) == len(set(pids))
        assert 1 <= len(r.exemplars) <= 3
        for e in r.exemplars:
            t = snap.transcript(e.transcript_id)
            assert t.text[e.char_start:e.char_end] == e.text
            assert t.turns[e.turn_index].char_start <= e.char_start < t.turns[e.turn_index].char_end
            assert e.line == t.text[:e.char_start].count("\n") + 1
            assert snap.participant_of(e.transcript_id) == e.participant_id


def test_exemplars_are_representative_not_outliers():
    # HO passages: three about reviewing drafts, P4's about dashboard colours; the outlier is left out
    s = theme_summary(make_snapshot())
    ho = row(s, HO)
    assert {e.participant_id for e in ho.exemplars} == {"P1", "P2", "P3"}
    assert "dashboard" not in " ".join(e.text for e in ho.exemplars)


def test_centroid_similarity_ranks_the_odd_one_last():
    sims = centroid_similarities(["review the draft", "review the draft first", "colour of the dashboard"])
    assert sims[2] < sims[0] and sims[2] < sims[1]
    assert list(centroid_similarities(["...", "!!"])) == [0.0, 0.0]


def test_pick_exemplars_one_quote_per_participant():
    snap = make_snapshot()
    t1 = snap.transcript("T1")
    spans = [("T1", t.char_start, t.char_end) for t in t1.turns if t.role == "participant"]
    picked = pick_exemplars(snap, spans, k=3)
    assert len(picked) == 1 and picked[0].participant_id == "P1"


def test_frame_and_dict():
    s = theme_summary(make_snapshot())
    df = s.to_frame()
    assert list(df["code"]) == [HO, VER, EFF, DPR]
    assert df.loc[0, "n_clinician"] == 3 and df.loc[0, "pct_developer"] == 50.0
    assert "P1; T1 chars" in df.loc[0, "exemplars"]
    d = s.to_dict()
    assert d["rows"][0]["by_group"]["clinician"] == {"n": 3, "of": 3, "pct": 100.0}


def test_participants_without_group_get_their_own_column():
    snap = make_snapshot(participants={"P1": {"group": "clinician"}})
    s = theme_summary(snap)
    assert s.groups == ("clinician", "(no group)")
    assert row(s, HO).by_group["(no group)"].n == 3 and row(s, HO).by_group["(no group)"].of == 4


def test_group_falls_back_to_transcript_attributes():
    from dataclasses import replace

    from snapshot_fixture import GROUPS, TRANSCRIPTS

    ts = tuple(replace(t, attributes={"group": GROUPS[t.participant_id]}) for t in TRANSCRIPTS)
    s = theme_summary(make_snapshot(transcripts=ts, participants={}))
    assert s.group_sizes == {"clinician": 3, "developer": 2}
    assert row(s, HO).by_group["developer"].n == 1
