"""Where BERTopic stops being usable on small corpora: outlier share and largest topic by corpus size.

For seeded random slices of each corpus's participant segments (at least 6 words, as theme discovery keeps), fits
BERTopic exactly as `discover_themes` does (UMAP with exact cosine neighbours, HDBSCAN with the default
min_topic_size for that size) and reports the outlier share, the number of topics, the largest topic's share, and
whether the `auto` clustering would fall back (outliers or the largest topic above 50 %, or fewer than 2 topics).
What these figures showed, and the size chosen from them, is written at `themes.clustering.BERTOPIC_MIN_SEGMENTS`.

    python benchmarks/themes_small_corpus.py [--sizes 50,100,200,400,800,1600] [--seeds 0,1]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def corpora(limit: int) -> dict[str, list[str]]:
    from bench_encoder import ANTHROPIC_CSV, SERDIF_DB, participant_texts

    from qualkit.interchange.taguette import read_taguette
    from qualkit.segment import segment_transcript

    out = {"sample": participant_texts([ROOT / "sample_transcripts"]),
           "anthropic": participant_texts([ANTHROPIC_CSV], limit=limit * 3)}
    if SERDIF_DB.exists():
        snap = read_taguette(SERDIF_DB)
        out["serdif"] = list(dict.fromkeys(s.text for t in snap.transcripts for s in segment_transcript(t, "turn")
                                           if s.role == "participant"))
    return {k: [t for t in v if len(t.split()) >= 6] for k, v in out.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,100,200,400,800,1600")
    ap.add_argument("--seeds", default="0,1")
    args = ap.parse_args(argv)
    import numpy as np

    from qualkit.embed import get_embedder
    from qualkit.themes.clustering import BERTopicClusterer, default_min_topic_size

    sizes = [int(s) for s in args.sizes.split(",")]
    embedder = get_embedder("minilm-fast")
    print(f"{'corpus':<10}{'n':>6}{'seed':>5}{'mts':>5}{'topics':>7}{'outliers':>9}{'largest':>8}{'falls back':>11}"
          f"{'s':>6}")
    for name, texts in corpora(max(sizes)).items():
        vecs = embedder.encode(texts)
        for n in sizes:
            if n > len(texts):
                continue
            for seed in (int(s) for s in args.seeds.split(",")):
                rows = sorted(random.Random(seed).sample(range(len(texts)), n))
                t0 = time.perf_counter()
                mts = default_min_topic_size(n)
                fit = BERTopicClusterer(min_topic_size=mts).fit([texts[i] for i in rows], vecs[rows], seed=seed)
                lab = fit.labels
                share = float(np.mean(lab == -1))
                sizes_ = np.bincount(lab[lab >= 0]) if (lab >= 0).any() else np.zeros(1)
                topics = int((sizes_ > 0).sum())
                largest = float(sizes_.max() / n)
                falls = share > 0.5 or topics < 2 or largest > 0.5
                print(f"{name:<10}{n:>6}{seed:>5}{mts:>5}{topics:>7}{share:>9.0%}{largest:>8.0%}"
                      f"{'yes' if falls else 'no':>11}{time.perf_counter() - t0:>6.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
