"""Live learning: the suggestions of a running review session learn from every decision as it is made.

`LiveModel` (the successor of `Learner`) is built once per project and codebook version (embedding and the
zero-shot features are the expensive part) and then follows the decision log: `sync(decisions)` replays the log
through the same replay that derives codings (`qualkit.coding.in_force`, via `decision_labels`), so an undone
decision is no label and renamed or merged codes keep theirs. Only codes whose own decisions changed are
retrained at once; codes that only gained an implicit "does not apply" are retrained by `refresh()`.

Learning starts with the first decision. Until a code has enough decided segments for its classifier
(params min_positive / min_negative), its score is the zero-shot score plus nearest-example evidence: how close a
segment is to the passages the researcher accepted for the code, and how much closer to ones they rejected (with
rejections only, passages like a rejected one go down).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from ..codebook.model import Codebook
from ..coding import Decision
from ..embed import EmbeddingCache
from .classifier import _kappa, _out_of_fold, sigmoid
from .engine import Engine
from .labels import decision_labels, with_implicit_negatives
from .model import Suggestion

# Nearest-example evidence, in logit units: EXAMPLE_WEIGHT * (c - EXAMPLE_COSINE), clipped to [-1.5, 4], where c is a
# segment's best cosine to the code's accepted passages. For MiniLM a paraphrase is at 0.6-0.9 (+2 to +4: from a
# typical zero-shot score to well above the code's threshold), the same topic at 0.4-0.6, unrelated talk below 0.2
# (down by at most 1.5). A segment closer to a rejected passage than to any accepted one is pushed down the same way.
EXAMPLE_WEIGHT = 8.0
EXAMPLE_COSINE = 0.35
SIMILAR = 0.5  # cosine at which an accepted passage counts as "like" a segment in the plain-language reasons


@dataclass(frozen=True)
class Agreement:
    """How a code's suggestions agree with the researcher's decisions, cross-validated by transcript.

    `scores`/`labels` are the held-out predictions behind it (each decided segment scored by a model that never
    saw its transcript's decisions), so `accept_rate` can say what a score threshold rests on."""

    code: str
    mode: str  # zero-shot | examples | learned
    n: int  # decided segments with a held-out prediction
    n_positive: int
    kappa: float | None
    f1: float | None
    threshold: float
    scores: tuple = ()
    labels: tuple = ()

    def accept_rate(self, min_score: float) -> tuple[float | None, int]:
        """(share of held-out decided segments scoring >= min_score that the researcher coded, how many)."""
        s, y = np.asarray(self.scores, float), np.asarray(self.labels, int)
        above = s >= min_score
        return (float(y[above].mean()) if above.any() else None), int(above.sum())


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum(pred & (y == 1)))
    denom = float(pred.sum() + (y == 1).sum())
    return 2 * tp / denom if denom else 0.0


class LiveModel:
    """One project's suggestion model, kept in memory while researchers review.

    Construction embeds (through `cache`) and trains every code that has enough decisions; afterwards each
    `sync` costs one replay of the log plus a warm-started refit of the codes whose decisions changed.
    """

    def __init__(self, segments, codebook: Codebook, embedder, decisions: Sequence[Decision] = (), *,
                 renames: Mapping[str, str] | None = None, cache: EmbeddingCache | None = None, seed: int = 0,
                 params: dict | None = None):
        self.engine = Engine(codebook, embedder, cache=cache, seed=seed, params=params).fit(segments)
        e = self.engine
        self.codebook = codebook
        self.row_of = e.index_.by_id
        norms = np.linalg.norm(e.X_, axis=1, keepdims=True)
        self._unit = e.X_ / np.maximum(norms, 1e-9)
        self._explicit: dict[str, dict[int, int]] = {c: {} for c in e.code_names}
        self._probs: dict[str, np.ndarray] = {}
        self._mode: dict[str, str] = {}
        self._stale: set[str] = set()
        self._agreement: dict[tuple, Agreement] = {}
        self.version = 0  # bumped by every sync that changed something: the UI's cue to re-rank
        self.sync(decisions, renames, _initial=True)

    # ---- following the log -----------------------------------------------------------------------------
    def sync(self, decisions: Iterable[Decision], renames: Mapping[str, str] | None = None, *,
             _initial: bool = False) -> list[str]:
        """Bring the labels in line with the decisions in force; retrain and re-score the codes whose own
        decisions changed (returned). Codes changed only through implicit negatives wait for `refresh()`."""
        e = self.engine
        decisions = list(decisions)
        explicit = decision_labels(decisions, e.index_, e.code_names, False, renames)
        # the implicit "does not apply" labels from the same replay (not a second one)
        full = with_implicit_negatives(explicit) if e.params["implicit_negatives"] else explicit
        changed = [c for c in e.code_names if explicit[c] != self._explicit[c]]
        implicit_only = [c for c in e.code_names if c not in changed and full[c] != e.labels_.get(c, {})]
        self._explicit = explicit
        e.set_labels(full)
        for c in changed if not _initial else e.code_names:
            self._retrain(c, full_fit=_initial)
        self._stale.update(implicit_only if not _initial else ())
        self._stale.difference_update(changed)
        if changed or implicit_only:
            self.version += 1
        return changed

    def refresh(self, codes: Iterable[str] | None = None) -> list[str]:
        """Retrain codes whose labels changed only implicitly (all of them, or those in `codes`)."""
        todo = sorted(self._stale if codes is None else self._stale & set(codes))
        for c in todo:
            self._retrain(c, full_fit=False)
        self._stale.difference_update(todo)
        return todo

    def _retrain(self, code: str, full_fit: bool) -> None:
        e = self.engine
        previous = e.models_.get(code)
        # a code's first model is fitted (and its threshold tuned) fully; later ones warm-start from it
        e.train(code, retune=full_fit or previous is None)
        self._probs.pop(code, None)

    # ---- scores ----------------------------------------------------------------------------------------
    def knows(self, code: str) -> bool:
        """True for a code of the codebook version the model was built for."""
        return code in self.engine.labels_

    def decided(self, code: str) -> int:
        """How many segments carry a label (explicit or implicit) for `code`."""
        return len(self.engine.labels_.get(code, {}))

    def mode(self, code: str) -> str:
        self.probabilities(code)
        return self._mode[code]

    def probabilities(self, code: str) -> np.ndarray:
        """The code's current probability for every segment (in the engine's segment order)."""
        if code not in self._probs:
            e = self.engine
            prob, _, _, mode = e.score(code)
            if mode == "zero-shot" and self._explicit[code]:
                prob = sigmoid(self._zs_logit(code) + self._example_evidence(code))
                mode = "examples"
            self._probs[code], self._mode[code] = prob, mode
        return self._probs[code]

    def threshold(self, code: str) -> float:
        model = self.engine.models_.get(code)
        return float(model.threshold) if model is not None else float(sigmoid(self.engine.params["zs_calibration"][1]))

    def score(self, segment_id: str, code: str) -> float | None:
        """The live probability of (segment, code); None for a segment or code the model does not know."""
        i = self.row_of.get(segment_id)
        if i is None or code not in self.engine.labels_:
            return None
        return float(self.probabilities(code)[i])

    def _zs_logit(self, code: str, rows=None) -> np.ndarray:
        a, b = self.engine.params["zs_calibration"]
        z = self.engine.zs_.logit[:, self.engine.code_names.index(code)]
        return a * (z if rows is None else z[rows]) + b

    def _example_evidence(self, code: str, holdout: np.ndarray | None = None) -> np.ndarray:
        """Logit evidence from the code's accepted (and rejected) passages; with `holdout` (a boolean mask of
        segments), passages inside it are ignored (cross-validation)."""
        lab = self._explicit[code]
        pos = [i for i, y in lab.items() if y == 1 and (holdout is None or not holdout[i])]
        neg = [i for i, y in lab.items() if y == 0 and (holdout is None or not holdout[i])]
        n = len(self._unit)
        if not pos and not neg:
            return np.zeros(n)
        if not pos:  # only rejections so far: passages like a rejected one go down, nothing goes up
            s_neg = (self._unit @ self._unit[neg].T).max(1)
            return -np.clip(EXAMPLE_WEIGHT * (s_neg - EXAMPLE_COSINE), 0.0, 4.0)
        s_pos = (self._unit @ self._unit[pos].T).max(1)
        evidence = np.clip(EXAMPLE_WEIGHT * (s_pos - EXAMPLE_COSINE), -1.5, 4.0)
        if neg:
            s_neg = (self._unit @ self._unit[neg].T).max(1)
            evidence -= np.clip(EXAMPLE_WEIGHT * (s_neg - s_pos), 0.0, 4.0)
        return evidence

    def rescore(self, suggestions: Iterable[Suggestion], code_of: Mapping[str, str] | None = None
                ) -> dict[str, float]:
        """{suggestion id: live score} for the suggestions whose code has learned something (a code nobody has
        decided scores as its run scored it: zero-shot does not learn). `code_of` maps suggestion ids to current
        code names (after renames). One pass per code over cached probabilities: the review page re-ranks tens of
        thousands of suggestions after each click."""
        by_code: dict[str, list[Suggestion]] = {}
        for s in suggestions:
            by_code.setdefault(code_of.get(s.id, s.code) if code_of else s.code, []).append(s)
        out: dict[str, float] = {}
        for code, items in by_code.items():
            if code not in self.engine.labels_ or self.mode(code) == "zero-shot":
                continue
            probs = self.probabilities(code).tolist()
            row = self.row_of
            for s in items:
                i = row.get(s.segment_id)
                if i is not None:
                    out[s.id] = probs[i]
        return out

    def score_arrays(self, index) -> tuple:
        """(scores, thresholds): arrays aligned with a `qualkit.review.ReviewIndex`'s items, live for the codes
        that have learned something and the run's for the others; the rows are looked up once per index."""
        a = index.arrays()
        rows = a.get(("live_rows", id(self)))
        if rows is None:
            rows = np.array([self.row_of.get(s.segment_id, -1) for s in index.items], dtype=np.int64)
            a[("live_rows", id(self))] = rows
        scores, thresholds = a["score"].copy(), a["threshold"].copy()
        for code, items in a["by_code"].items():
            if not len(items) or not self.knows(code) or self.mode(code) == "zero-shot":
                continue
            r = rows[items]
            ok = r >= 0
            scores[items[ok]] = self.probabilities(code)[r[ok]]
            thresholds[items] = self.threshold(code)
        return scores, thresholds

    def thresholds(self) -> dict[str, float]:
        """{code: its current threshold} for the codes that have learned something."""
        return {c: self.threshold(c) for c in self.engine.code_names if self.mode(c) != "zero-shot"}

    # ---- reasons ---------------------------------------------------------------------------------------
    def reasons(self, segment_id: str, code: str) -> list[str]:
        """Plain-language reasons for (segment, code), strongest first: the accepted passage it is closest to,
        how many accepted passages it is like, the keywords it mentions, the codebook text it is nearest."""
        e = self.engine
        i = self.row_of.get(segment_id)
        if i is None or code not in e.labels_:
            return []
        j = e.code_names.index(code)
        out = []
        pos = [r for r, y in self._explicit[code].items() if y == 1 and r != i]
        if pos:
            sims = self._unit[pos] @ self._unit[i]
            best = int(np.argmax(sims))
            out.append(f"close to your example “{_short(e.segments_[pos[best]].text)}”")
            like = int(np.sum(sims >= SIMILAR))
            if like > 1:
                out.append(f"like {like} passages you accepted for this code")
        neg = [r for r, y in self._explicit[code].items() if y == 0 and r != i]
        if neg:
            sims = self._unit[neg] @ self._unit[i]
            if sims.max() >= SIMILAR:
                out.append(f"but also like {int(np.sum(sims >= SIMILAR))} passage(s) you rejected for it")
        kws = e.zs_.matched[i][j]
        if kws:
            out.append("mentions " + ", ".join(f"‘{k}’" for k in kws))
        proto = e.protos_[e.zs_.nearest[i, j]]
        kind = {"example": "the codebook's example", "include": "the code's inclusion criteria"}.get(
            proto.kind, "the code's definition")
        out.append(f"nearest to {kind}: “{_short(proto.text)}”")
        return out

    # ---- agreement -------------------------------------------------------------------------------------
    def agreement(self, code: str) -> Agreement:
        """The code's suggestions against the researcher's decisions, cross-validated by transcript (cached per
        set of labels). Learned codes: out-of-fold classifier scores (3 folds of transcripts); other codes: the
        zero-shot score plus evidence from accepted passages in the other transcripts only."""
        e = self.engine
        lab = e.labels_[code]
        key = (code, tuple(sorted(lab.items())))
        if key in self._agreement:
            return self._agreement[key]
        rows = np.array(sorted(lab), dtype=int)
        y = np.array([lab[i] for i in rows], dtype=int)
        groups = np.array([e.segments_[i].transcript_id for i in rows])
        mode, threshold = self.mode(code), self.threshold(code)
        scores = np.zeros(0)
        labels = np.zeros(0, dtype=int)
        if len(rows) and mode == "learned":
            F = e._code_features(e.code_names.index(code), rows)
            oof = _out_of_fold(F, y, groups, float(e.params["C"]), e.seed, e.params["class_weight"])
            if oof is not None:
                a, b = e.models_[code].platt
                scores, labels = sigmoid(a * oof[0] + b), oof[1]
        elif len(rows):
            probs = np.zeros(len(rows))
            for t in np.unique(groups):
                mask = np.zeros(len(e.segments_), dtype=bool)
                mask[rows[groups == t]] = True
                ev = self._example_evidence(code, holdout=mask) if mode == "examples" else 0.0
                p = sigmoid(self._zs_logit(code) + ev)
                probs[groups == t] = p[rows[groups == t]]
            scores, labels = probs, y
        if len(scores):
            pred = scores >= threshold
            kappa, f1 = _kappa(labels, pred), _f1(labels, pred)
        else:
            kappa = f1 = None
        out = Agreement(code, mode, int(len(scores)), int(labels.sum()) if len(labels) else 0, kappa, f1,
                        threshold, tuple(float(v) for v in scores), tuple(int(v) for v in labels))
        self._agreement[key] = out
        return out


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


__all__ = ["LiveModel", "Agreement", "EXAMPLE_WEIGHT", "EXAMPLE_COSINE"]
