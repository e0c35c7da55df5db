"""Exact cosine nearest neighbours for UMAP, computed with one matrix product per block of rows.

UMAP finds each point's neighbours itself: below 4,096 points by calling a numba distance function once per
pair from Python (minutes at a few thousand segments), above with pynndescent's approximate search, whose
numba code is compiled anew in every process (30-90 s on two cores) and cannot be cached. On unit sentence
vectors the exact answer is a few matrix products away, so qualkit computes it and hands it to UMAP as
`precomputed_knn`: faster at every size, exact rather than approximate, and deterministic.
"""
from __future__ import annotations

import numpy as np

BLOCK_ROWS = 2048  # rows of the similarity matrix held at once (2048 x n float32)


def cosine_neighbours(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances), each (n, k): every point's k nearest points by cosine distance (1 - cosine), the
    point itself first (distance 0), then nearest first; ties go to the lower index. Needs 1 <= k <= n."""
    x = np.asarray(vectors, dtype=np.float32)
    n = len(x)
    if not 1 <= k <= n:
        raise ValueError(f"k={k} neighbours is impossible for {n} points")
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for lo in range(0, n, BLOCK_ROWS):
        rows = np.arange(lo, min(lo + BLOCK_ROWS, n))
        sims = x[rows] @ x.T
        sims[np.arange(len(rows)), rows] = np.inf  # the point itself comes first whatever its duplicates
        if k < n:
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(n), (len(rows), n)).copy()
        top.sort(axis=1)  # index order first, so the stable sort below breaks ties by the lower index
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        indices[rows] = np.take_along_axis(top, order, axis=1)
        best = np.take_along_axis(top_sims, order, axis=1)
        best[:, 0] = 1.0  # the point itself
        distances[rows] = np.maximum(1.0 - best, 0.0)
    return indices, distances
