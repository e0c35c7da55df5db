"""Self-contained HTML report: tables plus interactive charts, with plotly.js inlined so it opens offline."""
from __future__ import annotations

import html

import pandas as pd

from ..snapshot import Snapshot
from .atomic import write_text
from .charts import cooccurrence_figure, figure_html, prevalence_figure, saturation_figure
from .data import ReportData, collect
from .sections import Chart, Items, Paragraph, Table, sections

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3} caption{text-align:left;font-weight:bold;padding:.3em 0}
li{margin:.2em 0}
"""


def html_table(caption: str, df: pd.DataFrame) -> str:
    def cell(v):
        s = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
        return html.escape(s).replace("\n", "<br>")

    head = "".join(f"<th>{cell(c)}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False, name=None))
    return f"<table><caption>{cell(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def render_html(data: ReportData) -> str:
    figs = {"prevalence": lambda: prevalence_figure(data.themes),
            "cooccurrence": lambda: cooccurrence_figure(data.cooccurrence),
            "saturation": lambda: saturation_figure(data.saturation)}
    title = html.escape(f"qualkit report: {data.snapshot.name}")
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
             f"<style>{CSS}</style></head><body><h1>{title}</h1>"]
    plotly_inlined = False
    for sec in sections(data):
        parts.append(f"<section><h2>{html.escape(sec.title)}</h2>")
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                parts.append(f"<p>{html.escape(b.text)}</p>")
            elif isinstance(b, Table):
                parts.append(html_table(b.caption, b.frame))
            elif isinstance(b, Items):
                parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in b.items) + "</ul>")
            elif isinstance(b, Chart):
                if b.name == "cooccurrence" and not data.cooccurrence.codes:
                    continue
                # the first chart carries the plotly.js bundle; the others reuse it
                parts.append(figure_html(figs[b.name](), include_plotlyjs=not plotly_inlined))
                plotly_inlined = True
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(snapshot: Snapshot, path, *, data: ReportData | None = None, **options):
    """Write the self-contained HTML report atomically (no network needed to view it)."""
    return write_text(path, render_html(data or collect(snapshot, **options)))
