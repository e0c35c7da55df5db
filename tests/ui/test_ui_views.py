"""The plain view-model functions behind the pages, and the launcher's command line."""
import pytest

from qualkit.codebook.model import Code, Codebook
from qualkit.coding import Coding
from qualkit.errors import ProjectError
from qualkit.suggest.model import Suggestion
from qualkit.transcript import Transcript, Turn
from qualkit.ui import launch, streamlit_command
from qualkit.ui.views import (ALL, code_colors, filter_transcripts, md_escape, parse_parts, segment_label,
                              transcript_html)

TEXT = "Interviewer: Why?\n\nP9: Because <script>alert(1)</script> & more.\n"


def transcript():
    q0 = TEXT.index("Why?")
    a0 = TEXT.index("Because")
    a1 = TEXT.index(" more.") + len(" more.")
    return Transcript(id="P9", source_path="P9.txt", format="txt", text=TEXT, participant_id="P9", turns=(
        Turn("Interviewer", "interviewer", q0, q0 + 4, "Why?"),
        Turn("P9", "participant", a0, a1, TEXT[a0:a1])))


def test_transcript_html_escapes_text_and_names_and_marks_codings_and_pending():
    t = transcript()
    a0, a1 = TEXT.index("Because"), TEXT.index(" more.") + len(" more.")
    codings = [Coding("P9", a0, a0 + 7, 'Bad "<b>" code', "ana", "2026", "human")]
    pending = [Suggestion("s1", "r", "seg", "P9", a0, a1, "Other", 0.61)]
    html = transcript_html(t, codings, pending, {'Bad "<b>" code': "#ff0000"})
    assert "<script>" not in html and " &lt;script&gt;alert(1)&lt;/script&gt; &amp; more.</mark>" in html
    assert ">Bad &quot;&lt;b&gt;&quot; code</span>" in html  # label after the coded span, escaped
    assert "background:rgba(255,0,0,0.22)" in html
    assert 'class="qk-label qk-pending-label" title="suggested: Other (0.61)">?Other</span>' in html
    assert '<div class="qk-turn qk-interviewer"><span class="qk-speaker">Interviewer</span>' in html
    # the overlap ("Because") carries both; the rest of the suggestion only the pending mark
    assert '<mark class="qk-coded qk-pending"' in html and '<mark class="qk-pending"' in html


def test_transcript_html_without_codings_is_the_plain_escaped_text():
    html = transcript_html(transcript(), [], [])
    assert "<mark" not in html and "Because &lt;script&gt;" in html


def test_code_colors_only_trusts_hex_and_inherits_from_parents():
    cb = Codebook("b", (Code("A", "a", color="#123456"), Code("B", "b", parent="A"),
                        Code("C", "c", color="red;background:url(x)")))
    colors = code_colors(cb)
    assert colors["A"] == colors["B"] == "#123456"
    assert colors["C"].startswith("#") and "url" not in colors["C"]


def test_filter_transcripts_by_participant_group_and_code():
    t1, t2 = transcript(), Transcript("P8", "P8.txt", "txt", "x", (), participant_id="P8")
    parts = {"P9": {"group": "clinician"}, "P8": {"group": "developer"}}
    codings = [Coding("P8", 0, 1, "A", "ana", "t")]
    assert filter_transcripts([t1, t2], parts, codings) == ["P9", "P8"]
    assert filter_transcripts([t1, t2], parts, codings, group="clinician") == ["P9"]
    assert filter_transcripts([t1, t2], parts, codings, code="A") == ["P8"]
    assert filter_transcripts([t1, t2], parts, codings, participant="P9", code="A") == []
    assert filter_transcripts([t1, t2], parts, codings, participant=ALL, group=ALL, code=ALL) == ["P9", "P8"]


def test_small_text_helpers():
    assert md_escape("a *b*  <i>\n[x]") == r"a \*b\* \<i\> \[x\]"
    assert parse_parts("A: first\n\nB: second") == [("A", "first"), ("B", "second")]
    with pytest.raises(ValueError, match="line 2: write each new code as 'Name: definition'"):
        parse_parts("A: x\nno colon")
    from qualkit.segment.model import Segment
    seg = Segment("s", "P1", "turn", 3, "P1", "participant", 0, 90, "word " * 18, 1)
    assert segment_label(seg, width=20) == "P1 #3 · P1: word word word word…"


def test_streamlit_command_binds_loopback_and_turns_off_usage_stats():
    cmd = streamlit_command(port=8600)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4].endswith("qualkit/ui/entry.py")
    flags = dict(zip(cmd[5::2], cmd[6::2]))
    assert flags["--server.address"] == "127.0.0.1" and flags["--server.port"] == "8600"
    assert flags["--browser.gatherUsageStats"] == "false" and flags["--server.headless"] == "true"


def test_launch_refuses_a_folder_that_is_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match=r"not a qualkit project \(no qualkit.json\): run `qualkit init"):
        launch(tmp_path)


def test_sample_project_is_built_once_from_the_bundled_study(tmp_path):
    from qualkit.ui.sample import build_sample_project
    calls = []
    p = build_sample_project(tmp_path / "sample", progress=lambda f, m: calls.append(f))
    try:
        assert len(p.store.transcripts()) == 12 and p.store.codebook().name == "AI in medicine"
        assert p.store.participants()["P01"]["group"] == "clinician"
        assert calls[0] < calls[-1] == 1.0
    finally:
        p.close()
    again = build_sample_project(tmp_path / "sample")  # idempotent: nothing re-ingested
    try:
        assert len(again.store.codebook_history()) == 1
    finally:
        again.close()
    with pytest.raises(ProjectError, match="the sample study is not available"):
        build_sample_project(tmp_path / "other", sources=tmp_path)
