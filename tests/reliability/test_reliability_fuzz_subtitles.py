"""Fuzzing the subtitle (.vtt/.srt) reader: whatever the bytes, it returns a sound Transcript or raises an
InputError that names the file; never another exception. (The text speaker parser is fuzzed in
tests/ingest/test_ingest_speakers.py.)"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualkit.errors import InputError
from qualkit.ingest import read_file


def _ts(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


_GOOD_TIMING = st.builds(lambda a, d, sep, extra: f"{_ts(a, sep)} --> {_ts(a + d, sep)}{extra}",
                         st.floats(0, 20000), st.floats(0, 30), st.sampled_from(".,"),
                         st.sampled_from(["", " align:start position:10%", "  "]))
_BAD_TIMING = st.one_of(st.builds(lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}.000 --> 00:00:01.000",
                                  st.integers(0, 99), st.integers(0, 70), st.integers(0, 70)),
                        st.text(alphabet="0123456789:.,->X ", max_size=30))
_SPEAKER = st.sampled_from(["Interviewer", "P01", "Dr. Ana Ruiz", "SPEAKER 2", "Me", "", "x>y", "Ann & Bo"])
_UTTER = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
_PAYLOAD = st.one_of(
    st.builds(lambda s, u: f"<v {s}>{u}", _SPEAKER, _UTTER),
    st.builds(lambda s, u: f"{s}: {u}", _SPEAKER, _UTTER),
    st.builds(lambda u: f"<i>{u}</i> &amp; <b>x</b>", _UTTER),
    _UTTER,
)
_CUE = st.builds(lambda cue_id, timing, lines: "\n".join(([cue_id] if cue_id else []) + [timing] + lines),
                st.sampled_from(["", "1", "42", "abc-7"]), _GOOD_TIMING, st.lists(_PAYLOAD, max_size=3))
_BLOCK = st.one_of(
    _CUE,
    st.sampled_from(["NOTE a comment", "STYLE\n::cue { color: red }", "REGION\nid:r1"]),
    _UTTER,
)
_BROKEN = st.one_of(_BAD_TIMING, st.sampled_from(["-->", "WEBVTT"]),
                    st.builds(lambda t, u: f"{t}\n{u}", _BAD_TIMING, _UTTER))
# mostly well-formed cues (so the turn-building code is exercised), sometimes one broken block
_DOC = st.builds(lambda header, blocks, broken, sep, bom: bom + header + sep.join(blocks + broken),
                 st.sampled_from(["WEBVTT\n\n", "WEBVTT - title\n", "", "WEBVTT\n"]), st.lists(_BLOCK, max_size=12),
                 st.lists(_BROKEN, max_size=1),
                 st.sampled_from(["\n\n", "\r\n\r\n", "\n", "\n\n\n"]), st.sampled_from(["", "\ufeff"]))

_DIR = Path(tempfile.mkdtemp(prefix="qualkit-fuzz-"))
atexit.register(shutil.rmtree, _DIR, True)


def _check(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        transcripts = read_file(path)
    except InputError as e:
        assert str(e).startswith(f"{path}: ") and len(str(e)) > len(str(path)) + 5
        return
    assert len(transcripts) == 1
    t = transcripts[0]
    t.check_spans()
    ends = 0
    for turn in t.turns:
        assert ends <= turn.char_start <= turn.char_end <= len(t.text)
        assert turn.text.strip() == turn.text and turn.text
        assert turn.role in ("interviewer", "participant")
        ends = turn.char_end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOC, st.sampled_from([".vtt", ".srt"]))
def test_structured_subtitles_give_sound_turns_or_a_named_error(doc, suffix):
    _check(_DIR / f"fuzz{suffix}", doc.encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([".vtt", ".srt"]))
def test_arbitrary_bytes_never_crash_the_subtitle_reader(data, suffix):
    _check(_DIR / f"bytes{suffix}", data)
