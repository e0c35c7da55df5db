"""The Clusterer protocol and registry: built-ins and a plug-in are chosen the same way, by name."""
from __future__ import annotations

import numpy as np
import pytest
from fakes import FakeEmbedder
from themes_corpus import make_corpus

from qualkit.errors import QualkitError
from qualkit.themes import discover_themes
from qualkit.themes.clustering import (ClusterFit, Clusterer, ClusterOptions, _REGISTRY, available_clusterers,
                                       get_clusterer, register_clusterer)


def test_built_in_clusterers_are_registered_and_satisfy_the_protocol():
    assert {"auto", "bertopic", "agglomerative", "kmeans"} <= set(available_clusterers())
    for name in available_clusterers():
        assert isinstance(get_clusterer(name, ClusterOptions()), Clusterer)


def test_unknown_clusterer_lists_the_valid_ones():
    with pytest.raises(QualkitError, match=r"unknown clustering 'spectral'; choose one of: agglomerative, auto"):
        get_clusterer("spectral")


def test_a_plug_in_clusterer_is_used_by_name_and_recorded(monkeypatch):
    class Halves:
        def __init__(self, options):
            self.options = options

        def fit(self, texts, embeddings, *, seed):
            labels = (np.arange(len(texts)) >= len(texts) // 2).astype(int)
            return ClusterFit(labels, "halves", {"algorithm": "halves", "seed": seed}, ("split in two halves",))

    monkeypatch.setitem(_REGISTRY, "halves", Halves)
    register_clusterer("halves", Halves)
    segments, emb, _ = make_corpus()
    res = discover_themes(segments, emb, seed=7, params={"clustering": "halves"})
    assert res.method == "halves" and len(res.themes) == 2
    assert res.run.params["clustering_info"] == {"algorithm": "halves", "seed": 7}
    assert "split in two halves" in res.notes


def test_unregistered_clustering_name_is_refused_with_the_valid_names():
    segments, emb, _ = make_corpus()
    with pytest.raises(QualkitError, match=r"clustering='spectral' is not one of agglomerative, auto"):
        discover_themes(segments, emb, params={"clustering": "spectral"})


def test_an_encoder_error_is_not_hidden(codebook):
    """labels.encode used to catch TypeError and retry another signature: a real encoder bug vanished."""
    class Broken(FakeEmbedder):
        def encode(self, texts):
            if len(texts) < 20:  # the segments were embedded already; keywords and codes are embedded here
                raise TypeError("broken encoder")
            return super().encode(texts)

    segments, emb, _ = make_corpus()
    with pytest.raises(TypeError, match="broken encoder"):
        discover_themes(segments, emb, codebook=codebook, embedding_model=Broken(dim=32),
                        params={"clustering": "agglomerative", "mode": "all"})


def test_embedding_model_must_be_a_qualkit_embedder():
    class Bare:  # like a SentenceTransformer: encode, but no model_id or dim
        def encode(self, texts, **kw):
            return np.ones((len(texts), 4))

    segments, emb, _ = make_corpus()
    with pytest.raises(QualkitError, match=r"embedding_model must be a qualkit Embedder .* not Bare: wrap a "
                                           r"SentenceTransformer in qualkit.embed.SentenceTransformerEmbedder"):
        discover_themes(segments, emb, embedding_model=Bare(), params={"clustering": "agglomerative"})


def test_topics_are_numbered_by_size_as_bertopic_numbers_them():
    from qualkit.themes.cluster import by_size

    labels = np.array([5, -1, 2, 2, 7, 2, 7, -1, 5, 7, 9])  # sizes 5: 2, 2: 3, 7: 3, 9: 1
    assert by_size(labels).tolist() == [2, -1, 0, 0, 1, 0, 1, -1, 2, 1, 3]  # equal sizes: first seen first
    assert by_size(np.array([-1, -1])).tolist() == [-1, -1]
