"""Optional names for candidate themes, written by the language model from the theme's representative quotes (what
LLooM does, locally): a short name, a one-sentence description and an inclusion criterion, kept beside the keyword
label, never replacing it, with provenance. Stored as a run of kind "theme-names" whose params hold the names."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Mapping, Sequence

from ..clock import now
from ..ids import stable_id
from ..run import Run
from .cache import LLMCache, MemoryLLMCache, cache_key
from .client import ChatBackend, get_backend
from .config import PROMPT_VERSION, LLMConfig
from .errors import MalformedOutput, ServerTimeout
from .prompt import prompt_hash

NAME_CHARS, SENTENCE_CHARS = 60, 200
SCHEMA = {"type": "object", "additionalProperties": False, "required": ["name", "description", "inclusion"],
          "properties": {"name": {"type": "string", "minLength": 2, "maxLength": NAME_CHARS},
                         "description": {"type": "string", "minLength": 5, "maxLength": SENTENCE_CHARS},
                         "inclusion": {"type": "string", "minLength": 5, "maxLength": SENTENCE_CHARS}}}
SYSTEM = ("You help a qualitative researcher name a candidate theme found by clustering interview segments. From the "
          "quotes, write: name, a short theme name of at most six words; description, one sentence saying what the "
          "theme is about; inclusion, one sentence saying when a segment belongs to it. Use only what the quotes "
          "say. Answer with JSON only.")


@dataclass(frozen=True)
class ThemeName:
    theme_id: str
    label: str          # the keyword label, kept
    name: str
    description: str
    inclusion: str
    quotes: int         # how many representative quotes the model read


def _messages(label: str, quotes: Sequence[str]) -> list[dict]:
    body = "\n".join(f'- "{" ".join(q.split())[:300]}"' for q in quotes[:8])
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Keyword label: {label}\n\nRepresentative quotes:\n{body}"}]


def _parse(content: str) -> dict:
    try:
        d = json.loads(content)
    except json.JSONDecodeError as e:
        raise MalformedOutput(f"not JSON ({e.msg})") from None
    if not isinstance(d, dict) or not all(isinstance(d.get(k), str) and d[k].strip() for k in SCHEMA["required"]):
        raise MalformedOutput("expected name, description and inclusion as non-empty strings")
    return {k: " ".join(d[k].split()) for k in SCHEMA["required"]}


def name_themes(themes, quotes: Mapping[str, Sequence[str]], config: LLMConfig, *,
                backend: ChatBackend | None = None, llm_cache: LLMCache | None = None) -> tuple[Run, list[ThemeName]]:
    """A name per theme (by id) from its quotes (`quotes[theme.id]`); a theme whose answer stays malformed after
    one retry gets none (counted in the run's notes). Returns the provenance Run (kind "theme-names") and the
    names. Raises the client's LLMErrors for an unreachable server, a timeout or an unknown model."""
    backend = backend or get_backend("openai", config)
    cache = llm_cache if llm_cache is not None else MemoryLLMCache()
    server = backend.model_info(config.model)
    started = now()
    out, failed, new, calls = [], [], {}, 0
    for t in themes:
        qs = list(quotes.get(t.id, ()))
        if not qs:
            continue
        messages = _messages(t.label, qs)
        max_tokens = 64 + 2 * SENTENCE_CHARS
        key = cache_key(server.id, server.digest, prompt_hash(messages, SCHEMA, temperature=config.temperature,
                                                              seed=config.seed, max_tokens=max_tokens))
        hit = cache.get_many([key]).get(key)
        parsed = None
        if hit is not None:
            try:
                parsed = _parse(hit["content"])
            except (MalformedOutput, KeyError, TypeError):
                parsed = None
        reason = ""
        for attempt in range(2 if parsed is None else 0):
            msgs = messages if attempt == 0 else messages + [
                {"role": "user", "content": f"That could not be used ({reason}). Answer again with JSON only."}]
            calls += 1
            try:
                ans = backend.chat(config.model, msgs, SCHEMA, temperature=config.temperature, seed=config.seed,
                                   max_tokens=max_tokens)
                parsed = _parse(ans.content)
                new[key] = {"content": ans.content}
                break
            except MalformedOutput as e:
                reason = str(e)
            except ServerTimeout:
                if attempt:
                    raise
                reason = "the previous request timed out"
        if parsed is None:
            failed.append(t.id)
            continue
        out.append(ThemeName(t.id, t.label, parsed["name"], parsed["description"], parsed["inclusion"],
                             min(len(qs), 8)))
    cache.put_many(f"{server.id}@{server.digest}", new)
    params = {"backend": "llm", "llm": {**config.record(), "server_model": server.id, "digest": server.digest,
                                        "digest_source": server.digest_source, "task": "theme-names"},
              "themes_run": themes[0].run_id if themes else None, "calls": calls, "failed": failed,
              "names": {n.theme_id: asdict(n) for n in out}}
    rid = stable_id("run", "theme-names", server.id, server.digest, PROMPT_VERSION, json.dumps(params, sort_keys=True),
                    started)
    run = Run(id=rid, kind="theme-names", started_at=started, model=f"llm:{server.id}", model_version=server.digest,
              seed=config.seed, params=params, finished_at=now(),
              notes=f"{len(out)} theme(s) named, {len(failed)} without a usable answer, {calls} call(s)")
    return run, out


def name_project_themes(project, config: LLMConfig, *, backend: ChatBackend | None = None):
    """Name the project's latest candidate themes from their representative quotes; stores the provenance run
    (with the names) beside the themes run. Returns (run, names)."""
    from .cache import StoreLLMCache

    themes = project.store.themes()
    text = {s.id: s.text for s in project.store.segments()}
    quotes = {t.id: [text[q] for q in (t.quote_ids or t.segment_ids[:5]) if q in text] for t in themes}
    run, names = name_themes(themes, quotes, config, backend=backend, llm_cache=StoreLLMCache(project.store))
    project.store.put_run(run)
    return run, names
