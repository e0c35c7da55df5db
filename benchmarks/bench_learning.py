"""How fast do the suggestions learn in the app? A simulated researcher reviews in the app's order (review by
segment: the passage first in the queue, every pending suggestion on it answered as the human coder coded it),
the live model (qualkit.suggest.live.LiveModel) learns from each decision and re-ranks the queue, and we count
the decisions until each code's suggestions reach Cohen's kappa 0.4 against the human coder on the segments not
decided for that code yet. Most-informative order versus transcript order.

    python benchmarks/bench_learning.py --study sample        # the sample study (12 interviews, reference codings)
    python benchmarks/bench_learning.py --study serdif        # SERDIF (17 sessions, 22 codes, the authors' coding)
    options: --max-decisions N (default 600), --every K (measure every K decisions, default 10), --embedder NAME

Only suggestions above the run's floor are ever shown (as in the app), so a segment no suggestion reaches is only
learned about through implicit negatives.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.coding import Decision  # noqa: E402
from qualkit.embed import MemoryCache, get_embedder  # noqa: E402
from qualkit.evaluate.runner import _segments, human_labels  # noqa: E402
from qualkit.review.queue import segment_queue  # noqa: E402
from qualkit.suggest import suggest  # noqa: E402
from qualkit.suggest.classifier import _kappa  # noqa: E402
from qualkit.suggest.live import LiveModel  # noqa: E402

SERDIF = ROOT.parent / "shared" / "benchmarks" / "serdif-usability" / "SERDIF_P2_ThematicAnalysis.sqlite3"
TARGET = 0.4


def sample_snapshot():
    from qualkit.codebook import load_codebook
    from qualkit.project import Project, import_codings, ingest

    tmp = Path(tempfile.mkdtemp())
    project = Project.init(tmp / "sample")
    src = ROOT / "sample_transcripts"
    ingest(project, [src], participants_csv=src / "participants.csv")
    project.store.put_codebook(load_codebook(ROOT / "codebooks" / "ai_in_medicine.yaml"), by="bench")
    import_codings(project, src / "reference_codings.csv", coder="reference")
    from dataclasses import replace

    # the reference codings are phrases inside long turns: sentences are the unit they are visible at
    return replace(project.store.snapshot(), segments=()), "reference", "sentence"


def serdif_snapshot():
    from qualkit.interchange.taguette import read_taguette

    snap = read_taguette(SERDIF)
    return snap, sorted({c.coder for c in snap.codings})[0], "paragraph"


def simulate(segments, codebook, embedder, cache, Y, codes, order: str, max_decisions: int, every: int):
    """{code: decisions until kappa >= TARGET (None: not within max_decisions)}, decisions made, seconds."""
    run, suggestions = suggest(segments, codebook, embedder, cache=cache)
    model = LiveModel(segments, codebook, embedder, cache=cache)
    row = model.row_of
    col = {c: j for j, c in enumerate(codes)}
    pending = {s.id: s for s in suggestions if s.code in col}
    decisions: list[Decision] = []
    reached: dict[str, int | None] = {c: None for c in codes}
    decided: dict[str, set] = {c: set() for c in codes}
    t0 = time.perf_counter()
    next_check = every

    def score(s):
        return model.score(s.segment_id, s.code)

    def threshold(s):
        return model.threshold(s.code)

    while pending and len(decisions) < max_decisions:
        item = segment_queue(pending.values(), order, score=score, threshold=threshold)[0]
        for s in item.suggestions:
            y = Y[row[s.segment_id], col[s.code]]
            n = len(decisions)
            decisions.append(Decision(f"sim{n}", s.transcript_id, s.char_start, s.char_end, s.code,
                                      "accept" if y else "reject", "sim", f"t{n:08d}", segment_id=s.segment_id,
                                      suggestion_id=s.id, seq=n))
            decided[s.code].add(row[s.segment_id])
            del pending[s.id]
        model.sync(decisions)
        if len(decisions) >= next_check or not pending:
            next_check = len(decisions) + every
            model.refresh()
            for c in codes:
                if reached[c] is not None:
                    continue
                j = col[c]
                keep = np.ones(len(Y), dtype=bool)
                keep[list(decided[c])] = False
                if not Y[keep, j].any():
                    continue
                pred = model.probabilities(c)[keep] >= model.threshold(c)
                if _kappa(Y[keep, j], pred) >= TARGET:
                    reached[c] = len(decisions)
    return reached, len(decisions), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--study", choices=("sample", "serdif"), default="sample")
    ap.add_argument("--max-decisions", type=int, default=600)
    ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--embedder", default="minilm")
    a = ap.parse_args()
    snap, coder, unit = sample_snapshot() if a.study == "sample" else serdif_snapshot()
    segments = _segments(snap, unit, ("participant",))
    codes = [c.name for c in snap.codebook.codes]
    Y = human_labels(snap, segments, codes, coder)
    codes = [c for j, c in enumerate(codes) if Y[:, j].any()]  # codes the human coder used
    Y = human_labels(snap, segments, codes, coder)
    embedder = get_embedder(a.embedder)
    cache = MemoryCache()
    print(f"{a.study}: {len(segments)} {unit} segments, {len(codes)} codes the human coder used, "
          f"{int(Y.sum())} human (segment, code) labels; target kappa {TARGET} on undecided segments")
    results = {}
    for order in ("informative", "transcript"):
        reached, n, secs = simulate(segments, snap.codebook, embedder, cache, Y, codes, order, a.max_decisions,
                                    a.every)
        results[order] = reached
        got = [v for v in reached.values() if v is not None]
        print(f"order={order}: {len(got)} of {len(codes)} codes reached kappa {TARGET} within {n} decisions "
              f"({secs:.0f} s); median decisions to reach it {np.median(got) if got else float('nan'):.0f}")
    print(f"\n{'code':<45}{'informative':>13}{'transcript':>12}")
    for c in codes:
        cells = "".join(f"{('—' if results[o][c] is None else results[o][c]):>{w}}"
                        for o, w in (("informative", 13), ("transcript", 12)))
        print(f"{c[:44]:<45}{cells}")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
