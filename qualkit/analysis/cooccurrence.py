"""Which codes occur together (per text unit or per participant), and how often each code is used per transcript."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import QualkitError
from ..snapshot import Snapshot
from .views import code_order, codings_for, group_of, text_units, unit_codes

LEVELS = ("segment", "participant")


@dataclass(frozen=True)
class Cooccurrence:
    """`counts[i][j]`: units with both codes i and j (the diagonal: units with code i); Jaccard = both / either."""

    level: str
    unit_source: str  # segments | coded spans | participants
    n_units: int
    codes: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def jaccard(self) -> tuple[tuple[float, ...], ...]:
        c = np.array(self.counts, dtype=float)
        d = np.diag(c)
        union = d[:, None] + d[None, :] - c
        with np.errstate(invalid="ignore", divide="ignore"):
            j = np.where(union > 0, c / union, 0.0)
        return tuple(tuple(float(x) for x in row) for row in j)

    def to_frame(self, kind: str = "count") -> pd.DataFrame:
        """Square code x code table of "count" or "jaccard"."""
        if kind not in ("count", "jaccard"):
            raise QualkitError(f"unknown co-occurrence table {kind!r}; use 'count' or 'jaccard'")
        data = self.counts if kind == "count" else self.jaccard
        return pd.DataFrame(list(data), index=list(self.codes), columns=list(self.codes))

    def pairs(self) -> pd.DataFrame:
        """Long form, one row per unordered pair that co-occurs at least once, most frequent first."""
        j = self.jaccard
        recs = [{"code_a": a, "code_b": self.codes[k], "count": self.counts[i][k], "jaccard": j[i][k]}
                for i, a in enumerate(self.codes) for k in range(i + 1, len(self.codes)) if self.counts[i][k]]
        df = pd.DataFrame.from_records(recs, columns=["code_a", "code_b", "count", "jaccard"])
        return df.sort_values(["count", "jaccard", "code_a", "code_b"], ascending=[False, False, True, True],
                              ignore_index=True)

    def to_dict(self) -> dict:
        return {"level": self.level, "unit_source": self.unit_source, "n_units": self.n_units,
                "codes": list(self.codes), "counts": [list(r) for r in self.counts],
                "jaccard": [list(r) for r in self.jaccard]}


def cooccurrence(snapshot: Snapshot, level: str = "segment", *, coder: str | None = None) -> Cooccurrence:
    """Co-occurrence of codes, coders pooled unless `coder` is given.

    level="segment": units are the project's segments (a segment has a code when that code's codings cover at
    least half of it), or, without segments, merged runs of coded text. level="participant": units are
    participants. Only codes used at least once appear, in codebook order.
    """
    if level not in LEVELS:
        raise QualkitError(f"unknown co-occurrence level {level!r}; use one of: {', '.join(LEVELS)}")
    codings = codings_for(snapshot, coder)
    if level == "participant":
        sets: dict[str, set[str]] = {snapshot.participant_of(t.id): set() for t in snapshot.transcripts}
        for c in codings:
            sets[snapshot.participant_of(c.transcript_id)].add(c.code)
        unit_sets, source = list(sets.values()), "participants"
    else:
        units, source = text_units(snapshot, codings)
        unit_sets = unit_codes(units, codings)
    codes = tuple(code_order(snapshot, {c for s in unit_sets for c in s}))
    index = {c: i for i, c in enumerate(codes)}
    m = np.zeros((len(codes), len(codes)), dtype=int)
    for s in unit_sets:
        idx = [index[c] for c in s]
        for i in idx:
            m[i, idx] += 1
    return Cooccurrence(level, source, len(unit_sets), codes, tuple(tuple(int(x) for x in r) for r in m))


@dataclass(frozen=True)
class CodeFrequencies:
    """Codings per transcript and code (distinct spans, coders pooled unless one coder is chosen)."""

    transcripts: tuple[str, ...]
    participants: tuple[str, ...]
    groups: tuple[str | None, ...]
    codes: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # [transcript][code]

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame(list(self.counts), columns=list(self.codes), dtype="int64")
        df.insert(0, "group", list(self.groups))
        df.insert(0, "participant_id", list(self.participants))
        df.insert(0, "transcript_id", list(self.transcripts))
        return df

    def to_dict(self) -> dict:
        return {"codes": list(self.codes),
                "transcripts": [{"transcript_id": t, "participant_id": p, "group": g,
                                 "counts": dict(zip(self.codes, row))}
                                for t, p, g, row in zip(self.transcripts, self.participants, self.groups, self.counts)]}


def code_frequencies(snapshot: Snapshot, *, coder: str | None = None, group_by: str = "group") -> CodeFrequencies:
    """How many distinct passages of each transcript carry each code (every transcript, every code used)."""
    codings = codings_for(snapshot, coder)
    codes = tuple(code_order(snapshot, {c.code for c in codings}))
    tids = tuple(t.id for t in snapshot.transcripts)
    spans = {(c.transcript_id, c.code, c.char_start, c.char_end) for c in codings}
    counts = [[sum(1 for s in spans if s[0] == t and s[1] == code) for code in codes] for t in tids]
    pids = tuple(snapshot.participant_of(t) for t in tids)
    groups = tuple(group_of(snapshot, p, group_by, t) for p, t in zip(pids, tids))
    return CodeFrequencies(tids, pids, groups, codes, tuple(tuple(r) for r in counts))
