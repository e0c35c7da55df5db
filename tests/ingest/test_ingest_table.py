"""CSV transcripts (one per row) and participants.csv."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from shared_data import shared_path

from qualkit.errors import InputError
from qualkit.ingest import IngestNote, read_file, read_participants

DATA = Path(__file__).parents[1] / "data" / "ingest"


def test_one_transcript_per_row_with_attributes():
    ts = read_file(DATA / "interviews.csv")
    assert [(t.id, t.format, t.participant_id, dict(t.attributes)) for t in ts] == [
        ("int_01", "csv", "int_01", {"group": "clinician"}), ("int_02", "csv", "int_02", {"group": "developer"})]
    for t in ts:
        t.check_spans()
    assert [(x.speaker, x.role, x.text) for x in ts[1].turns] == [
        ("Interviewer", "interviewer", "What do you optimise for?"),
        ("P02", "participant", "Throughput, honestly.\n\nFewer errors too.")]


def test_named_columns_and_default_row_ids(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("who,answer,site\nP05,\"User: long\nanswer\",Cork\nP06,User: short,Galway\n", encoding="cp1252")
    ts = read_file(path, text_column="answer", encoding="cp1252")
    assert [(t.id, t.participant_id, dict(t.attributes)) for t in ts] == [
        ("survey_1", "survey_1", {"who": "P05", "site": "Cork"}),
        ("survey_2", "survey_2", {"who": "P06", "site": "Galway"})]
    ts = read_file(path, text_column="answer", id_column="who", encoding="cp1252")
    assert [(t.id, t.participant_id, t.turns[0].text) for t in ts] == [("P05", "P05", "long\nanswer"),
                                                                       ("P06", "P06", "short")]


@pytest.mark.parametrize("name, kw, message", [
    ("missing_column.csv", {}, "missing_column.csv: has no text column (looked for 'text'); the columns are: "
                               "'id', 'transcript'"),
    ("missing_column.csv", {"text_column": "body"}, "missing_column.csv: has no text column 'body'; the columns "
                                                    "are: 'id', 'transcript'"),
    ("interviews.csv", {"id_column": "name"}, "interviews.csv: has no id column 'name'; the columns are: 'id', "
                                              "'group', 'text'"),
    ("duplicate_ids.csv", {}, "duplicate_ids.csv: row 3: duplicate id 'a' (first used in row 1)"),
])
def test_csv_errors(name, kw, message):
    with pytest.raises(InputError, match=re.escape(message)):
        read_file(DATA / name, **kw)


def test_csv_empty_answers_are_skipped_with_one_note(tmp_path):
    # survey exports leave answers blank: the rest is read, the skipped rows named in one note
    rows = [f"r{n},Answer number {n}" for n in range(1, 9)]
    rows[6] = "r7,"
    rows[2] = "r3,\u200b  "  # a zero-width space is no answer either
    (tmp_path / "a.csv").write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.warns(IngestNote) as notes:
        ts = read_file(tmp_path / "a.csv")
    assert [t.id for t in ts] == ["r1", "r2", "r4", "r5", "r6", "r8"]
    assert [str(n.message) for n in notes] == [
        f"{tmp_path / 'a.csv'}: skipped 2 row(s) whose text column 'text' is empty: row(s) 3, 7"]
    (tmp_path / "e.csv").write_text("id,text\nx,\ny,  \n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("e.csv: is empty: the text column 'text' is empty in every row "
                                                   "(2 row(s): 1, 2)")):
        read_file(tmp_path / "e.csv")


@pytest.mark.parametrize("header, column", [("id,text,text", "text"), ("id,Text,text ", "text"),
                                            ("ID,id,text", "id")])
def test_csv_duplicate_header_is_refused(tmp_path, header, column):
    (tmp_path / "d.csv").write_text(header + "\nP01,first,second\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"d.csv: the header names the column {column!r} twice "
                                                   "(columns ")):
        read_file(tmp_path / "d.csv")


def test_csv_empty_rows_and_no_rows(tmp_path):
    (tmp_path / "b.csv").write_text("id,text\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("b.csv: is empty: the CSV has a header but no rows")):
        read_file(tmp_path / "b.csv")


def test_participants():
    assert read_participants(DATA / "participants.csv") == {
        "P01": {"group": "clinician", "role": "GP"}, "P02": {"group": "developer", "role": "ML engineer"}}


def test_participants_errors(tmp_path):
    (tmp_path / "participants.csv").write_text("name,group\nA,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("participants.csv: has no participant id column (looked for "
                                                   "'id', 'participant' or 'participant_id'); the columns are: "
                                                   "'name', 'group'")):
        read_participants(tmp_path / "participants.csv")
    (tmp_path / "participants.csv").write_text("ID,group\nP1,a\nP2,b\nP1,c\n,d\nP2,e\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("participants.csv: row 3: duplicate id 'P1' (first in row 1); "
                                                   "row 4: empty 'ID'; row 5: duplicate id 'P2' (first in row 2)")):
        read_participants(tmp_path / "participants.csv")


@pytest.mark.slow
def test_anthropic_interviews():
    ts = read_file(shared_path("benchmarks/anthropic-interviewer/all_transcripts.csv"))
    assert len(ts) == 1250 and len({t.id for t in ts}) == 1250
    assert Counter(t.attributes["split"] for t in ts) == {"workforce": 1000, "creatives": 125, "scientists": 125}
    speakers = Counter((x.speaker, x.role) for t in ts for x in t.turns)
    assert set(speakers) == {("AI", "interviewer"), ("Assistant", "interviewer"), ("User", "participant")}
    for t in ts:
        t.check_spans()
        assert t.labelled and t.turns[0].role == "interviewer"
        assert {x.role for x in t.turns} == {"interviewer", "participant"}
