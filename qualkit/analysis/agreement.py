"""Inter-coder agreement per code and pooled, and the passages two coders disagree on (for reconciliation).

Units: the project's segments (a segment carries a coder's code when that coder's spans of it cover at least
half of it); without segments, merged runs of the text any of the coders coded. Each code is a present/absent
judgement per unit. "Pooled" stacks every (unit, code) judgement into one binary rating matrix.
Only transcripts that every compared coder has coded are compared: a transcript one coder never opened would
otherwise count as agreement on absence.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import QualkitError
from ..snapshot import Snapshot
from .reliability import cohen_kappa, gwet_ac1, krippendorff_alpha_nominal, percent_agreement
from .views import code_order, text_units, unit_codes

UNITS = ("segment", "participant")


@dataclass(frozen=True)
class CodeAgreement:
    code: str
    n_units: int
    positives: tuple[int, ...]  # units each coder gave the code (in coder order)
    percent_agreement: float
    cohen_kappa: float  # NaN unless exactly two coders, or when undefined
    krippendorff_alpha: float
    gwet_ac1: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Disagreement:
    """A unit on which the coders differ for one code."""

    transcript_id: str | None
    char_start: int | None
    char_end: int | None
    segment_id: str | None
    participant_id: str
    code: str
    coders_with: tuple[str, ...]
    coders_without: tuple[str, ...]
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Agreement:
    coders: tuple[str, ...]
    unit: str
    unit_source: str  # segments | coded spans | participants
    n_units: int
    per_code: tuple[CodeAgreement, ...]
    pooled: CodeAgreement
    disagreements: tuple[Disagreement, ...]
    excluded_transcripts: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """One row per code, then the pooled row (code "(pooled)")."""
        recs = []
        for r in (*self.per_code, self.pooled):
            rec = {"code": r.code, "n_units": r.n_units}
            rec.update({f"n_{c}": p for c, p in zip(self.coders, r.positives)})
            rec.update({"percent_agreement": r.percent_agreement, "cohen_kappa": r.cohen_kappa,
                        "krippendorff_alpha": r.krippendorff_alpha, "gwet_ac1": r.gwet_ac1})
            recs.append(rec)
        return pd.DataFrame.from_records(recs)

    def disagreements_frame(self) -> pd.DataFrame:
        cols = list(Disagreement.__dataclass_fields__)
        df = pd.DataFrame.from_records([d.to_dict() for d in self.disagreements], columns=cols)
        for c in ("coders_with", "coders_without"):
            df[c] = df[c].map(lambda v: ", ".join(v))
        return df

    def to_dict(self) -> dict:
        return {"coders": list(self.coders), "unit": self.unit, "unit_source": self.unit_source,
                "n_units": self.n_units, "per_code": [r.to_dict() for r in self.per_code],
                "pooled": self.pooled.to_dict(), "disagreements": [d.to_dict() for d in self.disagreements],
                "excluded_transcripts": list(self.excluded_transcripts)}


def _stats(code: str, matrix: np.ndarray) -> CodeAgreement:
    """matrix: coders x units of 0/1."""
    kappa = cohen_kappa(matrix[0], matrix[1]) if len(matrix) == 2 else math.nan
    return CodeAgreement(code, matrix.shape[1], tuple(int(x) for x in matrix.sum(axis=1)),
                         percent_agreement(matrix), kappa, krippendorff_alpha_nominal(matrix),
                         gwet_ac1(matrix, categories=(0, 1)))


def agreement(snapshot: Snapshot, coders: Sequence[str] | None = None, unit: str = "segment", *,
              codes: Sequence[str] | None = None) -> Agreement:
    """Agreement between `coders` (default: every coder with codings; at least two) per code and pooled.

    Percent agreement counts units on which all coders agree; Cohen's kappa needs exactly two coders (else
    NaN); Krippendorff's alpha (nominal) and Gwet's AC1 take any number. A coefficient is NaN when undefined,
    e.g. kappa and alpha when no coder ever used the code. `codes` restricts the codes compared (default: every
    code any of these coders used). Raises QualkitError for unknown coders, fewer than two, or an unknown unit.
    """
    if unit not in UNITS:
        raise QualkitError(f"unknown agreement unit {unit!r}; use one of: {', '.join(UNITS)}")
    known = snapshot.coders
    coders = tuple(coders) if coders is not None else tuple(known)
    unknown = [c for c in coders if c not in known]
    if unknown:
        raise QualkitError(f"coder(s) {', '.join(map(repr, unknown))} have no codings in project "
                           f"{snapshot.name!r}; coders with codings: {', '.join(known) or 'none'}")
    if len(set(coders)) < 2:
        raise QualkitError(f"agreement needs at least two different coders, got {', '.join(coders) or 'none'}; "
                           f"coders with codings: {', '.join(known) or 'none'}")
    by_coder = {c: [x for x in snapshot.codings if x.coder == c] for c in coders}
    coded_by_all = set.intersection(*({x.transcript_id for x in by_coder[c]} for c in coders))
    excluded = tuple(sorted({x.transcript_id for c in coders for x in by_coder[c]} - coded_by_all))
    relevant = [x for c in coders for x in by_coder[c] if x.transcript_id in coded_by_all]
    code_names = tuple(codes) if codes is not None else tuple(code_order(snapshot, {x.code for x in relevant}))

    if unit == "participant":
        pids = sorted({snapshot.participant_of(t) for t in coded_by_all})
        sets = {c: [{x.code for x in by_coder[c] if x.transcript_id in coded_by_all
                     and snapshot.participant_of(x.transcript_id) == p} for p in pids] for c in coders}
        labels = [(None, None, None, None, p, "") for p in pids]
        source = "participants"
    else:
        units, source = text_units(snapshot, relevant, coded_by_all)
        sets = {c: unit_codes(units, [x for x in by_coder[c] if x.transcript_id in coded_by_all]) for c in coders}
        labels = [(u.transcript_id, u.char_start, u.char_end, u.segment_id,
                   snapshot.participant_of(u.transcript_id),
                   snapshot.transcript(u.transcript_id).text[u.char_start:u.char_end]) for u in units]
    n_units = len(labels)

    per_code, blocks, disagreements = [], [], []
    for code in code_names:
        m = np.array([[code in s for s in sets[c]] for c in coders], dtype=float).reshape(len(coders), n_units)
        blocks.append(m)
        per_code.append(_stats(code, m))
        for j in np.flatnonzero(m.min(axis=0) != m.max(axis=0)):
            t, s, e, seg, pid, text = labels[j]
            disagreements.append(Disagreement(t, s, e, seg, pid, code,
                                              tuple(c for i, c in enumerate(coders) if m[i, j]),
                                              tuple(c for i, c in enumerate(coders) if not m[i, j]), text))
    pooled_matrix = np.concatenate(blocks, axis=1) if blocks else np.zeros((len(coders), 0))
    pooled = _stats("(pooled)", pooled_matrix)
    disagreements.sort(key=lambda d: (d.transcript_id or "", d.char_start or 0, d.participant_id, d.code))
    return Agreement(coders, unit, source, n_units, tuple(per_code), pooled, tuple(disagreements), excluded)
