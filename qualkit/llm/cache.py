"""The answer cache: model answers keyed by (server model id and digest, prompt hash), so a re-run makes no calls.

`StoreLLMCache` keeps them in the project store's `llm_cache` table (schema migration 2); `MemoryLLMCache` is for
evaluation and benchmarks. Writes are batched by the caller (`put_many`) after a run succeeds, so a run that fails
leaves the store as it was.
"""
from __future__ import annotations

from typing import Mapping, Protocol, Sequence, runtime_checkable

import sqlalchemy as sa

from ..clock import now
from ..ids import text_hash
from ..store import schema as T


def cache_key(model_id: str, digest: str, prompt_hash: str) -> str:
    """64 hex characters (the table's key column)."""
    return text_hash(f"{model_id}\x1f{digest}\x1f{prompt_hash}")


@runtime_checkable
class LLMCache(Protocol):
    def get_many(self, keys: Sequence[str]) -> dict[str, dict]: ...

    def put_many(self, model: str, answers: Mapping[str, dict]) -> None: ...


class MemoryLLMCache:
    def __init__(self):
        self._d: dict[str, dict] = {}

    def get_many(self, keys: Sequence[str]) -> dict[str, dict]:
        return {k: self._d[k] for k in keys if k in self._d}

    def put_many(self, model: str, answers: Mapping[str, dict]) -> None:
        self._d.update(answers)

    def __len__(self) -> int:
        return len(self._d)


class StoreLLMCache:
    """The project store's llm_cache table (SQLite or PostgreSQL, through the store's engine and transactions)."""

    def __init__(self, store):
        self.store = store

    def get_many(self, keys: Sequence[str]) -> dict[str, dict]:
        out: dict[str, dict] = {}
        wanted = list(dict.fromkeys(keys))
        with self.store.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                q = sa.select(T.llm_cache.c.key, T.llm_cache.c.response).where(
                    T.llm_cache.c.key.in_(wanted[i:i + 500]))
                out.update({k: r for k, r in conn.execute(q)})
        return out

    def put_many(self, model: str, answers: Mapping[str, dict]) -> None:
        if not answers:
            return
        at = now()
        with self.store.transaction() as conn:
            keys = list(answers)
            existing = set()
            for i in range(0, len(keys), 500):
                existing |= {r[0] for r in conn.execute(sa.select(T.llm_cache.c.key).where(
                    T.llm_cache.c.key.in_(keys[i:i + 500])))}
            rows = [dict(key=k, model=model, response=dict(v), created_at=at)
                    for k, v in answers.items() if k not in existing]
            if rows:
                conn.execute(T.llm_cache.insert(), rows)

    def __len__(self) -> int:
        with self.store.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(T.llm_cache)).scalar_one()
