"""The report's content as plain blocks, rendered by the Markdown and HTML writers alike (one content, two looks)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

import pandas as pd

from .data import ReportData, journal_table


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    caption: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    name: str  # prevalence | cooccurrence | saturation


Block = Union[Paragraph, Table, Items, Chart]


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


def fmt(x, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def fmt_p(p) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _group_table(data: ReportData) -> pd.DataFrame:
    gc = data.groups
    recs = []
    for r in gc.rows:
        rec = {"Code": r.code}
        for g in gc.groups:
            rec[f"{g} n/N (%)"] = f"{r.counts[g]}/{r.totals[g]} ({100 * r.counts[g] / r.totals[g]:.0f}%)"
        if len(gc.groups) == 2:
            rec["Difference [95% CI]"] = (f"{100 * r.difference:+.0f} pts "
                                          f"[{100 * r.ci_low:+.0f}, {100 * r.ci_high:+.0f}]")
        rec.update({"Test": r.test, "p": fmt_p(r.p_value), "q (BH)": fmt_p(r.q_value), "Note": r.note})
        recs.append(rec)
    return pd.DataFrame.from_records(recs)


def _agreement_table(data: ReportData) -> pd.DataFrame:
    df = data.agreement.to_frame()
    out = pd.DataFrame({"Code": df["code"], "Units": df["n_units"]})
    for c in data.agreement.coders:
        out[f"n {c}"] = df[f"n_{c}"]
    out["Agreement"] = df["percent_agreement"].map(lambda v: f"{100 * v:.0f}%" if not math.isnan(v) else "–")
    out["Cohen's κ"] = df["cohen_kappa"].map(fmt)
    out["Krippendorff's α"] = df["krippendorff_alpha"].map(fmt)
    out["Gwet's AC1"] = df["gwet_ac1"].map(fmt)
    return out


def sections(data: ReportData) -> list[Section]:
    snap, t = data.snapshot, data.themes
    out = [Section("AI assistance", (Paragraph(data.disclosure.paragraph),))]

    blocks: list[Block] = [
        Paragraph(f"{t.n_participants} participants in {len(snap.transcripts)} transcripts; prevalence counts "
                  f"participants with the code" + (f", by {t.group_by}" if t.groups else "")
                  + ("" if t.coder is None else f"; codings by {t.coder} only") + "."),
        Table("Themes and codes", journal_table(data)),
    ]
    detail = pd.DataFrame({"Code": [r.code for r in t.rows], "Definition": [r.definition for r in t.rows],
                           "Codings": [r.n_codings for r in t.rows], "Passages": [r.n_passages for r in t.rows],
                           "From AI suggestions": [r.ai_codings for r in t.rows]})
    blocks.append(Table("Definitions and counts", detail))
    quotes = []
    for r in t.rows:
        for e in r.exemplars:
            quotes.append(f"{r.code}: \u201c{e.text}\u201d ({e.citation()})")
    if quotes:
        blocks.append(Paragraph("Exemplar quotes (closest to each code's TF-IDF centroid, one per participant); "
                                "each cites its transcript, character span, turn and line:"))
        blocks.append(Items(tuple(quotes)))
    blocks.append(Chart("prevalence"))
    out.append(Section("Themes", tuple(blocks)))

    if data.groups:
        gc = data.groups
        test = ("Fisher's exact test" if len(gc.groups) == 2
                else "chi-square test (permutation p when expected counts < 5)")
        blocks = [Paragraph(f"Unit: {gc.unit}. {test}; p-values adjusted across codes with Benjamini-Hochberg (q). "
                            + (f"Differences are {gc.groups[0]} minus {gc.groups[1]} with a {gc.ci_method}."
                               if len(gc.groups) == 2 else "")),
                  Table("Group comparison", _group_table(data))]
        blocks.append(Items(tuple(f"Most distinguishing for {g}: {', '.join(codes) if codes else 'none'}"
                                  for g, codes in gc.distinguishing.items()) + gc.notes))
        out.append(Section("Group comparison", tuple(blocks)))

    if data.agreement:
        a = data.agreement
        blocks = [Paragraph(f"Coders {', '.join(a.coders)}; {a.n_units} units ({a.unit_source}); pooled row stacks "
                            f"every unit-by-code judgement. Cohen's κ is shown for two coders only."
                            + (f" Left out (not coded by every coder): {', '.join(a.excluded_transcripts)}."
                               if a.excluded_transcripts else "")),
                  Table("Inter-coder agreement", _agreement_table(data))]
        if a.disagreements:
            blocks.append(Paragraph(f"{len(a.disagreements)} disagreement(s) to reconcile:"))
            blocks.append(Items(tuple(
                f"{d.code} in {d.transcript_id or d.participant_id}"
                + (f" chars {d.char_start}-{d.char_end}" if d.char_start is not None else "")
                + f": {', '.join(d.coders_with)} yes, {', '.join(d.coders_without)} no"
                + (f" \u2014 \u201c{d.text}\u201d" if d.text else "") for d in a.disagreements)))
        out.append(Section("Agreement", tuple(blocks)))

    co = data.cooccurrence
    pairs = co.pairs().head(10)
    pairs_table = pd.DataFrame({"Code A": pairs["code_a"], "Code B": pairs["code_b"],
                                "Participants with both": pairs["count"], "Jaccard": pairs["jaccard"].map(fmt)})
    out.append(Section("Co-occurrence", (Paragraph(f"Pairs of codes held by the same participants ({co.n_units} "
                                                   f"participants), most frequent first."),
                                         Table("Co-occurring codes", pairs_table), Chart("cooccurrence"))))

    s = data.saturation
    sat = pd.DataFrame({"Interviews": range(1, s.n_interviews + 1),
                        "Codes found (mean)": [fmt(v, 1) for v in s.cumulative_mean],
                        "2.5-97.5%": [f"{lo:.0f}-{hi:.0f}" for lo, hi in zip(s.cumulative_low, s.cumulative_high)],
                        "New codes (mean)": [fmt(v, 2) for v in s.new_mean]})
    orders = f"all {s.n_orders}" if s.exhaustive else f"{s.n_orders} random"
    out.append(Section("Saturation", (Paragraph(
        f"Codes found after each additional interview, averaged over {orders} interview orders (seed {s.seed})."),
        Table("Saturation", sat), Chart("saturation"))))

    if data.published:
        p = data.published
        df = p.to_frame()
        view = pd.DataFrame({"Published theme": df["published_theme"], "Match": df["match"], "Codes": df["codes"],
                             "Group": df["group"],
                             "Reported": [f"{int(n)}/{int(o)}" if pd.notna(n) else "–"
                                          for n, o in zip(df["reported_n"], df["reported_of"])],
                             "Reproduced": [f"{int(n)}/{int(o)}" if pd.notna(n) else "–"
                                            for n, o in zip(df["reproduced_n"], df["reproduced_of"])]})
        blocks = [Paragraph(f"{p.study}. {p.note}".strip()), Table("Published versus reproduced", view)]
        if p.not_found:
            blocks.append(Paragraph("Published themes not found in this project: " + "; ".join(p.not_found) + "."))
        out.append(Section("Comparison with the published study", tuple(blocks)))
    if data.notes:
        out.append(Section("Notes", (Items(data.notes),)))
    return out
