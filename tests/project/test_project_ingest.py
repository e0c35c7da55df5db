import pytest
from project_data import P01, dump

from qualkit.coding import Decision
from qualkit.errors import InputError, ProjectError, ReingestError
from qualkit.project import Project, ingest, project_status


def test_open_requires_init(tmp_path):
    with pytest.raises(ProjectError, match=r"not a qualkit project \(no qualkit.json\): run `qualkit init"):
        Project.open(tmp_path)


def test_ingest_folder_with_participants_sidecar(project, corpus):
    report = ingest(project, [corpus])
    assert report.added == ["P01", "P02"]
    assert report.segments == 3
    assert project.store.participants()["P02"] == {"group": "developer", "role": "ML engineer"}
    status = project_status(project)
    assert status.by_group == {"clinician": 1, "developer": 1}
    for seg in project.store.segments():
        t = project.store.transcript(seg.transcript_id)
        assert t.text[seg.char_start:seg.char_end] == seg.text
        assert seg.role == "participant" and seg.question.endswith("?")


def test_reingest_unchanged_is_a_no_op(project, corpus):
    ingest(project, [corpus])
    before = dump(project)
    report = ingest(project, [corpus])
    assert report.unchanged == ["P01", "P02"] and report.written == []
    assert dump(project) == before


def test_changed_file_without_codings_is_updated(project, corpus):
    ingest(project, [corpus])
    (corpus / "P02.txt").write_text(P01.replace("P01", "P02"), encoding="utf-8")
    assert ingest(project, [corpus]).updated == ["P02"]
    assert "family physician" in project.store.transcript("P02").text


def test_changed_file_with_codings_is_refused_and_nothing_changes(project, corpus):
    ingest(project, [corpus])
    seg = project.store.segments("P01")[0]
    project.store.record(Decision("d1", "P01", seg.char_start, seg.char_end, "Human oversight", "apply", "ana",
                                  "2026-01-01T00:00:00"))
    (corpus / "P01.txt").write_text(P01.replace("always", "mostly"), encoding="utf-8")
    (corpus / "P02.txt").write_text("Interviewer: New?\n\nP02: Yes, new text.\n", encoding="utf-8")
    before = dump(project)
    with pytest.raises(ReingestError) as e:
        ingest(project, [corpus])
    msg = str(e.value)
    assert "P01.txt: changed since it was ingested" in msg
    assert "1 coding decision(s) (Human oversight by ana x1)" in msg
    assert "rename the changed file so it is ingested as a new transcript" in msg
    assert dump(project) == before  # P02's change was not written either: all or nothing


@pytest.mark.parametrize("name,content,problem", [
    ("empty.txt", b"", "is empty"),
    ("blob.txt", b"\x00\x01\x02\x03\xff\xfe\x00\x00binary\x00" * 50, "binary"),
    ("notes.xyz", b"Interviewer: hi", "unsupported"),
    ("bad.txt", b"P01: caf\x81\x8d\x8f\x90\x9d", "not utf-8"),
])
def test_bad_file_in_a_batch_leaves_the_project_unchanged(project, corpus, name, content, problem):
    ingest(project, [corpus])
    bad = corpus.parent / name
    bad.write_bytes(content)
    before = dump(project)
    with pytest.raises(InputError) as e:
        ingest(project, [corpus / "P01.txt", bad])
    assert str(bad) in str(e.value) and problem in str(e.value).lower()
    assert dump(project) == before


def test_resegmenting_with_another_unit(project, corpus):
    ingest(project, [corpus])
    report = ingest(project, [corpus], unit="sentence")
    assert report.resegmented == ["P01", "P02"]
    assert project.store.segment_units() == {"sentence"}
    assert len(project.store.segments()) == 5
