"""Embedding cache: encode only the texts whose (model_id, text_hash) the cache does not hold yet."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..ids import text_hash
from .base import Embedder, EmbeddingCache


class MemoryCache:
    """An in-process EmbeddingCache (a dict); `hits` and `misses` count lookups, for tests and benchmarks."""

    def __init__(self):
        self._data: dict[tuple[str, str], np.ndarray] = {}
        self.hits = 0
        self.misses = 0

    def get_many(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out = {}
        for h in hashes:
            v = self._data.get((model_id, h))
            if v is not None:
                out[h] = v
        self.hits += len(out)
        self.misses += len(set(hashes)) - len(out)
        return out

    def put_many(self, model_id: str, vectors: Mapping[str, np.ndarray]) -> None:
        for h, v in vectors.items():
            self._data[(model_id, h)] = np.asarray(v, dtype=np.float32)

    def __len__(self) -> int:
        return len(self._data)


def embed_texts(texts: Sequence[str], embedder: Embedder, cache: EmbeddingCache | None = None) -> np.ndarray:
    """Vectors for `texts` (shape (n, embedder.dim), float32, unit rows, input order).

    With a cache, only texts whose (model_id, text_hash) are missing are encoded (each distinct text once),
    and the new vectors are written back. Without one, distinct texts are still encoded only once.
    """
    texts = list(texts)
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    hashes = [text_hash(t) for t in texts]
    known = dict(cache.get_many(embedder.model_id, hashes)) if cache is not None else {}
    todo: dict[str, str] = {}
    for h, t in zip(hashes, texts):
        if h not in known and h not in todo:
            todo[h] = t
    if todo:
        new = np.asarray(embedder.encode(list(todo.values())), dtype=np.float32)
        if new.shape != (len(todo), embedder.dim):
            raise ValueError(f"embedder {embedder.model_id} returned shape {new.shape}, "
                             f"expected ({len(todo)}, {embedder.dim})")
        fresh = dict(zip(todo.keys(), new))
        if cache is not None:
            cache.put_many(embedder.model_id, fresh)
        known.update(fresh)
    return np.stack([known[h] for h in hashes]).astype(np.float32, copy=False)
