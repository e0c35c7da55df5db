import pytest
from project_data import dump

from qualkit.errors import InputError
from qualkit.project import import_codings, ingest


def write(tmp_path, text):
    p = tmp_path / "codings.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_import_codings_and_reimport_adds_nothing(project, corpus, tmp_path):
    ingest(project, [corpus])
    text = project.store.transcript("P01").text
    start = text.index("I read every draft")
    csv = write(tmp_path, f"document,start_char,end_char,code,coder\nP01,{start},{start + 18},Human oversight,ana\n")
    assert import_codings(project, csv).added == 1
    assert import_codings(project, csv).already_present == 1
    [coding] = project.store.codings()
    assert text[coding.char_start:coding.char_end] == "I read every draft"
    assert coding.origin == "import" and coding.coder == "ana"


def test_every_bad_row_is_reported_and_nothing_imported(project, corpus, tmp_path):
    ingest(project, [corpus])
    csv = write(tmp_path, "document,start_char,end_char,code\n"
                          "P01,0,10,Human oversight\n"
                          "P99,0,10,Human oversight\n"
                          "P01,5,99999,Human oversight\n"
                          "P01,a,b,Human oversight\n"
                          "P01,0,10,\n")
    before = dump(project)
    with pytest.raises(InputError) as e:
        import_codings(project, csv, coder=None)
    msg = str(e.value)
    assert "5 bad row(s), nothing imported" in msg
    assert "row 2: no coder (add a coder column or pass --coder NAME)" in msg
    assert "row 3: unknown document 'P99' (ingest it first)" in msg
    assert "row 4: span 5-99999 is outside document 'P01'" in msg
    assert "row 5: start_char and end_char must be whole numbers, got 'a' and 'b'" in msg
    assert "row 6: empty code" in msg
    assert dump(project) == before


def test_missing_columns(project, tmp_path):
    with pytest.raises(InputError, match="missing column\\(s\\) start_char, end_char; a codings CSV needs"):
        import_codings(project, write(tmp_path, "document,code\nP01,x\n"))


def test_backwards_and_empty_spans_and_repeated_columns_are_named(project, corpus, tmp_path):
    ingest(project, [corpus])
    before = dump(project)
    csv = write(tmp_path, "document,start_char,end_char,code,coder\nP01,9,5,A,ana\nP01,5,5,A,ana\n")
    with pytest.raises(InputError, match=r"2 bad row\(s\), nothing imported:\n  row 2: span 9-5 ends before it "
                                         r"starts\n  row 3: span 5-5 is empty \(start_char equals end_char\)"):
        import_codings(project, csv)
    twice = write(tmp_path, "document,start_char,end_char,code,Code\nP01,0,5,A,B\n")
    with pytest.raises(InputError, match=r"the header names the column 'code' twice \(columns 4 and 5\)"):
        import_codings(project, twice, coder="ana")
    assert dump(project) == before
