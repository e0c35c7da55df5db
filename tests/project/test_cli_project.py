"""The CLI end to end on a small corpus: one clear line and a non-zero exit on bad input, never a traceback."""
import subprocess
import sys

from click.testing import CliRunner

from qualkit.cli import cli


def qk(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_init_ingest_status(tmp_path, corpus):
    proj = tmp_path / "p"
    assert qk("init", proj).exit_code == 0
    r = qk("ingest", corpus, "--project", proj)
    assert r.exit_code == 0, r.output
    assert "added 2, updated 0, unchanged 0, re-segmented 0; 3 segments written" in r.output
    r = qk("status", "--project", proj)
    assert "transcripts   2" in r.output and "(clinician: 1, developer: 1)" in r.output


def test_unlabelled_transcript_is_announced(tmp_path):
    proj = tmp_path / "p"
    qk("init", proj)
    f = tmp_path / "memo.txt"
    f.write_text("First thought about the pilot.\n\nSecond thought, later on.\n", encoding="utf-8")
    r = qk("ingest", f, "--project", proj)
    assert "note: memo: no speaker labels found; each paragraph became one participant turn" in r.output


def test_errors_are_one_line_without_traceback(tmp_path):
    proj = tmp_path / "p"
    qk("init", proj)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = subprocess.run([sys.executable, "-m", "qualkit.cli", "ingest", str(empty), "--project", str(proj)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("Error: ") and str(empty) in r.stderr and "empty" in r.stderr


def test_not_a_project(tmp_path):
    r = qk("status", "--project", tmp_path)
    assert r.exit_code == 1 and "not a qualkit project" in r.output


def test_codebook_check_reports_problems(tmp_path):
    cb = tmp_path / "cb.yaml"
    cb.write_text("name: x\ncodes:\n  - name: A\n    definition: a\n    parent: B\n"
                  "  - name: B\n    definition: b\n    parent: A\n", encoding="utf-8")
    r = qk("codebook", "check", cb)
    assert r.exit_code == 1 and str(cb) in r.output and "cycl" in r.output.lower()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncodes: [\n", encoding="utf-8")
    r = qk("codebook", "check", bad)
    assert r.exit_code == 1 and str(bad) in r.output


def test_an_unexpected_error_is_one_line_too(tmp_path, monkeypatch, capsys):
    import qualkit.project.status as status_module
    from qualkit.cli import main

    qk("init", tmp_path / "p")

    def boom(project):
        raise RuntimeError("something broke\nsecond line")

    monkeypatch.setattr(status_module, "project_status", boom)
    monkeypatch.setattr("qualkit.project.project_status", boom)
    monkeypatch.setattr("sys.argv", ["qualkit", "status", "--project", str(tmp_path / "p")])
    import pytest
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: internal error (RuntimeError: something broke); nothing more was written.")
    assert "second line" not in err and "Traceback" not in err
