"""Embeddings: a Protocol for backends, a registry by name, and a cache so each text is encoded once per model.

    >>> emb = get_embedder("minilm")          # all-MiniLM-L6-v2, offline, CPU, loaded lazily
    >>> vecs = embed_texts(texts, emb, MemoryCache())
"""
from __future__ import annotations

from .base import Embedder, EmbeddingCache, normalise
from .cache import MemoryCache, embed_texts
from .registry import DEFAULT_EMBEDDER, available_embedders, get_embedder, register_embedder
from .fast import minilm_fast
from .sentence_transformers import MINILM_ID, SentenceTransformerEmbedder, local_model, minilm

register_embedder("minilm", minilm)
register_embedder("sentence-transformers", local_model)
register_embedder("minilm-fast", minilm_fast)  # the default: ONNX Runtime, per-token int8 for this CPU (fast.py)

__all__ = ["DEFAULT_EMBEDDER", "Embedder", "EmbeddingCache", "MemoryCache", "embed_texts", "get_embedder",
           "register_embedder", "available_embedders", "SentenceTransformerEmbedder", "MINILM_ID", "normalise"]
