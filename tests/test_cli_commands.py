"""The CLI's working commands on the sample study, fast: the fake embedder stands in for the model (registered
under a name, as a plug-in would be); the real model runs these paths in tests/reliability and the slow tests."""
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import FakeEmbedder

from qualkit.cli import cli
from qualkit.embed import registry
from qualkit.export import FORMATS
from qualkit.project import Project

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_transcripts"
FAKE = "fake-for-cli"


def qk(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    registry.register_embedder(FAKE, lambda **_: FakeEmbedder())
    p = tmp_path_factory.mktemp("cli") / "sample"
    assert qk("init", p).exit_code == 0
    assert qk("ingest", SAMPLE, "--project", p, "--participants", SAMPLE / "participants.csv").exit_code == 0
    assert qk("codebook", "use", ROOT / "codebooks" / "ai_in_medicine.yaml", "--project", p).exit_code == 0
    r = qk("import-codings", SAMPLE / "reference_codings.csv", "--project", p)
    assert r.exit_code == 0 and r.output.startswith("imported ")
    yield p
    registry._REGISTRY.pop(FAKE, None)


def test_suggest_reports_what_it_stored(proj):
    r = qk("suggest", "--project", proj, "--embedder", FAKE, "--seed", "3")
    assert r.exit_code == 0, r.output
    project = Project.open(proj)
    try:
        run, stored = project.store.latest_run("suggest"), project.store.suggestions()
    finally:
        project.close()
    above = sum(s.above_threshold for s in stored)
    assert stored and 0 < above < len(stored)
    assert r.output.startswith(f"run {run.id}: {len(stored)} suggestions ({above} above their code's threshold) "
                               f"with fake-bow, codebook {run.codebook_hash}, seed 3")


def test_candidate_themes_and_the_old_command_name(proj):
    qk("suggest", "--project", proj, "--embedder", FAKE)
    r = qk("candidate-themes", "--project", proj, "--embedder", FAKE)
    assert r.exit_code == 0, r.output
    first = r.output.splitlines()[0]
    assert " candidate theme(s) by " in first and "fake-bow" not in first
    n = int(first.split(": ", 1)[1].split()[0])
    assert n > 0 and sum(1 for line in r.output.splitlines() if line.startswith("  ")) == n
    again = qk("themes", "--project", proj, "--embedder", FAKE)  # same inputs: the stored run is reused
    assert again.exit_code == 0 and again.output.splitlines()[0].split(":")[0] == first.split(":")[0]
    assert "nothing changed since run" in again.output


def test_eval_on_another_unit_prints_per_code_json(proj):
    r = qk("eval", "--project", proj, "--embedder", FAKE, "--unit", "paragraph", "--fractions", "0,0.5",
           "--seeds", "0", "--human-coder", "reference", "--json")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert rep["human_coder"] == "reference" and rep["fractions"] == [0.0, 0.5] and rep["seeds"] == [0]
    assert any("unit paragraph" in n for n in rep["notes"])
    assert {c["fraction"] for c in rep["codes"]} == {0.0, 0.5} and len(rep["codes"]) == 2 * len(
        {c["code"] for c in rep["codes"]})


def test_eval_names_the_units_in_its_error(proj):
    r = qk("eval", "--project", proj, "--embedder", FAKE, "--unit", "chapter")
    assert r.exit_code == 2 and "'chapter' is not one of 'turn', 'sentence', 'paragraph'" in r.output


def test_report_prints_and_writes_the_theme_table(proj, tmp_path):
    out = tmp_path / "report.md"
    r = qk("report", "--project", proj, "--out", out)
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "Themes and codes" in text and "Themes and codes" in r.output
    assert "Human oversight" in text


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_dispatches_every_format_through_the_registry(proj, tmp_path, fmt):
    spec = FORMATS[fmt]
    out = tmp_path / (f"out{spec.suffixes[0]}" if spec.suffixes else "charts")
    if not spec.suffixes:
        out.mkdir()
    r = qk("export", "--project", proj, "--format", fmt, "--out", out)
    assert r.exit_code == 0, r.output
    if not spec.suffixes:  # charts: a folder; HTML always, PNG/SVG when kaleido can run
        assert (out / "prevalence.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html><html>")
        assert r.output.startswith(f"wrote ") and f"chart file(s) to {out}: " in r.output
        return
    data = out.read_bytes().removeprefix(b"\xef\xbb\xbf")  # the CSV starts with a BOM, for Excel
    assert r.output.strip() == f"wrote {out}"
    signature = {"markdown": b"# ", "html": b"<!doctype html", "csv": b"transcript_id", "codebook-yaml": b"name:",
                 "qdc": b"<?xml"}
    if fmt in ("docx", "xlsx", "qdpx"):
        names = zipfile.ZipFile(out).namelist()
        assert {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "qdpx": "project.qde"}[fmt] in names
    else:
        assert data.lower().lstrip().startswith(signature[fmt].lower()), data[:80]


def test_export_lists_the_registry_formats_when_unknown(proj, tmp_path):
    r = qk("export", "--project", proj, "--format", "pdf", "--out", tmp_path / "x.pdf")
    assert r.exit_code == 2 and ", ".join(f"'{f}'" for f in FORMATS) in r.output


def test_agreement_with_the_tool_as_a_coder(proj):
    qk("suggest", "--project", proj, "--embedder", FAKE)
    r = qk("agreement", "--project", proj, "--coder", "ai", "--coder", "reference")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("coders: ai, reference; ") and "kappa" in lines[1]
    assert any(line.lstrip().startswith("Human oversight") for line in lines[2:])


def test_eval_on_the_held_out_half(proj):
    r = qk("eval", "--project", proj, "--embedder", FAKE, "--unit", "paragraph", "--split", "held-out",
           "--fractions", "0", "--seeds", "0", "--human-coder", "reference", "--json")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert rep["snapshot"].endswith("(held-out)") and rep["n_transcripts"] == 6


def test_qualkit_db_reaches_every_command_through_the_project(tmp_path):
    """$QUALKIT_DB is read in one place (Project.open), so the CLI and the app see the same database."""
    db = tmp_path / "team.db"
    env = {"QUALKIT_DB": f"sqlite:///{db}"}
    runner = CliRunner()
    r = runner.invoke(cli, ["init", str(tmp_path / "p")], env=env)
    assert r.exit_code == 0 and f"({env['QUALKIT_DB']})" in r.output and db.exists()
    r = runner.invoke(cli, ["status", "--project", str(tmp_path / "p")], env=env)
    assert r.exit_code == 0 and "transcripts   0" in r.output
    assert not (tmp_path / "p" / "qualkit.db").exists()


def test_parameters_tuned_on_another_model_are_one_note_line(proj):
    import warnings

    from qualkit.suggest import TuningWarning
    with warnings.catch_warnings():
        warnings.simplefilter("always", TuningWarning)  # the suite ignores it for the fake embedder elsewhere
        r = qk("suggest", "--project", proj, "--embedder", FAKE, "--seed", "7")  # a new run: the engine runs
    assert r.exit_code == 0
    assert ("note: suggestion parameters were tuned on sentence-transformers/all-MiniLM-L6-v2, not on embedder "
            "fake-bow: zero-shot scores and thresholds are not calibrated for it") in r.stderr
    assert "Warning" not in r.stderr
