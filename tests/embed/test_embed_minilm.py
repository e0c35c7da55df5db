import socket

import numpy as np
import pytest

from fakes import CountingEmbedder
from qualkit.embed import MemoryCache, embed_texts, get_embedder

pytestmark = pytest.mark.slow


@pytest.fixture
def no_network(monkeypatch):
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and self.family != socket.AF_UNIX:
            raise AssertionError(f"network access attempted: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def test_minilm_offline_384_normalised_and_cached(no_network):
    emb = get_embedder("minilm")
    assert emb.model_id == "sentence-transformers/all-MiniLM-L6-v2" and emb.dim == 384
    counting = CountingEmbedder(emb)
    cache = MemoryCache()
    v = embed_texts(["The inbox is exhausting.", "Patients should know AI drafted the reply."], counting, cache)
    assert v.shape == (2, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-4)
    assert counting.encoded == 2
    v2 = embed_texts(["The inbox is exhausting.", "Patients should know AI drafted the reply."], counting, cache)
    assert counting.encoded == 2  # second call embedded nothing
    np.testing.assert_array_equal(v, v2)
    # meaning, not just words: related sentences are closer than unrelated ones
    a, b, c = emb.encode(["I am exhausted by my inbox", "Too many patient messages burn me out", "The cat sat"])
    assert a @ b > a @ c
