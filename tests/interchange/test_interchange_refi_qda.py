"""REFI-QDA: .qdc and .qdpx export (schema-valid, byte-stable) and import (ours and other tools')."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualkit.codebook.model import Code, Codebook
from qualkit.coding import Coding
from qualkit.errors import QualkitError
from qualkit.interchange import export_qdc, export_qdpx, import_qdc, import_qdpx
from qualkit.interchange.qdpx_export import AI_NOTE_TEXT
from qualkit.segment.model import Segment
from qualkit.snapshot import Memo, Snapshot
from qualkit.transcript import Transcript, Turn

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
PROJECT_XSD = etree.XMLSchema(etree.parse(str(DATA / "schemas" / "Project-mrt2019.xsd")))
CODEBOOK_XSD = etree.XMLSchema(etree.parse(str(DATA / "schemas" / "Codebook.xsd")))


def make_codebook() -> Codebook:
    return Codebook(name="drafts", codes=(
        Code("Human oversight", "A clinician reviews AI output before it reaches a patient.", color="#2E86AB",
             include="editing or rejecting a draft", exclude="oversight of human colleagues",
             examples=("I read every one before it goes out.", "Two lines:\nsecond line"),
             keywords=("review", "check, verify")),
        Code("Patient relationship", "Effects on trust and rapport.", color="#abc",
             counterexamples=("The portal is slow.",)),
        Code("Verification habits", "Routines for checking drafts.", parent="Human oversight", color="#8fc31f"),
        Code("Spot checks", "Checking a sample only.", parent="Verification habits"),
    ))


def _transcript(tid, text, participant, attrs=None):
    return Transcript(id=tid, source_path=f"{tid}.txt", format="txt", text=text,
                      turns=(Turn("Participant", "participant", 0, len(text), text),), participant_id=participant,
                      attributes=attrs or {})


def make_snapshot() -> Snapshot:
    t1 = _transcript("P01", "I read every draft \u2014 caf\u00e9 talk aside \U0001F600. Patients trust me, not it.\n",
                     "P01", {"site": "north clinic"})
    t2 = _transcript("P02", "Some asked if a robot wrote it. I said a person signs off.", "P02")
    t3 = _transcript("focus-group", "We never discussed consent.", None)

    def cod(t, frag, code, coder, at, origin="human"):
        i = t.text.index(frag)
        return Coding(t.id, i, i + len(frag), code, coder, at, origin)
    codings = (
        cod(t1, "I read every draft \u2014 caf\u00e9 talk aside \U0001F600.", "Verification habits", "mira",
            "2024-03-02T10:00:00+00:00"),
        cod(t1, "I read every draft \u2014 caf\u00e9 talk aside \U0001F600.", "Verification habits", "tom",
            "2024-03-03T11:00:00Z", origin="ai"),
        cod(t1, "Patients trust me, not it.", "Patient relationship", "mira", "2024-03-02T10:01:00+00:00"),
        cod(t2, "Some asked if a robot wrote it.", "Patient relationship", "tom", "not a date"),
        cod(t3, "consent", "Spot checks", "mira", ""),
    )
    seg = Segment("seg-1", "P02", "sentence", 0, "Participant", "participant", 32, 58,
                  t2.text[32:58], 0)
    memos = (
        Memo("m1", "code", "Human oversight", "Oversight as knowing the patient.", "mira", "2024-03-04T09:00:00+00:00"),
        Memo("m2", "transcript", "P01", "Long pause before answering.", "tom", "2024-03-04T09:05:00+00:00"),
        Memo("m3", "segment", "seg-1", "Reassurance, not disclosure?", "mira", "2024-03-04T09:10:00+00:00"),
        Memo("m4", "project", "drafts", "Saturation reached after P02.", "mira", "2024-03-04T09:15:00+00:00"),
    )
    return Snapshot(name="Drafts pilot", transcripts=(t1, t2, t3), codebook=make_codebook(), codings=codings,
                    participants={"P01": {"role": "physician", "years": "12"}, "P02": {"role": "nurse"},
                                  "P03": {"role": "developer"}},
                    segments=(seg,), memos=memos)


def _qde(path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("project.qde"))


NS = {"q": "urn:QDA-XML:project:1.0"}


# --- .qdc --------------------------------------------------------------------------------------------------

def test_qdc_export_validates_and_nests(tmp_path):
    out = export_qdc(make_codebook(), tmp_path / "cb.qdc")
    doc = etree.parse(str(out))
    assert CODEBOOK_XSD.validate(doc), CODEBOOK_XSD.error_log
    ns = {"c": "urn:QDA-XML:codebook:1.0"}
    nested = doc.xpath("/c:CodeBook/c:Codes/c:Code[@name='Human oversight']/c:Code[@name='Verification habits']"
                       "/c:Code[@name='Spot checks']", namespaces=ns)
    assert len(nested) == 1
    assert doc.xpath("//c:Code[@name='Patient relationship']/@color", namespaces=ns) == ["#aabbcc"]
    desc = doc.xpath("//c:Code[@name='Human oversight']/c:Description/text()", namespaces=ns)[0]
    assert desc.startswith("A clinician reviews AI output before it reaches a patient.\n\n"
                           "Include: editing or rejecting a draft\n\nExclude: oversight of human colleagues\n\n"
                           "Examples:\n- I read every one before it goes out.\n- Two lines:\n  second line")


def test_qdc_round_trip(tmp_path):
    cb = make_codebook()
    back = import_qdc(export_qdc(cb, tmp_path / "cb.qdc"))
    expected = {c.name: c for c in cb.codes}
    expected["Patient relationship"] = Code("Patient relationship", "Effects on trust and rapport.",
                                            color="#aabbcc", counterexamples=("The portal is slow.",))
    assert {c.name: c for c in back.codes} == expected
    assert back.name == "cb"


def test_qdc_export_is_byte_stable(tmp_path):
    a = export_qdc(make_codebook(), tmp_path / "a.qdc").read_bytes()
    b = export_qdc(make_codebook(), tmp_path / "b.qdc").read_bytes()
    assert a == b


def test_qdc_bad_colour_is_refused(tmp_path):
    cb = Codebook("x", (Code("Trust", "Trust in the tool.", color="red"),))
    with pytest.raises(QualkitError, match=r"code 'Trust': colour 'red' is not #RRGGBB; fix it in the codebook"):
        export_qdc(cb, tmp_path / "x.qdc")
    assert not (tmp_path / "x.qdc").exists()


def test_import_other_tools_qdc():
    cb = import_qdc(DATA / "sample.qdc")
    assert cb.names == ["Human oversight", "Verification habits", "Patient relationship", "Responsibility"]
    assert cb["Verification habits"].parent == "Human oversight"
    assert cb["Verification habits"].color == "#88FFCC"
    assert cb["Patient relationship"].definition == ""
    assert cb["Responsibility"].definition == "Who is accountable when an AI-drafted reply is wrong."
    assert cb["Responsibility"].include == "statements about liability or blame."


# --- .qdpx export ------------------------------------------------------------------------------------------

def test_qdpx_export_validates_against_schema(tmp_path):
    root = _qde(export_qdpx(make_snapshot(), tmp_path / "p.qdpx"))
    assert PROJECT_XSD.validate(root), PROJECT_XSD.error_log


def test_qdpx_export_is_byte_identical(tmp_path):
    a = export_qdpx(make_snapshot(), tmp_path / "a.qdpx").read_bytes()
    b = export_qdpx(make_snapshot(), tmp_path / "b.qdpx").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.qdpx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "project.qde" and len(z.namelist()) == 4


def test_qdpx_export_contents(tmp_path):
    snap = make_snapshot()
    root = _qde(export_qdpx(snap, tmp_path / "p.qdpx"))
    assert sorted(root.xpath("q:Users/q:User/@name", namespaces=NS)) == ["mira", "tom"]
    assert root.xpath("q:Cases/q:Case/@name", namespaces=NS) == ["P01", "P02", "P03"]
    p01 = root.xpath("q:Cases/q:Case[@name='P01']", namespaces=NS)[0]
    assert len(p01.xpath("q:SourceRef", namespaces=NS)) == 1
    assert sorted(root.xpath("q:Variables/q:Variable/@name", namespaces=NS)) == ["role", "site", "years"]
    # the two coders' codings of one span share a selection; positions are characters, not bytes
    sel = root.xpath("q:Sources/q:TextSource[@name='P01']/q:PlainTextSelection", namespaces=NS)[0]
    assert (sel.get("startPosition"), sel.get("endPosition")) == ("0", "39")
    assert len(sel.xpath("q:Coding/q:CodeRef", namespaces=NS)) == 2
    assert all(c.get("creatingUser") and c.get("creationDateTime") for c in sel.xpath("q:Coding", namespaces=NS))
    # a coding whose time is not a date keeps its user but leaves the date out instead of writing junk
    odd = root.xpath("q:Sources/q:TextSource[@name='P02']//q:Coding", namespaces=NS)[0]
    assert odd.get("creatingUser") and odd.get("creationDateTime") is None
    notes = root.xpath("q:Notes/q:Note/q:PlainTextContent/text()", namespaces=NS)
    assert "Saturation reached after P02." in notes and AI_NOTE_TEXT in notes
    assert len(root.xpath("q:NoteRef", namespaces=NS)) == 1  # the project memo


def test_qdpx_export_refuses_unknown_code_and_writes_nothing(tmp_path):
    snap = make_snapshot()
    bad = Snapshot(snap.name, snap.transcripts, snap.codebook,
                   snap.codings + (Coding("P02", 0, 4, "Trust", "mira", ""),))
    with pytest.raises(QualkitError, match=r"coding in 'P02' \[0:4\] uses code 'Trust', which is not in the "
                                           r"codebook"):
        export_qdpx(bad, tmp_path / "bad.qdpx")
    assert list(tmp_path.iterdir()) == []


# --- round trip and other tools' files ---------------------------------------------------------------------

def test_qdpx_round_trip(tmp_path):
    snap = make_snapshot()
    back = import_qdpx(export_qdpx(snap, tmp_path / "p.qdpx"))
    assert back.name == "Drafts pilot"
    expected_codes = {c.name: c for c in snap.codebook.codes}
    expected_codes["Patient relationship"] = Code("Patient relationship", "Effects on trust and rapport.",
                                                  color="#aabbcc", counterexamples=("The portal is slow.",))
    assert {c.name: c for c in back.codebook.codes} == expected_codes
    assert [(t.id, t.text, t.participant_id, dict(t.attributes)) for t in back.transcripts] == \
        [(t.id, t.text, t.participant_id, dict(t.attributes)) for t in snap.transcripts]
    key = lambda c: (c.transcript_id, c.char_start, c.char_end, c.code, c.coder)  # noqa: E731
    assert sorted(map(key, back.codings)) == sorted(map(key, snap.codings))
    assert {key(c): c.origin for c in back.codings}[key(snap.codings[1])] == "ai"
    assert {c.origin for c in back.codings} == {"ai", "import"}
    assert {p: dict(a) for p, a in back.participants.items()} == snap.participants
    assert sorted((m.id, m.target_kind, m.target_id, m.text, m.author, m.at) for m in back.memos) == \
        sorted((m.id, m.target_kind, m.target_id, m.text, m.author, m.at) for m in snap.memos)
    assert all(d.source == "import:p.qdpx" and d.verdict == "apply" for d in back.decisions)


def test_import_other_tools_qdpx_with_inline_text():
    snap = import_qdpx(DATA / "inline.qdpx")
    assert snap.name == "Drafts pilot interviews"
    assert [t.id for t in snap.transcripts] == ["P01 interview", "P02 interview"]
    p01, p02 = snap.transcripts
    assert p01.participant_id == "P01" and p02.participant_id == "P02"
    assert p02.text.startswith("Interviewer: Did patients notice?")  # the BOM is not part of the text
    assert snap.participants == {"P01": {"role": "physician", "years in practice": "12"}, "P02": {"role": "nurse"}}
    assert snap.codebook["Verification habits"].parent == "Human oversight"
    got = sorted((c.transcript_id, snap.transcript(c.transcript_id).text[c.char_start:c.char_end], c.code,
                  c.coder, c.at) for c in snap.codings)
    assert got == [
        ("P01 interview", "I read every one, line by line.", "Verification habits", "mira", "2024-03-02T10:00:00Z"),
        ("P01 interview", "I read every one, line by line.", "Verification habits", "tom", "2024-03-03T11:30:00Z"),
        ("P01 interview", "The AI doesn\u2019t know my patients \u2014 I do.", "Human oversight", "mira",
         "2024-03-02T10:01:00Z"),
        ("P02 interview", "Some asked if a robot wrote it.", "Patient misunderstanding", "tom",
         "2024-03-03T11:45:00Z"),
    ]
    (memo,) = snap.memos
    assert (memo.id, memo.target_kind, memo.author) == ("Memo: trust", "segment", "mira")
    assert memo.text == "Oversight framed as knowing the patient, not checking facts."


def test_imported_other_tools_project_reexports_valid(tmp_path):
    root = _qde(export_qdpx(import_qdpx(DATA / "inline.qdpx"), tmp_path / "again.qdpx"))
    assert PROJECT_XSD.validate(root), PROJECT_XSD.error_log


def test_fixtures_are_schema_valid():
    assert PROJECT_XSD.validate(etree.parse(str(DATA / "inline_project" / "project.qde")))
    assert CODEBOOK_XSD.validate(etree.parse(str(DATA / "sample.qdc")))
