"""The one sanitiser for XML exports (issue 18 item 14): one character for one, so quotes keep their offsets."""
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from snapshot_fixture import make_snapshot  # noqa: E402

from qualkit.export.xml_text import xml_safe, xml_safe_all  # noqa: E402


def test_each_character_xml_cannot_hold_becomes_one_character():
    raw = "a\x00b\x07c\x0bd\x0ce\x1ff\ud800g\uffffh\tk\nl\rm"
    safe = xml_safe(raw)
    assert len(safe) == len(raw)
    assert safe == "a b c d e f\ufffdg\ufffdh\tk\nl\rm"  # tab, newline and CR are XML and stay
    assert xml_safe(5) == 5 and xml_safe(None) is None


def test_a_clean_snapshot_is_returned_as_it_is():
    snap = make_snapshot()
    assert xml_safe_all(snap) is snap


def test_every_string_of_a_snapshot_is_made_safe_and_spans_still_quote_the_same_text():
    snap = make_snapshot()
    t = snap.transcripts[0]
    dirty = replace(t, text=t.text.replace(" ", "\x0c", 1))
    codebook = replace(snap.codebook, codes=(replace(snap.codebook.codes[0], definition="rings\x07"),)
                       + snap.codebook.codes[1:])
    snap2 = replace(snap, transcripts=(dirty,) + snap.transcripts[1:], codebook=codebook)
    safe = xml_safe_all(snap2)
    assert safe.transcripts[0].text == t.text.replace(" ", " ", 1) and len(safe.transcripts[0].text) == len(t.text)
    assert safe.codebook.codes[0].definition == "rings "
    assert safe.transcripts[1:] == snap.transcripts[1:]
    for c in safe.codings:
        if c.transcript_id == t.id:
            assert safe.transcripts[0].text[c.char_start:c.char_end] == t.text[c.char_start:c.char_end]
