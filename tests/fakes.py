"""Test doubles. FakeEmbedder: a deterministic hashed bag of words, so tests are fast and need no model.

Texts sharing words get positive cosine similarity; texts sharing none get about zero. Words are lower-cased and
crudely stemmed (a trailing "s" dropped) so "errors" and "error" meet.
"""
from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"the", "a", "an", "and", "or", "of", "to", "in", "is", "it", "i", "that", "this", "for", "on", "with",
         "be", "are", "was", "my", "we", "you", "they", "so", "but", "not", "do", "at", "as", "have", "what"}


def _bucket(word: str, dim: int) -> tuple[int, float]:
    h = hashlib.sha256(word.encode()).digest()
    return int.from_bytes(h[:4], "little") % dim, (1.0 if h[4] % 2 else -1.0)


class FakeEmbedder:
    """Implements qualkit.embed.Embedder; `calls` and `encoded` count work done (to test caching)."""

    def __init__(self, dim: int = 64, model_id: str = "fake-bow"):
        self.dim = dim
        self.model_id = model_id
        self.model_version = "1"
        self.calls = 0
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in _WORD.findall(t.lower()):
                if w in _STOP:
                    continue
                w = w[:-1] if len(w) > 3 and w.endswith("s") else w
                j, sign = _bucket(w, self.dim)
                out[i, j] += sign
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out


class CountingEmbedder:
    """Wraps any embedder and counts the texts it is asked to encode."""

    def __init__(self, inner):
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.model_version = getattr(inner, "model_version", "")
        self.encoded = 0

    def encode(self, texts):
        self.encoded += len(texts)
        return self.inner.encode(texts)
