"""Plain text and Markdown: every encoding and line ending, and every error a user can cause."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualkit.errors import InputError
from qualkit.ingest import read_file
from qualkit.ingest import base

DATA = Path(__file__).parents[1] / "data" / "ingest"
EXPECTED_SPEAKERS = ["Interviewer", "P07"] * 3


def read_one(name, **kw):
    if "cp1252" in name:
        kw.setdefault("encoding", "cp1252")  # named by the researcher: qualkit never guesses a code page
    [t] = read_file(DATA / name, **kw)
    t.check_spans()
    return t


@pytest.mark.parametrize("name", ["interview.txt", "interview_utf8_bom_crlf.txt", "interview_utf16le_bom.txt",
                                  "interview_utf16be_bom.txt", "interview_utf16le_nobom.txt",
                                  "interview_cp1252_cr.txt"])
def test_every_encoding_and_line_ending_gives_the_same_text(name):
    reference = (DATA / "interview.txt").read_text(encoding="utf-8")
    t = read_one(name)
    assert t.text == reference  # no BOM, no CR, same characters (– ’ é survive every encoding)
    assert "\r" not in t.text and not t.text.startswith("\ufeff")
    assert [x.speaker for x in t.turns] == EXPECTED_SPEAKERS
    assert t.format == "txt" and t.id == Path(name).stem and t.labelled


def test_transcript_fields():
    t = read_one("interview.txt")
    assert t.source_path == str(DATA / "interview.txt")
    assert t.participant_id == "interview" and t.attributes == {}
    assert t.turns[1].text.endswith("One thing I noticed: the replies were longer than mine.")


def test_markdown_bold_labels_and_heading():
    t = read_one("interview.md")
    assert t.format == "md"
    assert [(x.speaker, x.role) for x in t.turns] == [(s, "interviewer" if s == "Interviewer" else "participant")
                                                      for s in EXPECTED_SPEAKERS]
    assert "Interview P07" not in " ".join(x.text for x in t.turns)  # the heading is not speech


@pytest.mark.parametrize("stem, expected", [("P01_interview", "P01"), ("P1_GMT20211118", "P1"),
                                            ("2024-05-participant_03", "participant_03"),
                                            ("focus group", "focus group"),
                                            ("GMTP12", "GMTP12")])
def test_participant_id_from_stem(tmp_path, stem, expected):
    path = tmp_path / f"{stem}.txt"
    path.write_text("Interviewer: hi?\nP: yes\n", encoding="utf-8")
    [t] = read_file(path)
    assert t.participant_id == expected and t.id == stem


@pytest.mark.parametrize("name, message", [
    ("empty.txt", "empty.txt: is empty"),
    ("whitespace.txt", "whitespace.txt: is empty"),
    ("binary.txt", "binary.txt: looks like a binary file (PNG data), not a text transcript"),
    ("nul_bytes.txt", "nul_bytes.txt: looks like a binary file, not a text transcript"),
    ("undecodable.txt", "undecodable.txt: is not UTF-8 text (byte 0xe9 on line 1 and 1 more line(s)); re-save it "
                        "as UTF-8, or name its encoding with --encoding (e.g. --encoding cp1252"),
    ("interview_cp1252_cr.txt", "interview_cp1252_cr.txt: is not UTF-8 text (byte 0x96 on line 1"),
    ("notes.xyz", "notes.xyz: unsupported file type '.xyz'; supported: .txt, .md, .docx, .odt, .pdf, .vtt, .srt, .csv"),
    ("missing.txt", "missing.txt: does not exist"),
])
def test_error_messages(name, message):
    with pytest.raises(InputError, match=re.escape(message)) as e:
        read_file(DATA / name)
    assert isinstance(e.value, ValueError) and e.value.path == str(DATA / name)


def test_pdf_renamed_to_txt_is_binary(tmp_path):
    path = tmp_path / "renamed.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    with pytest.raises(InputError, match=r"renamed.txt: looks like a binary file \(PDF data\)"):
        read_file(path)


def test_file_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "MAX_FILE_BYTES", 1024 * 1024)
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Interviewer: hi\n" * 70_000)
    with pytest.raises(InputError, match=r"huge.txt: is 1.1 MB, over the 1 MB limit for one transcript"):
        read_file(path)
