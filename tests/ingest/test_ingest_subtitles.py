"""WebVTT and SRT exports (Zoom, Teams, Otter): cue parsing, speakers, merging, timings and errors."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualkit.errors import InputError
from qualkit.ingest import read_file

DATA = Path(__file__).parents[1] / "data" / "ingest"


@pytest.mark.parametrize("name", ["interview_zoom.vtt", "interview_teams.vtt", "interview_otter.srt"])
def test_exports_merge_cues_per_speaker_and_keep_times(name):
    [t] = read_file(DATA / name)
    t.check_spans()
    assert t.format == name.rsplit(".", 1)[1] and t.labelled
    assert [(x.speaker, x.role) for x in t.turns] == [("Interviewer", "interviewer"), ("P07", "participant")] * 3
    # P07's first answer was two cues (6.5-10.0 and 10.5-14.0): one turn spanning both
    assert (t.turns[1].start_s, t.turns[1].end_s) == (6.5, 14.0)
    assert t.turns[1].text == ("Honestly, it was a bit strange at first – the drafts sounded like me, but not "
                               "quite. One thing I noticed: the replies were longer than mine.")
    assert t.text.startswith("Interviewer: Thanks for joining. How did you find the drafting pilot?\n\nP07: ")


def test_voice_tags_settings_entities_and_header_without_blank_line(tmp_path):
    path = tmp_path / "teams.vtt"
    path.write_text("WEBVTT - exported\n00:00.000 --> 00:02.000 line:90%\n<v.loud Ann Lee>Fish &amp; "
                    "<i>chips</i>?</v>\n\nSTYLE\n::cue { color: red }\n\n"
                    "2\n00:03.000 --> 00:05.000\n<v Bo>Yes <00:00:04.000>please.</v>\n", encoding="utf-8")
    [t] = read_file(path)
    assert [(x.speaker, x.text, x.start_s, x.end_s) for x in t.turns] == [
        ("Ann Lee", "Fish & chips?", 0.0, 2.0), ("Bo", "Yes please.", 3.0, 5.0)]
    assert t.text == "Ann Lee: Fish & chips?\n\nBo: Yes please."


def test_cues_without_speakers_are_unlabelled_paragraphs(tmp_path):
    path = tmp_path / "plain.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n2\n00:00:03,000 --> 00:00:04,500\n"
                    "Second cue.\n", encoding="utf-8")
    [t] = read_file(path)
    assert not t.labelled
    assert [(x.speaker, x.role, x.text, x.start_s) for x in t.turns] == [
        ("Participant", "participant", "Hello there.", 1.0), ("Participant", "participant", "Second cue.", 3.0)]


def test_a_cue_without_prefix_continues_the_previous_speaker(tmp_path):
    path = tmp_path / "zoom.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAnn: What now?\n\n2\n00:00:02.000 --> "
                    "00:00:03.000\nAnd then?\n\n3\n00:00:04.000 --> 00:00:09.000\nBo: I went home and slept a lot.\n"
                    "\n4\n00:00:10.000 --> 00:00:11.000\nAnn: Why?\n\n5\n00:00:12.000 --> 00:00:15.000\n"
                    "Bo: I was tired from the long shift.\n", encoding="utf-8")
    [t] = read_file(path)
    assert [(x.speaker, x.role, x.text) for x in t.turns] == [
        ("Ann", "interviewer", "What now? And then?"), ("Bo", "participant", "I went home and slept a lot."),
        ("Ann", "interviewer", "Why?"), ("Bo", "participant", "I was tired from the long shift.")]


@pytest.mark.parametrize("body, message", [
    ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nA: x\n\n2\n00:00:0x.000 --> 00:00:07.000\nB: y\n",
     "line 8: cannot read the cue timing '00:00:0x.000 --> 00:00:07.000'"),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nA: backwards\n",
     "line 3: cannot read the cue timing '00:00:05.000 --> 00:00:01.000' (the cue ends before it starts)"),
    ("1\n00:00:61,000 --> 00:01:02,000\nA: bad seconds\n",
     "line 2: cannot read the cue timing '00:00:61,000 --> 00:01:02,000' (minutes and seconds must be below 60)"),
    ("WEBVTT\n\nhello there\n", "line 3: expected a cue timing such as '00:00:01.000 --> 00:00:04.000', "
                                "found 'hello there'"),
    ("WEBVTT\n\nNOTE nothing here\n", "is empty: it has no subtitle cues with text"),
])
def test_broken_subtitles(tmp_path, body, message):
    path = tmp_path / "broken.vtt"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"broken.vtt: {message}")):
        read_file(path)


def test_broken_timestamp_fixture():
    with pytest.raises(InputError, match=r"broken_timestamp.vtt: line 8: cannot read the cue timing"):
        read_file(DATA / "broken_timestamp.vtt")
