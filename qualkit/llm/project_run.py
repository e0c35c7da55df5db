"""LLM suggestions on a project: the one call the CLI, the pipeline and the app make."""
from __future__ import annotations

from typing import Callable

from ..errors import QualkitError
from .cache import StoreLLMCache
from .config import LLMConfig
from .suggester import LLMRunStats, LLMSuggester


def run_llm_suggest(project, config: LLMConfig, *, embedder=None, seed: int = 0,
                    progress: Callable[[int, int], None] | None = None, report=None, backend=None
                    ) -> tuple[object, list, LLMRunStats]:
    """Suggest codes for every participant segment of `project` with the model in `config`; stores the run, its
    suggestions and the new answers in the project's llm_cache. Returns (run, suggestions, stats).

    `embedder` pre-selects candidate codes and picks few-shot examples (default: the default embedder; it is
    not loaded when the codebook is small enough to ask about every code and nothing is decided yet).
    `progress(done, total)` is called after each segment. Raises LLMError subclasses (one line each) for a
    refused endpoint, a server that is down or too slow, a model it does not have, or no usable answer at all,
    and QualkitError for a project without codebook or segments; the project is left as it was then."""
    from ..pipeline import PipelineReport, _Timer, load_embedder, participant_segments

    codebook = project.store.codebook()
    if codebook is None or not codebook.codes:
        raise QualkitError("the project has no codebook: load one with `qualkit codebook use FILE`")
    segments = participant_segments(project)
    decisions = project.store.decisions()
    report = report if report is not None else PipelineReport()
    if embedder is None and (len(codebook.codes) > config.all_codes_up_to or (decisions and config.few_shot)):
        embedder = load_embedder()
    vectors = _DeferredEmbeddings(project.store)
    suggester = LLMSuggester(config, backend=backend, llm_cache=StoreLLMCache(project.store), progress=progress)
    with _Timer(report, "suggest"):
        run, suggestions = suggester.suggest(segments, codebook, embedder, decisions, cache=vectors, seed=seed)
        report.counts["embedded"] = vectors.flush()
        project.store.put_run(run, suggestions=suggestions)
    stats = suggester.stats_
    report.counts["suggestions"] = len(suggestions)
    report.counts["llm_calls"] = stats.calls
    report.notes.append(stats.line())
    return run, suggestions, stats


class _DeferredEmbeddings:
    """The store's embedding cache, with new vectors held back until the run has succeeded: a run that fails (server
    gone, timeout, no usable answer) leaves the store exactly as it was."""

    def __init__(self, store):
        self.store, self.new = store, {}

    def get_many(self, model_id, hashes):
        found = self.store.get_many(model_id, hashes)
        wanted = set(hashes)
        found.update({h: v for (m, h), v in self.new.items() if m == model_id and h in wanted})
        return found

    def put_many(self, model_id, vectors):
        self.new.update({(model_id, h): v for h, v in vectors.items()})

    def flush(self) -> int:
        by_model: dict = {}
        for (m, h), v in self.new.items():
            by_model.setdefault(m, {})[h] = v
        for m, vecs in by_model.items():
            self.store.put_many(m, vecs)
        n, self.new = len(self.new), {}
        return n
