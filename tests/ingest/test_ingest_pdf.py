"""PDF transcripts: page furniture removal on a small fixture, broken files, and the 7 PDPilot transcripts."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from shared_data import shared_path

from qualkit.errors import InputError
from qualkit.ingest import read_file
from qualkit.ingest.pdf import strip_page_furniture

DATA = Path(__file__).parents[1] / "data" / "ingest"


def test_headers_footers_and_margin_numbers_are_dropped():
    [t] = read_file(DATA / "interview.pdf")
    t.check_spans()
    assert t.format == "pdf"
    assert "confidential" not in t.text and "Page 1 of 3" not in t.text
    assert not re.search(r"^\d", t.text, re.M)  # no margin line numbers
    assert [x.speaker for x in t.turns] == ["Interviewer", "P07"] * 3


def test_strip_page_furniture_keeps_labels_and_body():
    words = ["alpha", "beta", "gamma"]
    pages = [[f"Study X, {k} May", "Dan: Okay.", f"{w} says a lot", "more", "Participant: Yes.", "Page 4"]
             for k, w in enumerate(words, start=1)]
    # the header repeats (up to its numbers) at the top of every page; "Dan: Okay." too, but it is a label line
    assert strip_page_furniture(pages) == [["Dan: Okay.", f"{w} says a lot", "more", "Participant: Yes."]
                                           for w in words]
    assert strip_page_furniture([["Title", "text"], ["Title", "more"]]) == [["Title", "text"], ["Title", "more"]]


def test_broken_pdf(tmp_path):
    with pytest.raises(InputError, match=r"truncated.pdf: cannot be read as a PDF \(.*\); it may be truncated, "
                                         r"encrypted or not a PDF"):
        read_file(DATA / "truncated.pdf")


@pytest.mark.slow
def test_all_pdpilot_transcripts():
    files = sorted(shared_path("benchmarks/pdpilot-interviews/transcripts").glob("P*.pdf"))
    assert len(files) == 7
    for f in files:
        [t] = read_file(f)
        t.check_spans()
        assert t.labelled and t.participant_id == f.stem
        roles = Counter((x.speaker, x.role) for x in t.turns)
        assert roles[("Dan", "interviewer")] > 40 and roles[("Participant", "participant")] > 40, (f.name, roles)
        assert {r for (_, r) in roles} == {"interviewer", "participant"}
        assert all(role == "participant" for (s, role) in roles if s != "Dan"), (f.name, roles)
        # page furniture is gone: no "1/5" page numbers, no margin numbers, no title turn
        assert not re.search(r"^\d+(/\d+)?$", t.text, re.M), f.name
        assert not any(re.match(r"\d+ ", x.text) for x in t.turns), f.name
        assert t.turns[0].speaker == "Dan"
