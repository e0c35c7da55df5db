"""Bringing files in one by one: each gets a result line; a refused file changes nothing, the others go in."""
from pathlib import Path

import pytest

from qualkit.jobs import Upload, import_upload, ingest_uploads, put_codebook_file, put_participants_file
from qualkit.project import Project

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_transcripts"
BAD = REPO / "tests" / "data" / "bad"


def upload(path, name=None):
    return Upload(name or Path(path).name, Path(path).read_bytes())


@pytest.fixture
def project(tmp_path):
    p = Project.init(tmp_path / "study")
    yield p
    p.close()


def test_broken_file_is_refused_and_the_others_go_in(project):
    files = [upload(SAMPLES / "P01.txt"), upload(BAD / "truncated.docx", "P99.docx"), upload(SAMPLES / "P03.docx"),
             upload(SAMPLES / "participants.csv")]
    results = ingest_uploads(project, files)
    by_name = {r.name: r for r in results}
    assert by_name["participants.csv"].outcome == "added" and "12 participants" in by_name["participants.csv"].detail
    assert by_name["P01.txt"].outcome == "added" and by_name["P03.docx"].outcome == "added"
    refused = by_name["P99.docx"]
    assert refused.outcome == "refused" and refused.detail.startswith("is not a valid .docx file: ")
    assert refused.line().startswith("P99.docx: refused (is not a valid .docx file")
    assert sorted(project.store.transcript_hashes()) == ["P01", "P03"]
    assert not (project.path / "sources" / "P99.docx").exists()  # the refused file is not kept either
    assert project.store.participants()["P01"]["group"]

    again = ingest_uploads(project, [upload(SAMPLES / "P01.txt")])
    assert [r.outcome for r in again] == ["unchanged"]


def test_two_files_with_one_transcript_id_the_second_is_refused(project, tmp_path):
    other = tmp_path / "P01.md"
    other.write_text("Interviewer: Hello?\n\nP01: A different interview altogether.\n", encoding="utf-8")
    results = ingest_uploads(project, [upload(SAMPLES / "P01.txt"), upload(other)])
    assert [r.outcome for r in results] == ["added", "refused"]
    assert results[1].detail == "P01.md: transcript id 'P01' is also used by P01.txt: rename one of the files"
    assert "A different interview" not in project.store.transcript("P01").text


def test_a_changed_file_with_codings_is_refused_and_the_original_source_file_restored(project, tmp_path):
    from qualkit.review import apply_code
    from qualkit.codebook import load_codebook
    ingest_uploads(project, [upload(SAMPLES / "P01.txt")])
    project.store.put_codebook(load_codebook(REPO / "codebooks" / "ai_in_medicine.yaml"))
    seg = project.store.segments(transcript_id="P01", role="participant")[0]
    apply_code(project.store, seg, project.store.codebook().names[0], "ana")
    original = (project.path / "sources" / "P01.txt").read_bytes()
    changed = Upload("P01.txt", original.replace(b"Interviewer", b"Interviewer", 1) + b"\nP01: One more thing.\n")
    [result] = ingest_uploads(project, [changed])
    assert result.outcome == "refused" and "already has 1 coding decision(s)" in result.detail
    assert (project.path / "sources" / "P01.txt").read_bytes() == original


def test_participants_codebook_and_foreign_project(project, tmp_path):
    bad = tmp_path / "participants.csv"
    bad.write_text("id,group\nP01,clinician\nP01,developer\n", encoding="utf-8")
    r = put_participants_file(project, upload(bad))
    assert r.outcome == "refused" and r.detail.endswith("row 2: duplicate id 'P01' (first in row 1)")
    assert project.store.participants() == {}

    r = put_codebook_file(project, upload(REPO / "tests" / "data" / "codebook" / "many_problems.yaml"))
    assert r.outcome == "refused" and "problems in codebook" in r.detail and project.store.codebook() is None
    r = put_codebook_file(project, upload(REPO / "codebooks" / "ai_in_medicine.yaml"), by="ana")
    assert r.outcome == "added" and "codes" in r.detail
    assert put_codebook_file(project, upload(REPO / "codebooks" / "ai_in_medicine.yaml")).outcome == "unchanged"

    r = import_upload(project, upload(BAD / "xxe.qdpx"))
    assert r.outcome == "refused" and str(project.path) not in r.detail and r.detail
    assert project.store.transcript_hashes() == {}


def test_a_qdpx_project_and_a_qdc_codebook_import(project):
    r = import_upload(project, upload(REPO / "tests" / "data" / "interchange" / "inline.qdpx"), coder="ana")
    assert r.outcome == "added" and "transcripts" in r.detail
    assert project.store.transcript_hashes()
    assert import_upload(project, upload(REPO / "tests" / "data" / "interchange" / "inline.qdpx"),
                         coder="ana").outcome == "unchanged"
    r = put_codebook_file(project, upload(REPO / "tests" / "data" / "interchange" / "sample.qdc"))
    assert r.outcome in ("added", "unchanged") and "codes" in r.detail
