"""EvalReport: per-code and overall agreement for each setting (fraction of transcripts decided)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Mapping

from .calibration import Calibration, reliability_lines

METRICS = ("kappa", "precision", "recall", "f1")


@dataclass(frozen=True)
class CodeResult:
    code: str
    fraction: float
    kappa: float
    precision: float
    recall: float
    f1: float
    support: float  # mean number of held-out segments the human coded with it, over seeds
    kappa_sd: float = 0.0


@dataclass(frozen=True)
class EvalReport:
    """Results averaged over seeds. `overall[fraction]` holds the macro means over codes (and micro F1);
    `calibration[fraction]` the scores of every held-out (segment, code) pair of every seed against the human."""

    snapshot: str
    human_coder: str
    model: str
    codebook_hash: str
    fractions: tuple[float, ...]
    seeds: tuple[int, ...]
    params: Mapping[str, object]
    n_segments: int
    n_transcripts: int
    codes: tuple[CodeResult, ...]
    overall: Mapping[float, Mapping[str, float]]
    notes: tuple[str, ...] = field(default_factory=tuple)
    calibration: Mapping[float, Calibration] = field(default_factory=dict)

    def result(self, code: str, fraction: float) -> CodeResult:
        for r in self.codes:
            if r.code == code and r.fraction == fraction:
                return r
        raise KeyError((code, fraction))

    def to_table(self) -> str:
        """Plain-text table: one row per code, kappa / F1 per setting side by side, the means, then each setting's
        calibration (ECE, Brier, reliability table)."""
        fr = self.fractions
        label = lambda f: "zero-shot" if f == 0 else f"learned {f:.0%}"  # noqa: E731
        names = sorted({r.code for r in self.codes}, key=lambda c: [r.code for r in self.codes].index(c))
        w = max([len(n) for n in names] + [12])
        head = f"{'code':<{w}}  {'n':>5}" + "".join(f"  {label(f) + ' k':>16} {'F1':>5}" for f in fr)
        lines = [f"{self.snapshot}: tool vs {self.human_coder}, {self.model}, {self.n_transcripts} transcripts, "
                 f"{self.n_segments} segments, seeds {list(self.seeds)}", head, "-" * len(head)]
        for n in names:
            row = f"{n:<{w}}  {self.result(n, fr[0]).support:>5.0f}"
            for f in fr:
                r = self.result(n, f)
                row += f"  {r.kappa:>16.3f} {r.f1:>5.2f}"
            lines.append(row)
        lines.append("-" * len(head))
        for m in ("kappa", "f1", "micro_f1"):
            row = f"{'mean ' + m:<{w}}  {'':>5}"
            for f in fr:
                row += f"  {self.overall[f][m]:>16.3f} {'':>5}"
            lines.append(row)
        for f in fr:
            if f in self.calibration:
                lines += reliability_lines(label(f), self.calibration[f])
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_json(self) -> str:
        d = asdict(self)
        d["overall"] = {str(k): v for k, v in self.overall.items()}
        d["calibration"] = {str(k): v for k, v in d["calibration"].items()}
        return json.dumps(d, indent=2, sort_keys=True, default=str)
