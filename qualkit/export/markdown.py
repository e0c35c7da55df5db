"""Markdown report: the same sections as the HTML report, charts left out (Markdown cannot hold them)."""
from __future__ import annotations

import pandas as pd

from ..snapshot import Snapshot
from .atomic import write_text
from .data import ReportData, collect
from .sections import Chart, Items, Paragraph, Table, sections


def md_text(s: str) -> str:
    """Transcript text and code names as Markdown that shows them literally: a Markdown viewer renders raw HTML,
    so `<script>` or `<img onerror=...>` in a quote would run, and `[x](javascript:...)` would become a link.
    CommonMark backslash escapes (readable in the terminal too): backslashes first, then < > & and the `](`
    that opens a link target."""
    return (s.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>").replace("&", "\\&")
            .replace("](", "\\]("))


def _cell(v) -> str:
    s = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
    return md_text(s).replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def md_table(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(_cell(c) for c in df.columns) + " |"
    sep = "| " + " | ".join("---" for _ in df.columns) + " |"
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df.itertuples(index=False, name=None)]
    return "\n".join([head, sep, *rows])


def render_markdown(data: ReportData) -> str:
    out = [f"# qualkit report: {md_text(data.snapshot.name)}", ""]
    for sec in sections(data):
        out += [f"## {md_text(sec.title)}", ""]
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                out += [md_text(b.text), ""]
            elif isinstance(b, Table):
                out += [f"**{md_text(b.caption)}**", "", md_table(b.frame), ""]
            elif isinstance(b, Items):
                out += [f"- {_cell(i)}" for i in b.items] + [""]
            elif isinstance(b, Chart):
                continue
    return "\n".join(out).rstrip() + "\n"


def write_markdown(snapshot: Snapshot, path, *, data: ReportData | None = None, **options):
    """Write the Markdown report atomically; `options` go to `collect` (group_by, coder, coders, published)."""
    return write_text(path, render_markdown(data or collect(snapshot, **options)))
