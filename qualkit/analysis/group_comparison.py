"""Group comparison: which codes separate the groups (e.g. clinicians versus developers)?

Two groups: per code, the difference in proportions with a Newcombe hybrid-score interval (built from Wilson
intervals; statsmodels `confint_proportions_2indep(method="newcomb")`) and Fisher's exact test (scipy).
More groups: chi-square test of independence (scipy); when an expected count is below 5 the p-value comes from
a seeded Monte Carlo permutation test instead, and the row says so. P-values are adjusted across codes with
Benjamini-Hochberg (statsmodels `multipletests(method="fdr_bh")`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import QualkitError
from ..snapshot import Snapshot
from .views import code_order, codings_for, participant_groups, text_units, theme_of, unit_codes, group_of

CI_METHOD = "Newcombe hybrid score interval (from Wilson score intervals), 95%"
UNITS = ("participant", "segment")


@dataclass(frozen=True)
class CodeComparison:
    code: str
    theme: str
    counts: Mapping[str, int]  # group -> units with the code
    totals: Mapping[str, int]  # group -> units
    test: str  # fisher | chi2 | chi2-permutation | not tested
    p_value: float | None
    q_value: float | None  # Benjamini-Hochberg across the tested codes
    statistic: float | None = None  # odds ratio (fisher) or chi-square
    difference: float | None = None  # first group minus second (two groups only)
    ci_low: float | None = None
    ci_high: float | None = None
    note: str = ""

    def proportion(self, group: str) -> float | None:
        return self.counts[group] / self.totals[group] if self.totals[group] else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["proportions"] = {g: self.proportion(g) for g in self.totals}
        return d


@dataclass(frozen=True)
class GroupComparison:
    attribute: str
    unit: str
    groups: tuple[str, ...]
    group_sizes: Mapping[str, int]
    rows: tuple[CodeComparison, ...]
    distinguishing: Mapping[str, tuple[str, ...]]  # group -> codes most over-represented in it, strongest first
    ci_method: str = CI_METHOD
    notes: tuple[str, ...] = field(default=())

    def row(self, code: str) -> CodeComparison:
        for r in self.rows:
            if r.code == code:
                return r
        raise KeyError(code)

    def to_frame(self) -> pd.DataFrame:
        recs = []
        for r in self.rows:
            rec = {"theme": r.theme, "code": r.code}
            for g in self.groups:
                rec[f"n_{g}"], rec[f"of_{g}"], rec[f"prop_{g}"] = r.counts[g], r.totals[g], r.proportion(g)
            rec.update({"difference": r.difference, "ci_low": r.ci_low, "ci_high": r.ci_high, "test": r.test,
                        "statistic": r.statistic, "p_value": r.p_value, "q_value": r.q_value, "note": r.note})
            recs.append(rec)
        return pd.DataFrame.from_records(recs)

    def to_dict(self) -> dict:
        return {"attribute": self.attribute, "unit": self.unit, "groups": list(self.groups),
                "group_sizes": dict(self.group_sizes), "ci_method": self.ci_method, "notes": list(self.notes),
                "distinguishing": {g: list(v) for g, v in self.distinguishing.items()},
                "rows": [r.to_dict() for r in self.rows]}


def _units(snapshot: Snapshot, attribute: str, unit: str, coder: str | None):
    """(group per unit, set of codes per unit) for participants or for text units."""
    codings = codings_for(snapshot, coder)
    if unit == "participant":
        groups_of = participant_groups(snapshot, attribute)
        pids = sorted(groups_of)
        codes: dict[str, set[str]] = {p: set() for p in pids}
        for c in codings:
            codes[snapshot.participant_of(c.transcript_id)].add(c.code)
        return [groups_of[p] for p in pids], [codes[p] for p in pids]
    units, _ = text_units(snapshot, codings)
    unit_code_sets = unit_codes(units, codings)
    groups = [group_of(snapshot, snapshot.participant_of(u.transcript_id), attribute, u.transcript_id) for u in units]
    return groups, unit_code_sets


def _chi2_stat(present: np.ndarray, col: np.ndarray, n_with: int) -> np.ndarray:
    """Pearson chi-square of 2 x k tables given the first row (one table per row of `present`)."""
    total = col.sum()
    e1 = col * n_with / total
    e0 = col - e1
    absent = col - present
    return (((present - e1) ** 2) / e1 + ((absent - e0) ** 2) / e0).sum(axis=-1)


def _chi2(table: np.ndarray, n_permutations: int, seed: int) -> tuple[float, float, str, str]:
    """Chi-square on a 2 x k table; permutation p-value when an expected count is below 5."""
    from scipy.stats import chi2_contingency

    stat, p, _, expected = chi2_contingency(table, correction=False)
    if (expected >= 5).all():
        return float(stat), float(p), "chi2", ""
    # Shuffling group labels over units draws the "has code" counts per group from a multivariate
    # hypergeometric distribution; sampling it directly is the same test, vectorised (bounded by n_permutations).
    rng = np.random.default_rng(seed)
    col = table.sum(axis=0)
    n_with = int(table[0].sum())
    present = rng.multivariate_hypergeometric(col, n_with, size=n_permutations)
    sims = _chi2_stat(present, col, n_with)
    hits = int((sims >= stat - 1e-9).sum())
    p_perm = (hits + 1) / (n_permutations + 1)
    return float(stat), float(p_perm), "chi2-permutation", (
        f"expected count below 5 (min {expected.min():.1f}): p from {n_permutations} permutations, seed {seed}")


def group_comparison(snapshot: Snapshot, attribute: str = "group", unit: str = "participant", *,
                     groups: Sequence[str] | None = None, coder: str | None = None, top: int = 3,
                     n_permutations: int = 5000, seed: int = 0) -> GroupComparison:
    """Compare code prevalence between the values of a participant `attribute`.

    unit="participant": a participant has a code if any of their codings carries it (the usual prevalence).
    unit="segment": units are the project's segments (or merged coded spans); note these are clustered within
    participants, which the tests ignore. `groups` picks and orders the groups (difference = first - second).
    Units without a value for `attribute` are left out. Codes no unit has, or every unit has, are not tested.
    Raises QualkitError for an unknown unit, fewer than two groups, or unknown group names.
    """
    from scipy.stats import fisher_exact
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import confint_proportions_2indep

    if unit not in UNITS:
        raise QualkitError(f"unknown unit {unit!r} for group comparison; use one of: {', '.join(UNITS)}")
    unit_groups, unit_sets = _units(snapshot, attribute, unit, coder)
    present = sorted({g for g in unit_groups if g is not None})
    notes = []
    missing = sum(1 for g in unit_groups if g is None)
    if missing:
        notes.append(f"{missing} {unit}(s) without a value for {attribute!r} were left out")
    if groups is None:
        groups = present
    else:
        unknown = [g for g in groups if g not in present]
        if unknown:
            raise QualkitError(f"group(s) {', '.join(map(repr, unknown))} not found in attribute {attribute!r}; "
                               f"values present: {', '.join(present) or 'none'}")
    groups = tuple(groups)
    if len(groups) < 2:
        raise QualkitError(f"group comparison needs at least two values of {attribute!r}; found "
                           f"{', '.join(present) or 'none'}. Set the attribute on participants first.")
    if unit == "segment":
        notes.append("segment units are nested in participants; p-values treat them as independent")
    keep = [i for i, g in enumerate(unit_groups) if g in groups]
    totals = {g: sum(1 for i in keep if unit_groups[i] == g) for g in groups}
    used = {c for s in unit_sets for c in s}
    # parent codes nobody applied directly are headings, not codes to test
    all_codes = code_order(snapshot, used | {c.name for c in snapshot.codebook.codes
                                             if not snapshot.codebook.children(c.name)})

    rows: list[dict] = []
    for code in all_codes:
        counts = {g: sum(1 for i in keep if unit_groups[i] == g and code in unit_sets[i]) for g in groups}
        n_with, n_all = sum(counts.values()), sum(totals.values())
        row = dict(code=code, theme=theme_of(snapshot, code), counts=counts, totals=dict(totals),
                   test="not tested", p_value=None, q_value=None)
        if len(groups) == 2:
            a, b = groups
            row["difference"] = counts[a] / totals[a] - counts[b] / totals[b]
            low, high = confint_proportions_2indep(counts[a], totals[a], counts[b], totals[b],
                                                   method="newcomb", compare="diff")
            row["ci_low"], row["ci_high"] = float(low), float(high)
        if n_with == 0 or n_with == n_all:
            row["note"] = "no variation: every unit " + ("lacks" if n_with == 0 else "has") + " this code"
        elif len(groups) == 2:
            a, b = groups
            table = [[counts[a], totals[a] - counts[a]], [counts[b], totals[b] - counts[b]]]
            odds, p = fisher_exact(table, alternative="two-sided")
            row.update(test="fisher", statistic=float(odds), p_value=float(p))
        else:
            table = np.array([[counts[g] for g in groups], [totals[g] - counts[g] for g in groups]])
            stat, p, test, note = _chi2(table, n_permutations, seed)
            row.update(test=test, statistic=stat, p_value=p, note=note)
        rows.append(row)

    tested = [r for r in rows if r["p_value"] is not None]
    if tested:
        q = multipletests([r["p_value"] for r in tested], method="fdr_bh")[1]
        for r, qv in zip(tested, q):
            r["q_value"] = float(qv)
    result_rows = tuple(CodeComparison(**r) for r in rows)

    # A code distinguishes group g when its share in g exceeds its share in all other groups combined.
    distinguishing = {}
    for g in groups:
        scored = []
        for r in result_rows:
            rest_n = sum(r.counts[h] for h in groups if h != g)
            rest_of = sum(totals[h] for h in groups if h != g)
            diff = r.counts[g] / totals[g] - (rest_n / rest_of if rest_of else 0.0)
            if diff > 0:
                scored.append((-diff, r.p_value if r.p_value is not None else 1.0, r.code))
        distinguishing[g] = tuple(code for _, _, code in sorted(scored)[:top])
    return GroupComparison(attribute, unit, groups, totals, result_rows, distinguishing, CI_METHOD, tuple(notes))
