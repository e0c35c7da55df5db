"""The team's reference baselines on SERDIF, reproduced on both unit choices so comparisons are honest.

Passages = the Taguette highlights themselves (multi-label, every passage carries >= 1 code: no "none" class);
paragraph / sentence = the project's segments (a segment carries a code when a human span covers >= half of it;
about a third of paragraphs carry none). Same transcript splits as qualkit.evaluate (seeds 0,1,2, 25% decided).

  zero-shot: cosine of MiniLM vectors to "name: definition", every unit gets its top code
  LR:        one class-balanced logistic regression per code on the MiniLM vector, threshold 0.5; also the
             same with previous/next neighbour means as features (qualkit.suggest.context)

    python benchmarks/eval_baselines.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.embed import MemoryCache, embed_texts, get_embedder  # noqa: E402
from qualkit.evaluate import agreement, human_labels, restrict  # noqa: E402
from qualkit.interchange.taguette import read_taguette  # noqa: E402
from qualkit.segment import segment_transcript  # noqa: E402
from qualkit.suggest.context import neighbour_means  # noqa: E402
from qualkit.suggest.prototypes import target_codes  # noqa: E402

DB = ROOT.parent / "shared" / "benchmarks" / "serdif-usability" / "SERDIF_P2_ThematicAnalysis.sqlite3"


def mean_kappa(Y, P):
    return float(np.mean([agreement(Y[:, j], P[:, j])["kappa"] for j in range(Y.shape[1])]))


def splits(tid, seeds=(0, 1, 2), fraction=0.25):
    transcripts = sorted(set(tid))
    for seed in seeds:
        order = list(np.random.default_rng(seed).permutation(transcripts))
        yield np.isin(tid, order[:int(round(fraction * len(transcripts)))])


def lr_scores(F, Y, train):
    from sklearn.linear_model import LogisticRegression

    P = np.zeros(Y.shape)
    for j in range(Y.shape[1]):
        if 0 < Y[train, j].sum() < train.sum():
            m = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(F[train], Y[train, j])
            P[:, j] = m.predict_proba(F)[:, 1]
    return P


def main() -> None:
    snap = restrict(read_taguette(DB), "held-out")  # the half never used for tuning (evaluate.split)
    codes = target_codes(snap.codebook)
    names = [c.name for c in codes]
    emb, cache = get_embedder("minilm"), MemoryCache()
    D = embed_texts([f"{c.name}: {c.definition.strip()}" for c in codes], emb, cache)
    units = {}
    spans = {}
    for c in snap.codings:
        if c.code in names:
            spans.setdefault((c.transcript_id, c.char_start, c.char_end), set()).add(c.code)
    keys = sorted(spans)
    units["passages"] = ([snap.transcript(t).text[s:e] for t, s, e in keys], np.array([k[0] for k in keys]),
                         np.array([[int(n in spans[k]) for n in names] for k in keys]), None)
    for unit in ("paragraph", "sentence"):
        segs = [s for t in snap.transcripts for s in segment_transcript(t, unit) if s.role == "participant"]
        units[unit] = ([s.text for s in segs], np.array([s.transcript_id for s in segs]),
                       human_labels(snap, segs, names, snap.coders[0]), segs)
    print(f"{'unit':<10} {'units':>6} {'coded':>6} {'zero-shot top1':>15} {'LR 25%':>8} {'LR+neighbours 25%':>18}")
    for unit, (texts, tid, Y, segs) in units.items():
        X = embed_texts(texts, emb, cache).astype(np.float64)
        S = X @ D.T
        top = np.zeros_like(Y)
        top[np.arange(len(S)), S.argmax(1)] = 1
        zs, lr, lrn = [], [], []
        Fn = None
        if segs is not None:
            prev, nxt = neighbour_means(segs, X, 1)
            Fn = np.hstack([X, prev, nxt])
        for train in splits(tid):
            zs.append(mean_kappa(Y[~train], top[~train]))
            lr.append(mean_kappa(Y[~train], (lr_scores(X, Y, train) >= 0.5)[~train]))
            if Fn is not None:
                lrn.append(mean_kappa(Y[~train], (lr_scores(Fn, Y, train) >= 0.5)[~train]))
        print(f"{unit:<10} {len(Y):>6} {(Y.sum(1) > 0).sum():>6} {np.mean(zs):>15.3f} {np.mean(lr):>8.3f} "
              f"{(np.mean(lrn) if lrn else float('nan')):>18.3f}", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
