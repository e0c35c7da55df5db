"""Clustering algorithms: BERTopic (UMAP + HDBSCAN) and the small-corpus fallbacks (agglomerative, k-means).

clustering.py wraps them as registered Clusterers; the choice between them is made there.

Every function returns (labels, info): labels is an int array with -1 for outliers, info a dict of what was
done, recorded in `Run.params` by the caller.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.utils import check_random_state

from ..errors import QualkitError
from .jit_cache import cache_umap_compilation
from .knn import cosine_neighbours
from .labels import encode

SILHOUETTE_SAMPLE = 3000


def _backend(model):
    """BERTopic's `embedding_model` for a qualkit Embedder (or None): a BERTopic backend that calls its `encode`, so
    zero-shot topics are embedded offline by the encoder that embedded the segments (BERTopic would otherwise fall
    back to downloading a model by name). discover_themes has checked that `model` is an Embedder."""
    if model is None:
        return None
    from bertopic.backend import BaseEmbedder

    class QualkitBackend(BaseEmbedder):
        def embed(self, documents, verbose=False):
            return encode(model, documents)

    return QualkitBackend(embedding_model=model)


def fit_bertopic(texts: list[str], embeddings: np.ndarray, *, seed: int, min_topic_size: int,
                 n_neighbors: int = 15, n_components: int = 5, embedding_model=None,
                 zeroshot_topics: list[str] | None = None, zeroshot_min_similarity: float = 0.3,
                 seed_topics: list[list[str]] | None = None, nr_topics: int | None = None,
                 reduce_outliers: bool = False) -> tuple[np.ndarray, dict]:
    """BERTopic's clustering over precomputed embeddings (UMAP seeded by `seed`, then HDBSCAN).

    Guidance (zero-shot or seed topics) needs `embedding_model`: BERTopic silently ignores it otherwise, so we
    refuse instead. The embeddings are copied because seeded fitting edits the array in place.

    Without guidance, topic merging or outlier reduction, BERTopic's topics are HDBSCAN's clusters of UMAP's
    projection, numbered by size (its c-TF-IDF and representations are not used here: labels.py labels every
    clustering the same way), so UMAP and HDBSCAN are fitted directly with the objects BERTopic would fit
    (`_plain_fit`). Importing bertopic imports sentence-transformers, torch, transformers and plotly (about 10 s
    and 300 MB on two cores) for nothing on that path; guided fits, nr_topics and reduce_outliers use BERTopic.
    """
    if (zeroshot_topics or seed_topics) and embedding_model is None:
        raise QualkitError("codebook-guided themes need the loaded embedding model: pass embedding_model= "
                           "(BERTopic would otherwise ignore the codebook without saying so)")
    if not (zeroshot_topics or seed_topics or nr_topics or reduce_outliers):
        labels, umap_k = _plain_fit(embeddings, seed=seed, min_topic_size=min_topic_size, n_neighbors=n_neighbors,
                                    n_components=n_components)
        exact = True
    else:
        labels, umap_k = _bertopic_fit(texts, embeddings, seed=seed, min_topic_size=min_topic_size,
                                       n_neighbors=n_neighbors, n_components=n_components,
                                       embedding_model=embedding_model, zeroshot_topics=zeroshot_topics,
                                       zeroshot_min_similarity=zeroshot_min_similarity, seed_topics=seed_topics,
                                       nr_topics=nr_topics, reduce_outliers=reduce_outliers)
        exact = not (zeroshot_topics or seed_topics)
    info = {"algorithm": "bertopic", "umap_n_neighbors": umap_k, "umap_n_components": n_components,
            "umap_neighbours": "exact cosine" if exact else "umap's own",
            "hdbscan_min_cluster_size": min_topic_size, "reduce_outliers": reduce_outliers,
            "nr_topics": nr_topics, "guidance": "zeroshot" if zeroshot_topics else ("seeded" if seed_topics else
                                                                                    "none")}
    if zeroshot_topics:
        info["zeroshot_min_similarity"] = zeroshot_min_similarity
    return labels, info


def _umap_hdbscan(n: int, *, seed: int, min_topic_size: int, n_neighbors: int, n_components: int,
                  knn=(None, None, None)):
    """The UMAP and HDBSCAN models BERTopic is given (one definition for both paths)."""
    try:
        from hdbscan import HDBSCAN
        from umap import UMAP
    except ImportError as e:  # pragma: no cover - dependency missing
        raise QualkitError(f"theme discovery needs BERTopic ({e}); install it with: pip install bertopic") from e
    cache_umap_compilation()
    umap = UMAP(n_neighbors=min(n_neighbors, n - 1), n_components=n_components, min_dist=0.0, metric="cosine",
                random_state=seed, precomputed_knn=knn)
    hdb = HDBSCAN(min_cluster_size=min_topic_size, metric="euclidean", cluster_selection_method="eom",
                  prediction_data=True)
    return umap, hdb


def _plain_fit(embeddings: np.ndarray, *, seed: int, min_topic_size: int, n_neighbors: int,
               n_components: int) -> tuple[np.ndarray, int]:
    """What BERTopic.fit_transform(texts, embeddings) assigns without guidance: UMAP.fit_transform (on exact
    cosine neighbours, knn.py), HDBSCAN.fit on the projection, topics renumbered by size. Returns (labels,
    UMAP's n_neighbors)."""
    emb = np.array(embeddings, dtype=np.float32, copy=True)
    k = min(n_neighbors, len(emb) - 1)
    umap, hdb = _umap_hdbscan(len(emb), seed=seed, min_topic_size=min_topic_size, n_neighbors=n_neighbors,
                              n_components=n_components, knn=cosine_neighbours(emb, k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UMAP warns that random_state disables parallelism: intended
        reduced = umap.fit_transform(emb)
        hdb.fit(reduced)
    return by_size(np.asarray(hdb.labels_, dtype=int)), umap.n_neighbors


def by_size(labels: np.ndarray) -> np.ndarray:
    """Topics renumbered 0, 1, ... from the largest down, as BERTopic numbers them; -1 (outliers) stays. Ties go
    to the topic seen first (BERTopic's order among equal sizes is its sort's; no theme depends on the numbers)."""
    topics, first, counts = np.unique(labels[labels >= 0], return_index=True, return_counts=True)
    order = sorted(range(len(topics)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(topics[i]): rank for rank, i in enumerate(order)}
    return np.array([mapping.get(int(x), -1) for x in labels.tolist()], dtype=int)


def _bertopic_fit(texts, embeddings, *, seed, min_topic_size, n_neighbors, n_components, embedding_model,
                  zeroshot_topics, zeroshot_min_similarity, seed_topics, nr_topics, reduce_outliers
                  ) -> tuple[np.ndarray, int]:
    """BERTopic itself, for guided fits, topic merging and outlier reduction. Returns (labels, UMAP's n_neighbors)."""
    try:
        from bertopic import BERTopic
    except ImportError as e:  # pragma: no cover - dependency missing
        raise QualkitError(f"theme discovery needs BERTopic ({e}); install it with: pip install bertopic") from e
    from sklearn.feature_extraction.text import CountVectorizer

    embedding_model = _backend(embedding_model)
    emb = np.array(embeddings, dtype=np.float32, copy=True)
    k = min(n_neighbors, len(texts) - 1)
    # Guided fits change what UMAP sees (seed topics edit the vectors, zero-shot topics take documents out), so
    # the neighbours are precomputed only for the plain fit.
    exact = not (zeroshot_topics or seed_topics)
    umap, hdb = _umap_hdbscan(len(texts), seed=seed, min_topic_size=min_topic_size, n_neighbors=n_neighbors,
                              n_components=n_components,
                              knn=cosine_neighbours(emb, k) if exact else (None, None, None))
    kwargs = {}
    if zeroshot_topics:
        kwargs.update(zeroshot_topic_list=list(zeroshot_topics), zeroshot_min_similarity=zeroshot_min_similarity)
    if seed_topics:
        kwargs.update(seed_topic_list=[list(s) for s in seed_topics])
    model = BERTopic(embedding_model=embedding_model, umap_model=umap, hdbscan_model=hdb,
                     vectorizer_model=CountVectorizer(stop_words="english"), min_topic_size=min_topic_size,
                     nr_topics=nr_topics, calculate_probabilities=False, verbose=False, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UMAP warns that random_state disables parallelism: intended
        topics, _ = model.fit_transform(texts, embeddings=emb)
        if reduce_outliers and -1 in topics and len(set(topics)) > 1:
            topics = model.reduce_outliers(texts, topics, strategy="embeddings",
                                           embeddings=np.array(embeddings, dtype=np.float32, copy=True))
    return np.asarray(topics, dtype=int), umap.n_neighbors


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def fit_fallback(embeddings: np.ndarray, *, algorithm: str = "agglomerative", seed: int = 0,
                 k: int | None = None, k_min: int = 2, k_max: int = 40) -> tuple[np.ndarray, dict]:
    """Agglomerative (Ward on unit vectors) or k-means; k fixed or chosen by cosine silhouette in [k_min, k_max].

    Every segment gets a cluster (no outliers); the caller drops clusters too small to be a theme.
    """
    x = _normalise(np.asarray(embeddings, dtype=np.float64))
    n = len(x)
    if n < 3:
        raise QualkitError(f"only {n} segment(s) to cluster: themes need at least 3")
    if algorithm not in ("agglomerative", "kmeans"):
        raise QualkitError(f"unknown clustering {algorithm!r}: use 'auto', 'bertopic', 'agglomerative' or 'kmeans'")

    info: dict = {"algorithm": algorithm}
    if k is not None:
        if not 2 <= k < n:
            raise QualkitError(f"k={k} clusters is impossible for {n} segments: choose 2 <= k < {n}")
        ks = [k]
    else:
        # A theme needs 3-5 quotes from different people; silhouette on sentence embeddings keeps rising with k,
        # so cap k at n // 8 (about eight segments a theme on average) or it picks fragments.
        hi = max(2, min(k_max, max(4, n // 8), n // 3, n - 1))
        lo = max(2, min(k_min, hi))
        ks = list(range(lo, hi + 1))
    if algorithm == "agglomerative":
        # one Ward tree cut at every k: what AgglomerativeClustering(linkage="ward") gives for each k
        cuts = cut_levels(ward_tree(x), ks)

    def fit(kk: int) -> np.ndarray:
        if algorithm == "kmeans":
            return KMeans(n_clusters=kk, random_state=seed, n_init=10).fit_predict(x)
        return cuts[kk]

    if k is not None:
        labels = fit(k)
        info.update(k=k, k_chosen_by="fixed")
    else:
        best = None
        # silhouette is quadratic in n: above SILHOUETTE_SAMPLE segments it is computed on a seeded sample (the
        # rows sklearn's sample_size would draw), and the sample's distances are computed once for every k
        rows = check_random_state(seed).permutation(n)[:SILHOUETTE_SAMPLE] if n > SILHOUETTE_SAMPLE else \
            np.arange(n)
        dist = np.clip(1.0 - x[rows] @ x[rows].T, 0.0, 2.0)
        np.fill_diagonal(dist, 0.0)
        for kk in ks:
            lab = fit(kk)
            if len(set(lab.tolist())) < 2 or len(set(lab[rows].tolist())) < 2:
                continue
            s = float(silhouette_score(dist, lab[rows], metric="precomputed"))
            if best is None or s > best[0] + 1e-9:
                best = (s, kk, lab)
        if best is None:
            raise QualkitError(f"{n} segments could not be split into 2 or more clusters (identical embeddings?)")
        labels = best[2]
        info.update(k=best[1], k_chosen_by="silhouette", silhouette=round(best[0], 4), k_range=[lo, hi])
        if n > SILHOUETTE_SAMPLE:
            info["silhouette_sample"] = SILHOUETTE_SAMPLE
    return _canonical(labels), info


def ward_tree(x: np.ndarray, block: int = 512) -> np.ndarray:
    """scipy's Ward linkage of the unit rows `x`, its distances computed by matrix products.

    linkage(x, "ward") first runs scipy's pdist, a single-threaded loop over every pair: 26 of its 35 seconds at
    10,000 segments. For unit vectors |a - b| = sqrt(2 - 2 a.b), so a block of rows times the rest gives the same
    condensed distances (to rounding) from BLAS in a second.
    """
    n = len(x)
    condensed = np.empty(n * (n - 1) // 2)
    pos = 0
    for i0 in range(0, n - 1, block):
        i1 = min(i0 + block, n - 1)
        d = np.sqrt(np.clip(2.0 - 2.0 * (x[i0:i1] @ x[i0:].T), 0.0, None))
        for r in range(i1 - i0):  # row i's pairs with every later row
            m = n - (i0 + r) - 1
            condensed[pos:pos + m] = d[r, r + 1:]
            pos += m
    return linkage(condensed, method="ward")


def cut_levels(tree: np.ndarray, ks: list[int]) -> dict[int, np.ndarray]:
    """For each k in `ks`, the k clusters left after the tree's first n - k merges (scipy's cut_tree partition).

    One pass over the merges with a union-find (scipy's cut_tree rebuilds every level: 4 s at 10,000 segments).
    Cluster numbers are arbitrary; callers renumber them.
    """
    n = len(tree) + 1
    parent = list(range(n))
    leaf = list(range(n)) + [0] * (n - 1)  # a leaf inside each tree node, to find the node's set

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    out, merged = {}, 0
    for k in sorted(set(ks), reverse=True):
        while merged < n - k:
            a, b = (find(leaf[int(c)]) for c in tree[merged, :2])
            parent[b] = a
            leaf[n + merged] = a
            merged += 1
        out[k] = np.array([find(i) for i in range(n)])
    return out


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters by first appearance, so the numbering never depends on the algorithm's internals."""
    mapping: dict[int, int] = {}
    out = np.empty_like(labels)
    for i, lab in enumerate(labels.tolist()):
        if lab < 0:
            out[i] = -1
            continue
        out[i] = mapping.setdefault(lab, len(mapping))
    return out
