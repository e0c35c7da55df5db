"""The bundled sample study: ingests, its reference codings point at their quotes, and the group differences the
studies report are in the data."""
import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from qualkit.codebook import load_codebook
from qualkit.project import Project, import_codings, ingest, project_status

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_transcripts"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    project = Project.init(tmp_path_factory.mktemp("sample"))
    project.store.put_codebook(load_codebook(ROOT / "codebooks" / "ai_in_medicine.yaml"))
    report = ingest(project, [SAMPLES])
    import_codings(project, SAMPLES / "reference_codings.csv")
    yield project, report
    project.close()


def test_twelve_interviews_in_several_formats(sample):
    project, report = sample
    assert len(report.added) == 12 and report.unlabelled == []
    assert {t.format for t in project.store.transcripts()} >= {"txt", "md", "docx", "vtt"}
    assert project_status(project).by_group == {"clinician": 6, "developer": 6}
    for t in project.store.transcripts():
        words = sum(len(turn.text.split()) for turn in t.turns)
        assert 1200 <= words <= 2500, (t.id, words)
        assert {turn.role for turn in t.turns} == {"interviewer", "participant"}, t.id


def test_reference_codings_point_at_their_quotes(sample):
    project, _ = sample
    with (SAMPLES / "reference_quotes.csv").open(encoding="utf-8", newline="") as fh:
        quotes = {(r["document"], r["quote"], r["code"]) for r in csv.DictReader(fh)}
    codings = project.store.codings(coder="reference")
    assert len(codings) == len(quotes) >= 150
    got = {(c.transcript_id, project.store.transcript(c.transcript_id).text[c.char_start:c.char_end], c.code)
           for c in codings}
    assert got == quotes
    assert {c.code for c in codings} <= set(project.store.codebook().names)


def test_group_differences_written_into_the_samples(sample):
    project, _ = sample
    groups = {pid: a["group"] for pid, a in project.store.participants().items()}
    having = defaultdict(lambda: defaultdict(set))
    for c in project.store.codings(coder="reference"):
        having[c.code][groups[c.transcript_id]].add(c.transcript_id)
    n = {code: {g: len(p) for g, p in by.items()} for code, by in having.items()}
    assert n["Doctor-patient relationship"].get("clinician", 0) >= 5 >= 1 + n["Doctor-patient relationship"].get("developer", 0)
    for code in ("Efficiency and throughput", "Accuracy focus", "Informal ethics learning", "Commercial pressure"):
        assert n[code].get("developer", 0) >= 4 and n[code].get("clinician", 0) <= 2, code
    assert n["Privacy and data security"]["clinician"] >= 5 and n["Privacy and data security"]["developer"] >= 5
    assert n["Workflow burden and burnout"]["clinician"] >= 5


def test_themes_are_not_written_in_codebook_keywords(sample):
    """Suggestions must work from meaning: the reference quotes rarely contain the code's own keywords."""
    project, _ = sample
    codebook = project.store.codebook()
    hits = total = 0
    for c in project.store.codings(coder="reference"):
        text = project.store.transcript(c.transcript_id).text[c.char_start:c.char_end].lower()
        keywords = codebook[c.code].keywords
        total += 1
        hits += any(re.search(rf"\b{re.escape(k.lower())}\b", text) for k in keywords)
    assert hits / total < 0.5


def test_report_recovers_the_group_differences(sample, tmp_path):
    """`qualkit report` on the sample study: the clinician/developer differences written into the samples come out
    in the group comparison (direction everywhere; Fisher's exact test where 6 vs 6 participants can show it)."""
    from qualkit.export import collect, write_report

    project, _ = sample
    data = collect(project.store.snapshot("sample"), group_by="group")
    groups = data.groups
    assert groups.groups == ("clinician", "developer")
    clinician_side = ["Doctor-patient relationship", "Workflow burden and burnout", "Patient understanding of AI"]
    developer_side = ["Efficiency and throughput", "Accuracy focus", "Informal ethics learning", "Commercial pressure"]
    for code in clinician_side:
        assert groups.row(code).difference > 0.3, code
    for code in developer_side:
        assert groups.row(code).difference < -0.3, code
    assert abs(groups.row("Privacy and data security").difference) <= 0.2
    assert groups.row("Workflow burden and burnout").p_value < 0.05
    assert set(groups.distinguishing["clinician"][:3]) & set(clinician_side)
    assert set(groups.distinguishing["developer"][:3]) & set(developer_side)
    out = write_report(data.snapshot, tmp_path / "report.md", data=data)
    text = out.read_text(encoding="utf-8")
    assert "Doctor-patient relationship" in text and "Fisher" in text
