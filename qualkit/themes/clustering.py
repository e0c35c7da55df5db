"""Clusterers chosen by name: a Protocol, a registry, and the built-in ones registered through the same hook.

    >>> fit = get_clusterer("auto", ClusterOptions(min_topic_size=10)).fit(texts, embeddings, seed=0)
    >>> fit.labels, fit.method, fit.info, fit.notes

Same shape as qualkit.embed's embedders: `register_clusterer(name, factory)`, `get_clusterer(name, options)`,
`available_clusterers()`. Every factory takes the one ClusterOptions and reads what it needs. The algorithms
themselves are in cluster.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from ..errors import QualkitError
from . import cluster

# Below this many segments `auto` does not fit UMAP/BERTopic and goes straight to the fallback. Measured on seeded
# slices of the sample study, SERDIF and the Anthropic interviews (benchmarks/themes_small_corpus.py, figures in
# benchmarks/README.md): HDBSCAN never left most segments as outliers at 30-800 segments (at most 47 %); BERTopic
# fails here by one catch-all topic, and below 200 segments whether it does depends on the seed (the sample study's
# own 114-segment input: 95 % in one topic at seed 0, fine at seeds 1 and 2). A result that a seed makes or breaks
# is not worth a UMAP fit (its first fit in a process costs 10-30 s), while Ward's tree is deterministic.
BERTOPIC_MIN_SEGMENTS = 200


def default_min_topic_size(n: int) -> int:
    """BERTopic's 10 for corpora of a few hundred segments, smaller for small ones (but never below 3)."""
    return 10 if n >= 300 else max(3, n // 30)


@dataclass(frozen=True)
class ClusterOptions:
    """Everything a clusterer may use; each reads its own fields. Guidance needs `embedding_model`."""

    min_topic_size: int = 10
    n_neighbors: int = 15
    n_components: int = 5
    nr_topics: int | str | None = None
    reduce_outliers: bool = False
    embedding_model: object = None
    zeroshot_topics: tuple[str, ...] = ()
    zeroshot_min_similarity: float = 0.3
    seed_topics: tuple[tuple[str, ...], ...] = ()
    k: int | None = None
    k_min: int = 2
    k_max: int = 40
    fallback: str = "agglomerative"
    max_outlier_share: float = 0.5
    min_bertopic_segments: int = BERTOPIC_MIN_SEGMENTS

    @property
    def guided(self) -> bool:
        return bool(self.zeroshot_topics or self.seed_topics)


@dataclass(frozen=True)
class ClusterFit:
    """labels: one int per row, -1 for outliers; method: what produced them ("bertopic+zeroshot", "agglomerative");
    info: what was done, recorded in Run.params; notes: what a researcher should read about it."""

    labels: np.ndarray
    method: str
    info: dict
    notes: tuple[str, ...] = field(default=())


@runtime_checkable
class Clusterer(Protocol):
    """Groups texts by their embeddings: `fit(texts, embeddings, seed=)` -> ClusterFit, deterministic per seed."""

    def fit(self, texts: Sequence[str], embeddings: np.ndarray, *, seed: int) -> ClusterFit: ...


_REGISTRY: dict[str, Callable[[ClusterOptions], Clusterer]] = {}


def register_clusterer(name: str, factory: Callable[[ClusterOptions], Clusterer]) -> None:
    """Make `get_clusterer(name, options)` call `factory(options)`. Re-registering a name replaces it."""
    _REGISTRY[name] = factory


def available_clusterers() -> list[str]:
    return sorted(_REGISTRY)


def get_clusterer(name: str, options: ClusterOptions | None = None) -> Clusterer:
    """A new clusterer by registered name; unknown names raise QualkitError listing the valid ones."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise QualkitError(f"unknown clustering {name!r}; choose one of: {', '.join(available_clusterers())}") \
            from None
    return factory(options or ClusterOptions())


class BERTopicClusterer:
    """BERTopic (UMAP + HDBSCAN) over the precomputed embeddings, optionally guided by the codebook."""

    def __init__(self, options: ClusterOptions | None = None, **overrides):
        self.options = options or ClusterOptions(**overrides)

    def fit(self, texts, embeddings, *, seed):
        o = self.options
        labels, info = cluster.fit_bertopic(
            list(texts), embeddings, seed=seed, min_topic_size=o.min_topic_size, n_neighbors=o.n_neighbors,
            n_components=o.n_components, embedding_model=o.embedding_model,
            zeroshot_topics=list(o.zeroshot_topics) or None, zeroshot_min_similarity=o.zeroshot_min_similarity,
            seed_topics=[list(s) for s in o.seed_topics] or None, nr_topics=o.nr_topics,
            reduce_outliers=o.reduce_outliers)
        n_topics = len(set(labels.tolist()) - {-1})
        sizes = np.bincount(labels[labels >= 0]) if n_topics else np.zeros(1)
        info["outlier_share"] = round(float(np.mean(labels == -1)), 4)
        info["largest_topic_share"] = round(float(sizes.max() / len(labels)) if n_topics else 0.0, 4)
        info["n_topics"] = n_topics
        method = "bertopic" + (f"+{info['guidance']}" if info.get("guidance", "none") != "none" else "")
        return ClusterFit(labels, method, info)


class WardClusterer:
    """Agglomerative (Ward on unit vectors) or k-means; k fixed or chosen by cosine silhouette. No outliers."""

    def __init__(self, options: ClusterOptions | None = None, *, algorithm: str = "agglomerative"):
        self.options = options or ClusterOptions()
        self.algorithm = algorithm

    def fit(self, texts, embeddings, *, seed):
        o = self.options
        labels, info = cluster.fit_fallback(embeddings, algorithm=self.algorithm, seed=seed, k=o.k, k_min=o.k_min,
                                            k_max=o.k_max)
        return ClusterFit(labels, self.algorithm, info)


class AutoClusterer:
    """BERTopic where it is usable, else the stated fallback (`options.fallback`), never silently.

    Straight to the fallback, without fitting UMAP/BERTopic, below `min_bertopic_segments` (where BERTopic was
    measured to fail) or when UMAP cannot run; after BERTopic, when it left more than `max_outlier_share` of the
    segments as outliers or in one topic, or fewer than 2 topics. Guided fits are kept whatever they give, with a
    note: a fallback would drop the codebook guidance the researcher asked for.
    """

    def __init__(self, options: ClusterOptions | None = None):
        self.options = options or ClusterOptions()

    def fit(self, texts, embeddings, *, seed):
        o = self.options
        n = len(texts)
        if not o.guided:
            if n < o.min_bertopic_segments:
                return self._fallback(texts, embeddings, seed, f"{n} segments are fewer than "
                                      f"{o.min_bertopic_segments}, below which BERTopic's topics depended on the seed "
                                      "on the measured corpora; UMAP/BERTopic not run")
            if n <= o.n_neighbors + 1 or n < 2 * o.min_topic_size:
                return self._fallback(texts, embeddings, seed, f"{n} segments are too few for UMAP/HDBSCAN "
                                      f"(n_neighbors={o.n_neighbors}, min_topic_size={o.min_topic_size})")
        fit = get_clusterer("bertopic", o).fit(texts, embeddings, seed=seed)
        share, largest, n_topics = fit.info["outlier_share"], fit.info["largest_topic_share"], fit.info["n_topics"]
        # one catch-all topic over most segments is as useless to a researcher as everything in the outliers
        if share <= o.max_outlier_share and n_topics >= 2 and largest <= o.max_outlier_share:
            return fit
        if o.guided:
            return ClusterFit(fit.labels, fit.method, fit.info, (
                f"guided BERTopic left {share:.0%} of {n} segments as outliers with {n_topics} topic(s); kept it "
                "because a fallback would drop the codebook guidance (try reduce_outliers=True or a smaller "
                "min_topic_size)",))
        reason = (f"BERTopic/HDBSCAN left {share:.0%} of {n} segments as outliers with {n_topics} topic(s), the "
                  f"largest holding {largest:.0%} (limit {o.max_outlier_share:.0%})")
        return self._fallback(texts, embeddings, seed, reason, bertopic=fit.info)

    def _fallback(self, texts, embeddings, seed, reason: str, bertopic: dict | None = None) -> ClusterFit:
        fit = get_clusterer(self.options.fallback, self.options).fit(texts, embeddings, seed=seed)
        info = dict(fit.info, fallback_reason=reason, **({"bertopic": bertopic} if bertopic else {}))
        note = f"fell back to {fit.method} clustering: {reason}; k={info.get('k')} chosen by {info.get('k_chosen_by')}"
        return ClusterFit(fit.labels, fit.method, info, fit.notes + (note,))


register_clusterer("bertopic", BERTopicClusterer)
register_clusterer("agglomerative", lambda options: WardClusterer(options, algorithm="agglomerative"))
register_clusterer("kmeans", lambda options: WardClusterer(options, algorithm="kmeans"))
register_clusterer("auto", AutoClusterer)
