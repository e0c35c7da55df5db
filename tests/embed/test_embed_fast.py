"""The "minilm-fast" encoder: offline, 384-d unit rows, close to the reference; and the benchmark smoke run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qualkit.errors import QualkitError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_transcripts"


def _texts(n: int = 50) -> list[str]:
    """Real participant turns from the sample study, short and long, plus a few one-liners int8 handles worst."""
    from qualkit.ingest import iter_files, read_file
    from qualkit.segment import segment_transcript

    texts = ["Thank you!", "No, that's all.", ":)"]
    for f in iter_files([str(SAMPLE)]):
        for t in read_file(f):
            texts += [s.text for s in segment_transcript(t, "turn") if s.role == "participant"]
    return list(dict.fromkeys(texts))[:n]


@pytest.fixture(scope="module")
def fast():
    import logging

    from qualkit.embed.fast import minilm_fast
    # The default cache (~/.cache/qualkit) is reused when present so the test does not pay the export each run.
    env, level = dict(os.environ), logging.getLogger().level
    e = minilm_fast()
    e.encode(["export it if needed", "Thank you!"])
    assert dict(os.environ) == env and logging.getLogger().level == level  # library code leaves global state alone
    return e


def test_fast_encoder_is_registered_by_name():
    from qualkit.embed import DEFAULT_EMBEDDER, MINILM_ID, available_embedders, get_embedder
    from qualkit.embed.cpu import instruction_set
    from qualkit.embed.fast import FastMiniLMEmbedder

    e = get_embedder("minilm-fast")
    assert isinstance(e, FastMiniLMEmbedder) and e.dim == 384
    # the recipe and the CPU kind are in the id, so a project's cache never mixes two recipes' vectors
    assert e.model_id == f"{MINILM_ID}+onnx-{e.recipe}-v7@{instruction_set()}"
    assert e.model_id != get_embedder("minilm").model_id  # the caches of the two must never mix
    assert "minilm" in available_embedders()
    assert DEFAULT_EMBEDDER == "minilm-fast" and isinstance(get_embedder(), FastMiniLMEmbedder)


def test_missing_model_folder_names_the_problem(tmp_path):
    from qualkit.embed.fast import FastMiniLMEmbedder

    with pytest.raises(QualkitError, match=r"no model at .*tokenizer\.json"):
        FastMiniLMEmbedder(tmp_path)


def test_empty_input_gives_empty_array_without_loading(tmp_path):
    from qualkit.embed.fast import minilm_fast

    e = minilm_fast(cache_dir=tmp_path)
    out = e.encode([])
    assert out.shape == (0, 384) and out.dtype == np.float32
    assert not any(tmp_path.iterdir())  # nothing exported for nothing


@pytest.mark.slow
def test_fast_encoder_offline_unit_vectors_close_to_reference(fast, monkeypatch):
    """The guarantee on the CPU this runs on (CI's included): cosine >= 0.99 to the reference on real texts."""
    import socket

    from qualkit.embed import minilm

    def no_network(*a, **k):
        raise AssertionError("the fast encoder tried to use the network")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    texts = _texts()
    assert len(texts) >= 40
    vecs = fast.encode(texts)
    assert vecs.shape == (len(texts), 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    ref = minilm().encode(texts)
    cos = (vecs * ref).sum(axis=1)
    worst = int(cos.argmin())
    from qualkit.embed.cpu import relevant_flags
    assert cos.min() >= 0.99, (f"cosine {cos.min():.4f} to the reference for {texts[worst][:80]!r} with recipe "
                               f"{fast.recipe} on CPU {fast.isa} (flags {relevant_flags()})")
    # Input order is kept even though batches are length-sorted.
    again = fast.encode(list(reversed(texts[:10])))
    assert ((again[::-1] * vecs[:10]).sum(axis=1) > 0.99).all()


@pytest.mark.slow
def test_export_keeps_the_outlier_layer_in_float32(fast):
    """Every linear layer is int8 but FLOAT_LAYERS: quantising the first feed-forward output put a real Anthropic
    answer at cosine 0.986 to the reference; in float32 it is above 0.99."""
    import onnx

    from qualkit.embed.onnx_export import FLOAT_LAYERS

    if fast.recipe == "fp32":
        pytest.fail(f"no int8 recipe passed the export check on this CPU ({fast.isa}): {fast.export_info}")
    graph = onnx.load(str(fast.export_dir / "model.int8.onnx")).graph
    float_linear = [n.name for n in graph.node if n.op_type == "MatMul"]
    int8_linear = [n.name for n in graph.node if n.op_type == "MatMulIntegerToFloat"]
    assert float_linear == [f"{FLOAT_LAYERS[0]}.y"]
    assert len(int8_linear) == 6 * 4 - 1  # six layers of qkv, attention output, intermediate, output


@pytest.mark.slow
def test_the_hardest_anthropic_answer_stays_close_to_the_reference(fast):
    """The text that int8 hurt most among 14,079 Anthropic answers (cosine 0.986 before FLOAT_LAYERS)."""
    import csv
    import re

    from qualkit.embed import minilm

    from shared_data import shared_path

    path = shared_path("benchmarks/anthropic-interviewer/all_transcripts.csv")
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as f:
        text = next(m.group(0).strip() for row in csv.DictReader(f)
                    for m in re.finditer(r"unless I need to be 100% of detailed.*", row["text"]))
    cos = float(fast.encode([text])[0] @ minilm().encode([text])[0])
    assert cos >= 0.99, cos


@pytest.mark.slow
def test_fast_encoder_vector_does_not_depend_on_its_batch(fast):
    """Activations are quantised per token, so a text's vector is the same whatever shares its batch.

    With ONNX Runtime's per-tensor DynamicQuantizeLinear this failed (cosine down to 0.997 between batchings)."""
    from qualkit.embed.fast import FastMiniLMEmbedder

    texts = _texts()
    vecs = fast.encode(texts)
    again = fast.encode(list(reversed(texts[:10])))
    np.testing.assert_allclose(again[::-1], vecs[:10], atol=1e-6)
    small = FastMiniLMEmbedder(fast.model_path, cache_dir=fast.cache_dir, batch_size=7)
    np.testing.assert_allclose(small.encode(texts[5:45]), vecs[5:45], atol=1e-6)
    one = np.vstack([fast.encode([t]) for t in texts[::5]])  # each text alone: no padding at all
    np.testing.assert_allclose(one, vecs[::5], atol=1e-6)


@pytest.mark.slow
def test_the_export_checked_itself_on_held_out_text(fast):
    from qualkit.embed.onnx_export import EXPORT_VERSION, HELD_OUT, VERIFY_MIN

    info = fast.export_info
    assert info["isa"] == fast.isa and info["version"] == EXPORT_VERSION
    assert info["check"]["texts"] > len(HELD_OUT) and info["check"]["fp32_vs_torch_worst"] >= 0.9999
    assert info["recipe"] == "fp32" or info["check"]["worst_cosine"] >= VERIFY_MIN
    assert fast.recipe in fast.model_id and fast.isa in fast.model_version


@pytest.mark.slow
def test_the_avx2_recipe_gives_this_machines_vectors(fast):
    """We cannot make ONNX Runtime run its AVX2 kernels on an AVX-512 machine (MLAS picks kernels from CPUID), but
    the AVX2 recipe (u8 x u8) sums exactly on every kernel: here it must give the same vectors as this CPU's
    recipe, so what is measured here is what an AVX2 machine computes."""
    from qualkit.embed.fast import minilm_fast

    if fast.isa not in ("amx", "avx512vnni", "avxvnni", "arm64"):
        pytest.skip(f"this CPU ({fast.isa}) runs the AVX2 recipe itself")
    avx2 = minilm_fast(isa="avx2")
    assert avx2.recipe == "int8-u8" and avx2.model_id != fast.model_id
    texts = _texts()
    np.testing.assert_allclose(avx2.encode(texts), fast.encode(texts), atol=2e-5)


@pytest.mark.slow
def test_run_all_quick_smoke(tmp_path):
    out = tmp_path / "run_all.json"
    p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--quick-fraction",
                        "0.004", "--repeats", "1", "--plain-sample", "64", "--json", str(out)],
                       capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-4000:]
    data = json.loads(out.read_text())
    for c in data["corpora"]:  # run_all turns a failing stage into a note: a smoke run with one is a failure
        notes = c["cold"]["notes"] + c["warm"]["notes"] + c["edit"].get("notes", [])
        failed = [n for n in notes if "FAILED" in n or n.startswith("report failed")]
        assert not failed, f"{c['corpus']}: {failed}"
        assert set(c["cold"]["seconds"]) >= {"ingest", "embed", "suggest", "themes", "report"}, c["cold"]["seconds"]
    names = [c["corpus"] for c in data["corpora"]]
    assert names == ["sample", "anthropic-0.4%"]
    for c in data["corpora"]:
        assert c["cold"]["counts"]["segments"] > 0
        assert c["overhead_ratio"] > 0 and c["warm_ratio"] > 0
        assert c["plain"]["segments_per_s"] > 0
        assert c["cold"]["seconds"]["embed"] > 0
        assert c["warm"]["counts"]["embedded"] == 0  # nothing changed: nothing re-encoded
    assert data["summary"]["startup_s"] > 0
    assert "scaling" not in data["summary"]  # one Anthropic fraction only
    assert "overhead ratio sample:" in p.stdout and "start-up `qualkit --help`" in p.stdout
