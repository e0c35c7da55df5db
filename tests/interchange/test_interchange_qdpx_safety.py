"""Defensive imports: every hostile or broken .qdpx/.qdc is refused with a message naming file and problem."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from qualkit.errors import InputError
from qualkit.interchange import import_qdc, import_qdpx

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
QDE = (DATA / "inline_project" / "project.qde").read_text(encoding="utf-8")
SOURCE_NAME = "Sources/5E000000-0000-4000-8000-000000000002.txt"
SOURCE = (DATA / "inline_project" / "5E000000-0000-4000-8000-000000000002.txt").read_bytes()


def make_qdpx(path: Path, qde: str | bytes | None = QDE, extra: dict | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        if qde is not None:
            z.writestr("project.qde", qde)
        z.writestr(SOURCE_NAME, SOURCE)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def refused(path: Path, pattern: str, **kw):
    before = sorted(os.listdir(path.parent))
    with pytest.raises(InputError, match=pattern) as e:
        import_qdpx(path, **kw)
    assert str(path) in str(e.value)
    assert sorted(os.listdir(path.parent)) == before  # nothing extracted, nothing written


def test_valid_fixture_imports(tmp_path):
    assert len(import_qdpx(make_qdpx(tmp_path / "ok.qdpx")).codings) == 4


def test_dotdot_entry(tmp_path):
    refused(make_qdpx(tmp_path / "x.qdpx", extra={"../../evil.txt": "x"}),
            r"unsafe entry name '\.\./\.\./evil\.txt' \(absolute path or '\.\.'\); refusing to read this archive")


def test_absolute_entry(tmp_path):
    p = tmp_path / "x.qdpx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("project.qde", QDE)
        info = zipfile.ZipInfo("placeholder")
        info.filename = "/etc/cron.d/evil"  # ZipInfo() strips a leading slash; real attackers' tools do not
        z.writestr(info, "x")
    refused(p, r"unsafe entry name '/etc/cron\.d/evil'")


def test_oversized_entry(tmp_path):
    refused(make_qdpx(tmp_path / "x.qdpx", extra={"Sources/big.txt": "a" * 10_000}),
            r"entry 'Sources/big\.txt' declares 10000 bytes, over the limit of 8192 bytes", max_entry_bytes=8192)


def test_compression_bomb(tmp_path):
    refused(make_qdpx(tmp_path / "x.qdpx", extra={"Sources/zeros.txt": b"\0" * (20 * 1024 * 1024)}),
            r"entry 'Sources/zeros\.txt' expands \d+x \(over 200x\): refusing a possible zip bomb")


def test_total_size_limit(tmp_path):
    refused(make_qdpx(tmp_path / "x.qdpx"), r"archive expands to more than 1000 bytes", max_total_bytes=1000)


def test_external_entity(tmp_path):
    xxe = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>')
    refused(make_qdpx(tmp_path / "x.qdpx", qde=xxe),
            r"project\.qde: contains a DOCTYPE/DTD, which REFI-QDA files never need; refusing it")


def test_billion_laughs_in_codebook(tmp_path):
    p = tmp_path / "lol.qdc"
    p.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                 '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="a1b2c3d4-e5f6-4a7b-8c9d-'
                 '0e1f2a3b4c5d" name="&lol2;" isCodable="true"/></Codes></CodeBook>')
    with pytest.raises(InputError, match=r"lol\.qdc: codebook: contains a DOCTYPE/DTD"):
        import_qdc(p)


def test_malformed_xml(tmp_path):
    refused(make_qdpx(tmp_path / "x.qdpx", qde=QDE.replace("</Sources>", "")),
            r"project\.qde: malformed XML: .*line \d+")


def test_malformed_qdc(tmp_path):
    p = tmp_path / "broken.qdc"
    p.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x"></Codes>')
    with pytest.raises(InputError, match=r"broken\.qdc: codebook: malformed XML"):
        import_qdc(p)


def test_missing_project_qde(tmp_path):
    refused(make_qdpx(tmp_path / "x.qdpx", qde=None),
            r"no project\.qde in the archive \(it holds Sources/5E000000-0000-4000-8000-000000000002\.txt\); "
            r"is this a REFI-QDA \.qdpx project\?")


def test_not_a_zip(tmp_path):
    p = tmp_path / "x.qdpx"
    p.write_text(QDE)
    refused(p, r"not a zip archive .*a \.qdpx file is a zip holding project\.qde")


def test_selection_past_end_of_source(tmp_path):
    qde = QDE.replace('startPosition="45" endPosition="76"', 'startPosition="45" endPosition="500"')
    assert qde != QDE
    refused(make_qdpx(tmp_path / "x.qdpx", qde=qde),
            r"project\.qde: selection '5e100000-0000-4000-8000-000000000003' in source 'P02 interview\.txt' "
            r"ends at 500, past the end of its text \(111 characters\)")


def test_unknown_code_ref(tmp_path):
    qde = QDE.replace('<CodeRef targetGUID="a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"/>',
                      '<CodeRef targetGUID="99999999-0000-4000-8000-000000000000"/>')
    assert qde != QDE
    refused(make_qdpx(tmp_path / "x.qdpx", qde=qde),
            r"project\.qde: coding 'c0d10000-0000-4000-8000-000000000004' in source 'P02 interview\.txt' has a "
            r"CodeRef to unknown code GUID '99999999-0000-4000-8000-000000000000'")


def test_missing_source_entry(tmp_path):
    p = tmp_path / "x.qdpx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("project.qde", QDE)
    refused(p, r"text source 'P02 interview\.txt' refers to internal://5E000000-0000-4000-8000-000000000002\.txt, "
               r"but the archive has no entry Sources/5E000000-0000-4000-8000-000000000002\.txt")


def test_external_source_path(tmp_path):
    qde = QDE.replace('plainTextPath="internal://5E000000-0000-4000-8000-000000000002.txt"',
                      'plainTextPath="file:///home/someone/P02.txt"')
    refused(make_qdpx(tmp_path / "x.qdpx", qde=qde),
            r"text source 'P02 interview\.txt' points to an external file \(file:///home/someone/P02\.txt\); "
            r"export the project again with its sources embedded")


def test_pdf_source_is_refused_not_dropped(tmp_path):
    qde = QDE.replace("</Sources>", '<PDFSource guid="5e000000-0000-4000-8000-000000000009" name="consent.pdf"/>'
                                    "</Sources>")
    refused(make_qdpx(tmp_path / "x.qdpx", qde=qde),
            r"source 'consent\.pdf' is a PDFSource; qualkit imports text sources only")
