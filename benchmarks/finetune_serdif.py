"""Issue #3 idea: contrastive (SetFit-style) fine-tuning of all-MiniLM-L6-v2 on the decided segments, then the
per-code classifiers on the fine-tuned embeddings. Does it raise SERDIF's mean kappa with a quarter decided?

Same protocol as qualkit.evaluate and benchmarks/eval_baselines.py: paragraph segments of participants, a segment
carries a code when one of the human's codings covers >= half of it, transcripts shuffled with
np.random.default_rng(seed) (seeds 0,1,2), the first round(0.25 * 17) = 4 are decided, kappa on the other 13.

Per seed:
  1. pairs from the training segments only: an anchor that carries codes gets positives (segments sharing a code,
     label 1) and as many negatives (segments sharing none, label 0; two uncoded segments are never paired:
     nothing says they differ); at most --pairs-per-segment per anchor, then at most --max-pairs in all
  2. a deep copy of the loaded MiniLM is fine-tuned for one epoch on CPU (the packaged model folder is never
     written to), with CosineSimilarityLoss on all pairs (SetFit's recipe) and/or MultipleNegativesRankingLoss on
     the positive pairs (in-batch negatives)
  3. every segment is embedded with the fine-tuned copy; one class-balanced logistic regression per code
     (C=1, threshold 0.5, as eval_baselines.py) is trained on the training segments and scored on the rest
  control: the same LR on the plain MiniLM vectors, in the same run.

A hand-written loop (AdamW, lr 2e-5, weight decay 0.01, 10% linear warm-up, gradient clipping 1: the settings of
sentence-transformers' own fit) is used instead of SentenceTransformerTrainer because the trainer needs the
`datasets` package, which qualkit does not install.

    python benchmarks/finetune_serdif.py                     # both losses, seeds 0,1,2
    python benchmarks/finetune_serdif.py --losses cosine --max-pairs 400

Measured 2026-11-22 (defaults, 2 shared cores, load average ~7; 35 min in all): mean kappa, seeds 0/1/2 -> mean
    control (plain MiniLM)  0.254 0.244 0.264 -> 0.254
    fine-tuned (cosine)     0.246 0.243 0.261 -> 0.250  (-0.004; 320 pairs, 266 s of fine-tuning)
    fine-tuned (mnrl)       0.257 0.247 0.265 -> 0.257  (+0.002; ~150 positive pairs, 130 s)
No gain within the ~3-minute CPU budget. The budget allows 320 of the 7,200-8,400 balanced pairs that 20 pairs per
decided segment would give (one pair costs about 0.9 s of CPU here), so this does not test SetFit at full size.
"""
from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.embed import MemoryCache, embed_texts, get_embedder  # noqa: E402
from qualkit.evaluate import agreement, human_labels  # noqa: E402
from qualkit.evaluate.runner import _segments  # noqa: E402
from qualkit.interchange.taguette import read_taguette  # noqa: E402
from qualkit.suggest.params import resolve_params  # noqa: E402
from qualkit.suggest.prototypes import target_codes  # noqa: E402

DB = ROOT.parent / "shared" / "benchmarks" / "serdif-usability" / "SERDIF_P2_ThematicAnalysis.sqlite3"


def mean_kappa(Y, P) -> float:
    return float(np.mean([agreement(Y[:, j], P[:, j])["kappa"] for j in range(Y.shape[1])]))


def lr_predict(F, Y, train) -> np.ndarray:
    """0/1 predictions of one class-balanced LR per code (threshold 0.5), as benchmarks/eval_baselines.py."""
    from sklearn.linear_model import LogisticRegression

    P = np.zeros(Y.shape, dtype=int)
    for j in range(Y.shape[1]):
        if 0 < Y[train, j].sum() < train.sum():
            m = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(F[train], Y[train, j])
            P[:, j] = m.predict_proba(F)[:, 1] >= 0.5
    return P


def contrastive_pairs(Y: np.ndarray, rows: np.ndarray, per_segment: int, max_pairs: int, seed: int
                      ) -> list[tuple[int, int, float]]:
    """(i, j, label) pairs among `rows`: label 1 when i and j share a code, 0 when they share none (and at least
    one of them carries a code). Balanced per anchor, deduplicated, in a seeded random order, at most max_pairs."""
    rng = np.random.default_rng(seed)
    rows = np.asarray(rows)
    Yr = Y[rows].astype(bool)
    shared = (Yr.astype(int) @ Yr.T.astype(int)) > 0
    coded = Yr.any(1)
    seen, out = set(), []
    for a in rng.permutation(len(rows)):
        if not coded[a]:
            continue
        pos = np.where(shared[a])[0]
        pos = pos[pos != a]
        neg = np.where(~shared[a])[0]
        half = per_segment // 2
        picks = [(p, 1.0) for p in rng.choice(pos, min(half, len(pos)), replace=False)] if len(pos) else []
        picks += [(n, 0.0) for n in rng.choice(neg, min(half, len(neg)), replace=False)] if len(neg) else []
        for b, lab in picks:
            key = (min(a, b), max(a, b))
            if key not in seen:
                seen.add(key)
                out.append((int(rows[a]), int(rows[b]), lab))
    order = rng.permutation(len(out))[:max_pairs]
    return [out[k] for k in order]


def length_bucketed(texts, pairs, batch_size: int, seed: int, chunk: int = 8) -> list[list]:
    """Batches of `pairs` (already in seeded random order): within each run of chunk * batch_size pairs, sorted by
    the longer text so a batch pads little (CPU time grows with padded length), then batch order shuffled with a
    seeded generator. Deterministic for a seed."""
    size = chunk * batch_size
    batches = []
    for k in range(0, len(pairs), size):
        part = sorted(pairs[k:k + size], key=lambda p: max(len(texts[p[0]]), len(texts[p[1]])))
        batches += [part[m:m + batch_size] for m in range(0, len(part), batch_size)]
    return [batches[k] for k in np.random.default_rng(seed + 1).permutation(len(batches))]


def finetune(base, texts, pairs, loss: str, seed: int, batch_size: int, max_seq_length: int):
    """A fine-tuned deep copy of the SentenceTransformer `base` (never written to disk), one epoch over `pairs`."""
    import torch
    from sentence_transformers.sentence_transformer.losses import (
        CosineSimilarityLoss,
        MultipleNegativesRankingLoss,
    )
    from transformers import get_linear_schedule_with_warmup

    torch.manual_seed(seed)
    model = copy.deepcopy(base)
    model.max_seq_length = max_seq_length
    model.train()
    if loss == "mnrl":
        pairs = [p for p in pairs if p[2] == 1.0]
        objective = MultipleNegativesRankingLoss(model)
    else:
        objective = CosineSimilarityLoss(model)
    batches = length_bucketed(texts, pairs, batch_size, seed)
    no_decay = ("bias", "LayerNorm.bias", "LayerNorm.weight")
    named = list(objective.named_parameters())
    opt = torch.optim.AdamW([
        {"params": [p for n, p in named if not any(d in n for d in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in named if any(d in n for d in no_decay)], "weight_decay": 0.0}], lr=2e-5)
    sched = get_linear_schedule_with_warmup(opt, int(0.1 * len(batches)), len(batches))
    tok = getattr(model, "preprocess", None) or model.tokenize
    for batch in batches:
        feats = [tok([texts[i] for i, _, _ in batch]), tok([texts[j] for _, j, _ in batch])]
        labels = torch.tensor([lab for _, _, lab in batch], dtype=torch.float32)
        value = objective(feats, labels)
        value.backward()
        torch.nn.utils.clip_grad_norm_(objective.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
    model.eval()
    return model, len(pairs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--fraction", type=float, default=0.25)
    ap.add_argument("--losses", default="cosine,mnrl", help="cosine (SetFit's), mnrl, or both")
    ap.add_argument("--pairs-per-segment", type=int, default=20)
    ap.add_argument("--max-pairs", type=int, default=320, help="cap so one fine-tuning run stays near 3 minutes")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-seq-length", type=int, default=128)
    a = ap.parse_args()
    import torch

    snap = read_taguette(DB)
    codes = [c.name for c in target_codes(snap.codebook)]
    segs = _segments(snap, "paragraph", resolve_params(None)["roles"])
    texts = [s.text for s in segs]
    Y = human_labels(snap, segs, codes, snap.coders[0])
    tid = np.array([s.transcript_id for s in segs])
    transcripts = sorted(set(tid))
    emb = get_embedder("minilm")
    X = embed_texts(texts, emb, MemoryCache()).astype(np.float64)
    base = emb._load()
    losses = a.losses.split(",")
    print(f"SERDIF paragraph segments: {len(segs)} ({int((Y.sum(1) > 0).sum())} coded), {len(codes)} codes, "
          f"{len(transcripts)} transcripts; fraction {a.fraction}; torch threads {torch.get_num_threads()}; "
          f"pairs/segment {a.pairs_per_segment}, max pairs {a.max_pairs}, batch {a.batch_size}, "
          f"max_seq_length {a.max_seq_length}", flush=True)
    rows = {"control (plain MiniLM)": []}
    rows.update({f"fine-tuned ({name})": [] for name in losses})
    info = {name: [] for name in losses}
    seeds = [int(s) for s in a.seeds.split(",")]
    for seed in seeds:
        order = list(np.random.default_rng(seed).permutation(transcripts))
        train = np.isin(tid, order[:round(a.fraction * len(transcripts))])
        test = ~train
        rows["control (plain MiniLM)"].append(mean_kappa(Y[test], lr_predict(X, Y, train)[test]))
        pairs = contrastive_pairs(Y, np.where(train)[0], a.pairs_per_segment, a.max_pairs, seed)
        for name in losses:
            t0 = time.perf_counter()
            model, used = finetune(base, texts, pairs, name, seed, a.batch_size, a.max_seq_length)
            secs = time.perf_counter() - t0
            # encode at the packaged model's max_seq_length, as the plain vectors were
            model.max_seq_length = base.max_seq_length
            Xf = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                              show_progress_bar=False).astype(np.float64)
            rows[f"fine-tuned ({name})"].append(mean_kappa(Y[test], lr_predict(Xf, Y, train)[test]))
            info[name].append((used, secs))
            print(f"seed {seed}: train segments {int(train.sum())}, {name}: {used} pairs "
                  f"({sum(p[2] for p in pairs[:used]) if name == 'cosine' else used:.0f} positive), "
                  f"fine-tuning {secs:.0f}s; kappa control {rows['control (plain MiniLM)'][-1]:.3f}, "
                  f"fine-tuned {rows[f'fine-tuned ({name})'][-1]:.3f}", flush=True)
            del model
    print("\nmean Cohen's kappa over the 22 codes on held-out transcripts (LR per code, threshold 0.5)")
    print(f"{'setting':<28}" + "".join(f"{f'seed {s}':>9}" for s in seeds) + f"{'mean':>9}{'vs control':>12}"
          + f"{'pairs':>8}{'tune s':>8}")
    ctrl = float(np.mean(rows["control (plain MiniLM)"]))
    for name, ks in rows.items():
        key = name[name.find("(") + 1:-1]
        extra = (f"{np.mean([u for u, _ in info[key]]):>8.0f}{np.mean([s for _, s in info[key]]):>8.0f}"
                 if key in info else "")
        print(f"{name:<28}" + "".join(f"{k:>9.3f}" for k in ks) + f"{np.mean(ks):>9.3f}"
              f"{np.mean(ks) - ctrl:>+12.3f}" + extra)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    main()
