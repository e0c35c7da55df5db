"""The embedding backend contract: any object with `model_id`, `dim` and `encode` is an Embedder."""
from __future__ import annotations

from typing import Mapping, Protocol, Sequence, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors.

    `encode(texts)` returns a float32 array of shape (len(texts), dim) whose rows have unit L2 norm, in input
    order. `model_id` names the model exactly enough that two embedders with the same id give the same
    vectors (it keys the cache and is recorded in every Run). An optional `model_version` attribute is
    recorded too.
    """

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class EmbeddingCache(Protocol):
    """Vectors keyed by (model_id, text_hash). The store implements a persistent one; `MemoryCache` lives here."""

    def get_many(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model_id: str, vectors: Mapping[str, np.ndarray]) -> None: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm as float32; all-zero rows stay zero (nothing to point at)."""
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim != 2:
        v = v.reshape(len(v), -1)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (v / norms).astype(np.float32, copy=False)
