"""Deductive coding accuracy on SERDIF (17 think-aloud sessions, 22 codes, one human coder): the tool as a
second coder, zero-shot and with a quarter of transcripts decided, plus ablations of each idea.

SERDIF is split once (qualkit.evaluate.split): 8 development transcripts, on which ideas and parameters are
compared (--ablations always runs there), and 9 held-out ones, on which the figures are reported (the default).

    python benchmarks/eval_serdif.py                  # held-out half, default settings, paragraph and sentence
    python benchmarks/eval_baselines.py               # reference baselines: cosine and LR, passages vs segments
    python benchmarks/eval_serdif.py --ablations      # each idea switched off, on the development half (slow)
    python benchmarks/eval_serdif.py --split all      # all 17 transcripts (tuned on half of them: not a figure)
    python benchmarks/eval_serdif.py --json out.json  # the default report as JSON too
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.embed import MemoryCache, get_embedder  # noqa: E402
from qualkit.evaluate import evaluate, restrict  # noqa: E402
from qualkit.interchange.taguette import read_taguette  # noqa: E402

DB = ROOT.parent / "shared" / "benchmarks" / "serdif-usability" / "SERDIF_P2_ThematicAnalysis.sqlite3"

ABLATIONS = {
    "first author's settings (no neighbours, unweighted LR)": {"neighbours": 0, "zs_neighbours": 0,
                                                               "class_weight": None},
    "no neighbour features in classifier": {"neighbours": 0},
    "no neighbours in zero-shot": {"zs_neighbours": 0},
    "unweighted LR (class_weight None)": {"class_weight": None},
    "no question context": {"context": False},
    "no lexical features": {"lexical": False},
    "no zero-shot prior in classifier": {"zero_shot_prior": False},
    "no threshold tuning": {"tune_thresholds": False},
    "no implicit negatives (explicit rejects only)": {"implicit_negatives": False},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ablations", action="store_true")
    ap.add_argument("--units", default="paragraph,sentence")
    ap.add_argument("--fractions", default="0,0.25,0.5")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--json", default=None)
    ap.add_argument("--split", choices=("held-out", "development", "all"), default="held-out",
                    help="which transcripts (default: the held-out half, the one figures are reported on)")
    ap.add_argument("--embedder", default="minilm")
    a = ap.parse_args()
    if a.ablations:
        a.split = "development"  # choosing between ideas is tuning: never on the held-out half
    snap = read_taguette(DB)
    if a.split != "all":
        snap = restrict(snap, a.split)
    print(f"SERDIF, {a.split}: {len(snap.transcripts)} transcripts")
    emb = get_embedder(a.embedder)
    cache = MemoryCache()
    fractions = tuple(float(f) for f in a.fractions.split(","))
    seeds = tuple(int(s) for s in a.seeds.split(","))
    summary = []
    for unit in a.units.split(","):
        t0 = time.perf_counter()
        rep = evaluate(snap, emb, fractions=fractions, seeds=seeds, unit=unit, cache=cache)
        print(f"\n=== unit={unit} (default params) [{time.perf_counter() - t0:.0f}s]")
        print(rep.to_table())
        summary.append((f"{unit}: default", rep))
        if a.json and unit == a.units.split(",")[0]:
            Path(a.json).write_text(rep.to_json())
        if a.ablations and unit == "paragraph":
            for name, params in ABLATIONS.items():
                r = evaluate(snap, emb, fractions=fractions, seeds=seeds, unit=unit, cache=cache, params=params)
                summary.append((f"{unit}: {name}", r))
    print("\n=== summary: mean kappa over codes (mean over seeds)")
    print(f"{'setting':<55}" + "".join(f"{('zero-shot' if f == 0 else f'learned {f:.0%}'):>14}" for f in fractions))
    for name, r in summary:
        print(f"{name:<55}" + "".join(f"{r.overall[f]['kappa']:>14.3f}" for f in fractions))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
