"""Evaluate suggestions as a second coder against a human coder, split by transcript."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..coding import Decision
from ..embed import EmbeddingCache, MemoryCache
from ..errors import QualkitError
from ..ids import stable_id
from ..segment.model import Segment
from ..snapshot import Snapshot
from ..suggest.engine import suggest
from ..suggest.labels import SegmentIndex
from ..suggest.params import resolve_params
from ..suggest.prototypes import target_codes
from .calibration import calibration
from .metrics import agreement
from .report import CodeResult, EvalReport


def _segments(snapshot: Snapshot, unit: str, roles: Sequence[str]) -> list[Segment]:
    segs = list(snapshot.segments)
    if not segs:
        from ..segment import segment_transcript

        segs = [s for t in snapshot.transcripts for s in
                segment_transcript(t, unit, include_interviewer=any(r != "participant" for r in roles))]
    return [s for s in segs if s.role in roles]


def human_labels(snapshot: Snapshot, segments: Sequence[Segment], codes: Sequence[str], coder: str) -> np.ndarray:
    """(n_segments, n_codes) 0/1: a segment carries a code when one of `coder`'s codings covers >= half of it."""
    index = SegmentIndex(segments)
    col = {c: j for j, c in enumerate(codes)}
    Y = np.zeros((len(segments), len(codes)), dtype=int)
    for c in snapshot.codings:
        if c.coder != coder or c.code not in col:
            continue
        # by span only: a coding's segment_id may refer to another segmentation
        for i in index.match(c.transcript_id, c.char_start, c.char_end, None):
            Y[i, col[c.code]] = 1
    return Y


def unmatched_codings(snapshot: Snapshot, segments: Sequence[Segment], codes: Sequence[str], coder: str) -> tuple[int, int]:
    """(codings of `coder` on `codes` that cover at least half of no segment, all such codings).

    Short human spans inside long segments (a quoted sentence in a long turn) match no segment: at that unit the
    human's coding is invisible to the evaluation, so the caller should choose a finer unit."""
    index = SegmentIndex(segments)
    wanted = set(codes)
    mine = [c for c in snapshot.codings if c.coder == coder and c.code in wanted]
    missed = sum(1 for c in mine if not index.match(c.transcript_id, c.char_start, c.char_end, None))
    return missed, len(mine)


def simulated_decisions(segments: Sequence[Segment], codes: Sequence[str], Y: np.ndarray, rows, coder: str
                        ) -> list[Decision]:
    """What the human coder would have decided had they reviewed these segments: apply or reject every code."""
    out = []
    for i in rows:
        s = segments[i]
        for j, code in enumerate(codes):
            verdict = "apply" if Y[i, j] else "reject"
            out.append(Decision(id=stable_id("sim", s.id, code, verdict), transcript_id=s.transcript_id,
                                char_start=s.char_start, char_end=s.char_end, code=code, verdict=verdict,
                                coder=coder, at="1970-01-01T00:00:00+00:00", segment_id=s.id, source="simulated"))
    return out


def evaluate(snapshot: Snapshot, embedder, *, human_coder: str | None = None, fractions: Sequence[float] = (0.0, 0.25),
             seeds: Sequence[int] = (0, 1, 2), params: dict | None = None, unit: str = "turn",
             cache: EmbeddingCache | None = None, suggester=None) -> EvalReport:
    """Agreement of the tool with `human_coder`, per code and overall, for each fraction of decided transcripts.

    `suggester` is any callable with the signature of `qualkit.suggest.suggest` (default: the embedding engine),
    e.g. a `qualkit.llm.LLMSuggester`, so every backend is measured the same way; its `model_label`, if it has
    one, names it in the report.

    For each seed, transcripts are shuffled; the first round(fraction * n) give simulated decisions (the human's
    codes on them, as apply/reject of every code) and the rest are scored: a segment counts as coded by the tool
    when its suggestion is above the code's threshold. Fraction 0 is zero-shot. Calibration pools the score of
    every held-out (segment, code) pair over seeds (suggestions are asked for with floor 0 so that none is
    missing). Segments are the snapshot's own or, if it has none, its transcripts segmented by `unit`. Raises
    QualkitError if the coder made no codings, or a fraction leaves no transcript to evaluate on.
    """
    p = resolve_params(params)
    codes = [c.name for c in target_codes(snapshot.codebook)]
    coders = snapshot.coders
    if human_coder is None:
        if len(coders) != 1:
            raise QualkitError(f"snapshot {snapshot.name!r} has coders {coders or 'none'}: pass human_coder= "
                               "to say whose codes to compare with")
        human_coder = coders[0]
    if human_coder not in coders:
        raise QualkitError(f"coder {human_coder!r} has no codings in snapshot {snapshot.name!r}; coders: "
                           f"{', '.join(coders) or 'none'}")
    segments = _segments(snapshot, unit, p["roles"])
    if not segments:
        raise QualkitError(f"snapshot {snapshot.name!r} has no segments with role {' or '.join(p['roles'])}")
    Y = human_labels(snapshot, segments, codes, human_coder)
    unit_name = segments[0].unit
    missed, n_codings = unmatched_codings(snapshot, segments, codes, human_coder)
    if not Y.any():
        raise QualkitError(f"none of {human_coder!r}'s {n_codings} codings covers at least half of any {unit_name} "
                           f"segment, so there is nothing to compare with: evaluate with a finer unit "
                           f"(--unit sentence or --unit paragraph)")
    transcripts = sorted({s.transcript_id for s in segments})
    tid = np.array([s.transcript_id for s in segments])
    cache = cache if cache is not None else MemoryCache()
    per: dict[float, list[dict[str, dict]]] = {f: [] for f in fractions}
    pooled: dict[float, tuple[list, list]] = {f: ([], []) for f in fractions}
    every_pair = {**(params or {}), "floor": 0.0}  # the floor only hides low scores; calibration needs them all
    suggester = suggester or suggest
    model = getattr(suggester, "model_label", None) or embedder.model_id
    for f in fractions:
        n_train = int(round(f * len(transcripts)))
        if n_train >= len(transcripts):
            raise QualkitError(f"fraction {f} leaves no transcript to evaluate on ({len(transcripts)} transcripts)")
    for seed in seeds:
        order = list(np.random.default_rng(seed).permutation(transcripts))
        for f in fractions:
            train = set(order[:int(round(f * len(transcripts)))])
            train_rows = np.where(np.isin(tid, list(train)))[0]
            test = ~np.isin(tid, list(train))
            decisions = simulated_decisions(segments, codes, Y, train_rows, human_coder)
            _, sugs = suggester(segments, snapshot.codebook, embedder, decisions, cache=cache, seed=seed,
                                params=every_pair)
            P = np.zeros_like(Y)
            S = np.full(Y.shape, np.nan)
            row = {s.id: i for i, s in enumerate(segments)}
            col = {c: j for j, c in enumerate(codes)}
            for s in sugs:
                S[row[s.segment_id], col[s.code]] = s.score
                if s.above_threshold:
                    P[row[s.segment_id], col[s.code]] = 1
            if np.isnan(S).any():
                raise QualkitError(f"suggest() returned no score for {int(np.isnan(S).sum())} (segment, code) pairs "
                                   f"of snapshot {snapshot.name!r} with floor 0")
            pooled[f][0].append(S[test].ravel())
            pooled[f][1].append(Y[test].ravel())
            res = {c: agreement(Y[test, j], P[test, j]) for j, c in enumerate(codes)}
            tp = sum(int((Y[test, j] & P[test, j]).sum()) for j in range(len(codes)))
            res["__micro__"] = {"tp": tp, "pred": int(P[test].sum()), "true": int(Y[test].sum())}
            per[f].append(res)
    results, overall = [], {}
    for f in fractions:
        for c in codes:
            vals = {m: [r[c][m] for r in per[f]] for m in ("kappa", "precision", "recall", "f1", "support")}
            results.append(CodeResult(c, f, *(float(np.mean(vals[m])) for m in ("kappa", "precision", "recall",
                                                                                   "f1", "support")),
                                      kappa_sd=float(np.std(vals["kappa"]))))
        mine = [r for r in results if r.fraction == f]
        micro = [r["__micro__"] for r in per[f]]
        mp = [m["tp"] / m["pred"] if m["pred"] else 0.0 for m in micro]
        mr = [m["tp"] / m["true"] if m["true"] else 0.0 for m in micro]
        mf = [2 * a * b / (a + b) if a + b else 0.0 for a, b in zip(mp, mr)]
        overall[f] = {"kappa": float(np.mean([r.kappa for r in mine])), "f1": float(np.mean([r.f1 for r in mine])),
                      "precision": float(np.mean([r.precision for r in mine])),
                      "recall": float(np.mean([r.recall for r in mine])), "micro_f1": float(np.mean(mf)),
                      "kappa_sd_over_seeds": float(np.std([np.mean([per[f][k][c]["kappa"] for c in codes])
                                                           for k in range(len(seeds))]))}
    notes = [f"{len(transcripts)} transcripts; fraction f trains on round(f*n) of them, evaluates on the rest",
             "zero-shot standardises similarities over all segments (train and held-out): transductive",
             f"unit {unit_name}: a segment carries a human code when one of {human_coder!r}'s codings covers at "
             f"least half of it; {missed} of {n_codings} codings cover no segment"]
    if n_codings and missed > 0.25 * n_codings:
        notes.append(f"warning: {missed / n_codings:.0%} of the human codings are invisible at unit {unit_name} "
                     "(spans shorter than half a segment): evaluate with a finer unit (sentence or paragraph)")
    return EvalReport(snapshot=snapshot.name, human_coder=human_coder, model=model,
                      codebook_hash=snapshot.codebook.hash, fractions=tuple(fractions), seeds=tuple(seeds),
                      params={k: (list(v) if isinstance(v, tuple) else v) for k, v in p.items()},
                      n_segments=len(segments), n_transcripts=len(transcripts), codes=tuple(results),
                      overall=overall, notes=tuple(notes),
                      calibration={f: calibration(np.concatenate(pooled[f][0]), np.concatenate(pooled[f][1]))
                                   for f in fractions})
