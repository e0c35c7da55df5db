"""The language model as a second coder: the same contract as `qualkit.suggest.suggest`, so the review queue,
thresholds, bulk accept and `qualkit eval` work unchanged.

Per participant segment: the embedding engine pre-selects candidate codes (candidates.py), the prompt gives their
definitions, the most similar decided segments and the question (prompt.py), the server answers in a
schema-constrained JSON (schema.py), validated in any case; malformed output is retried once, then recorded as
a failure for that segment. Answers are cached by (model id and digest, prompt hash) (cache.py) and scores are
Platt-calibrated on decided segments (calibration.py).
"""
from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np

from ..codebook.model import Codebook
from ..coding import Decision
from ..errors import QualkitError
from ..clock import now
from ..ids import stable_id, text_hash
from ..run import Run
from ..segment.model import Segment
from ..suggest import model as suggestion_model
from ..suggest.labels import SegmentIndex, decision_labels, state_hash
from ..suggest.model import Suggestion
from ..suggest.params import resolve_params
from ..suggest.prototypes import target_codes
from .cache import LLMCache, MemoryLLMCache, cache_key
from .calibration import Platt, fit_platt, raw_probability
from .candidates import candidate_codes
from .client import ChatBackend, ServerModel, get_backend
from .config import PROMPT_VERSION, LLMConfig
from .errors import LLMError, MalformedOutput, ServerTimeout
from .fewshot import pick_examples
from .prompt import build_messages, prompt_hash
from .schema import Judgement, answer_schema, parse_answer

Progress = Callable[[int, int], None]  # (segments done, segments in all)

_FIELDS = {f.name for f in dataclasses.fields(Suggestion)}
_LLM_MODE = "llm" if "llm" in getattr(suggestion_model, "MODES", ()) else None


@dataclass(frozen=True)
class LLMRunStats:
    segments: int = 0
    pairs: int = 0            # (segment, code) judgements asked for
    calls: int = 0            # chat requests sent (retries included)
    cached: int = 0           # segments answered from the cache
    failures: int = 0         # segments whose answer stayed malformed after one retry
    unsupported: int = 0      # "applies" judgements whose evidence is not in the segment
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    failed: tuple[tuple[str, str], ...] = ()  # (segment id, why)

    def line(self) -> str:
        return (f"llm: {self.segments} segments, {self.pairs} judgements; {self.calls} calls, {self.cached} from the "
                f"cache; {self.prompt_tokens} prompt + {self.completion_tokens} answer tokens in {self.seconds:.1f} s; "
                f"{self.unsupported} unsupported (evidence not in the segment); {self.failures} failed segment(s)")

    def record(self) -> dict:
        d = dataclasses.asdict(self)
        d["failed"] = [list(x) for x in self.failed[:50]]
        d["seconds"] = round(self.seconds, 2)
        return d


class LLMSuggester:
    """Suggest codes with a language model. `suggest(...)` has the signature of `qualkit.suggest.suggest`.

    `backend` defaults to the OpenAI-compatible client for `config`; `llm_cache` to an in-memory cache; `progress`
    is called with (done, total) after each segment. After a call, `stats_` holds the run's counts."""

    def __init__(self, config: LLMConfig, *, backend: ChatBackend | None = None, llm_cache: LLMCache | None = None,
                 progress: Progress | None = None, preselect: bool = True):
        self.config = config
        self.backend = backend or get_backend("openai", config)
        self.llm_cache = llm_cache if llm_cache is not None else MemoryLLMCache()
        self.progress = progress
        self.preselect = preselect
        self.stats_ = LLMRunStats()
        self.history_: list[LLMRunStats] = []  # one per suggest() call (an evaluation makes several)
        self.server_: ServerModel | None = None

    def total_line(self) -> str:
        """Calls, cache hits, tokens and time over every suggest() call so far (for an evaluation)."""
        h = self.history_
        return (f"llm: {len(h)} run(s), {sum(x.segments for x in h)} segment judgements; {sum(x.calls for x in h)} "
                f"calls, {sum(x.cached for x in h)} from the cache; {sum(x.prompt_tokens for x in h)} prompt + "
                f"{sum(x.completion_tokens for x in h)} answer tokens in {sum(x.seconds for x in h):.1f} s; "
                f"{sum(x.unsupported for x in h)} unsupported; {sum(x.failures for x in h)} failed segment(s)")

    @property
    def model_label(self) -> str:
        """How evaluation reports name this backend."""
        pre = "all codes" if not self.preselect else f"top {self.config.top_k} codes by embedding"
        return f"llm:{self.config.model} at {self.config.base_url} ({pre}, {self.config.few_shot}-shot)"

    def __call__(self, *args, **kwargs):
        """The same as `suggest`: an LLMSuggester is a suggester (qualkit.evaluate.evaluate(suggester=...))."""
        return self.suggest(*args, **kwargs)

    # ---- one segment -------------------------------------------------------------------------------------
    def _ask(self, messages, schema, codes, text) -> tuple[list[Judgement], dict, int]:
        """(judgements, answer record for the cache, calls made); MalformedOutput after one retry."""
        c = self.config
        calls, reason = 0, ""
        for attempt in range(2):
            msgs = messages if attempt == 0 else messages + [
                {"role": "user", "content": f"Your answer could not be used ({reason}). Answer again with JSON "
                                            "only, exactly as the schema asks, one entry per code."}]
            calls += 1
            try:
                ans = self.backend.chat(self.config.model, msgs, schema, temperature=c.temperature, seed=c.seed,
                                        max_tokens=c.max_tokens(len(codes)))
            except ServerTimeout:
                if attempt:
                    raise
                reason = "the previous request timed out"
                continue
            self._tokens[0] += ans.prompt_tokens
            self._tokens[1] += ans.completion_tokens
            try:
                judgements = parse_answer(ans.content, codes, text)
            except MalformedOutput as e:
                reason = str(e) + (" (cut off at the token limit)" if ans.finish_reason == "length" else "")
                continue
            return judgements, {"content": ans.content, "prompt_tokens": ans.prompt_tokens,
                                "completion_tokens": ans.completion_tokens}, calls
        raise MalformedOutput(reason) from None

    # ---- the run -----------------------------------------------------------------------------------------
    def suggest(self, segments: Sequence[Segment], codebook: Codebook, embedder=None, decisions: Sequence[Decision] = (),
                *, cache=None, seed: int = 0, params: dict | None = None) -> tuple[Run, list[Suggestion]]:
        """Suggestions for every participant segment and code scoring at least params["floor"] (or above its
        threshold). Raises LLMError (one line) when the server is unreachable, too slow, lacks the model, or
        every segment's answer was malformed; the caller's store is untouched then."""
        started, t0 = now(), time.perf_counter()
        p = resolve_params(params)
        segs = [s for s in segments if s.role in p["roles"]]
        if not segs:
            raise QualkitError(f"no segments to suggest codes for (given {len(segments)}, none with role "
                               f"{' or '.join(p['roles'])})")
        codes = target_codes(codebook)
        names = [c.name for c in codes]
        by_name = {c.name: c for c in codes}
        server = self.backend.model_info(self.config.model)
        self.server_ = server
        index = SegmentIndex(segs)
        labels = decision_labels(decisions, index, names, p["implicit_negatives"])

        # pre-selection (and the vectors few-shot needs) from the embedding engine
        vectors = None
        if embedder is not None and (self.config.few_shot and any(labels.values())):
            from ..embed import embed_texts
            vectors = embed_texts([s.text for s in segs], embedder, cache)
        if self.preselect and embedder is not None and len(names) > self.config.all_codes_up_to:
            from ..suggest import suggest as embedding_suggest
            _, emb = embedding_suggest(segs, codebook, embedder, decisions, cache=cache, seed=seed,
                                       params={**(params or {}), "floor": 0.0})
            row, col = {s.id: i for i, s in enumerate(segs)}, {n: j for j, n in enumerate(names)}
            S = np.zeros((len(segs), len(names)))
            K = np.zeros_like(S, dtype=bool)
            for x in emb:
                S[row[x.segment_id], col[x.code]] = x.score
                K[row[x.segment_id], col[x.code]] = bool(getattr(x, "keywords", ()))
            cands = candidate_codes(S, K, names, top_k=self.config.top_k, all_codes_up_to=self.config.all_codes_up_to)
        else:
            cands = [list(names) for _ in segs]

        texts = [s.text for s in segs]
        model_label = f"{server.id}@{server.digest}" if server.digest else server.id
        jobs = []
        for i, s in enumerate(segs):
            chosen = [by_name[n] for n in cands[i]]
            examples = pick_examples(i, vectors, labels, texts, cands[i], self.config.few_shot)
            messages = build_messages(chosen, s.text, s.question or "", examples)
            schema = answer_schema(cands[i])
            ph = prompt_hash(messages, schema, temperature=self.config.temperature, seed=self.config.seed,
                             max_tokens=self.config.max_tokens(len(chosen)))
            jobs.append((messages, schema, cache_key(server.id, server.digest, ph)))
        hits = self.llm_cache.get_many([j[2] for j in jobs])

        self._tokens = [0, 0]
        judged: dict[int, list[Judgement]] = {}
        pending: dict[str, dict] = {}
        failed: list[tuple[str, str]] = []
        calls = cached = 0
        for i, (s, (messages, schema, key)) in enumerate(zip(segs, jobs)):
            answer = hits.get(key) or pending.get(key)
            if answer is not None:
                try:
                    judged[i] = parse_answer(answer["content"], cands[i], s.text)
                    cached += 1
                except (MalformedOutput, KeyError, TypeError):
                    answer = None  # a stale or damaged entry: ask again
            if answer is None:
                try:
                    judged[i], record, n = self._ask(messages, schema, cands[i], s.text)
                    calls += n
                    pending[key] = record
                except MalformedOutput as e:
                    calls += 2
                    failed.append((s.id, str(e)))
            if self.progress:
                self.progress(i + 1, len(segs))
        if not judged:
            first = failed[0][1] if failed else "no answer"
            raise MalformedOutput(f"the model {self.config.model!r} at {self.backend.url} gave no usable answer for "
                                  f"any of the {len(segs)} segments, even after a retry (first: {first}); nothing "
                                  "was stored: try a larger instruction-following model")

        # calibration on the decided (segment, code) pairs the model judged
        raw = np.full((len(segs), len(names)), np.nan)
        judgement_at: dict[tuple[int, int], Judgement] = {}
        col = {n: j for j, n in enumerate(names)}
        for i, js in judged.items():
            for jd in js:
                raw[i, col[jd.code]] = raw_probability(jd.applies, jd.confidence, jd.supported)
                judgement_at[(i, col[jd.code])] = jd
        xs, ys, nc = [], [], []
        for c in names:
            for r, y in labels[c].items():
                v = raw[r, col[c]]
                (nc.append(y) if np.isnan(v) else (xs.append(v), ys.append(y)))
        platt = fit_platt(np.array(xs), np.array(ys), np.array(nc)) if (xs or nc) else Platt()
        threshold = platt.threshold

        # the run record: endpoint, model, digest, prompt version, sampling, pre-selection, calibration, counts
        unsupported = sum(1 for jd in judgement_at.values() if jd.applies and not jd.supported)
        stats = LLMRunStats(len(segs), sum(len(c) for c in cands), calls, cached, len(failed), unsupported,
                            self._tokens[0], self._tokens[1], time.perf_counter() - t0, tuple(failed))
        self.stats_ = stats
        self.history_.append(stats)
        dstate = text_hash(json.dumps([state_hash(labels[c], index) for c in names]))[:16]
        run_params = {"backend": "llm",
                      "llm": {**self.config.record(), "server_model": server.id, "digest": server.digest,
                              "digest_source": server.digest_source},
                      "preselection": {"embedder": getattr(embedder, "model_id", None) if self.preselect else None,
                                       "top_k": self.config.top_k, "all_codes_up_to": self.config.all_codes_up_to,
                                       "all_codes": len(names) <= self.config.all_codes_up_to or not self.preselect
                                       or embedder is None},
                      "calibration": platt.record(), "floor": float(p["floor"]), "decisions_hash": dstate,
                      "stats": stats.record()}
        rid = stable_id("run", "suggest", "llm", model_label, codebook.hash, json.dumps(run_params, sort_keys=True,
                                                                                       default=str), seed, started)
        run = Run(id=rid, kind="suggest", started_at=started, model=f"llm:{server.id}",
                  model_version=server.digest, codebook_hash=codebook.hash, seed=seed, params=run_params,
                  notes=stats.line())

        out = []
        failed_ids = {sid for sid, _ in failed}
        for i, s in enumerate(segs):
            for j, name in enumerate(names):
                jd = judgement_at.get((i, j))
                decided = len(labels[name])
                if jd is None:  # not a candidate, or the segment failed: the prior, never above threshold
                    score = float(min(platt.not_candidate, threshold * 0.5))
                    if score < p["floor"]:
                        continue
                    why = "failed" if s.id in failed_ids else "not pre-selected"
                    out.append(self._suggestion(rid, s, name, score, threshold, decided, model_label, codebook.hash,
                                                dstate, nearest="", kind=why, components={why: 1.0}))
                    continue
                score = float(round(float(platt(raw[i, j])), 6))
                if score < p["floor"] and score < threshold:
                    continue
                out.append(self._suggestion(
                    rid, s, name, score, threshold, decided, model_label, codebook.hash, dstate,
                    nearest=jd.evidence, kind="evidence" if jd.supported else "unsupported evidence",
                    components={"llm_confidence": round(jd.confidence, 4), "applies": float(jd.applies),
                                "supported": float(jd.supported)},
                    evidence=jd.evidence, reasoning=jd.reasoning, supported=jd.supported))
        self.llm_cache.put_many(model_label, pending)  # only now: a failed run leaves the cache as it was
        return replace(run, finished_at=now()), out

    def _suggestion(self, rid, s, name, score, threshold, decided, model_label, cb_hash, dstate, *, nearest, kind,
                    components, evidence="", reasoning="", supported=True) -> Suggestion:
        fields = dict(id=stable_id("suggestion", s.id, name, model_label, cb_hash, dstate, PROMPT_VERSION),
                      run_id=rid, segment_id=s.id, transcript_id=s.transcript_id, char_start=s.char_start,
                      char_end=s.char_end, code=name, score=score)
        extra = dict(threshold=threshold, mode=_LLM_MODE or ("learned" if decided else "zero-shot"),
                     nearest=nearest, nearest_kind=kind, components=components, decided=decided,
                     evidence=evidence, reasoning=reasoning, supported=supported)
        if "mode" not in _FIELDS:  # the untyped model: everything in the explanation mapping
            return Suggestion(**fields, explanation={**extra, "above_threshold": score >= threshold})
        return Suggestion(**fields, **{k: v for k, v in extra.items() if k in _FIELDS})
