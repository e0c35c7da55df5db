"""Exports: reports (Markdown, HTML, DOCX, XLSX), codings CSV, codebook YAML, charts and REFI-QDA (.qdc, .qdpx).
Every write is atomic.

`FORMATS` is the one list of export formats (the CLI's `export --format` and the app's downloads read it);
`export(snapshot, path, format)` writes any of them. `write_report(snapshot, path)` picks a file format from the
suffix; the report functions take the same options (group_by, coder, coders, published) and an optional
precomputed `data=collect(snapshot, ...)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import QualkitError
from ..snapshot import Snapshot
from .cells import neutralise, neutralise_frame
from .charts import ChartFiles, write_charts
from .data import ReportData, codings_frame, collect, journal_table
from .docx_report import write_docx
from .html import write_html
from .markdown import write_markdown
from .tabular import write_codebook_yaml, write_codings_csv
from .xlsx import write_xlsx



@dataclass(frozen=True)
class ExportFormat:
    """One export format: `write(snapshot, path, **options)` writes it; `suffixes[0]` is the one to name files
    with (none for charts, which fill a folder)."""
    name: str
    what: str  # one line for help texts
    suffixes: tuple[str, ...]
    mime: str
    write: Callable
    report: bool = True  # a report of the codings: takes group_by, coder, coders, published


def _write_charts(snapshot: Snapshot, folder, *, group_by: str = "group", **_ignored) -> "ChartFiles":
    return write_report_charts(snapshot, folder, group_by=group_by)


def _write_qdc(snapshot: Snapshot, path, **_ignored) -> Path:
    from ..interchange import export_qdc  # interchange imports nothing from here; lazily all the same
    return export_qdc(snapshot.codebook, path)


def _write_qdpx(snapshot: Snapshot, path, **_ignored) -> Path:
    from ..interchange import export_qdpx
    return export_qdpx(snapshot, path)


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("markdown", "report as Markdown", (".md", ".markdown"), "text/markdown", write_markdown),
    ExportFormat("html", "report as a web page", (".html", ".htm"), "text/html", write_html),
    ExportFormat("docx", "report as a Word document", (".docx",),
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document", write_docx),
    ExportFormat("xlsx", "report as an Excel workbook", (".xlsx",),
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_xlsx),
    ExportFormat("csv", "codings, one row each", (".csv",), "text/csv", write_codings_csv),
    ExportFormat("codebook-yaml", "the codebook as YAML", (".yaml", ".yml"), "application/yaml",
                 write_codebook_yaml),
    ExportFormat("charts", "prevalence, co-occurrence and saturation charts (a folder)", (), "text/html",
                 _write_charts, report=False),
    ExportFormat("qdc", "the codebook as REFI-QDA (.qdc)", (".qdc",), "application/xml", _write_qdc, report=False),
    ExportFormat("qdpx", "the whole project as REFI-QDA (.qdpx)", (".qdpx",), "application/zip", _write_qdpx,
                 report=False),
)}
# the single-file reports (the app offers each as a download)
WRITERS = {n: f.write for n, f in FORMATS.items() if f.report}
SUFFIXES = {s: f.name for f in FORMATS.values() for s in f.suffixes}


def export(snapshot: Snapshot, path, format: str, **options):
    """Write `snapshot` to `path` in any of FORMATS; returns what the format's writer returns (the path, or
    ChartFiles for charts). Raises QualkitError naming the valid formats when `format` is unknown."""
    if format not in FORMATS:
        raise QualkitError(f"unknown export format {format!r}; use one of: {', '.join(FORMATS)}")
    return FORMATS[format].write(snapshot, path, **options)


def write_report(snapshot: Snapshot, path, format: str | None = None, **options) -> Path:
    """Write the file `path` in `format` (default: from the suffix), any of FORMATS but charts (a folder:
    `write_report_charts`). Raises QualkitError naming the valid formats when the format is unknown or cannot be
    guessed."""
    path = Path(path)
    if format is None:
        format = SUFFIXES.get(path.suffix.lower())
        if format is None:
            raise QualkitError(f"{path}: cannot tell the report format from the suffix {path.suffix!r}; use one of "
                               f"{', '.join(sorted(SUFFIXES))} or pass format= one of {', '.join(WRITERS)}")
    if format not in FORMATS or format == "charts":
        raise QualkitError(f"unknown report format {format!r}; use one of: "
                           f"{', '.join(n for n in FORMATS if n != 'charts')}")
    FORMATS[format].write(snapshot, path, **options)
    return path


def write_report_charts(snapshot: Snapshot, folder, formats=("html", "png", "svg"), **options) -> ChartFiles:
    """Prevalence, co-occurrence and saturation charts for a snapshot (see `write_charts`)."""
    data = collect(snapshot, **options)
    return write_charts(folder, data.themes, data.cooccurrence, data.saturation, formats)


__all__ = ["FORMATS", "ExportFormat", "export", "ChartFiles", "ReportData", "codings_frame", "collect",
           "journal_table", "neutralise", "neutralise_frame", "write_charts", "write_codebook_yaml", "write_codings_csv", "write_docx", "write_html", "write_markdown",
           "write_report", "write_report_charts", "write_xlsx"]
