"""Atomic writes and spreadsheet formula neutralisation."""
import csv
import re
import os
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from snapshot_fixture import make_snapshot  # noqa: E402

from qualkit.codebook.model import Code, Codebook  # noqa: E402
from qualkit.coding import Coding  # noqa: E402
from qualkit.errors import QualkitError  # noqa: E402
from qualkit.export import neutralise, write_codings_csv, write_xlsx  # noqa: E402
from qualkit.export.atomic import atomic_path, write_text  # noqa: E402
from qualkit.snapshot import Snapshot  # noqa: E402
from qualkit.transcript import Transcript, Turn  # noqa: E402

EVIL = ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def evil_snapshot() -> Snapshot:
    text = "\n".join(EVIL) + "\nplain line"
    turns, pos = [], 0
    for line in text.split("\n"):
        turns.append(Turn("@P9", "participant", pos, pos + len(line), line))
        pos += len(line) + 1
    t = Transcript("=T1", "T1.txt", "txt", text, tuple(turns), participant_id="@P9")
    cb = Codebook("cb", (Code("+Code", "=definition starting with equals"),))
    codings = tuple(Coding("=T1", tu.char_start, tu.char_end, "+Code", "-bob", "2026-01-01T00:00:00Z")
                    for tu in turns)
    return Snapshot("evil", (t,), cb, codings, participants={"@P9": {"group": "=grp"}})


def test_neutralise_values():
    assert [neutralise(v) for v in EVIL] == ["'" + v for v in EVIL]
    assert neutralise("plain") == "plain" and neutralise(-3) == -3 and neutralise(None) is None
    assert neutralise("a=b") == "a=b"


def test_csv_cells_are_neutralised(tmp_path):
    path = write_codings_csv(evil_snapshot(), tmp_path / "codings.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    quotes = [r["quote"] for r in rows]
    assert quotes[:6] == ["'" + v for v in EVIL] and quotes[6] == "plain line"
    assert {r["transcript_id"] for r in rows} == {"'=T1"}
    assert {r["participant_id"] for r in rows} == {"'@P9"}
    assert {r["coder"] for r in rows} == {"'-bob"} and {r["code"] for r in rows} == {"'+Code"}
    assert {r["group"] for r in rows} == {"'=grp"}
    assert rows[0]["char_start"] == "0"  # numbers stay numbers
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")


def test_xlsx_cells_are_neutralised_and_not_formulas(tmp_path):
    path = write_xlsx(evil_snapshot(), tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["codings"]
    header = [c.value for c in ws[1]]
    col = header.index("quote")
    quotes = [row[col].value for row in ws.iter_rows(min_row=2)]
    assert quotes[:6] == ["'" + v for v in EVIL]
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (sheet.title, cell.value)
    cb = wb["codebook"]
    assert [c.value for c in cb[2]][:2] == ["'+Code", "'=definition starting with equals"]


def test_atomic_write_replaces_and_cleans_up(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half-written")
            raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.md"]
    write_text(target, "new")
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["out.md"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # not left private by mkstemp


def test_atomic_write_into_missing_folder_says_so(tmp_path):
    with pytest.raises(QualkitError, match="folder .*nope does not exist; create it first"):
        write_text(tmp_path / "nope" / "x.md", "x")


def test_failed_report_leaves_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "report.xlsx"
    write_xlsx(make_snapshot(), target)
    before = target.read_bytes()
    import qualkit.export.xlsx as xlsx_mod

    def boom(df):
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx_mod, "neutralise_frame", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        write_xlsx(make_snapshot(), target)
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["report.xlsx"]


# -- one writer, one rule (issue 17 debt 6; issue 18 items 2, 20, 22) -------------------------------------------

def _writers(snapshot):
    from qualkit.export import write_report
    from qualkit.interchange import export_qdc, export_qdpx
    from qualkit.privacy import deidentify
    mapping = deidentify(list(snapshot.transcripts))
    return {"markdown": lambda p: write_report(snapshot, p.with_suffix(".md")),
            "html": lambda p: write_report(snapshot, p.with_suffix(".html")),
            "docx": lambda p: write_report(snapshot, p.with_suffix(".docx")),
            "xlsx": lambda p: write_report(snapshot, p.with_suffix(".xlsx")),
            "csv": lambda p: write_report(snapshot, p.with_suffix(".csv")),
            "codebook-yaml": lambda p: write_report(snapshot, p.with_suffix(".yaml"), format="codebook-yaml"),
            "qdc": lambda p: export_qdc(snapshot.codebook, p.with_suffix(".qdc")),
            "qdpx": lambda p: export_qdpx(snapshot, p.with_suffix(".qdpx")),
            "mapping": lambda p: mapping.write_mapping(p.with_suffix(".json"))}


@pytest.mark.parametrize("writer", ["markdown", "html", "docx", "xlsx", "csv", "codebook-yaml", "qdc", "qdpx",
                                    "mapping"])
def test_every_writer_refuses_a_missing_folder_alike(tmp_path, writer):
    with pytest.raises(QualkitError, match=r"x\.\w+: folder .*missing does not exist; create it first"):
        _writers(make_snapshot())[writer](tmp_path / "missing" / "x")
    assert os.listdir(tmp_path) == []  # no folder made, nothing written


@pytest.mark.parametrize("writer", ["markdown", "csv", "qdc", "qdpx", "mapping"])
def test_every_writer_refuses_read_only_files_folders_and_project_files(tmp_path, writer):
    write = _writers(make_snapshot())[writer]
    write(tmp_path / "x")  # each writer adds its own suffix: find the file it wrote
    (written,) = [p for p in tmp_path.iterdir()]
    written.chmod(0o444)
    before = written.read_bytes()
    with pytest.raises(QualkitError, match=r"is read-only; qualkit will not replace it"):
        write(tmp_path / "x")
    assert written.read_bytes() == before and stat_mode(written) == 0o444
    (tmp_path / f"dir{written.suffix}").mkdir()
    with pytest.raises(QualkitError, match=rf"dir\{written.suffix}: is a folder; give the name of a file"):
        write(tmp_path / "dir")
    if written.suffix == ".json":  # the mapping: its suffix is the project settings'
        proj = tmp_path / "proj"
        proj.mkdir()
        (proj / "qualkit.json").write_text("{}")
        with pytest.raises(QualkitError, match=r"is inside the qualkit project"):
            write(proj / "qualkit")


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_check_target_refuses_project_files_databases_and_protected_paths(tmp_path):
    import sqlite3

    from qualkit.atomic import check_target, child_file, ensure_folder
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "qualkit.json").write_text("{}")
    for name in ("qualkit.json", "qualkit.db", "qualkit.db-wal", "qualkit.db-shm", "qualkit.db-journal"):
        with pytest.raises(QualkitError, match=rf"{re.escape(name)}: is (the settings|the database|a journal)"):
            check_target(proj / name)
    from qualkit.store import Store
    db = tmp_path / "team.sqlite"  # a qualkit database outside any project folder (--db)
    Store(f"sqlite:///{db}").close()
    with pytest.raises(QualkitError, match=r"team\.sqlite: is a qualkit project database; qualkit never overwrites"):
        check_target(db)
    with pytest.raises(QualkitError, match=r"team\.sqlite-wal: is a journal file of the database"):
        check_target(tmp_path / "team.sqlite-wal")
    taguette = tmp_path / "upload.sqlite3"  # another tool's SQLite file may be replaced (an upload staged again)
    sqlite3.connect(taguette).execute("CREATE TABLE tags (a)").connection.close()
    assert check_target(taguette) == taguette
    (tmp_path / "broken.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 100)  # unreadable: counts as one
    with pytest.raises(QualkitError, match=r"broken\.db: is a qualkit project database"):
        check_target(tmp_path / "broken.db")
    src = tmp_path / "P01.txt"
    src.write_text("x")
    with pytest.raises(QualkitError, match=r"P01\.txt: is an input \(P01\); qualkit never overwrites it"):
        check_target(tmp_path / "." / "P01.txt", protected=[(src, "an input (P01)")])
    assert check_target(tmp_path / "new.csv") == tmp_path / "new.csv"
    for bad in ("../x", "/etc/x", "a/b", "..", ".hidden", "a\x00b", "", "x" * 300):
        with pytest.raises(QualkitError, match=r"cannot be a file name in this folder"):
            child_file(tmp_path, bad, ".txt")
    assert child_file(tmp_path, "P01 (second)", ".txt") == tmp_path / "P01 (second).txt"
    with pytest.raises(QualkitError, match=r"folder .*nope does not exist; create it first"):
        ensure_folder(tmp_path / "nope" / "charts")
    assert ensure_folder(tmp_path / "charts").is_dir()
    with pytest.raises(QualkitError, match=r"P01\.txt: is a file, not a folder"):
        ensure_folder(src)
