"""How good are the themes? Stability across seeds (ARI) and recovery of human codes (best-theme F1)."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score

from ..errors import QualkitError
from ..segment.model import Segment


def theme_stability(segments: Sequence[Segment], embeddings: np.ndarray, seeds: Sequence[int] = (0, 1, 2, 3, 4),
                    **kwargs) -> float:
    """Mean pairwise adjusted Rand index of the theme assignments over `seeds` (1.0: identical partitions).

    `kwargs` go to `discover_themes`. Outliers count as one more cluster, so a seed that turns a theme into
    outliers lowers the score.
    """
    from .discover import discover_themes

    seeds = list(seeds)
    if len(set(seeds)) < 2:
        raise QualkitError(f"theme stability needs at least two different seeds, got {seeds}")
    runs = [discover_themes(segments, embeddings, seed=s, **kwargs).assignments for s in seeds]
    ids = sorted(runs[0])
    vectors = [[a.get(i) or "" for i in ids] for a in runs]
    return float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(vectors, 2)]))


@dataclass(frozen=True)
class CodeRecovery:
    """The theme that best matches one human code by segment overlap."""

    code: str
    theme_id: str | None
    f1: float
    precision: float
    recall: float
    n_code: int  # segments carrying the code
    n_theme: int  # segments in the best theme
    n_both: int


@dataclass(frozen=True)
class RecoveryReport:
    """`per_code`: best theme per code (themes may be reused); `one_to_one`: each theme matched at most once
    (Hungarian assignment on F1), the stricter reading."""

    per_code: dict[str, CodeRecovery]
    one_to_one: dict[str, CodeRecovery]

    def recovered(self, threshold: float = 0.4, strict: bool = False) -> list[str]:
        """Codes whose best theme reaches F1 >= threshold (strict: under the one-to-one matching)."""
        table = self.one_to_one if strict else self.per_code
        return [c for c, r in table.items() if r.f1 >= threshold]


def theme_recovery(assignments: Mapping[str, str | None], human_labels: Mapping[str, set[str]]) -> RecoveryReport:
    """Per human code, the theme with the highest F1 by segment overlap.

    For code c and theme t: precision = |c & t| / |t|, recall = |c & t| / |c|, where |t| counts every segment
    assigned to t and |c| every segment labelled c in `human_labels` (also those left out of `assignments`,
    which therefore count as misses). Ties go to the theme with the smaller id.
    """
    from scipy.optimize import linear_sum_assignment

    themes: dict[str, set[str]] = {}
    for seg, t in assignments.items():
        if t is not None:
            themes.setdefault(t, set()).add(seg)
    codes: dict[str, set[str]] = {}
    for seg, labs in human_labels.items():
        for c in labs:
            codes.setdefault(c, set()).add(seg)
    if not codes:
        raise QualkitError("theme recovery needs human labels: no segment carries a code")
    theme_ids = sorted(themes)
    code_names = sorted(codes)

    def score(c: str, t: str | None) -> CodeRecovery:
        if t is None:
            return CodeRecovery(c, None, 0.0, 0.0, 0.0, len(codes[c]), 0, 0)
        both = len(codes[c] & themes[t])
        p = both / len(themes[t])
        r = both / len(codes[c])
        f1 = 2 * both / (len(codes[c]) + len(themes[t]))
        return CodeRecovery(c, t, f1, p, r, len(codes[c]), len(themes[t]), both)

    grid = {(c, t): score(c, t) for c in code_names for t in theme_ids}
    per_code = {}
    for c in code_names:
        best = max(theme_ids, key=lambda t: (grid[c, t].f1, [-ord(ch) for ch in t]), default=None)
        per_code[c] = grid[c, best] if best is not None and grid[c, best].f1 > 0 else score(c, None)
    one_to_one = {c: score(c, None) for c in code_names}
    if theme_ids:
        f = np.array([[grid[c, t].f1 for t in theme_ids] for c in code_names])
        for i, j in zip(*linear_sum_assignment(-f)):
            if f[i, j] > 0:
                one_to_one[code_names[i]] = grid[code_names[i], theme_ids[j]]
    return RecoveryReport(per_code=per_code, one_to_one=one_to_one)


def recovery_table(report: RecoveryReport, label_of: Mapping[str, str] | None = None) -> str:
    """A plain-text table: code, segments, best theme (label), precision, recall, F1; best F1 first."""
    rows = sorted(report.per_code.values(), key=lambda r: (-r.f1, r.code))
    lines = [f"{'code':42} {'n':>4}  {'P':>5} {'R':>5} {'F1':>5}  best theme"]
    for r in rows:
        name = (label_of or {}).get(r.theme_id or "", r.theme_id or "-")
        lines.append(f"{r.code[:42]:42} {r.n_code:>4}  {r.precision:5.2f} {r.recall:5.2f} {r.f1:5.2f}  {name}")
    return "\n".join(lines)
