"""Charts as plotly figures: prevalence by group, co-occurrence heatmap, saturation curve.

HTML charts embed plotly.js inline (they work offline, no CDN). PNG/SVG go through kaleido (a dependency), which
drives the Chrome/Chromium installed on the machine (Debian: `apt install chromium`); without a browser the static
images are skipped with a message saying what to install (kaleido is never allowed to download one).
"""
from __future__ import annotations

import importlib.util
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ..analysis import Cooccurrence, SaturationCurve, ThemeSummary
from ..atomic import ensure_folder
from ..errors import QualkitError
from .atomic import atomic_path, write_text

FORMATS = ("html", "png", "svg")


def prevalence_figure(themes: ThemeSummary):
    """Grouped bars: % of participants in each group with each code."""
    import plotly.graph_objects as go

    codes = [r.code for r in themes.rows]
    fig = go.Figure()
    for g in themes.groups or ("all",):
        pct = [r.by_group[g].pct if g in r.by_group else r.participants.pct for r in themes.rows]
        n = [f"{r.by_group[g].n}/{r.by_group[g].of}" if g in r.by_group else f"{r.participants.n}/{r.participants.of}"
             for r in themes.rows]
        fig.add_bar(name=f"{g} (n={themes.group_sizes.get(g, themes.n_participants)})", x=codes, y=pct,
                    text=n, hovertemplate="%{x}<br>%{y:.0f}% (%{text})<extra>" + g + "</extra>")
    fig.update_layout(title=f"Participants with each code, by {themes.group_by}", barmode="group",
                      yaxis_title="% of participants", yaxis_range=[0, 100], template="plotly_white")
    return fig


def cooccurrence_figure(co: Cooccurrence, kind: str = "jaccard"):
    import plotly.graph_objects as go

    df = co.to_frame(kind)
    fig = go.Figure(go.Heatmap(z=df.values, x=list(df.columns), y=list(df.index), colorscale="Blues",
                               text=co.to_frame("count").values, texttemplate="%{text}",
                               hovertemplate="%{y} & %{x}<br>" + kind + " %{z:.2f}, count %{text}<extra></extra>"))
    fig.update_layout(title=f"Code co-occurrence ({co.level} level, colour: {kind}, numbers: counts)",
                      template="plotly_white", yaxis_autorange="reversed")
    return fig


def saturation_figure(sat: SaturationCurve):
    import plotly.graph_objects as go

    x = list(range(1, sat.n_interviews + 1))
    fig = go.Figure()
    fig.add_scatter(x=x + x[::-1], y=list(sat.cumulative_high) + list(sat.cumulative_low)[::-1], fill="toself",
                    line={"width": 0}, name="2.5-97.5% of orders", hoverinfo="skip", opacity=0.3)
    fig.add_scatter(x=x, y=list(sat.cumulative_mean), mode="lines+markers", name="codes found (mean)")
    fig.add_bar(x=x, y=list(sat.new_mean), name="new codes (mean)", opacity=0.5)
    fig.update_layout(title=f"Saturation: codes found after each interview ({sat.n_orders} orders, seed {sat.seed})",
                      xaxis_title="interviews", yaxis_title="codes", template="plotly_white")
    return fig


def figure_html(fig, include_plotlyjs: bool) -> str:
    """A <div> for the figure; with `include_plotlyjs` the whole plotly.js bundle is inlined before it."""
    import plotly.io as pio

    return pio.to_html(fig, include_plotlyjs=True if include_plotlyjs else False, full_html=False,
                       include_mathjax=False, config={"displaylogo": False})


def static_export_problem() -> str | None:
    """Why PNG/SVG cannot be written here, or None when kaleido and a browser are available."""
    if importlib.util.find_spec("kaleido") is None:
        return "kaleido is not installed (pip install kaleido; it also needs Chrome or Chromium)"
    if not any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome", "chrome")):
        return "kaleido needs Chrome or Chromium, and none was found on PATH (Debian/Ubuntu: apt install chromium)"
    return None


@dataclass(frozen=True)
class ChartFiles:
    written: tuple[Path, ...]
    skipped: tuple[str, ...]  # one message per format that could not be written, saying why


def write_charts(folder, themes: ThemeSummary, co: Cooccurrence, sat: SaturationCurve,
                 formats=("html", "png", "svg")) -> ChartFiles:
    """Write prevalence, cooccurrence and saturation charts into `folder` in each format.

    HTML is always possible (plotly.js inlined); PNG and SVG are skipped with a message when kaleido or a
    browser is missing. Raises QualkitError for an unknown format.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise QualkitError(f"unknown chart format(s) {', '.join(unknown)}; use: {', '.join(FORMATS)}")
    folder = ensure_folder(folder)  # the named folder is made; a missing parent is refused, as for every export
    figs = {"prevalence": prevalence_figure(themes), "cooccurrence": cooccurrence_figure(co),
            "saturation": saturation_figure(sat)}
    written, skipped = [], []
    static = list(dict.fromkeys(fmt for fmt in formats if fmt != "html"))
    if "html" in formats:
        for name, fig in figs.items():
            html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + name + "</title></head><body>"
                    + figure_html(fig, True) + "</body></html>")
            written.append(write_text(folder / f"{name}.html", html))
    problem = static_export_problem() if static else None
    if problem:
        skipped += [f"{fmt.upper()} charts skipped: {problem}" for fmt in static]
    elif static:
        import kaleido

        targets = [(fig, folder / f"{name}.{fmt}", fmt) for fmt in static for name, fig in figs.items()]
        try:
            with ExitStack() as stack:  # every image or none: each lands only when the whole batch succeeded
                tmps = [stack.enter_context(atomic_path(path)) for _, path, _ in targets]
                # One browser session for the whole batch (kaleido starts Chromium once per call, seconds each).
                # Called directly, not through plotly.io, to keep it offline: plotly would let kaleido load MathJax
                # from a CDN; here MathJax is off (no chart uses LaTeX), plotly.js is plotly's own file, and any
                # http(s) request the page might still make goes to a closed loopback port.
                kaleido.write_fig_from_object_sync(
                    [{"fig": fig.to_dict(), "path": tmp, "opts": {"format": fmt}}
                     for (fig, _, fmt), tmp in zip(targets, tmps)],
                    kopts={"mathjax": False, "proxy_server": "127.0.0.1:9"})
        except QualkitError:
            raise
        except Exception as e:  # kaleido/choreographer errors when the browser fails to start or crashes
            first = (str(e).splitlines() or [""])[0][:200]
            skipped += [f"{fmt.upper()} charts skipped: the browser kaleido drives failed ({type(e).__name__}: "
                        f"{first})" for fmt in static]
        else:
            written += [path for _, path, _ in targets]
    return ChartFiles(tuple(written), tuple(skipped))
