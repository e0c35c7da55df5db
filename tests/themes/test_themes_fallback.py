"""The small-corpus fallback: never silent, recorded in run.params and notes."""
from __future__ import annotations

import numpy as np
import pytest
from themes_corpus import make_corpus

import qualkit.themes.cluster as cluster
from qualkit.themes import discover_themes
from qualkit.themes.clustering import BERTOPIC_MIN_SEGMENTS

ANY_SIZE = {"min_bertopic_segments": 0}  # these 48-segment corpora stand in for corpora where BERTopic is tried


def fake_bertopic(outlier_share):
    """A BERTopic stand-in: the first (1 - share) of segments alternate between topics 0 and 1, the rest are
    outliers."""
    calls = []

    def fit(texts, embeddings, **kwargs):
        calls.append(kwargs)
        n = len(texts)
        lab = np.full(n, -1)
        kept = n - int(round(outlier_share * n))
        lab[:kept] = np.arange(kept) % 2
        return lab, {"algorithm": "bertopic", "guidance": "none"}

    return fit, calls


def test_auto_falls_back_when_one_topic_swallows_most_segments(monkeypatch):
    segments, emb, _ = make_corpus()

    def fit(texts, embeddings, **kwargs):
        lab = np.zeros(len(texts), dtype=int)
        lab[:5] = 1  # two topics, no outliers, but one catch-all topic
        return lab, {"algorithm": "bertopic", "guidance": "none"}

    monkeypatch.setattr(cluster, "fit_bertopic", fit)
    res = discover_themes(segments, emb, seed=0, params=ANY_SIZE)
    assert res.method == "agglomerative"
    assert "the largest holding 90%" in res.run.params["clustering_info"]["fallback_reason"]


def test_auto_falls_back_when_hdbscan_leaves_most_segments_as_outliers(monkeypatch):
    segments, emb, truth = make_corpus()
    fit, calls = fake_bertopic(0.75)
    monkeypatch.setattr(cluster, "fit_bertopic", fit)
    res = discover_themes(segments, emb, seed=4, params=ANY_SIZE)
    assert calls and calls[0]["seed"] == 4
    assert res.method == "agglomerative"
    info = res.run.params["clustering_info"]
    assert info["fallback_reason"] == ("BERTopic/HDBSCAN left 75% of 48 segments as outliers with 2 topic(s), "
                                       "the largest holding 12% (limit 50%)")
    assert info["bertopic"]["outlier_share"] == 0.75
    assert info["k"] == 4 and info["k_chosen_by"] == "silhouette"
    assert any(n.startswith("fell back to agglomerative clustering: BERTopic/HDBSCAN left 75%") for n in res.notes)
    assert "fell back to agglomerative" in res.run.notes
    assert len(res.themes) == 4


def test_auto_keeps_bertopic_when_outliers_are_few(monkeypatch):
    segments, emb, _ = make_corpus()
    monkeypatch.setattr(cluster, "fit_bertopic", fake_bertopic(0.25)[0])
    res = discover_themes(segments, emb, params={"max_outlier_share": 0.5, **ANY_SIZE})
    assert res.method == "bertopic"
    assert "fallback_reason" not in res.run.params["clustering_info"]
    assert not any("fell back" in n for n in res.notes)


def test_explicit_bertopic_never_falls_back(monkeypatch):
    segments, emb, _ = make_corpus()
    monkeypatch.setattr(cluster, "fit_bertopic", fake_bertopic(0.9)[0])
    res = discover_themes(segments, emb, params={"clustering": "bertopic"})
    assert res.method == "bertopic"
    # 5 segments in two topics of 3 and 2 (the latter too small to be a theme), the rest outliers
    assert sum(v is None for v in res.assignments.values()) == 45


def test_kmeans_fallback_when_asked(monkeypatch):
    segments, emb, _ = make_corpus()
    monkeypatch.setattr(cluster, "fit_bertopic", fake_bertopic(0.9)[0])
    res = discover_themes(segments, emb, params={"fallback": "kmeans", **ANY_SIZE})
    assert res.method == "kmeans"
    assert "fell back to kmeans clustering" in res.notes[0]


def test_tiny_corpus_skips_umap_and_says_so(monkeypatch):
    segments, emb, _ = make_corpus(per_topic=4)  # 16 segments: fewer than UMAP's 15 neighbours + 2
    monkeypatch.setattr(cluster, "fit_bertopic", lambda *a, **k: pytest.fail("BERTopic must not run"))
    res = discover_themes(segments, emb, params=ANY_SIZE)
    assert res.method == "agglomerative"
    assert res.run.params["clustering_info"]["fallback_reason"] == (
        "16 segments are too few for UMAP/HDBSCAN (n_neighbors=15, min_topic_size=3)")
    assert any("fell back to agglomerative clustering: 16 segments are too few" in n for n in res.notes)
    assert len(res.themes) == 4


def test_small_corpus_goes_straight_to_the_fallback_and_says_so(monkeypatch):
    """Below the measured size BERTopic is not even fitted (no UMAP, no HDBSCAN): the sample study's themes in
    seconds, not the 12 s BERTopic took before being discarded."""
    segments, emb, _ = make_corpus()
    monkeypatch.setattr(cluster, "fit_bertopic", lambda *a, **k: pytest.fail("BERTopic must not run"))
    res = discover_themes(segments, emb)
    assert res.method == "agglomerative"
    reason = res.run.params["clustering_info"]["fallback_reason"]
    assert reason == (f"48 segments are fewer than {BERTOPIC_MIN_SEGMENTS}, below which BERTopic's topics depended "
                      "on the seed on the measured corpora; UMAP/BERTopic not run")
    assert any(n.startswith("fell back to agglomerative clustering: 48 segments are fewer than") for n in res.notes)
    assert len(res.themes) == 4


def test_fixed_k_is_recorded(monkeypatch):
    segments, emb, _ = make_corpus()
    res = discover_themes(segments, emb, params={"clustering": "agglomerative", "k": 2})
    assert res.run.params["clustering_info"] == {"algorithm": "agglomerative", "k": 2, "k_chosen_by": "fixed"}
    assert len(res.themes) == 2


def test_guided_mode_keeps_bertopic_and_says_why(monkeypatch, codebook):
    from fakes import FakeEmbedder

    segments, emb, _ = make_corpus()
    fit, calls = fake_bertopic(0.75)
    monkeypatch.setattr(cluster, "fit_bertopic", fit)
    res = discover_themes(segments, emb, codebook=codebook, embedding_model=FakeEmbedder(dim=32),
                          params={"mode": "guided"})
    assert calls[0]["zeroshot_topics"] == ["Export: Getting data out of the tool as files.",
                                           "Plots: Reading the charts and maps."]
    assert calls[0]["zeroshot_min_similarity"] == 0.3
    assert res.method == "bertopic"  # the fake reports no guidance; the real one reports bertopic+zeroshot
    assert any(n.startswith("guided BERTopic left 75% of 48 segments as outliers with 2 topic(s); kept it "
                            "because a fallback would drop the codebook guidance") for n in res.notes)


@pytest.mark.parametrize("n", [300, cluster.SILHOUETTE_SAMPLE + 200])
def test_silhouette_choice_matches_sklearns_own_sampled_silhouette(n):
    """The distances are computed once for every k; the chosen k and score must be what sklearn gives per k."""
    from scipy.cluster.hierarchy import cut_tree, linkage
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(12, 16))
    x = centres[rng.integers(0, 12, n)] + 0.6 * rng.normal(size=(n, 16))
    lab, info = cluster.fit_fallback(x, seed=5, k_min=4, k_max=14)
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    ks = list(range(info["k_range"][0], info["k_range"][1] + 1))
    cuts = cut_tree(linkage(unit, method="ward"), n_clusters=ks).T
    sample = {"sample_size": cluster.SILHOUETTE_SAMPLE, "random_state": 5} if n > cluster.SILHOUETTE_SAMPLE else {}
    scores = [silhouette_score(unit, c, metric="cosine", **sample) for c in cuts]
    assert info["k"] == ks[int(np.argmax(scores))]
    assert info["silhouette"] == pytest.approx(max(scores), abs=1e-4)
    assert ("silhouette_sample" in info) == bool(sample)


@pytest.mark.parametrize("n,block", [(3, 512), (257, 64), (900, 512)])
def test_ward_tree_is_scipys_ward_linkage(n, block):
    """Distances from matrix products (in blocks of rows) give scipy's own tree: same heights, same cuts."""
    from scipy.cluster.hierarchy import cut_tree, linkage

    rng = np.random.default_rng(n)
    x = rng.normal(size=(12, 32))[rng.integers(0, 12, n)] + 0.5 * rng.normal(size=(n, 32))
    x[-1] = x[0]  # a duplicate text: distance exactly 0 in scipy, must stay >= 0 here
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    ours, theirs = cluster.ward_tree(x, block=block), linkage(x, method="ward")
    np.testing.assert_allclose(ours[:, 2], theirs[:, 2], atol=1e-6)
    ks = list(range(1, min(n, 30)))
    assert (cut_tree(ours, n_clusters=ks) == cut_tree(theirs, n_clusters=ks)).all()


@pytest.mark.parametrize("n", [2, 3, 60, 1500])
def test_cut_levels_gives_scipys_cut_tree_partitions(n):
    from scipy.cluster.hierarchy import cut_tree

    rng = np.random.default_rng(n)
    x = rng.normal(size=(n, 8))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    tree = cluster.ward_tree(x)
    ks = sorted({1, n, *rng.integers(1, n + 1, 6).tolist()})
    ours = cluster.cut_levels(tree, ks)
    for k, theirs in zip(ks, cut_tree(tree, n_clusters=ks).T):
        # same partition: the pairs (ours, theirs) are one-to-one
        assert len(set(ours[k].tolist())) == k
        assert len(set(zip(ours[k].tolist(), theirs.tolist()))) == k


def test_cut_levels_with_duplicate_texts_nests_and_keeps_duplicates_together():
    """Identical vectors merge at height 0, a tie scipy's cut_tree orders its own way; any tie order is a valid
    tree cut, so here the cuts must just have k clusters, nest, and never split two identical texts above k=n/2."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 8))
    x[20:] = x[:20]
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    cuts = cluster.cut_levels(cluster.ward_tree(x), list(range(1, 41)))
    for k in range(1, 40):
        assert len(set(cuts[k].tolist())) == k
        assert len(set(zip(cuts[k + 1].tolist(), cuts[k].tolist()))) == k + 1  # level k merges level k+1's sets
    for k in range(1, 21):
        assert (cuts[k][:20] == cuts[k][20:]).all()
