"""Each export written, then read back with the library that a reader would use."""
import csv
import re
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from snapshot_fixture import DPR, EFF, HO, VER, make_snapshot  # noqa: E402

from qualkit.errors import QualkitError  # noqa: E402
from qualkit.export import collect, write_report, write_report_charts  # noqa: E402
from qualkit.export.charts import static_export_problem  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCRIPT_SRC_HTTP = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(https?:)?//", re.I)


@pytest.fixture(scope="module")
def data():
    return collect(make_snapshot(), published=REPO / "published" / "sample_study.yaml")


def test_markdown(tmp_path, data):
    path = write_report(make_snapshot(), tmp_path / "r.md", data=data)
    md = path.read_text(encoding="utf-8")
    assert "| Theme | Code | clinician (n=3) | developer (n=2) | All (n=5) | Exemplar quote |" in md
    assert "| Oversight and verification | Human oversight | 3 (100%) | 1 (50%) | 4 (80%) |" in md
    assert "| Human oversight | 3/3 (100%) | 1/2 (50%) | +50 pts [-19, +91] | fisher | 0.400 | 0.533 |  |" in md
    assert "| (pooled) | 32 | 7 | 7 | 88% | 0.63 | 0.64 | 0.81 |" in md
    assert "(P1; T1 chars 65-153, turn 2, line 2)" in md
    assert "Of the 15 codings in this analysis, 2 (13.3%) began as code suggestions" in md
    # the fixture's small codebook lacks most maps_to codes, so those themes are reported as not found
    assert "Published themes not found in this project: Transparency and patient consent;" in md
    assert "| Human oversight | name | Human oversight | clinician | 9/11 | 3/3 |" in md


def test_markdown_escapes_pipes(tmp_path):
    from qualkit.export.markdown import md_table
    import pandas as pd

    assert md_table(pd.DataFrame({"a": ["x|y\nz"]})) == "| a |\n| --- |\n| x\\|y<br>z |"


def test_html_is_self_contained(tmp_path, data):
    path = write_report(make_snapshot(), tmp_path / "r.html", data=data)
    html = path.read_text(encoding="utf-8")
    assert not SCRIPT_SRC_HTTP.search(html)
    assert "<link" not in html  # no external stylesheet either
    assert html.count("<table>") >= 5
    assert "<caption>Themes and codes</caption>" in html and "<caption>Group comparison</caption>" in html
    assert "<td>Human oversight</td><td>3 (100%)</td>" in html.replace("<td>Oversight and verification</td>", "")
    assert "Gwet&#x27;s AC1" in html or "Gwet's AC1" in html
    # plotly.js inlined exactly once, then three charts
    assert len(html) > 3_000_000 and html.count("Plotly.newPlot") == 3
    assert "cdn.plot.ly" not in re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)


def test_html_escapes_transcript_text(tmp_path):
    from qualkit.export.html import html_table
    import pandas as pd

    out = html_table("c", pd.DataFrame({"q": ["<script src='http://evil'></script>"]}))
    assert "<script" not in out and "&lt;script" in out


def test_docx_journal_table(tmp_path, data):
    path = write_report(make_snapshot(), tmp_path / "r.docx", data=data)
    doc = Document(str(path))
    first = doc.tables[0]
    header = [c.text for c in first.rows[0].cells]
    assert header == ["Theme", "Code", "clinician (n=3)", "developer (n=2)", "All (n=5)", "Exemplar quote"]
    rows = [[c.text for c in r.cells] for r in first.rows[1:]]
    assert [r[1] for r in rows] == [HO, VER, EFF, DPR]
    assert rows[0][2:5] == ["3 (100%)", "1 (50%)", "4 (80%)"]
    snap = make_snapshot()
    assert rows[0][5] == f"\u201c{snap.transcript('T1').turns[1].text}\u201d (P1)"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "began as code suggestions made by qualkit" in text
    assert "Newcombe" in text
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions[:3] == ["Themes and codes", "Group comparison", "Inter-coder agreement"]


def test_xlsx_sheets(tmp_path, data):
    path = write_report(make_snapshot(), tmp_path / "r.xlsx", data=data)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:5] == ["codings", "themes", "group comparison", "agreement", "disagreements"]
    assert {"codebook", "ai disclosure", "published"} <= set(wb.sheetnames)
    ws = wb["codings"]
    header = [c.value for c in ws[1]]
    assert ws.max_row == 1 + 15
    snap = make_snapshot()
    for row in ws.iter_rows(min_row=2, values_only=True):
        rec = dict(zip(header, row))
        assert snap.transcript(rec["transcript_id"]).text[rec["char_start"]:rec["char_end"]] == rec["quote"]
    ag = {r[0]: r for r in wb["agreement"].iter_rows(min_row=2, values_only=True)}
    agh = [c.value for c in wb["agreement"][1]]
    assert ag["(pooled)"][agh.index("gwet_ac1")] == pytest.approx(546 / 674)
    th = [c.value for c in wb["themes"][1]]
    first = [c.value for c in wb["themes"][2]]
    assert first[th.index("code")] == HO and first[th.index("n_clinician")] == 3
    gch = [c.value for c in wb["group comparison"][1]]
    gc = {r[gch.index("code")]: r for r in wb["group comparison"].iter_rows(min_row=2, values_only=True)}
    assert gc[HO][gch.index("statistic")] == "inf"  # Fisher odds ratio with a zero cell; Excel has no infinity
    assert gc[HO][gch.index("p_value")] == pytest.approx(0.4)
    cb = [r[0] for r in wb["codebook"].iter_rows(min_row=2, values_only=True)]
    assert cb == snap.codebook.names


def test_csv_codings(tmp_path):
    path = write_report(make_snapshot(), tmp_path / "codings.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 15
    snap = make_snapshot()
    ai = [r for r in rows if r["origin"] == "ai"]
    assert {(r["coder"], r["code"]) for r in ai} == {("alice", DPR), ("bob", EFF)}
    for r in rows:
        t = snap.transcript(r["transcript_id"])
        assert t.text[int(r["char_start"]):int(r["char_end"])] == r["quote"]
        assert r["theme"] in ("Oversight and verification", "What AI should optimise")


def test_codebook_yaml_round_trip(tmp_path):
    from qualkit.codebook.load import load_codebook

    snap = make_snapshot(codebook=load_codebook(REPO / "codebooks" / "ai_in_medicine.yaml"))
    path = write_report(snap, tmp_path / "codebook.yaml")
    assert load_codebook(path).codes == snap.codebook.codes


def test_format_errors(tmp_path):
    with pytest.raises(QualkitError, match=r"cannot tell the report format from the suffix '\.pdf'; use one of"):
        write_report(make_snapshot(), tmp_path / "r.pdf")
    with pytest.raises(QualkitError, match="unknown report format 'pdf'; use one of: markdown, html, docx"):
        write_report(make_snapshot(), tmp_path / "r.md", format="pdf")


def test_report_without_groups_or_second_coder(tmp_path):
    snap = make_snapshot(participants={}, codings=tuple(c for c in make_snapshot().codings if c.coder == "alice"))
    md = write_report(snap, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "No group comparison: participants have fewer than two values of 'group'." in md
    assert "No agreement table: the project has codings from fewer than two coders." in md
    assert "## Group comparison" not in md


def test_charts_html(tmp_path):
    files = write_report_charts(make_snapshot(), tmp_path / "charts", formats=("html",))
    assert sorted(p.name for p in files.written) == ["cooccurrence.html", "prevalence.html", "saturation.html"]
    assert not files.skipped
    for p in files.written:
        html = p.read_text(encoding="utf-8")
        assert not SCRIPT_SRC_HTTP.search(html) and "Plotly.newPlot" in html
    with pytest.raises(QualkitError, match="unknown chart format\\(s\\) pdf; use: html, png, svg"):
        write_report_charts(make_snapshot(), tmp_path / "c2", formats=("pdf",))


def test_static_export_problem_says_what_is_missing(monkeypatch):
    import shutil
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert static_export_problem() == ("kaleido needs Chrome or Chromium, and none was found on PATH "
                                       "(Debian/Ubuntu: apt install chromium)")


@pytest.mark.slow  # starts Chromium through kaleido (about 10 s); kaleido and chromium are installed in CI
def test_charts_png_and_svg(tmp_path):
    assert static_export_problem() is None  # a dependency and scripts/test.sh's chromium: missing is a failure
    files = write_report_charts(make_snapshot(), tmp_path / "charts")
    assert not files.skipped
    names = sorted(p.name for p in files.written)
    assert names == sorted(f"{n}.{x}" for n in ("cooccurrence", "prevalence", "saturation")
                           for x in ("html", "png", "svg"))
    for p in files.written:
        data = p.read_bytes()
        if p.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
        elif p.suffix == ".svg":
            text = data.decode("utf-8")
            assert text.lstrip().startswith("<svg") or "<svg" in text[:500]
            if p.stem == "prevalence":
                assert "Participants with each code" in text
    assert not list((tmp_path / "charts").glob(".*.tmp*"))  # no temporary file left behind
