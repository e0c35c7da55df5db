"""Everything a report shows, computed once from a Snapshot, plus the flat tables every format shares."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from ..analysis import (AIDisclosure, Agreement, Cooccurrence, GroupComparison, PublishedComparison,
                        SaturationCurve, ThemeSummary, agreement, ai_disclosure, compare_published, cooccurrence,
                        group_comparison, saturation_curve, theme_summary)
from ..analysis.views import group_of, locate, theme_of
from ..snapshot import Snapshot


@dataclass(frozen=True)
class ReportData:
    snapshot: Snapshot
    themes: ThemeSummary
    groups: GroupComparison | None  # None when fewer than two groups
    agreement: Agreement | None  # None when fewer than two coders
    cooccurrence: Cooccurrence
    saturation: SaturationCurve
    disclosure: AIDisclosure
    published: PublishedComparison | None = None
    notes: tuple[str, ...] = ()


def collect(snapshot: Snapshot, *, group_by: str = "group", coder: str | None = None,
            coders: Sequence[str] | None = None, published=None, seed: int = 0) -> ReportData:
    """Run every analysis a report needs. Group comparison and agreement are left out (with a note) when the
    project has fewer than two groups or coders; other errors propagate."""
    from ..errors import QualkitError

    notes = []
    themes = theme_summary(snapshot, group_by=group_by, coder=coder)
    real_groups = [g for g in themes.groups if themes.group_sizes[g] and g != "(no group)"]
    groups = None
    if len(real_groups) >= 2:
        groups = group_comparison(snapshot, group_by, "participant", coder=coder, seed=seed)
    else:
        notes.append(f"No group comparison: participants have fewer than two values of {group_by!r}.")
    agree = None
    coders = list(coders) if coders is not None else snapshot.coders
    if len(coders) >= 2:
        try:
            agree = agreement(snapshot, coders)
        except QualkitError as e:  # e.g. no transcript coded by everyone: say so rather than fail the report
            notes.append(f"No agreement table: {e}")
    else:
        notes.append("No agreement table: the project has codings from fewer than two coders.")
    return ReportData(snapshot, themes, groups, agree, cooccurrence(snapshot, "participant", coder=coder),
                      saturation_curve(snapshot, seed=seed, coder=coder), ai_disclosure(snapshot),
                      compare_published(snapshot, published) if published else None, tuple(notes))


def codings_frame(snapshot: Snapshot, group_by: str = "group") -> pd.DataFrame:
    """One row per coding with its participant, group, theme, location and quote (the text it covers)."""
    recs = []
    for c in snapshot.codings:
        pid = snapshot.participant_of(c.transcript_id)
        loc = locate(snapshot, c.transcript_id, c.char_start, c.char_end)
        recs.append({"transcript_id": c.transcript_id, "participant_id": pid,
                     group_by: group_of(snapshot, pid, group_by, c.transcript_id), "theme": theme_of(snapshot, c.code),
                     "code": c.code, "coder": c.coder, "origin": c.origin, "char_start": c.char_start,
                     "char_end": c.char_end, "turn": None if loc.turn_index is None else loc.turn_index + 1,
                     "line": loc.line, "quote": snapshot.transcript(c.transcript_id).text[c.char_start:c.char_end],
                     "at": c.at, "segment_id": c.segment_id, "suggestion_id": c.suggestion_id,
                     "decision_id": c.decision_id})
    cols = ["transcript_id", "participant_id", group_by, "theme", "code", "coder", "origin", "char_start", "char_end",
            "turn", "line", "quote", "at", "segment_id", "suggestion_id", "decision_id"]
    df = pd.DataFrame.from_records(recs, columns=cols)
    df["turn"] = df["turn"].astype("Int64")
    return df


def codebook_frame(snapshot: Snapshot) -> pd.DataFrame:
    recs = []
    for c in snapshot.codebook.codes:
        d = c.to_dict()
        for k in ("examples", "counterexamples", "keywords"):
            d[k] = "; ".join(d[k])
        d["theme"] = theme_of(snapshot, c.name)
        recs.append(d)
    return pd.DataFrame.from_records(recs)


def journal_table(data: ReportData) -> pd.DataFrame:
    """Theme | Code | n (%) per group | exemplar quote (participant id): the table a paper prints."""
    t = data.themes
    recs = []
    previous = None
    for r in t.rows:
        # a journal table names each theme once, on its first row
        rec = {"Theme": r.theme if r.theme != previous else "", "Code": r.code}
        previous = r.theme
        for g in t.groups:
            rec[f"{g} (n={t.group_sizes[g]})"] = r.by_group[g].label()
        rec[f"All (n={t.n_participants})"] = r.participants.label()
        e = r.exemplars[0] if r.exemplars else None
        rec["Exemplar quote"] = f"\u201c{e.text}\u201d ({e.participant_id})" if e else ""
        recs.append(rec)
    return pd.DataFrame.from_records(recs)
