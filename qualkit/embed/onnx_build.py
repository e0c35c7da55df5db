"""The fast encoder's ONNX graph, built from the packaged model's weights with onnx.helper: no torch at export.

One builder makes every graph the encoder needs, so they cannot drift apart:
- the float32 graph (`quant=None`): BERT exactly as transformers computes it (LayerNorm eps from config.json,
  exact erf GELU, scaled dot-product attention with padded keys masked) plus sentence-transformers' mean pooling;
- the same graph with `taps=True`: every linear layer's input is also an output, for calibration;
- the int8 graph (`quant=Quant(...)`): every linear layer but those in `keep_float` becomes a per-token int8
  product. Each token's row r gets one scale, max|r| / act_levels, so a text's vector never depends on which texts
  share its batch; each weight column one scale, max|w| / 127.

Layout, chosen for speed on 2-core CPUs: hidden states stay 2-d (tokens, features) between layers; query, key and
value are one linear layer (one quantisation of its input, one wide product); attention, the residual + LayerNorm
and bias + GELU run as ONNX Runtime's fused contrib ops (MultiHeadAttention, SkipLayerNormalization, BiasGelu),
which also add each linear layer's bias. SmoothQuant (`smooth`) divides a linear layer's input channels by s and
multiplies its weight rows by s (exact in real arithmetic); for the attention output the division is folded into
the value projection's weights, so it costs nothing at run time.

Linear layers are named "layer<i>.qkv", "layer<i>.attn_out", "layer<i>.ffn_in", "layer<i>.ffn_out" (`linear_names`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from ..errors import QualkitError

LINEARS = ("qkv", "attn_out", "ffn_in", "ffn_out")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


@dataclass(frozen=True)
class BertConfig:
    hidden: int
    heads: int
    layers: int
    intermediate: int
    eps: float

    @classmethod
    def read(cls, model_path: Path) -> "BertConfig":
        try:
            c = json.loads((Path(model_path) / "config.json").read_text(encoding="utf-8"))
            if c.get("model_type") != "bert" or c.get("hidden_act") != "gelu" or \
                    c.get("position_embedding_type", "absolute") != "absolute":
                raise ValueError(f"not a plain BERT with GELU and absolute positions: {c.get('model_type')}, "
                                 f"{c.get('hidden_act')}, {c.get('position_embedding_type')}")
            return cls(hidden=int(c["hidden_size"]), heads=int(c["num_attention_heads"]),
                       layers=int(c["num_hidden_layers"]), intermediate=int(c["intermediate_size"]),
                       eps=float(c["layer_norm_eps"]))
        except (OSError, KeyError, ValueError) as e:
            raise QualkitError(f"{Path(model_path) / 'config.json'}: cannot build the fast encoder from it ({e})") \
                from None


@dataclass(frozen=True)
class Quant:
    """How int8 products are stored. act_levels: 127 (activations in [1, 255], zero point 128) or 63 ([1, 127],
    zero point 64: a pair of u8 x s8 products then stays inside int16, qualkit/embed/cpu.py). unsigned: weights
    stored as uint8 with zero point 128 (ONNX Runtime's u8 x u8 kernel)."""
    act_levels: int = 127
    unsigned: bool = False

    def __post_init__(self):
        if self.act_levels not in (63, 127):
            raise QualkitError(f"act_levels={self.act_levels}: per-token activations use 63 or 127 levels")


def load_weights(model_path: Path) -> dict[str, np.ndarray]:
    """The model's float32 tensors by their transformers names, without the 'bert.' prefix some exports carry."""
    from safetensors.numpy import load_file

    path = Path(model_path) / "model.safetensors"
    try:
        w = load_file(str(path))
    except (OSError, ValueError) as e:
        raise QualkitError(f"{path}: cannot read the model's weights ({e})") from None
    return {k.removeprefix("bert."): np.asarray(v, dtype=np.float32) for k, v in w.items()}


def linear_names(config: BertConfig) -> list[str]:
    return [f"layer{i}.{k}" for i in range(config.layers) for k in LINEARS]


def linear_weights(w: Mapping[str, np.ndarray], config: BertConfig) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (W as (d_in, d_out), bias) for every linear layer; query, key and value side by side."""
    out = {}
    for i in range(config.layers):
        p = f"encoder.layer.{i}."
        att = p + "attention.self."
        out[f"layer{i}.qkv"] = (np.concatenate([w[att + k + ".weight"].T for k in ("query", "key", "value")], 1),
                                np.concatenate([w[att + k + ".bias"] for k in ("query", "key", "value")]))
        for name, key in (("attn_out", "attention.output.dense"), ("ffn_in", "intermediate.dense"),
                          ("ffn_out", "output.dense")):
            out[f"layer{i}.{name}"] = (w[p + key + ".weight"].T.copy(), w[p + key + ".bias"].copy())
    return out


def smooth_scales(xmax: Mapping[str, np.ndarray], lin: Mapping[str, tuple[np.ndarray, np.ndarray]],
                  alpha: float) -> dict[str, np.ndarray]:
    """SmoothQuant's per-input-channel s = xmax^alpha / wmax^(1 - alpha), from calibrated input maxima."""
    out = {}
    for name, (W, _b) in lin.items():
        wmax = np.maximum(np.abs(W).max(axis=1), 1e-5)
        out[name] = np.maximum(np.maximum(xmax[name], 1e-5) ** alpha / wmax ** (1 - alpha), 1e-5).astype(np.float32)
    return out


def quantise_weights(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-column int8: (q, scale) with w ~= q * scale, q in [-127, 127], scale shape (d_out,)."""
    scale = (np.maximum(np.abs(w).max(axis=0), 1e-12) / 127).astype(np.float32)
    return np.clip(np.rint(w / scale), -127, 127).astype(np.int8), scale


class _Graph:
    def __init__(self):
        from onnx import helper, numpy_helper

        self.h, self.nh = helper, numpy_helper
        self.nodes, self.inits, self.n = [], [], 0

    def const(self, name: str, value) -> str:
        self.inits.append(self.nh.from_array(np.asarray(value), name))
        return name

    def op(self, op_type: str, inputs: Sequence[str], name: str, n_out: int = 1, domain: str = "", **attrs):
        outs = [name] if n_out == 1 else [f"{name}:{k}" for k in range(n_out)]
        self.nodes.append(self.h.make_node(op_type, list(inputs), outs, name=name, domain=domain, **attrs))
        return outs[0] if n_out == 1 else outs


def build(model_path: Path, *, quant: Quant | None = None, smooth: Mapping[str, np.ndarray] | None = None,
          keep_float: Sequence[str] = (), taps: bool = False, weights: Mapping[str, np.ndarray] | None = None):
    """The encoder graph (onnx ModelProto): inputs input_ids, attention_mask, token_type_ids (batch, tokens) int64;
    output "embedding" (batch, hidden), mean-pooled over real tokens, not normalised. With `taps`, also one output
    per linear layer named "<linear>.x": its input (tokens of the whole batch, d_in), padding rows included.
    `smooth`: SmoothQuant scales by linear name (smooth_scales). `keep_float`: linear names left float32.
    Raises QualkitError naming the file when the model is not a BERT this builder knows."""
    from onnx import TensorProto, checker, helper

    model_path = Path(model_path)
    cfg = BertConfig.read(model_path)
    w = dict(weights) if weights is not None else load_weights(model_path)
    try:
        lin = linear_weights(w, cfg)
        emb = [w[f"embeddings.{k}_embeddings.weight"] for k in ("word", "position", "token_type")]
        ln = {"emb": (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])}
        for i in range(cfg.layers):
            for k, key in (("attn", "attention.output.LayerNorm"), ("ffn", "output.LayerNorm")):
                ln[f"layer{i}.{k}"] = (w[f"encoder.layer.{i}.{key}.weight"], w[f"encoder.layer.{i}.{key}.bias"])
    except KeyError as e:
        raise QualkitError(f"{model_path / 'model.safetensors'}: no tensor {e}: not a BERT model this builder "
                           "knows; use the reference embedder 'minilm'") from None
    unknown = set(keep_float) - set(lin)
    if unknown:
        raise QualkitError(f"keep_float names no linear layer: {sorted(unknown)} (known: layer<i>.{LINEARS})")
    smooth = dict(smooth or {})
    for i in range(cfg.layers):  # the attention output's division by s goes into the value projection
        s = smooth.get(f"layer{i}.attn_out")
        if s is not None:
            W, b = lin[f"layer{i}.qkv"]
            d = cfg.hidden
            W, b = W.copy(), b.copy()
            W[:, 2 * d:] /= s
            b[2 * d:] /= s
            lin[f"layer{i}.qkv"] = (W, b)

    g = _Graph()
    D = cfg.hidden
    ids, mask, types = INPUTS
    # embeddings: word + position + token type, then LayerNorm; hidden states kept as (tokens, D)
    width = g.op("Gather", [g.op("Shape", [ids], "ids_shape"), g.const("c_one_i", np.array(1, np.int64))], "width")
    positions = g.op("Range", [g.const("c_zero_i", np.array(0, np.int64)), width, "c_one_i"], "positions")
    x = g.op("Add", [g.op("Gather", [g.const("word_emb", emb[0]), ids], "word"),
                     g.op("Gather", [g.const("pos_emb", emb[1]), positions], "pos")], "emb_sum0")
    x = g.op("Add", [x, g.op("Gather", [g.const("type_emb", emb[2]), types], "type")], "emb_sum")
    shape3 = g.op("Concat", [g.op("Shape", [ids], "bs"), g.const("c_d", np.array([D], np.int64))], "shape3", axis=0)
    x = g.op("Reshape", [x, g.const("c_flat", np.array([-1, D], np.int64))], "emb_flat")
    h = g.op("LayerNormalization", [x, g.const("ln_emb_g", ln["emb"][0]), g.const("ln_emb_b", ln["emb"][1])],
             "ln_emb", axis=-1, epsilon=cfg.eps)
    pad_mask = g.op("Cast", [mask], "key_padding_mask", to=TensorProto.INT32)
    outputs = []
    if quant is not None:  # the per-token quantisation's constants, shared by every int8 product
        zp = 64 if quant.act_levels == 63 else 128
        zp_vec, zp0 = g.const("act_zp", np.array([zp], np.uint8)), g.const("act_zp0", np.array(zp, np.uint8))
        inv_levels = g.const("act_inv_levels", np.array(1.0 / quant.act_levels, np.float32))
        eps, one = g.const("act_eps", np.array(1e-8, np.float32)), g.const("c_one_f", np.array(1.0, np.float32))
        last = g.const("c_last", np.array([-1], np.int64))

    def linear(x: str, name: str) -> str:
        W, _b = lin[name]
        if taps:
            outputs.append(helper.make_tensor_value_info(g.op("Identity", [x], f"{name}.x"), TensorProto.FLOAT,
                                                         ["tokens", W.shape[0]]))
        s = smooth.get(name)
        if s is not None:
            W = W * s[:, None]
            if not name.endswith(".attn_out"):  # attn_out's division sits in the value projection
                x = g.op("Mul", [x, g.const(f"{name}.inv_s", (1.0 / s).astype(np.float32))], f"{name}.xs")
        if quant is None or name in keep_float:
            return g.op("MatMul", [x, g.const(f"{name}.w", W.astype(np.float32))], f"{name}.y")
        q, scale = quantise_weights(W)
        if quant.unsigned:
            wq, wzp = (q.astype(np.int16) + 128).astype(np.uint8), np.full(q.shape[1], 128, np.uint8)
        else:
            wq, wzp = q, np.zeros(q.shape[1], np.int8)
        amax = g.op("Max", [g.op("ReduceMax", [x], f"{name}.max", axes=[1], keepdims=0),
                            g.op("Neg", [g.op("ReduceMin", [x], f"{name}.min", axes=[1], keepdims=0)], f"{name}.nmin"),
                            eps], f"{name}.amax")
        r = g.op("Mul", [amax, inv_levels], f"{name}.r")
        zp_rows = g.op("Expand", [zp_vec, g.op("Shape", [r], f"{name}.n")], f"{name}.zp")
        xq = g.op("QuantizeLinear", [x, r, zp_rows], f"{name}.q", axis=0)
        y = g.op("MatMulIntegerToFloat", [xq, g.const(f"{name}.wq", wq), one, g.const(f"{name}.ws", scale), zp0,
                                          g.const(f"{name}.wzp", wzp)], f"{name}.mm", domain="com.microsoft")
        return g.op("Mul", [y, g.op("Unsqueeze", [r, last], f"{name}.rc")], f"{name}.y")

    for i in range(cfg.layers):
        p = f"layer{i}"
        qkv = linear(h, f"{p}.qkv")
        parts = g.op("Split", [qkv, g.const(f"{p}.split_sizes", np.array([D, D, D], np.int64))], f"{p}.split", n_out=3,
                 axis=1)
        q3, k3, v3 = (g.op("Reshape", [t, shape3], f"{p}.{n}3") for t, n in zip(parts, "qkv"))
        ctx = g.op("MultiHeadAttention", [q3, k3, v3, g.const(f"{p}.qkv_b", lin[f"{p}.qkv"][1]), pad_mask],
                   f"{p}.mha", domain="com.microsoft", num_heads=cfg.heads)
        ctx = g.op("Reshape", [ctx, "c_flat"], f"{p}.ctx")
        a = linear(ctx, f"{p}.attn_out")
        h1 = g.op("SkipLayerNormalization", [a, h, g.const(f"{p}.ln_attn_g", ln[f"{p}.attn"][0]),
                                             g.const(f"{p}.ln_attn_b", ln[f"{p}.attn"][1]),
                                             g.const(f"{p}.attn_out.b", lin[f"{p}.attn_out"][1])],
                  f"{p}.ln_attn", domain="com.microsoft", epsilon=cfg.eps)
        f = g.op("BiasGelu", [linear(h1, f"{p}.ffn_in"), g.const(f"{p}.ffn_in.b", lin[f"{p}.ffn_in"][1])],
                 f"{p}.gelu", domain="com.microsoft")
        h = g.op("SkipLayerNormalization", [linear(f, f"{p}.ffn_out"), h1, g.const(f"{p}.ln_ffn_g", ln[f"{p}.ffn"][0]),
                                            g.const(f"{p}.ln_ffn_b", ln[f"{p}.ffn"][1]),
                                            g.const(f"{p}.ffn_out.b", lin[f"{p}.ffn_out"][1])],
                 f"{p}.ln_ffn", domain="com.microsoft", epsilon=cfg.eps)
    # mean pooling over real tokens (sentence-transformers' Pooling), normalised by the caller
    m = g.op("Unsqueeze", [g.op("Cast", [mask], "mask_f", to=TensorProto.FLOAT),
                           g.const("c_last_pool", np.array([-1], np.int64))], "mask3")
    summed = g.op("ReduceSum", [g.op("Mul", [g.op("Reshape", [h, shape3], "hidden3"), m], "masked"),
                                g.const("c_axis1", np.array([1], np.int64))], "summed", keepdims=0)
    count = g.op("Max", [g.op("ReduceSum", [m, "c_axis1"], "count", keepdims=0),
                         g.const("c_tiny", np.array(1e-9, np.float32))], "count_min")
    g.op("Div", [summed, count], "embedding")
    graph = helper.make_graph(
        g.nodes, "all-MiniLM-L6-v2", [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
                                      for n in INPUTS],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", D])] + outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)],
                              producer_name="qualkit")
    model.ir_version = 8
    checker.check_model(model)
    return model
