"""Theme summary: theme -> code -> definition -> who has it (overall and per group) -> how often -> quotes.

The table a qualitative paper prints: prevalence counts participants (not passages), because one talkative
participant should not make a code look common.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Mapping

import pandas as pd

from ..snapshot import Snapshot
from .exemplars import Exemplar, pick_exemplars
from .views import NO_GROUP, code_order, codes_under, codings_for, participant_groups, theme_of


@dataclass(frozen=True)
class Prevalence:
    """n of `of` participants; pct is 100 * n / of (None when of == 0)."""

    n: int
    of: int

    @property
    def pct(self) -> float | None:
        return 100.0 * self.n / self.of if self.of else None

    def label(self) -> str:
        return f"{self.n} ({self.pct:.0f}%)" if self.of else "0 (-)"

    def to_dict(self) -> dict:
        return {"n": self.n, "of": self.of, "pct": self.pct}


@dataclass(frozen=True)
class CodeSummary:
    theme: str
    code: str
    definition: str
    participants: Prevalence
    by_group: Mapping[str, Prevalence]
    n_codings: int  # coding records (one per coder per span)
    n_passages: int  # distinct coded spans, coders pooled
    exemplars: tuple[Exemplar, ...]
    ai_codings: int = 0  # codings that began as accepted AI suggestions

    def to_dict(self) -> dict:
        d = asdict(self)
        d["participants"] = self.participants.to_dict()
        d["by_group"] = {g: p.to_dict() for g, p in self.by_group.items()}
        d["exemplars"] = [e.to_dict() for e in self.exemplars]
        return d


@dataclass(frozen=True)
class ThemeTotal:
    """Participants with any code under the theme."""

    theme: str
    participants: Prevalence
    by_group: Mapping[str, Prevalence]


@dataclass(frozen=True)
class ThemeSummary:
    group_by: str
    coder: str | None
    groups: tuple[str, ...]
    group_sizes: Mapping[str, int]
    n_participants: int
    rows: tuple[CodeSummary, ...]
    themes: tuple[ThemeTotal, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """One row per code: prevalence columns n, pct and n_<group>, pct_<group>; quotes joined with citations."""
        recs = []
        for r in self.rows:
            rec = {"theme": r.theme, "code": r.code, "definition": r.definition,
                   "n": r.participants.n, "of": r.participants.of, "pct": r.participants.pct}
            for g in self.groups:
                p = r.by_group[g]
                rec[f"n_{g}"], rec[f"of_{g}"], rec[f"pct_{g}"] = p.n, p.of, p.pct
            rec.update({"n_codings": r.n_codings, "n_passages": r.n_passages, "ai_codings": r.ai_codings,
                        "exemplars": "\n".join(f"\u201c{e.text}\u201d ({e.citation()})" for e in r.exemplars)})
            recs.append(rec)
        return pd.DataFrame.from_records(recs)

    def to_dict(self) -> dict:
        return {"group_by": self.group_by, "coder": self.coder, "groups": list(self.groups),
                "group_sizes": dict(self.group_sizes), "n_participants": self.n_participants,
                "rows": [r.to_dict() for r in self.rows],
                "themes": [{"theme": t.theme, "participants": t.participants.to_dict(),
                            "by_group": {g: p.to_dict() for g, p in t.by_group.items()}} for t in self.themes]}


def _prevalence(pids: set[str], groups_of: Mapping[str, str | None], groups: tuple[str, ...]):
    by_group = {}
    for g in groups:
        members = {p for p, pg in groups_of.items() if (pg or NO_GROUP) == g}
        by_group[g] = Prevalence(len(pids & members), len(members))
    return Prevalence(len(pids), len(groups_of)), by_group


def theme_summary(snapshot: Snapshot, *, group_by: str = "group", coder: str | None = None,
                  n_exemplars: int = 3, include_empty: bool = True) -> ThemeSummary:
    """Per code (grouped under its top-level theme): participants with the code overall and per `group_by`
    value, coding counts, and up to `n_exemplars` representative quotes from different participants.

    `coder=None` pools all coders (a participant has a code if any coder applied it). Participants without a
    group value are counted overall and in a "(no group)" column. Raises QualkitError for an unknown coder.
    """
    codings = codings_for(snapshot, coder)
    groups_of = participant_groups(snapshot, group_by)
    groups = tuple(sorted({g for g in groups_of.values() if g is not None}))
    if any(g is None for g in groups_of.values()):
        groups = groups + (NO_GROUP,)
    group_sizes = {g: sum(1 for pg in groups_of.values() if (pg or NO_GROUP) == g) for g in groups}

    by_code: dict[str, list] = {}
    for c in codings:
        by_code.setdefault(c.code, []).append(c)
    names = code_order(snapshot, list(by_code) + (snapshot.codebook.names if include_empty else []))
    # order: each theme in codebook order, the theme code first, then its descendants in codebook order
    themes_in_order = list(dict.fromkeys(theme_of(snapshot, n) for n in names))
    ordered = sorted(names, key=lambda n: (themes_in_order.index(theme_of(snapshot, n)),
                                           n != theme_of(snapshot, n)))  # stable: codebook order otherwise

    rows = []
    for name in ordered:
        cs = by_code.get(name, [])
        # a parent code with children and no codings of its own is a heading, not a row
        if not cs and snapshot.codebook.children(name) and name in snapshot.codebook:
            continue
        pids = {snapshot.participant_of(c.transcript_id) for c in cs}
        overall, per_group = _prevalence(pids, groups_of, groups)
        spans = [(c.transcript_id, c.char_start, c.char_end) for c in cs]
        definition = snapshot.codebook[name].definition if name in snapshot.codebook else ""
        rows.append(CodeSummary(theme_of(snapshot, name), name, definition, overall, per_group, len(cs),
                                len(set(spans)), tuple(pick_exemplars(snapshot, spans, n_exemplars, group_by)),
                                sum(1 for c in cs if c.origin == "ai")))

    totals = []
    for th in themes_in_order:
        under = codes_under(snapshot, th) if th in snapshot.codebook else {th}
        pids = {snapshot.participant_of(c.transcript_id) for c in codings if c.code in under}
        overall, per_group = _prevalence(pids, groups_of, groups)
        totals.append(ThemeTotal(th, overall, per_group))
    return ThemeSummary(group_by, coder, groups, group_sizes, len(groups_of), tuple(rows), tuple(totals))
