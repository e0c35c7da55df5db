"""One input in many formats, one result: the same interview as .txt, .md, .docx, .odt, .pdf, .vtt and .srt."""
from __future__ import annotations

from pathlib import Path

import pytest

from qualkit.ingest import read_file

DATA = Path(__file__).parents[1] / "data" / "ingest"
EXACT = ["interview.txt", "interview_utf16le_nobom.txt", "interview_cp1252_cr.txt", "interview.md",
         "interview.docx", "interview_zoom.vtt", "interview_teams.vtt", "interview_otter.srt"]


def turns_of(name):
    # a cp1252 file is read only when the researcher names its encoding (qualkit never guesses one)
    [t] = read_file(DATA / name, encoding="cp1252" if "cp1252" in name else None)
    t.check_spans()
    return [(x.speaker, x.role, x.text) for x in t.turns]


@pytest.mark.parametrize("name", EXACT)
def test_same_speakers_roles_and_texts(name):
    assert turns_of(name) == turns_of("interview.txt")


def test_odt_and_pdf_agree_up_to_line_wrapping():
    reference = turns_of("interview.txt")
    odt = turns_of("interview.odt")[:-1]  # the fixture adds one turn exercising ODT whitespace elements
    pdf = [(s, r, " ".join(t.split())) for s, r, t in turns_of("interview.pdf")]  # PDF lines wrap mid-turn
    assert odt == reference
    assert pdf == reference
