"""The fast encoder's ONNX graph rewrite: every linear layer's MatMul becomes a per-token int8 product.

Only onnx and numpy are needed (export time). Each MatMul(x, W) whose W is a 2-d float initializer, except those
named in `keep_float`, becomes, on x flattened to (rows, d_in):
    r = max|row| / 127 (one scale per token), q = QuantizeLinear(x, r, 128) along axis 0 (uint8),
    y = MatMulIntegerToFloat(q, Wq, 1, w_scale, 128) * r, reshaped back to (..., d_out)
with Wq = round(W / w_scale) per output column, w_scale = max|W[:, j]| / `levels`. Why per token: one scale
per tensor (ONNX Runtime's DynamicQuantizeLinear) spans the whole batch, so a text's vector depended on which
texts shared its batch. Why `levels`: 127 uses the full int8 range; 64 ("reduced range") keeps every pair of
u8 x s8 products under the int16 limit of the AVX2 kernels (qualkit/embed/cpu.py), so every CPU sums exactly.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import QualkitError


def linear_matmuls(model) -> list:
    """The MatMul nodes of `model` whose second input is a 2-d initializer (the linear layers), in graph order."""
    weights = {w.name: w for w in model.graph.initializer}
    return [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in weights
            and len(weights[n.input[1]].dims) == 2]


def quantise_weights(w: np.ndarray, levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-column int8: (q, scale) with w ~= q * scale, q in [-levels, levels], scale shape (d_out,)."""
    scale = np.maximum(np.abs(w).max(axis=0), 1e-12).astype(np.float32) / levels
    q = np.clip(np.rint(w / scale), -levels, levels).astype(np.int8)
    return q, scale


def quantise_per_token(model, *, levels: int = 127, unsigned: bool = False, keep_float: Sequence[str] = ()):
    """Rewrite `model` (an onnx ModelProto, in place; also returned) as described in the module docstring.

    `unsigned` stores the weights as uint8 with zero point 128 (the same integers shifted, so the same products):
    ONNX Runtime then runs its u8 x u8 kernel, which on AVX2 widens to int16 before multiplying and never saturates.
    `keep_float`: substrings of MatMul node names that stay float32; each must match exactly one linear MatMul,
    else QualkitError (the exporter renamed its nodes and the recipe needs a look). Raises QualkitError if the
    graph has no linear MatMul at all.
    """
    from onnx import helper, numpy_helper

    if not 1 <= levels <= 127:
        raise QualkitError(f"levels={levels}: int8 weights need 1 <= levels <= 127")
    g = model.graph
    linear = linear_matmuls(model)
    if not linear:
        raise QualkitError("no linear MatMul (MatMul by a 2-d initializer) in the graph: nothing to quantise")
    for key in keep_float:
        found = [n.name for n in linear if key in n.name]
        if len(found) != 1:
            raise QualkitError(f"expected one linear MatMul named like {key!r}, found {found}; the ONNX exporter's "
                               "node names changed: update FLOAT_LAYERS in qualkit/embed/onnx_export.py")
    weights = {w.name: w for w in g.initializer}
    g.initializer.extend([numpy_helper.from_array(np.array(v, dtype), name) for name, v, dtype in (
        ("pt_inv127", 1 / 127, np.float32), ("pt_eps", 1e-8, np.float32), ("pt_one", 1.0, np.float32),
        ("pt_zp", [128], np.uint8), ("pt_zp0", 128, np.uint8), ("pt_start", [0], np.int64),
        ("pt_last", [-1], np.int64))])
    replaced: dict[str, list] = {}
    for n in linear:
        if any(key in n.name for key in keep_float):
            continue
        x, w_name, p = n.input[0], n.input[1], n.name
        q, scale = quantise_weights(numpy_helper.to_array(weights[w_name]).astype(np.float32), levels)
        d_in, d_out = q.shape
        if unsigned:
            wq, wzp = (q.astype(np.int16) + 128).astype(np.uint8), np.full(d_out, 128, np.uint8)
        else:
            wq, wzp = q, np.zeros(d_out, np.int8)
        g.initializer.extend([numpy_helper.from_array(wq, p + "_wq"), numpy_helper.from_array(scale, p + "_ws"),
                              numpy_helper.from_array(wzp, p + "_wzp"),
                              numpy_helper.from_array(np.array([-1, d_in], np.int64), p + "_flat"),
                              numpy_helper.from_array(np.array([d_out], np.int64), p + "_out")])
        replaced[n.output[0]] = [
            helper.make_node("Reshape", [x, p + "_flat"], [p + "_x"], name=p + "_x"),
            helper.make_node("ReduceMax", [p + "_x"], [p + "_max"], name=p + "_max", axes=[1], keepdims=0),
            helper.make_node("ReduceMin", [p + "_x"], [p + "_min"], name=p + "_min", axes=[1], keepdims=0),
            helper.make_node("Neg", [p + "_min"], [p + "_nmin"], name=p + "_nmin"),
            helper.make_node("Max", [p + "_max", p + "_nmin", "pt_eps"], [p + "_amax"], name=p + "_amax"),
            helper.make_node("Mul", [p + "_amax", "pt_inv127"], [p + "_r"], name=p + "_r"),
            helper.make_node("Shape", [p + "_r"], [p + "_n"], name=p + "_n"),
            helper.make_node("Expand", ["pt_zp", p + "_n"], [p + "_zp"], name=p + "_zp"),
            helper.make_node("QuantizeLinear", [p + "_x", p + "_r", p + "_zp"], [p + "_q"], name=p + "_q", axis=0),
            helper.make_node("MatMulIntegerToFloat", [p + "_q", p + "_wq", "pt_one", p + "_ws", "pt_zp0",
                                                      p + "_wzp"], [p + "_y"], name=p + "_mm",
                             domain="com.microsoft"),
            helper.make_node("Unsqueeze", [p + "_r", "pt_last"], [p + "_rc"], name=p + "_rc"),
            helper.make_node("Mul", [p + "_y", p + "_rc"], [p + "_ys"], name=p + "_ys"),
            helper.make_node("Shape", [x], [p + "_shape"], name=p + "_shape"),
            helper.make_node("Slice", [p + "_shape", "pt_start", "pt_last"], [p + "_lead"], name=p + "_lead"),
            helper.make_node("Concat", [p + "_lead", p + "_out"], [p + "_yshape"], name=p + "_yshape", axis=0),
            helper.make_node("Reshape", [p + "_ys", p + "_yshape"], [n.output[0]], name=p + "_y3")]
    nodes = []  # keyed by output name, which is unique in a valid graph (node names need not be)
    for n in g.node:  # each replacement goes where its MatMul was: the graph stays topologically sorted
        nodes += replaced.get(n.output[0], [n]) if n.output else [n]
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    kept = [w for w in g.initializer if w.name in used]  # the float weights of quantised layers are dropped
    del g.initializer[:]
    g.initializer.extend(kept)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    from onnx import checker
    checker.check_model(model)
    return model
