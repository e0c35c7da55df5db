"""Deductive code suggestions: zero-shot from the codebook, then learned from decisions, always explained.

The score of (segment, code) is a probability. Zero-shot, its logit is
    zs_slope * (z - zs_threshold_z) + keyword_weight * matched keywords - counterexample penalty,
where z standardises the segment's similarity to the code's definition/inclusion/examples over the batch of
segments (per code) plus half of its standardisation across codes (per segment): raw MiniLM cosines differ
between codes far more than between segments. The segment's vector is mixed with its question's and with the
mean vectors of its neighbouring segments (context.py), because coders read a passage in its place. Once a code
has enough decided segments, a class-balanced logistic regression on [segment embedding, question embedding,
previous/next neighbour means, hashed stem n-grams, zero-shot logit] replaces it, and its logit decomposes
exactly into those feature groups (the explanation's components).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from ..clock import now as _now
from ..codebook.model import Codebook
from ..coding import Decision
from ..embed import EmbeddingCache, embed_texts
from ..errors import QualkitError
from ..ids import stable_id, text_hash
from ..run import Run
from ..segment.model import Segment
from .classifier import CodeModel, sigmoid, train_code
from .context import neighbour_means, question_text
from .lexical import hashed_ngrams, keyword_patterns, matched_keywords, stem_line, stems
from .labels import SegmentIndex, decision_labels, state_hash
from .model import Suggestion
from .params import resolve_params, tuned_for, warn_if_untuned
from .prototypes import prototypes, target_codes


@dataclass(frozen=True)
class _ZeroShot:
    logit: np.ndarray        # (n, k)
    similarity: np.ndarray   # (n, k) contribution of the standardised similarity
    keywords: np.ndarray     # (n, k)
    negative: np.ndarray     # (n, k)
    nearest: np.ndarray      # (n, k) index into the prototype list
    matched: list            # n lists of k keyword lists
    normalisation: str
    raw: np.ndarray          # (n, k) the similarity before standardisation (benchmarks measure its spread)


class Engine:
    """Scores one batch of segments against one codebook, zero-shot and then learned from decisions. Used by
    `suggest`, `Learner` and `LiveModel`.

    The constructor only stores its parameters (and fills in the suggestion parameters' defaults, validated);
    `fit(segments)` does the expensive work (embedding, via the cache; the zero-shot scores). What it learns ends
    in `_`: `segments_`, `index_`, `X_` (segment vectors), `Q_` (question vectors), `P_` (prototype vectors),
    `zs_`, and per code `labels_` (from `set_labels`) and `models_` (from `train`)."""

    def __init__(self, codebook: Codebook, embedder, *, cache: EmbeddingCache | None = None, seed: int = 0,
                 params: dict | None = None):
        self.codebook = codebook
        self.embedder = embedder
        self.cache = cache
        self.seed = int(seed)
        self.params = resolve_params(params)
        self.codes = target_codes(codebook)
        self.code_names = [c.name for c in self.codes]

    def fit(self, segments: Sequence[Segment]) -> "Engine":
        """Embed the segments (those with a role in params["roles"]), their questions and the codebook's
        prototypes, and score every code zero-shot. Returns self. QualkitError when no segment is left."""
        p = self.params
        roles = p["roles"]
        self.segments_ = [s for s in segments if s.role in roles]
        if not self.segments_:
            raise QualkitError(f"no segments to suggest codes for (given {len(segments)}, none with role "
                               f"{' or '.join(roles)}): ingest and segment transcripts first; interviewer "
                               "turns are context and are not coded")
        warn_if_untuned(self.embedder.model_id, p)
        cache = self.cache
        self.index_ = SegmentIndex(self.segments_)
        self.X_ = embed_texts([s.text for s in self.segments_], self.embedder, cache)
        questions = [question_text(s.question or "", int(p["question_chars"])) for s in self.segments_]
        has_q = np.array([bool(q.strip()) for q in questions])
        self.Q_ = np.zeros_like(self.X_)
        if p["context"] and has_q.any():
            self.Q_[has_q] = embed_texts([q for q in questions if q.strip()], self.embedder, cache)
        if p["neighbours"]:
            self.prev_, self.next_ = neighbour_means(self.segments_, self.X_, int(p["neighbours"]))
        self.protos_ = [pr for c in self.codes for pr in prototypes(c)]
        self.P_ = embed_texts([pr.text for pr in self.protos_], self.embedder, cache)
        self.zs_ = self._zero_shot()
        self._features = None
        self._csr = None
        self.models_: dict[str, CodeModel | None] = {c: None for c in self.code_names}
        self.labels_: dict[str, dict[int, int]] = {c: {} for c in self.code_names}
        return self

    # ---- zero-shot -------------------------------------------------------------------------------------
    def _zero_shot(self) -> _ZeroShot:
        p = self.params
        n, k = len(self.segments_), len(self.codes)
        context = 0.0
        if p["zs_neighbours"]:
            zp, zn = neighbour_means(self.segments_, self.X_, int(p["zs_neighbours"]))
            context = float(p["zs_neighbour_weight"]) * (zp + zn)
        V = self.X_ + (p["question_weight"] * self.Q_ if p["context"] else 0.0) + context
        V = V / np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-9)
        S = V @ self.P_.T
        raw = np.zeros((n, k))
        neg = np.full((n, k), -np.inf)
        nearest = np.zeros((n, k), dtype=int)
        w = float(p["definition_weight"])
        for j, name in enumerate(self.code_names):
            cols = [i for i, pr in enumerate(self.protos_) if pr.code == name]
            pos = [i for i in cols if self.protos_[i].positive]
            negs = [i for i in cols if not self.protos_[i].positive]
            best = S[:, pos].argmax(1)
            nearest[:, j] = np.asarray(pos)[best]
            raw[:, j] = w * S[:, pos[0]] + (1 - w) * S[:, pos].max(1)  # pos[0] is "name: definition"
            if negs:
                neg[:, j] = S[:, negs].max(1)
        if n >= p["min_batch"]:
            mu, sd = raw.mean(0), raw.std(0)
            normalisation = "batch"
        else:  # too few segments for per-code statistics: the spread measured on the tuning model (params.py)
            mu, sd = np.full(k, p["fixed_spread"][0]), np.full(k, p["fixed_spread"][1])
            normalisation = "fixed"
        sd = np.where(sd < 1e-6, 1.0, sd)
        z = (raw - mu) / sd
        if k >= 3:
            rs = raw.std(1, keepdims=True)
            z = z + p["across_code_weight"] * (raw - raw.mean(1, keepdims=True)) / np.where(rs < 1e-6, 1.0, rs)
        sim = p["zs_slope"] * (z - p["zs_threshold_z"])
        kw = np.zeros((n, k))
        matched = [[[] for _ in range(k)] for _ in range(n)]
        if p["keywords"]:
            lines = [stem_line(stems(s.text)) for s in self.segments_]
            for j, code in enumerate(self.codes):
                patterns = keyword_patterns(code.keywords)
                if not patterns:
                    continue
                for i, line in enumerate(lines):
                    m = matched_keywords(line, patterns)
                    if m:
                        matched[i][j] = m
                        kw[i, j] = p["keyword_weight"] * min(len(m), 2)
        negative = np.zeros((n, k))
        if p["counterexamples"]:
            best_pos = S[np.arange(n)[:, None], nearest]
            negative = -p["zs_slope"] * np.maximum(0.0, neg - best_pos) / sd
            negative = np.where(np.isfinite(negative), negative, 0.0)
        return _ZeroShot(sim + kw + negative, sim, kw, negative, nearest, matched, normalisation, raw)

    # ---- learned ---------------------------------------------------------------------------------------
    def feature_groups(self) -> list[tuple[str, int]]:
        p = self.params
        groups = [("embedding", self.X_.shape[1])]
        if p["context"]:
            groups.append(("question", self.Q_.shape[1]))
        if p["neighbours"]:
            groups.append(("neighbours", 2 * self.X_.shape[1]))
        if p["lexical"]:
            groups.append(("lexical", p["lexical_features"]))
        return groups

    def _blocks(self) -> list:
        """The shared feature blocks, in feature_groups() order: dense arrays, and the lexical one sparse."""
        if self._features is None:
            blocks = [self.X_.astype(np.float64)]
            if self.params["context"]:
                blocks.append(self.Q_.astype(np.float64))
            if self.params["neighbours"]:
                blocks.append(np.hstack([self.prev_, self.next_]))
            if self.params["lexical"]:
                blocks.append(hashed_ngrams([s.text for s in self.segments_], self.params["lexical_features"]))
            self._features = blocks
        return self._features

    def features(self):
        """(n, d) matrix of the shared features (the zero-shot logit column is added per code): dense, or sparse
        CSR when the lexical block is on."""
        return self._stack(self._blocks())

    @staticmethod
    def _stack(blocks):
        from scipy import sparse

        if any(sparse.issparse(b) for b in blocks):
            return sparse.hstack([sparse.csr_matrix(b) for b in blocks], format="csr", dtype=np.float64)
        return np.hstack(blocks)

    def _code_features(self, j: int, rows=None):
        """Feature rows for code j (all segments, or `rows`); dense slices are cheap, so nothing big is copied
        for the whole batch when only the decided rows are needed (the interactive path)."""
        from scipy import sparse

        blocks = self._blocks()
        if any(sparse.issparse(b) for b in blocks):
            # converting the dense blocks to CSR is the slow part: do it once, then slice rows of the result
            if self._csr is None:
                self._csr = self._stack(blocks)
            blocks = [self._csr]
        blocks = [b if rows is None else b[rows] for b in blocks]
        if self.params["zero_shot_prior"]:
            zs = self.zs_.logit[:, j] if rows is None else self.zs_.logit[rows, j]
            blocks.append((zs / self.params["prior_scale"]).reshape(-1, 1))
        return self._stack(blocks)

    def set_labels(self, labels: dict[str, dict[int, int]]) -> None:
        self.labels_ = {c: dict(labels.get(c, {})) for c in self.code_names}

    def train(self, code: str, retune: bool = True) -> CodeModel | None:
        """(Re)train one code from its current labels; None (zero-shot) until it has enough of each label.

        retune=False keeps the code's previous threshold (0.5 if it had none) instead of cross-validating, and
        warm-starts from the previous weights: the interactive path, where one fit must take well under a second."""
        p = self.params
        lab = self.labels_[code]
        npos = sum(lab.values())
        if not p["learn"] or npos < p["min_positive"] or len(lab) - npos < p["min_negative"]:
            self.models_[code] = None
            return None
        rows = np.array(sorted(lab))
        y = np.array([lab[i] for i in rows])
        groups = np.array([self.segments_[i].transcript_id for i in rows])
        F = self._code_features(self.code_names.index(code), rows)
        previous = self.models_.get(code)
        # the interactive path never cross-validates (a code's first model starts at 0.5, a fair threshold for a
        # class-balanced fit); suggestions() re-tunes every code it retrains
        tune = p["tune_thresholds"] and retune
        model = train_code(F, y, groups, C=float(p["C"]), seed=self.seed, tune=tune,
                           warm=None if retune else previous, class_weight=p["class_weight"],
                           warm_max_iter=int(p["update_max_iter"]))
        if not tune and previous is not None:
            model = replace(model, threshold=previous.threshold, cv_kappa=previous.cv_kappa)
        self.models_[code] = model
        return model

    # ---- scoring ---------------------------------------------------------------------------------------
    def score(self, code: str) -> tuple[np.ndarray, dict[str, np.ndarray], float, str]:
        """(probabilities, {component: logit contribution}, threshold, mode) for every segment."""
        j = self.code_names.index(code)
        model = self.models_[code]
        if model is None:
            a, b = self.params["zs_calibration"]  # Platt scaling of the zero-shot logit (params.py)
            comps = {"similarity": a * self.zs_.similarity[:, j], "keywords": a * self.zs_.keywords[:, j],
                     "counterexamples": a * self.zs_.negative[:, j], "calibration": np.full(len(self.segments_), b)}
            return sigmoid(a * self.zs_.logit[:, j] + b), comps, float(sigmoid(b)), "zero-shot"
        comps, start = {}, 0
        # block by block: no (n, d) matrix is built just to score
        for (name, width), block in zip(self.feature_groups(), self._blocks()):
            comps[name] = np.asarray(block @ model.coef[start:start + width]).ravel()
            start += width
        if self.params["zero_shot_prior"]:
            comps["zero_shot"] = self.zs_.logit[:, j] / self.params["prior_scale"] * model.coef[start]
        comps["intercept"] = np.full(len(self.segments_), model.intercept)
        logit = sum(comps.values())
        return sigmoid(logit), comps, model.threshold, "learned"

    def suggestions(self, run_id: str, codes: Sequence[str] | None = None) -> list[Suggestion]:
        """Every (segment, code) scoring at least the floor, ordered by segment then codebook order."""
        out = []
        model_id = self.embedder.model_id
        params_hash = text_hash(json.dumps(self.params, sort_keys=True, default=str))[:16]
        codebook_hash = self.codebook.hash  # once: hashing the codebook per suggestion dominated Learner.update
        for code in (codes or self.code_names):
            j = self.code_names.index(code)
            prob, comps, threshold, mode = self.score(code)
            dstate = state_hash(self.labels_[code], self.index_)
            keep = np.where((prob >= self.params["floor"]) | (prob >= threshold))[0]  # never hide one above it
            pos_rows = [i for i, y in self.labels_[code].items() if y == 1]
            near_decided = None
            if mode == "learned" and pos_rows and len(keep):
                sims = self.X_[keep] @ self.X_[pos_rows].T
                near_decided = (sims.argmax(1), sims.max(1))
            for r, i in enumerate(keep):
                seg = self.segments_[i]
                proto = self.protos_[self.zs_.nearest[i, j]]
                nearest, kind = proto.text, proto.kind
                if near_decided is not None:
                    di = pos_rows[int(near_decided[0][r])]
                    if di != i:
                        nearest, kind = self.segments_[di].text, "decided"
                score = float(round(prob[i], 6))
                out.append(Suggestion(
                    id=stable_id("suggestion", seg.id, code, model_id, codebook_hash, dstate, params_hash),
                    run_id=run_id, segment_id=seg.id, transcript_id=seg.transcript_id, char_start=seg.char_start,
                    char_end=seg.char_end, code=code, score=score, threshold=float(threshold), mode=mode,
                    nearest=nearest, nearest_kind=kind, keywords=tuple(self.zs_.matched[i][j]),
                    components={k: round(float(v[i]), 4) for k, v in comps.items()},
                    decided=len(self.labels_[code])))
        out.sort(key=lambda s: (self.index_.by_id[s.segment_id], self.code_names.index(s.code)))
        return out

    def run_record(self, started_at: str, decisions_hash: str) -> Run:
        model_id = self.embedder.model_id
        params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.params.items()}
        params["normalisation"] = self.zs_.normalisation
        params["learned_codes"] = sorted(c for c, m in self.models_.items() if m is not None)
        params["model_is_tuning_model"] = tuned_for(model_id, self.params)
        params["decisions_hash"] = decisions_hash
        rid = stable_id("run", "suggest", model_id, self.codebook.hash, json.dumps(params, sort_keys=True),
                        self.seed, started_at)
        return Run(id=rid, kind="suggest", started_at=started_at, model=model_id,
                   model_version=str(getattr(self.embedder, "model_version", "") or ""),
                   codebook_hash=self.codebook.hash, seed=self.seed, params=params)


def suggest(segments: Sequence[Segment], codebook: Codebook, embedder, decisions: Sequence[Decision] = (), *,
            cache: EmbeddingCache | None = None, seed: int = 0, params: dict | None = None
            ) -> tuple[Run, list[Suggestion]]:
    """Suggest codes for the participant segments.

    Returns the Run (model, version, codebook hash, params, seed, times) and every (segment, code) whose score
    is at least params["floor"], each explained; `Suggestion.above_threshold` marks the ones worth showing
    first. Codes with enough decisions use a classifier trained on them. The same inputs give the same ids and
    scores. Raises QualkitError for an empty codebook, codes without definitions (CodebookError listing all)
    and no segments to code.
    """
    started = _now()
    engine = Engine(codebook, embedder, cache=cache, seed=seed, params=params).fit(segments)
    labels = decision_labels(decisions, engine.index_, engine.code_names, engine.params["implicit_negatives"])
    engine.set_labels(labels)
    for code in engine.code_names:
        engine.train(code)
    dh = text_hash(json.dumps([state_hash(labels[c], engine.index_) for c in engine.code_names]))[:16]
    run = engine.run_record(started, dh)
    out = engine.suggestions(run.id)
    return replace(run, finished_at=_now()), out
