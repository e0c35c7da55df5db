"""Atomic writes and spreadsheet formula neutralisation."""
import csv
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
