"""Saturation: how many new codes each additional interview brings, averaged over random interview orders."""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import QualkitError
from ..snapshot import Snapshot
from .views import codings_for


@dataclass(frozen=True)
class SaturationCurve:
    """Index k (1-based) is "after k interviews". Bands are the 2.5th and 97.5th percentiles over orders."""

    n_interviews: int
    n_codes: int
    n_orders: int  # orders actually used (all of them when exhaustive)
    seed: int
    exhaustive: bool
    new_mean: tuple[float, ...]
    new_low: tuple[float, ...]
    new_high: tuple[float, ...]
    cumulative_mean: tuple[float, ...]
    cumulative_low: tuple[float, ...]
    cumulative_high: tuple[float, ...]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"interviews": range(1, self.n_interviews + 1), "new_mean": self.new_mean,
                             "new_low": self.new_low, "new_high": self.new_high,
                             "cumulative_mean": self.cumulative_mean, "cumulative_low": self.cumulative_low,
                             "cumulative_high": self.cumulative_high})

    def to_dict(self) -> dict:
        return {"n_interviews": self.n_interviews, "n_codes": self.n_codes, "n_orders": self.n_orders,
                "seed": self.seed, "exhaustive": self.exhaustive,
                "curve": self.to_frame().to_dict(orient="records")}


def saturation_curve(snapshot: Snapshot, n_orders: int = 200, seed: int = 0, *,
                     coder: str | None = None) -> SaturationCurve:
    """New and cumulative distinct codes after each additional interview (transcript).

    Averaged over `n_orders` random orders drawn with `seed`; when every order fits (n! <= n_orders) all orders
    are enumerated instead, so small projects get the exact average. Transcripts without codings count as
    interviews that bring nothing new.
    """
    if n_orders < 1:
        raise QualkitError(f"n_orders must be at least 1, got {n_orders}")
    codings = codings_for(snapshot, coder)
    tids = [t.id for t in snapshot.transcripts]
    codes = sorted({c.code for c in codings})
    n = len(tids)
    if n == 0:
        return SaturationCurve(0, 0, 0, seed, True, (), (), (), (), (), ())
    col = {c: i for i, c in enumerate(codes)}
    has = np.zeros((n, len(codes)), dtype=bool)
    row = {t: i for i, t in enumerate(tids)}
    for c in codings:
        has[row[c.transcript_id], col[c.code]] = True
    exhaustive = math.factorial(n) <= n_orders
    if exhaustive:
        orders = np.array(list(itertools.permutations(range(n))), dtype=int)
    else:
        rng = np.random.default_rng(seed)
        orders = np.array([rng.permutation(n) for _ in range(n_orders)], dtype=int)
    # seen[o, k, c]: code c appears among the first k+1 interviews of order o
    seen = np.logical_or.accumulate(has[orders], axis=1)
    cumulative = seen.sum(axis=2).astype(float)
    new = np.diff(np.concatenate([np.zeros((len(orders), 1)), cumulative], axis=1), axis=1)

    def band(x):
        lo, hi = np.percentile(x, [2.5, 97.5], axis=0)
        return tuple(map(float, x.mean(axis=0))), tuple(map(float, lo)), tuple(map(float, hi))

    nm, nl, nh = band(new)
    cm, cl, ch = band(cumulative)
    return SaturationCurve(n, len(codes), len(orders), seed, exhaustive, nm, nl, nh, cm, cl, ch)
