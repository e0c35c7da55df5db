"""Calibration of suggestion scores before and after calibrating them, in one process (same code, same data).

    python benchmarks/eval_calibration.py                     # SERDIF (paragraph, sentence) and the sample study
    python benchmarks/eval_calibration.py --datasets sample   # just the sample study

"uncalibrated" reproduces the scores as they were before calibration: zs_calibration (1, 0) and no Platt
scaling of the learned models (platt_scaling replaced by the identity for that run). "calibrated" is the defaults. The zero-shot calibration
was fitted on the sample study (benchmarks/calibrate_zero_shot.py), so its sample-study figures are in-sample
and SERDIF's (its held-out half) are held out; the learned models' calibration is fitted on each run's own decided transcripts only.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qualkit.suggest.classifier as classifier  # noqa: E402
from qualkit.codebook import load_codebook  # noqa: E402
from qualkit.embed import MemoryCache, get_embedder  # noqa: E402
from qualkit.evaluate import evaluate, restrict  # noqa: E402
from qualkit.interchange.taguette import read_taguette  # noqa: E402
from qualkit.project import Project, import_codings, ingest  # noqa: E402

SERDIF = ROOT.parent / "shared" / "benchmarks" / "serdif-usability" / "SERDIF_P2_ThematicAnalysis.sqlite3"
SAMPLE = ROOT / "sample_transcripts"
UNCALIBRATED_ZERO_SHOT = {"zs_calibration": (1.0, 0.0)}


@contextmanager
def uncalibrated():
    original = classifier.platt_scaling
    classifier.platt_scaling = lambda z, y: (1.0, 0.0)
    try:
        yield UNCALIBRATED_ZERO_SHOT
    finally:
        classifier.platt_scaling = original


def sample_snapshot(tmp: Path):
    project = Project.init(tmp / "sample", name="sample")
    ingest(project, [SAMPLE], unit="sentence")
    project.store.put_codebook(load_codebook(ROOT / "codebooks" / "ai_in_medicine.yaml"), by="benchmark")
    import_codings(project, SAMPLE / "reference_codings.csv")
    snap = replace(project.store.snapshot(project.name), segments=())
    project.close()
    return snap, "reference", "sentence"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default="serdif-paragraph,serdif-sentence,sample")
    ap.add_argument("--fractions", default="0,0.25")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--tables", action="store_true", help="print each report's full table too")
    a = ap.parse_args()
    fractions = tuple(float(f) for f in a.fractions.split(","))
    seeds = tuple(int(s) for s in a.seeds.split(","))
    emb, cache = get_embedder("minilm"), MemoryCache()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.datasets.split(","):
            if name == "sample":
                snap, coder, unit = sample_snapshot(Path(tmp))
            else:
                # the held-out half: the other half was used to choose the engine's ideas (evaluate.split)
                snap, coder, unit = restrict(read_taguette(SERDIF), "held-out"), None, name.split("-", 1)[1]
            for setting in ("uncalibrated", "calibrated"):
                t0 = time.perf_counter()
                if setting == "uncalibrated":
                    with uncalibrated() as params:
                        rep = evaluate(snap, emb, human_coder=coder, fractions=fractions, seeds=seeds, unit=unit,
                                       cache=cache, params=params)
                else:
                    rep = evaluate(snap, emb, human_coder=coder, fractions=fractions, seeds=seeds, unit=unit,
                                   cache=cache)
                print(f"\n=== {name} {setting} [{time.perf_counter() - t0:.0f}s]", flush=True)
                if a.tables:
                    print(rep.to_table())
                else:
                    print("\n".join(line for line in rep.to_table().splitlines()
                                    if line.startswith(("mean kappa", "calibration", "  ["))))
                for f in fractions:
                    c = rep.calibration[f]
                    rows.append((name, "zero-shot" if f == 0 else f"learned {f:.0%}", setting,
                                 rep.overall[f]["kappa"], c.ece, c.brier))
    print(f"\n{'dataset':<18} {'setting':<12} {'scores':<13} {'mean kappa':>10} {'ECE':>7} {'Brier':>7}")
    for r in rows:
        print(f"{r[0]:<18} {r[1]:<12} {r[2]:<13} {r[3]:>10.3f} {r[4]:>7.4f} {r[5]:>7.4f}")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
