"""CSV codebooks: the nine SERDIF Taguette exports and the generic code,description[,parent] layout."""
import csv
from pathlib import Path

import pytest

from qualkit.codebook import load_codebook, load_csv_codebook, parse_csv_codebook, warnings
from qualkit.errors import CodebookError

SERDIF = Path(__file__).parent.parent / "data" / "codebook" / "serdif"
SERDIF_FILES = sorted(SERDIF.glob("*.csv"))


def csv_problems(text: str) -> list[str]:
    with pytest.raises(CodebookError) as info:
        parse_csv_codebook(text, "cb.csv")
    return info.value.problems


def test_all_nine_serdif_codebooks_are_present():
    assert [p.name for p in SERDIF_FILES] == [
        "codebook_20220223_0.csv", "codebook_20220223_1.csv", "codebook_20220223_2.csv", "codebook_20220223_3.csv",
        "codebook_20220223_4.csv", "codebook_20220223_5.csv", "codebook_20220223_6.csv", "codebook_20220301_7.csv",
        "codebook_20220303_8.csv"]


@pytest.mark.parametrize("path", SERDIF_FILES, ids=lambda p: p.stem)
def test_serdif_codebook_matches_the_file_row_for_row(path):
    cb = load_codebook(path)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert cb.names == [r["tag"].strip() for r in rows]
    assert [c.definition for c in cb.codes] == [r["description"].strip() for r in rows]
    assert cb.name == path.stem
    assert cb.source_path == str(path)
    assert all(c.parent is None for c in cb.codes)  # Taguette's data has no a.b or a/b hierarchy


def test_serdif_counts_and_empty_descriptions_per_version():
    counts = {p.stem: len(load_csv_codebook(p).codes) for p in SERDIF_FILES}
    assert counts == {"codebook_20220223_0": 120, "codebook_20220223_1": 80, "codebook_20220223_2": 61,
                      "codebook_20220223_3": 49, "codebook_20220223_4": 41, "codebook_20220223_5": 25,
                      "codebook_20220223_6": 22, "codebook_20220301_7": 22, "codebook_20220303_8": 22}
    first = load_csv_codebook(SERDIF / "codebook_20220223_0.csv")
    assert sum(1 for c in first.codes if not c.definition) == 42
    assert first["Additional feature suggestion"].definition == ""


def test_final_serdif_codebook_has_22_described_codes():
    cb = load_csv_codebook(SERDIF / "codebook_20220303_8.csv")
    assert len(cb.codes) == 22
    assert all(c.definition for c in cb.codes)
    assert cb.codes[0].name == "Moderator assist"
    assert cb.codes[-1].name == "Navigation complex"
    # A multi-line quoted description stays one code with its line breaks.
    assert cb["Additional feature suggestion"].definition.splitlines() == [
        "Distinguish outliers based on historical data.",
        "Add time series, scatter and histogram plots.",
        "Add an advanced aggregation method and select all features.",
        "Define, select and group events feature for exploration.",
        "Summarize the metadata in a user friendly way.",
        "Facilitate the understanding of the data table and increase amount of data.",
    ]
    # Trailing space in the export is not part of the definition.
    assert cb["Wording not clear"].definition.endswith("used appropriately.")


def test_warnings_for_taguette_codebook_with_empty_descriptions():
    cb = load_csv_codebook(SERDIF / "codebook_20220223_0.csv")
    found = warnings(cb)
    assert ("Additional feature suggestion: empty definition; suggestions match segments against the definition, "
            "so write a sentence or two on what this code means") in found
    assert "Moderator comment: no examples; add at least 2 short quotes that should get this code" in found
    assert len(found) == 42 + 120  # every empty description, and no code has examples


def test_generic_layout_with_parent():
    text = ("code,description,parent\n"
            "Ethics,Talk about ethics,\n"
            "Human oversight,A person reviews AI output,Ethics\n")
    cb = parse_csv_codebook(text, "generic.csv")
    assert cb.names == ["Ethics", "Human oversight"]
    assert cb["Human oversight"].parent == "Ethics"
    assert cb["Ethics"].parent is None
    assert cb.children("Ethics") == [cb["Human oversight"]]


@pytest.mark.parametrize("header", ["name,definition", "Tag,Description", " CODE , description "])
def test_column_name_variants(header):
    cb = parse_csv_codebook(f"{header}\nA,means a\n", "cb.csv")
    assert cb["A"].definition == "means a"


def test_optional_columns_and_blank_rows():
    text = 'code,description,include,exclude,color\nA,d,inc,exc,#1f77b4\n,,,,\n\nB,e,,,\n'
    cb = parse_csv_codebook(text, "cb.csv")
    assert cb["A"].include == "inc" and cb["A"].exclude == "exc" and cb["A"].color == "#1f77b4"
    assert cb["B"].color is None and cb["B"].include == ""


def test_row_problems_name_row_and_code_all_at_once():
    text = ("code,description,parent,color\n"
            "Ethics,d,,\n"
            "Oversight,d,Ethcs,\n"
            ",nameless,,\n"
            "ETHICS,again,,\n"
            "Coloured,d,,blue\n"
            "A,d,B,\n"
            "B,d,A,\n")
    assert csv_problems(text) == [
        "cb.csv:row 3 -> Oversight: unknown parent 'Ethcs'; did you mean 'Ethics'?",
        "cb.csv:row 4 -> code 3: empty name; every code needs a name",
        "cb.csv:row 5 -> ETHICS: duplicate code name; 'Ethics' is already defined at row 2 (names are compared "
        "ignoring case)",
        "cb.csv:row 6 -> Coloured: bad color 'blue'; use #RRGGBB, e.g. \"#1f77b4\"",
        "cb.csv:row 7 -> A: cyclic parents: A -> B -> A; a code cannot be its own ancestor",
    ]


def test_row_numbers_count_spreadsheet_rows_not_text_lines():
    text = 'tag,description\nA,"two\nlines"\nA,dup\n'
    assert csv_problems(text) == [
        "cb.csv:row 3 -> A: duplicate code name; 'A' is already defined at row 2 (names are compared ignoring case)"]


def test_wrong_cell_count():
    assert csv_problems("code,description\nA,d,extra\n") == [
        "cb.csv:row 2 -> A: 3 cells but the header has 2; check for an unquoted comma"]


def test_missing_description_column():
    assert csv_problems("code,parent\nA,\n") == [
        "cb.csv:row 1 -> codebook: no description column; the header must have one of description, definition "
        "(found: code, parent)"]


def test_missing_name_column():
    assert csv_problems("label,description\nA,d\n") == [
        "cb.csv:row 1 -> codebook: unknown column 'label' Valid columns: tag, name, code, description, definition, "
        "parent, include, exclude, color, number of highlights"]


def test_taguette_highlights_export_is_not_taken_for_a_codebook():
    text = "id,document,tag,content\n1,doc,A,some text\n"
    problems = csv_problems(text)
    assert problems[0] == ("cb.csv:row 1 -> codebook: unknown column 'id' Valid columns: tag, name, code, "
                           "description, definition, parent, include, exclude, color, number of highlights")
    assert len(problems) == 3


def test_unknown_column_suggests_closest():
    assert csv_problems("code,description,parnet\nA,d,\n") == [
        "cb.csv:row 1 -> codebook: unknown column 'parnet'; did you mean 'parent'? Valid columns: tag, name, code, "
        "description, definition, parent, include, exclude, color, number of highlights"]


def test_two_name_columns():
    assert csv_problems("tag,code,description\nA,A,d\n") == [
        "cb.csv:row 1 -> codebook: columns tag, code all look like the code name; keep one"]


def test_header_only_is_an_empty_codebook():
    assert csv_problems("code,description\n") == [
        "cb.csv:row 1 -> codebook: the codebook is empty: 'codes' has no codes; add at least one code with a name "
        "and a definition"]


def test_empty_csv_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CodebookError) as info:
        load_csv_codebook(path)
    assert info.value.problems == [f"{path}:row 1 -> codebook: the file is empty; a CSV codebook needs a header such "
                                   f"as `code,description,parent` and one row per code"]


def test_non_utf8_csv_from_excel(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("code,description\nA,caf\u00e9 talk\n".encode("cp1252"))
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert info.value.problems == [f"{path}:2 -> codebook: not UTF-8 text (byte 0xe9 at line 2); save the file as "
                                   f"UTF-8 (in Excel: 'CSV UTF-8'; in most editors: Save with encoding UTF-8)"]


def test_excel_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufefftag,description\nA,d\n".encode("utf-8"))
    assert load_codebook(path).names == ["A"]
