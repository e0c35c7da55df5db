"""What the hostile-input tests share (test_bad_inputs, test_redteam_a, test_redteam_b): the files in tests/data/bad,
a one-transcript project, and the check that the command line refuses an input cleanly. Its own module: test
modules import it, never each other."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from reliability_helpers import dump, run_forked  # tests/reliability/reliability_helpers.py

from qualkit.project import Project, ingest

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
P01 = "Interviewer: How do you use the drafts?\n\nP01: I read every draft before it goes out.\n"


@dataclass(frozen=True)
class Case:
    file: str  # in tests/data/bad
    command: str  # ingest | participants | codebook | published | codings | import
    message: str  # regex the error must match (after "Error: <path>: ")


@pytest.fixture
def project_dir(tmp_path):
    """A project holding one transcript, P01 (85 characters), ingested from src/P01.txt, so refused commands have
    something to change."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "P01.txt").write_text(P01, encoding="utf-8")
    proj = tmp_path / "proj"
    project = Project.init(proj)
    ingest(project, [src / "P01.txt"])
    project.close()
    return proj


def run_cli(args: list[str]) -> None:
    from qualkit.cli import cli
    cli.main(args, prog_name="qualkit")


def cli_args(case: Case, path: Path, proj: Path) -> list[str]:
    """The command line that feeds `path` to `case.command` in the project `proj` (from `project_dir`)."""
    return {"ingest": ["ingest", str(path), "-p", str(proj)],
            "participants": ["ingest", str(proj.parent / "src" / "P01.txt"), "--participants", str(path),
                             "-p", str(proj)],
            "codebook": ["codebook", "check", str(path)],
            "published": ["report", "--published", str(path), "-p", str(proj)],
            "codings": ["import-codings", str(path), "-p", str(proj)],
            "import": ["import", str(path), "-p", str(proj)]}[case.command]


def refused(path: Path, proj: Path, args: list[str], message: str, timeout: float = 60) -> None:
    """`qualkit args` (in a forked child) exits 1 within `timeout` with no traceback, a first line
    `Error: <path>: ...` and an error matching `message`, and leaves the store of `proj` as it was."""
    project = Project.open(proj)
    before = dump(project.store)
    project.close()
    r = run_forked(run_cli, args, timeout=timeout)
    assert r.exitcode is not None, f"{path.name}: still running after {timeout} s"
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    assert r.exitcode == 1, f"{path.name}: exit code {r.exitcode}\n{r.stderr}"
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"Error: {path}: "), first  # one line that names the file first
    assert re.search(message, r.stderr), f"{path.name}: {r.stderr!r} does not match {message!r}"
    project = Project.open(proj)
    assert dump(project.store) == before, f"{path.name}: the store changed"
    assert project.store.integrity_check() == []
    project.close()


def case_is_refused(case: Case, proj: Path) -> None:
    """`refused` for one row of a case table."""
    path = BAD / case.file
    assert path.exists(), f"regenerate with python {BAD / '_generate.py'}"
    refused(path, proj, cli_args(case, path, proj), case.message)
