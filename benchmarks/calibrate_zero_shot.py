"""Fit the zero-shot calibration on the sample study's reference codings (never on SERDIF, which stays held out).

    python benchmarks/calibrate_zero_shot.py          # prints the fitted (a, b) and the parameters they give

The zero-shot logit of every (sentence, code) pair of the 12 sample interviews is scored against the reference
coder, and Platt scaling (qualkit.suggest.classifier.platt_scaling) fits sigmoid(a * logit + b): the suggestion
parameter zs_calibration = (a, b). The zero-shot threshold becomes sigmoid(b), where the logit's old threshold
(0) now falls, so exactly the same suggestions stay above it.
"""
from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.codebook import load_codebook  # noqa: E402
from qualkit.embed import get_embedder  # noqa: E402
from qualkit.evaluate import calibration, human_labels  # noqa: E402
from qualkit.evaluate.runner import _segments  # noqa: E402
from qualkit.project import Project, import_codings, ingest  # noqa: E402
from qualkit.suggest.classifier import platt_scaling  # noqa: E402
from qualkit.suggest.engine import Engine  # noqa: E402
from qualkit.suggest.params import DEFAULTS  # noqa: E402

SAMPLE = ROOT / "sample_transcripts"
CODEBOOK = ROOT / "codebooks" / "ai_in_medicine.yaml"
UNCALIBRATED = {"zs_calibration": (1.0, 0.0)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:  # what `qualkit eval --unit sentence` sees on the sample study
        project = Project.init(Path(tmp) / "sample", name="sample")
        ingest(project, [SAMPLE], unit="sentence")
        project.store.put_codebook(load_codebook(CODEBOOK), by="benchmark")
        import_codings(project, SAMPLE / "reference_codings.csv")
        snap = replace(project.store.snapshot(project.name), segments=())
        segs = _segments(snap, "sentence", DEFAULTS["roles"])
        embedder = get_embedder("minilm")
        engine = Engine(snap.codebook, embedder, cache=project.store, params=UNCALIBRATED).fit(segs)
        project.close()
    Y = human_labels(snap, engine.segments_, engine.code_names, "reference")
    z, y = engine.zs_.logit.ravel(), Y.ravel()
    a, b = platt_scaling(z, y)
    before = calibration(1 / (1 + np.exp(-z)), y)
    after = calibration(1 / (1 + np.exp(-(a * z + b))), y)
    print(f"sample study, sentence unit: {len(engine.segments_)} segments x {len(engine.code_names)} codes, "
          f"{int(y.sum())} coded by the reference coder")
    print(f"Platt scaling of the uncalibrated zero-shot logit: a = {a:.4f}, b = {b:.4f}")
    print(f"in-sample ECE {before.ece:.4f} -> {after.ece:.4f}, Brier {before.brier:.4f} -> {after.brier:.4f}")
    print(f"parameter: zs_calibration ({a:.4f}, {b:.4f}); zero-shot threshold {1 / (1 + np.exp(-b)):.4f}; "
          f"fitted on {embedder.model_id} (params tuned_on {DEFAULTS['tuned_on']})")
    raw = engine.zs_.raw  # what fixed_spread stands in for when a batch is too small to standardise over
    print(f"raw similarity mean/sd over segments, median over codes: {np.median(raw.mean(0)):.3f} / "
          f"{np.median(raw.std(0)):.3f} (fixed_spread {DEFAULTS['fixed_spread']})")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
