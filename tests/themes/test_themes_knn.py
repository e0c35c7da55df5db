"""Exact cosine neighbours handed to UMAP: equal to brute force, the point itself first, ties by index."""
import numpy as np
import pytest

from qualkit.themes import knn
from qualkit.themes.knn import cosine_neighbours


def _brute(x, k):
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    d = 1.0 - x @ x.T
    np.fill_diagonal(d, -1.0)  # self first
    idx = np.argsort(d, axis=1, kind="stable")[:, :k]
    return idx, np.maximum(np.take_along_axis(d, idx, axis=1), 0.0)


@pytest.mark.parametrize("n,k,block", [(50, 5, 2048), (300, 15, 64), (40, 40, 7)])
def test_matches_brute_force_across_blocks(monkeypatch, n, k, block):
    monkeypatch.setattr(knn, "BLOCK_ROWS", block)
    x = np.random.default_rng(n).normal(size=(n, 24))
    idx, dist = cosine_neighbours(x, k)
    ref_idx, ref_dist = _brute(x.astype(np.float64), k)
    assert idx.shape == dist.shape == (n, k)
    assert (idx[:, 0] == np.arange(n)).all() and (dist[:, 0] == 0).all()
    np.testing.assert_allclose(dist, ref_dist, atol=1e-5)
    assert (idx == ref_idx).mean() > 0.99  # float32 vs float64 may swap near-equal neighbours
    assert (np.diff(dist, axis=1) >= 0).all()


def test_duplicates_keep_themselves_first_and_ties_go_to_the_lower_index():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    idx, dist = cosine_neighbours(x, 3)
    assert idx[0].tolist() == [0, 2, 3]
    assert idx[2].tolist() == [2, 0, 3]
    assert idx[3].tolist() == [3, 0, 2]
    assert dist[3].tolist() == [0.0, 0.0, 0.0]


def test_k_out_of_range_is_an_error():
    with pytest.raises(ValueError, match="k=4 neighbours is impossible for 3 points"):
        cosine_neighbours(np.eye(3), 4)
