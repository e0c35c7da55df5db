"""DOCX report (python-docx): methods paragraph, a journal-style theme table, group comparison and agreement."""
from __future__ import annotations

import pandas as pd

from ..snapshot import Snapshot
from .atomic import atomic_path
from .data import ReportData, collect, journal_table
from .sections import Items, Paragraph, Table, sections
from .xml_text import xml_safe


def _add_table(doc, caption: str, df: pd.DataFrame):
    from docx.shared import Pt

    doc.add_paragraph(xml_safe(caption), style="Caption")
    table = doc.add_table(rows=1, cols=len(df.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, df.columns):
        cell.text = xml_safe(str(name))
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in df.itertuples(index=False, name=None):
        cells = table.add_row().cells
        for cell, v in zip(cells, row):
            cell.text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else xml_safe(str(v))
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    return table


def _set_widths(table, widths) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    for col, w in zip(table.columns, widths):
        col.width = w


def render_docx(data: ReportData):
    """A python-docx Document. The first table is the journal table: Theme | Code | n (%) per group | quote."""
    from docx import Document

    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches

    doc = Document()
    # landscape: the journal table needs room for a quote column beside the per-group counts
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    usable = sec.page_width - sec.left_margin - sec.right_margin
    doc.add_heading(xml_safe(f"qualkit report: {data.snapshot.name}"), level=0)
    for sec in sections(data):
        doc.add_heading(xml_safe(sec.title), level=1)
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                doc.add_paragraph(xml_safe(b.text))
            elif isinstance(b, Table):
                if b.caption == "Definitions and counts":
                    continue  # the journal table carries what a paper prints; definitions live in the XLSX
                table = _add_table(doc, b.caption, b.frame)
                if b.caption == "Themes and codes":
                    n_counts = len(b.frame.columns) - 3
                    widths = [Inches(1.3), Inches(1.5)] + [Inches(0.85)] * n_counts
                    widths.append(max(Inches(2.0), usable - sum(widths)))
                    _set_widths(table, widths)
            elif isinstance(b, Items):
                for i in b.items:
                    doc.add_paragraph(xml_safe(i), style="List Bullet")
    return doc


def write_docx(snapshot: Snapshot, path, *, data: ReportData | None = None, **options):
    """Write the DOCX report atomically."""
    doc = render_docx(data or collect(snapshot, **options))
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path


__all__ = ["render_docx", "write_docx", "journal_table"]
