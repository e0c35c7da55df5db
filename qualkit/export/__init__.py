"""Exports: reports (Markdown, HTML, DOCX, XLSX), codings CSV, codebook YAML and charts. Every write is atomic.

`write_report(snapshot, path)` picks the format from the file suffix; the per-format functions take the same
options (group_by, coder, coders, published) and an optional precomputed `data=collect(snapshot, ...)`.
"""
from __future__ import annotations

from pathlib import Path

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

WRITERS = {"markdown": write_markdown, "html": write_html, "docx": write_docx, "xlsx": write_xlsx,
           "csv": write_codings_csv, "codebook-yaml": write_codebook_yaml}
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".docx": "docx",
            ".xlsx": "xlsx", ".csv": "csv", ".yaml": "codebook-yaml", ".yml": "codebook-yaml"}


def write_report(snapshot: Snapshot, path, format: str | None = None, **options) -> Path:
    """Write `path` in `format` (default: from the suffix). Formats: markdown, html, docx, xlsx, csv (codings),
    codebook-yaml. Raises QualkitError naming the valid formats when the format is unknown or cannot be
    guessed. Charts are written separately with `write_charts`."""
    path = Path(path)
    if format is None:
        format = SUFFIXES.get(path.suffix.lower())
        if format is None:
            raise QualkitError(f"{path}: cannot tell the report format from the suffix {path.suffix!r}; use one of "
                               f"{', '.join(sorted(SUFFIXES))} or pass format= one of {', '.join(WRITERS)}")
    if format not in WRITERS:
        raise QualkitError(f"unknown report format {format!r}; use one of: {', '.join(WRITERS)}")
    WRITERS[format](snapshot, path, **options)
    return path


def write_report_charts(snapshot: Snapshot, folder, formats=("html", "png", "svg"), **options) -> ChartFiles:
    """Prevalence, co-occurrence and saturation charts for a snapshot (see `write_charts`)."""
    data = collect(snapshot, **options)
    return write_charts(folder, data.themes, data.cooccurrence, data.saturation, formats)


__all__ = ["ChartFiles", "ReportData", "codings_frame", "collect", "journal_table", "neutralise", "neutralise_frame",
           "write_charts", "write_codebook_yaml", "write_codings_csv", "write_docx", "write_html", "write_markdown",
           "write_report", "write_report_charts", "write_xlsx"]
