"""The per-token int8 rewrite on a tiny synthetic graph: same function to int8 precision, batch-independent,
weights in range, the float layers kept, and the signed and unsigned weight layouts giving the same numbers."""
from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from qualkit.embed.onnx_graph import linear_matmuls, quantise_per_token, quantise_weights  # noqa: E402
from qualkit.errors import QualkitError  # noqa: E402

RNG = np.random.default_rng(0)
W1 = RNG.normal(size=(8, 6)).astype(np.float32)
B1 = RNG.normal(size=6).astype(np.float32)
W2 = RNG.normal(size=(6, 4)).astype(np.float32)


def tiny():
    """x (batch, tokens, 8) -> MatMul W1 -> Add b1 -> Relu -> MatMul W2 -> y (batch, tokens, 4)."""
    nodes = [helper.make_node("MatMul", ["x", "W1"], ["h"], name="/layer.0/dense/MatMul"),
             helper.make_node("Add", ["h", "b1"], ["hb"], name="/layer.0/dense/Add"),
             helper.make_node("Relu", ["hb"], ["r"], name="/layer.0/act"),
             helper.make_node("MatMul", ["r", "W2"], ["y"], name="/layer.0/output/MatMul")]
    graph = helper.make_graph(
        nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", "t", 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["b", "t", 4])],
        [numpy_helper.from_array(W1, "W1"), numpy_helper.from_array(B1, "b1"), numpy_helper.from_array(W2, "W2")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def run(model, x):
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, {"x": x})[0]


def reference(x):
    return np.maximum(x @ W1 + B1, 0) @ W2


def test_rewrite_replaces_every_linear_matmul_and_keeps_the_function():
    model = quantise_per_token(tiny())
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("MatMulIntegerToFloat") == 2 and not linear_matmuls(model)
    assert {w.name for w in model.graph.initializer}.isdisjoint({"W1", "W2"})  # the float weights are gone
    x = RNG.normal(size=(3, 5, 8)).astype(np.float32)
    y, ref = run(model, x), reference(x)
    assert y.shape == ref.shape == (3, 5, 4)
    assert np.abs(y - ref).max() < 0.05 * np.abs(ref).max()  # int8 precision, not another function


def test_a_tokens_result_does_not_depend_on_its_batch():
    model = quantise_per_token(tiny())
    x = RNG.normal(size=(4, 6, 8)).astype(np.float32)
    x[0] *= 50  # one batch member with huge activations: a per-tensor scale would coarsen everyone else
    together = run(model, x)
    alone = np.concatenate([run(model, x[i:i + 1]) for i in range(4)])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_signed_and_unsigned_weights_compute_the_same_numbers():
    x = RNG.normal(size=(2, 7, 8)).astype(np.float32)
    signed = run(quantise_per_token(tiny()), x)
    unsigned_model = quantise_per_token(tiny(), unsigned=True)
    assert {numpy_helper.to_array(w).dtype for w in unsigned_model.graph.initializer if w.name.endswith("_wq")} \
        == {np.dtype(np.uint8)}
    np.testing.assert_allclose(run(unsigned_model, x), signed, atol=1e-5)


def test_weights_stay_within_the_levels_asked_for():
    q, scale = quantise_weights(W1, levels=64)
    assert q.min() >= -64 and q.max() <= 64 and {q.min(), q.max()} & {-64, 64}
    np.testing.assert_allclose(q * scale, W1, atol=scale.max())
    model = quantise_per_token(tiny(), levels=64)
    for w in model.graph.initializer:
        if w.name.endswith("_wq"):
            assert np.abs(numpy_helper.to_array(w).astype(int)).max() <= 64


def test_keep_float_keeps_exactly_that_layer():
    model = quantise_per_token(tiny(), keep_float=("/layer.0/output/",))
    assert [n.name for n in linear_matmuls(model)] == ["/layer.0/output/MatMul"]
    assert [n.op_type for n in model.graph.node].count("MatMulIntegerToFloat") == 1


def test_a_renamed_float_layer_is_an_error_not_a_silent_int8_layer():
    with pytest.raises(QualkitError, match=r"expected one linear MatMul named like '/layer.9/', found \[\]"):
        quantise_per_token(tiny(), keep_float=("/layer.9/",))


def test_a_graph_without_linear_layers_is_refused():
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    with pytest.raises(QualkitError, match="no linear MatMul"):
        quantise_per_token(helper.make_model(graph))
