"""Issue 18, red-team A: writes outside their place, partial imports, races, URLs, read-only projects.

Each refused case runs the command line in a forked child (timeout, 2 GB more address space), asserts exit 1, no
traceback, a first line `Error: <the path at fault>: ...` and the message, and that the project's store is the
same row for row before and after (and that nothing was written where it must not be). The inputs live in
tests/data/bad/ra_* (regenerate with tests/data/bad/_generate_ra.py); the table is in tests/data/bad/README.md.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from refusal_checks import project_dir  # noqa: F401  (the fixture: the same one-transcript project)
from refusal_checks import BAD, P01
from refusal_checks import run_cli as _cli
from reliability_helpers import dump, run_forked  # tests/reliability/reliability_helpers.py

from qualkit.project import Project, ingest


@pytest.fixture
def proj(project_dir) -> Path:
    """A project holding one transcript, P01, ingested from src/P01.txt (refusal_checks' fixture)."""
    return project_dir


def _dump(proj: Path) -> dict:
    project = Project.open(proj)
    try:
        return dump(project.store)
    finally:
        project.close()


def refused(proj: Path | None, args: list[str], at: Path | str, message: str, timeout: float = 60) -> str:
    """Run `qualkit args`; assert a clean refusal naming `at` first (a path: `Error: <path>: `; text: how the
    line starts) and matching `message`, and the store unchanged."""
    before = _dump(proj) if proj else None
    r = run_forked(_cli, args, timeout=timeout)
    assert r.exitcode is not None, f"still running after {timeout} s"
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    assert r.exitcode == 1, f"exit code {r.exitcode}\n{r.stdout}\n{r.stderr}"
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"Error: {at}: " if isinstance(at, Path) else f"Error: {at}"), first
    assert re.search(message, r.stderr), f"{r.stderr!r} does not match {message!r}"
    if proj:
        assert _dump(proj) == before, "the store changed"
    return r.stderr


@dataclass(frozen=True)
class ImportCase:
    file: str
    message: str  # after "Error: <file>: "


IMPORT_CASES = [
    # item 4: damaged Taguette files are refused before anything is written
    ImportCase("ra_taguette_null_tag.sqlite3", r"tag 2: path \(its name\) is NULL, expected text; the Taguette file "
                                               r"is damaged \(export it from Taguette again\)"),
    ImportCase("ra_taguette_null_contents.sqlite3", r"document 2 \('P02\.txt'\): contents is NULL, expected text"),
    ImportCase("ra_taguette_null_name.sqlite3", r"document 2: name is NULL, expected text"),
    ImportCase("ra_taguette_null_offset.sqlite3", r"highlight 2 in document 'P02\.txt': start_offset is NULL, "
                                                  r"expected a whole number"),
    ImportCase("ra_taguette_float_offset.sqlite3", r"highlight 2 in document 'P02\.txt': start_offset is 41\.5 "
                                                   r"\(float\), expected a whole number"),
    ImportCase("ra_taguette_zero_length.sqlite3", r"highlight 2 in document 'P02\.txt' is empty \(start and end are "
                                                  r"both 50\); it quotes no text"),
    # item 13: imports pass codebook validation; GUIDs one case apart are one GUID
    ImportCase("ra_taguette_case_tags.sqlite3", r"1 problem in codebook\n  .*ra_taguette_case_tags\.sqlite3:tag 2 -> "
                                                r"trust: duplicate code name; 'Trust' is already defined at tag 1 "
                                                r"\(names are compared ignoring case\)"),
    ImportCase("ra_case_duplicates.qdc", r"1 problem in codebook\n  .*:code 2 -> trust: duplicate code name; 'Trust' "
                                         r"is already defined at code 1"),
    ImportCase("ra_case_duplicates.qdpx", r"1 problem in codebook\n  .*:code 2 -> trust: duplicate code name"),
    ImportCase("ra_guid_case.qdpx", r"project\.qde: codes 'Verification' and 'Trust' have the same GUID 'C1' "
                                    r"\(GUIDs are compared ignoring case and braces\); give each code its own GUID"),
    # item 6: an empty .qdc never replaces the codebook
    ImportCase("ra_empty.qdc", r"the codebook is empty: 'codes' has no codes; add at least one code"),
    # item 21: a selection that quotes nothing, as import-codings refuses it
    ImportCase("ra_zero_length.qdpx", r"project\.qde: selection '5e1' in source 'P01\.txt' runs from 50 to 50; a "
                                      r"selection needs start < end"),
]


@pytest.mark.parametrize("case", IMPORT_CASES, ids=[c.file for c in IMPORT_CASES])
def test_bad_import_is_refused_and_the_store_is_unchanged(case, tmp_path):
    proj = tmp_path / "proj"
    project = Project.init(proj)
    project.store.put_codebook(_codebook(), by="ana")  # something an import could wrongly replace
    project.close()
    path = BAD / case.file
    assert path.exists(), f"regenerate with python {BAD / '_generate_ra.py'}"
    refused(proj, ["import", str(path), "-p", str(proj)], path, case.message)


def _codebook():
    from qualkit.codebook.model import Code, Codebook
    return Codebook("cb", (Code("Verification", "Checking drafts."), Code("Trust", "Relying on it.")))


def test_taguette_payloads_that_are_not_objects_only_cost_authorship(tmp_path):
    proj = tmp_path / "proj"
    Project.init(proj).close()
    r = run_forked(_cli, ["import", str(BAD / "ra_taguette_odd_payloads.sqlite3"), "-p", str(proj)])
    assert r.exitcode == 0, r.stderr
    assert "imported 2 transcript(s) (0 already present), 2 codes, 2 new coding(s)" in r.stdout
    project = Project.open(proj)
    try:
        assert {c.coder for c in project.store.codings()} == {"taguette"}  # the default: no usable log entry
    finally:
        project.close()


def test_a_failure_while_writing_an_import_leaves_the_store_unchanged(tmp_path, monkeypatch):
    """Item 4, the transaction itself: a database error after the transcripts were written rolls them back."""
    proj = tmp_path / "proj"
    project = Project.init(proj)
    before = dump(project.store)
    from qualkit.project import import_project
    from qualkit.store import Store

    def boom(self, *a, **k):
        raise RuntimeError("disk full while writing the codebook")

    monkeypatch.setattr(Store, "put_codebook", boom)
    good = tmp_path / "good.sqlite3"
    shutil.copy(BAD / "ra_taguette_odd_payloads.sqlite3", good)
    with pytest.raises(RuntimeError, match="disk full"):
        import_project(project, good)
    assert dump(project.store) == before
    project.close()


# -- item 1: ids never become paths; item 3: the mapping never overwrites an input -----------------------------

def test_deidentify_refuses_ids_that_are_paths(tmp_path):
    out, mapping = tmp_path / "out", tmp_path / "map.json"
    src = BAD / "ra_deid_path_ids.csv"
    refused(None, ["deidentify", str(src), "--out", str(out), "--mapping", str(mapping)], src,
            r"transcript id '\.\./\.\./ra_escaped' cannot be a file name in .*out \(it contains a path separator, "
            r"/ or \\, or is \. or \.\.\); rename it")
    assert not out.exists() and not mapping.exists()  # checked before anything was written
    assert not (tmp_path.parent / "ra_escaped.txt").exists() and not Path("/tmp/ra_absolute_id").exists()


def test_deidentify_refuses_ids_one_case_apart(tmp_path):
    src = BAD / "ra_deid_case_ids.csv"
    refused(None, ["deidentify", str(src), "--out", str(tmp_path / "out"), "--mapping", str(tmp_path / "m.json")],
            src, r"transcript ids 'P01' and 'p01' differ only in case: on macOS and Windows both would be written "
                 r"to .*out/p01\.txt; rename one")


def test_deidentify_mapping_onto_an_input_transcript_is_refused(tmp_path):
    t = tmp_path / "t"
    t.mkdir()
    (t / "P01.txt").write_text("P01: I am Anna Berg, anna@example.org.\n", encoding="utf-8")
    original = (t / "P01.txt").read_bytes()
    for target in (t / "P01.txt", t / ".." / "t" / "P01.txt"):
        refused(None, ["deidentify", str(t), "--out", str(tmp_path / "o"), "--mapping", str(target)], target,
                r"is an input transcript of this run \(P01\.txt\); qualkit never overwrites it")
    assert (t / "P01.txt").read_bytes() == original and not (tmp_path / "o").exists()


# -- item 2: an export never overwrites the project's own files; items 20, 22: read-only files, folders ----------

@pytest.mark.parametrize("target, message", [
    ("proj/qualkit.db", r"is the database of the qualkit project .*proj; qualkit never overwrites it"),
    ("proj/qualkit.json", r"is the settings file of the qualkit project .*proj; qualkit never overwrites it"),
    ("proj/qualkit.db-wal", r"is a journal file of the database of the qualkit project .*proj"),
    ("src/P01.txt", r"is the source file of transcript 'P01' in this project; qualkit never overwrites it"),
    ("proj", r"is a folder; give the name of a file to write"),
    ("nope/codings.csv", r"folder .*nope does not exist; create it first"),
])
@pytest.mark.parametrize("command", ["export", "report"])
def test_export_never_overwrites_the_project(proj, target, message, command):
    path = proj.parent / target
    files = {p: p.read_bytes() for p in [proj / "qualkit.db", proj / "qualkit.json", proj.parent / "src" / "P01.txt"]}
    args = (["export", "--format", "csv"] if command == "export" else ["report"]) + ["--out", str(path), "-p",
                                                                                      str(proj)]
    refused(proj, args, path, message)
    assert {p: p.read_bytes() for p in files} == files


def test_export_refuses_any_database_and_a_project_file_elsewhere(proj, tmp_path):
    other = tmp_path / "team.db"  # another project's database, e.g. its --db outside its folder
    Project.init(tmp_path / "team", db=f"sqlite:///{other}").close()
    refused(proj, ["export", "--format", "qdc", "--out", str(other), "-p", str(proj)], other,
            r"is a qualkit project database; qualkit never overwrites it")
    refused(proj, ["export", "--format", "charts", "--out", str(proj / "qualkit.db"), "-p", str(proj)],
            proj / "qualkit.db", r"is a file, not a folder; give a folder to write into")
    refused(proj, ["export", "--format", "charts", "--out", str(tmp_path / "missing" / "charts"), "-p", str(proj)],
            tmp_path / "missing" / "charts", r"folder .*missing does not exist; create it first")
    assert not (tmp_path / "missing").exists()


def test_out_over_a_read_only_file_is_refused(proj, tmp_path):
    ro = tmp_path / "codings.csv"
    ro.write_text("keep me\n")
    ro.chmod(0o444)
    refused(proj, ["export", "--format", "csv", "--out", str(ro), "-p", str(proj)], ro,
            r"is read-only; qualkit will not replace it: make it writable or choose another file name")
    assert ro.read_text() == "keep me\n" and stat.S_IMODE(ro.stat().st_mode) == 0o444


def test_charts_line_is_readable(proj, tmp_path):
    r = run_forked(_cli, ["export", "--format", "charts", "--out", str(tmp_path / "charts"), "-p", str(proj)],
                   timeout=120)
    assert r.exitcode == 0, r.stderr
    assert "ChartFiles(" not in r.stdout
    assert re.search(r"wrote \d+ chart file\(s\) to .*charts: .*prevalence\.html", r.stdout), r.stdout


def test_themes_advice_fits_the_mode():
    import numpy as np

    from qualkit.errors import QualkitError
    from qualkit.segment.model import Segment
    from qualkit.themes.discover import discover_themes
    segs = [Segment("s1", "T", "turn", 0, "P", "participant", 0, 11, "a b c d e f", 0)]
    with pytest.raises(QualkitError) as e:
        discover_themes(segs, np.ones((1, 4), dtype=np.float32), params={"mode": "all", "min_words": 0})
    assert "(mode=all)" in str(e.value) and "use mode='all'" not in str(e.value)
    assert str(e.value).endswith("themes need at least 3; ingest more transcripts")


# -- item 7: database URLs ---------------------------------------------------------------------------------------

def test_project_paths_with_question_marks_and_percent_signs_keep_their_own_database(tmp_path):
    a, b, c = tmp_path / "study?A", tmp_path / "study?B", tmp_path / "100%"
    for p in (a, b, c):
        Project.init(p).close()
    src = tmp_path / "P01.txt"
    src.write_text(P01, encoding="utf-8")
    project = Project.open(a)
    ingest(project, [src])
    project.close()
    counts = {}
    for p in (a, b, c):
        project = Project.open(p)
        counts[p.name] = project.store.counts()["transcripts"]
        project.close()
    assert counts == {"study?A": 1, "study?B": 0, "100%": 0}
    assert (a / "qualkit.db").exists() and (b / "qualkit.db").exists() and (c / "qualkit.db").exists()
    assert not (tmp_path / "study").exists()


def test_relative_sqlite_url_is_the_project_folder_and_a_missing_one_is_refused(tmp_path, monkeypatch):
    proj = tmp_path / "proj"
    Project.init(proj, db="sqlite:///team.db").close()
    assert (proj / "team.db").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    project = Project.open(proj)  # from another folder: the same database, found in the project folder
    assert Path(project.store.engine.url.database) == (proj / "team.db").resolve()
    project.close()
    assert list(elsewhere.iterdir()) == []
    refused(None, ["status", "-p", str(proj), "--db", "sqlite:///typo.db"], Path(str(proj)),
            r"the project's database .*proj/typo\.db does not exist \(moved or deleted\?\); restore it, or pass "
            r"--db with its location")
    assert not (proj / "typo.db").exists() and list(elsewhere.iterdir()) == []


# -- item 19: settings that are not an object; a codings field over 128 KB --------------------------------------

def test_settings_holding_a_list_is_a_clean_error(proj):
    shutil.copy(BAD / "ra_settings_list.json", proj / "qualkit.json")
    refused(None, ["status", "-p", str(proj)], proj / "qualkit.json",
            r"unreadable project settings: expected a JSON object \(\{\"name\": \.\.\.\}\), got list")


def test_codings_csv_with_a_field_over_128_kb_is_read(proj, tmp_path):
    f = tmp_path / "codings_big_field.csv"  # generated: the note column holds 200 KB
    f.write_text("document,start_char,end_char,code,coder,note\nP01,41,84,Verification,ana," + "x" * 200_000 + "\n",
                 encoding="utf-8")
    r = run_forked(_cli, ["import-codings", str(f), "-p", str(proj)])
    assert r.exitcode == 0, r.stderr
    assert "imported 1 coding(s)" in r.stdout


# -- item 20: a read-only project still answers the commands that only read ------------------------------------

def _warm_up(proj: Path, out: Path) -> None:
    """Load every module the read-only commands import, before the child drops root (it then cannot read the
    interpreter's own folders under /root)."""
    from qualkit.cli import cli
    import qualkit.analysis, qualkit.export, qualkit.export.markdown, qualkit.interchange  # noqa: E401,F401
    import qualkit.project.ai_coder  # noqa: F401
    for args in (["status"], ["report"], ["export", "--format", "csv", "--out", str(out)]):
        cli.main(args + ["-p", str(proj)], prog_name="qualkit", standalone_mode=False)
    out.unlink()


def _as_nobody(args):
    os.setgid(65534)
    os.setuid(65534)
    _cli(args)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to another user (permissions bind a non-root "
                                               "user by themselves: run the read-only case with chmod instead)")
def test_read_only_project_answers_status_report_and_export(tmp_path):
    import tempfile
    base = Path(tempfile.mkdtemp(prefix="qualkit-ro-", dir="/tmp"))  # /tmp/pytest-of-root is private to root
    try:
        base.chmod(0o755)
        proj = base / "proj"
        project = Project.init(proj)
        (base / "P01.txt").write_text(P01, encoding="utf-8")
        ingest(project, [base / "P01.txt"])
        project.close()
        out = base / "out"
        out.mkdir()
        out.chmod(0o777)
        _warm_up(proj, out / "warm.csv")
        for f in proj.iterdir():
            f.chmod(0o444)
        proj.chmod(0o555)
        before = sorted(p.name for p in proj.iterdir())
        for args, expect in ((["status"], r"transcripts   1"), (["report"], r"# qualkit report"),
                             (["export", "--format", "csv", "--out", str(out / "c.csv")], r"wrote .*c\.csv")):
            r = run_forked(_as_nobody, args + ["-p", str(proj)], extra_as=None)
            assert r.exitcode == 0, f"{args}: {r.stderr}"
            assert re.search(expect, r.stdout), r.stdout
        assert (out / "c.csv").exists()
        (base / "P02.txt").write_text(P01.replace("P01", "P02"), encoding="utf-8")
        (base / "P02.txt").chmod(0o644)
        r = run_forked(_as_nobody, ["ingest", str(base / "P02.txt"), "-p", str(proj)], extra_as=None)
        assert r.exitcode == 1 and "Traceback" not in r.stderr
        assert re.search(r"is read-only \(file or folder permissions\) and this command writes to it: make it "
                         r"writable; status, report, export and agreement only read", r.stderr), r.stderr
        assert sorted(p.name for p in proj.iterdir()) == before
    finally:
        for p in [base, *base.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(base)


# -- item 5: import-codings racing an ingest of a changed file ---------------------------------------------------

def test_import_codings_cannot_slip_between_the_ingest_check_and_its_write(proj, tmp_path, monkeypatch):
    """Ingest checks "has P01 codings?" (none) and is held just before writing P01's new, shorter text; an
    import-codings of a span valid only in the old text runs meanwhile. With check and write in one transaction
    the import waits, then checks its span against the new text and refuses it; never both succeed."""
    from qualkit.errors import InputError
    from qualkit.project import import_codings
    from qualkit.store import Store
    changed = proj.parent / "src" / "P01.txt"
    changed.write_text("Interviewer: Drafts?\n\nP01: Yes.\n", encoding="utf-8")  # 32 characters (trailing newline stripped)
    csv_file = tmp_path / "codings.csv"
    csv_file.write_text("document,start_char,end_char,code,coder\nP01,41,84,Verification,ana\n", encoding="utf-8")

    checked, release = threading.Event(), threading.Event()
    real = Store.put_transcripts

    def held(self, *a, **k):
        checked.set()
        release.wait(30)
        return real(self, *a, **k)

    monkeypatch.setattr(Store, "put_transcripts", held)
    results = {}

    def run_ingest():
        p = Project.open(proj)
        try:
            results["ingest"] = ingest(p, [changed])
        except Exception as e:  # noqa: BLE001 - recorded and asserted below
            results["ingest"] = e
        finally:
            p.close()

    def run_import():
        p = Project.open(proj)
        try:
            results["import"] = import_codings(p, csv_file)
        except Exception as e:  # noqa: BLE001
            results["import"] = e
        finally:
            p.close()

    a = threading.Thread(target=run_ingest)
    a.start()
    assert checked.wait(30), "ingest never reached its write"
    b = threading.Thread(target=run_import)
    b.start()
    b.join(5)  # old code: finishes here, recording a span of the old text; new code: waits for the ingest's lock
    release.set()
    a.join(60)
    b.join(60)
    assert not a.is_alive() and not b.is_alive()
    assert results["ingest"].updated == ["P01"], results["ingest"]
    assert isinstance(results["import"], InputError), results["import"]
    assert "span 41-84 is outside document 'P01' (32 characters)" in str(results["import"])
    project = Project.open(proj)
    try:
        text = project.store.transcript("P01").text
        assert all(d.char_end <= len(text) for d in project.store.decisions())
        assert project.store.decisions() == []
    finally:
        project.close()


# -- item 15: a person named `ai` is never merged with the tool -------------------------------------------------

def test_a_person_named_ai_is_not_merged_with_the_tool(proj, tmp_path):
    from qualkit.run import Run
    from qualkit.suggest.model import Suggestion
    csv_file = tmp_path / "codings.csv"
    csv_file.write_text("document,start_char,end_char,code,coder\nP01,41,84,Verification,ai\n"
                        "P01,41,84,Verification,bob\n", encoding="utf-8")
    project = Project.open(proj)
    from qualkit.project import import_codings
    import_codings(project, csv_file)
    seg = project.store.segments("P01", role="participant")[0]
    project.store.put_run(Run(id="r1", kind="suggest", started_at="2026-01-01T00:00:00", model="m", seed=0),
                          suggestions=[Suggestion("s1", "r1", seg.id, "P01", seg.char_start, seg.char_end,
                                                  "Verification", 0.9, threshold=0.5)])
    project.close()
    # the rule lives where the pseudo-coder is made (qualkit.project.ai_coder.snapshot_with_ai)
    refused(proj, ["agreement", "--coder", "ai", "--coder", "bob", "-p", str(proj)], "a human coder",
            r"a human coder in this project is named 'ai', the name the tool codes under in agreement: compare the "
            r"coders by name without --coder ai")


def test_the_corpus_files_and_the_readme_rows():
    files = {p.name for p in BAD.glob("ra_*")}
    covered = {c.file for c in IMPORT_CASES} | {"ra_taguette_odd_payloads.sqlite3", "ra_deid_path_ids.csv",
                                                "ra_deid_case_ids.csv", "ra_settings_list.json"}
    assert files == covered
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    for name in files | {"ra_codings_big_field.csv"}:
        assert f"`{name}`" in readme, name
