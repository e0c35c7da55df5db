"""Word (.docx) and OpenDocument (.odt) transcripts, including broken archives and zip bombs."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from qualkit.errors import InputError
from qualkit.ingest import read_file

DATA = Path(__file__).parents[1] / "data" / "ingest"


def test_docx_paragraphs_with_bold_labels():
    [t] = read_file(DATA / "interview.docx")
    t.check_spans()
    assert t.format == "docx" and t.id == "interview" and t.labelled
    assert t.text == (DATA / "interview.txt").read_text(encoding="utf-8").rstrip("\n")
    assert [x.role for x in t.turns] == ["interviewer", "participant"] * 3


def test_docx_tables_and_line_breaks(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Interviewer: Before the table?")
    table = d.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "P01: Inside a cell."
    table.cell(1, 0).text = "Interviewer: Second cell?"
    p = d.add_paragraph("P01: first line")
    p.add_run().add_break()
    p.add_run("second line")
    d.save(tmp_path / "table.docx")
    [t] = read_file(tmp_path / "table.docx")
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("Interviewer", "Before the table?"), ("P01", "Inside a cell."), ("Interviewer", "Second cell?"),
        ("P01", "first line\nsecond line")]


def test_odt_spaces_tabs_line_breaks_and_no_footnotes():
    [t] = read_file(DATA / "interview.odt")
    t.check_spans()
    assert t.format == "odt"
    assert [x.speaker for x in t.turns] == ["Interviewer", "P07"] * 3 + ["P07"]
    assert t.turns[-1].text == "two   spaces,\ta tab\nand a new line"
    assert "footnote" not in t.text


@pytest.mark.parametrize("name, message", [
    ("truncated.docx", "truncated.docx: is not a valid .docx file: it is not a zip archive or it is truncated"),
    ("not_a_zip.docx", "not_a_zip.docx: is not a valid .docx file: it is not a zip archive or it is truncated"),
    ("no_document.docx", "no_document.docx: is not a valid .docx file: the archive has no word/document.xml"),
    ("bomb.docx", "bomb.docx: declares 3712 MB of uncompressed content, over the 512 MB limit; refusing to "
                  "unpack it (possible zip bomb)"),
])
def test_broken_docx_messages(name, message):
    with pytest.raises(InputError, match=re.escape(message)):
        read_file(DATA / name)


def test_high_ratio_member_is_refused_before_decompression(tmp_path):
    path = tmp_path / "ratio.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("content.xml", b"\0" * (25 * 1024 * 1024))  # 25 MB of zeros deflate to ~25 KB
    with pytest.raises(InputError, match=r"ratio.odt: member content.xml inflates \d+x to 25 MB; refusing to "
                                         r"unpack it \(possible zip bomb\)"):
        read_file(path)


def test_odt_errors(tmp_path):
    with zipfile.ZipFile(tmp_path / "nocontent.odt", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(InputError, match=r"nocontent.odt: is not a valid .odt file: the archive has no content.xml"):
        read_file(tmp_path / "nocontent.odt")
    with zipfile.ZipFile(tmp_path / "badxml.odt", "w") as z:
        z.writestr("content.xml", "<office:document-content")
    with pytest.raises(InputError, match=r"badxml.odt: is not a valid .odt file: content.xml is not well-formed"):
        read_file(tmp_path / "badxml.odt")
    ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    with zipfile.ZipFile(tmp_path / "blank.odt", "w") as z:
        z.writestr("content.xml", f"<office:document-content {ns}><office:body/></office:document-content>")
    with pytest.raises(InputError, match=r"blank.odt: is empty"):
        read_file(tmp_path / "blank.odt")


def test_docx_without_text_is_empty(tmp_path):
    import docx

    docx.Document().save(tmp_path / "blank.docx")
    with pytest.raises(InputError, match=r"blank.docx: is empty"):
        read_file(tmp_path / "blank.docx")
