"""Theme keywords and labels: class-based TF-IDF (as BERTopic computes it), optionally re-ranked KeyBERT-style.

Computed here rather than taken from BERTopic so that every clustering (BERTopic or a fallback) is labelled
the same way, and so labels do not depend on BERTopic's internal topic numbering.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

# Words that are frequent in any interview and say nothing about a theme.
SPEECH_FILLERS = frozenset(
    "yeah yes okay ok um uh like just think know really actually mean gonna kind sort lot things thing "
    "going got right oh well maybe probably don dont didn doesn ll ve re does did say said want".split()
)


def ctfidf_keywords(docs_by_cluster: Mapping[int, Sequence[str]], top_n: int = 30) -> dict[int, list[str]]:
    """The `top_n` highest c-TF-IDF terms (unigrams and bigrams, English stop words removed) per cluster.

    c-TF-IDF weight of term t in cluster c: tf(t, c) / |c| * log(1 + mean words per cluster / tf(t)).
    """
    keys = sorted(docs_by_cluster)
    joined = [" ".join(docs_by_cluster[k]) for k in keys]
    stop = list(CountVectorizer(stop_words="english").get_stop_words() | SPEECH_FILLERS)
    vec = CountVectorizer(stop_words=stop, ngram_range=(1, 2), token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z-]+\b")
    try:
        counts = vec.fit_transform(joined).toarray().astype(float)
    except ValueError:  # every word was a stop word
        return {k: [] for k in keys}
    vocab = vec.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    avg = counts.sum() / max(len(keys), 1)
    idf = np.log(1.0 + avg / np.maximum(counts.sum(axis=0), 1.0))
    weights = tf * idf
    out = {}
    for row, k in enumerate(keys):
        # stable sort on (-weight, term) so ties never depend on vocabulary order quirks
        order = sorted(range(len(vocab)), key=lambda j: (-weights[row, j], vocab[j]))
        out[k] = [str(vocab[j]) for j in order[:top_n] if weights[row, j] > 0]
    return out


def rerank_keybert(candidates: list[str], centroid: np.ndarray, embedding_model) -> list[str]:
    """Re-rank candidate keywords by cosine similarity to the cluster centroid (KeyBERTInspired's idea).

    Used when the embedding model is available: c-TF-IDF alone favours frequent words, the centroid favours
    words that mean what the cluster is about.
    """
    if not candidates:
        return candidates
    vecs = np.asarray(embedding_model.encode(candidates, normalize_embeddings=True, show_progress_bar=False))
    c = centroid / (np.linalg.norm(centroid) or 1.0)
    sims = vecs @ c
    order = sorted(range(len(candidates)), key=lambda j: (-round(float(sims[j]), 6), j))
    return [candidates[j] for j in order]


def pick_keywords(ranked: list[str], n: int = 8) -> list[str]:
    """Up to `n` keywords, skipping a unigram already inside a chosen bigram (and vice versa)."""
    chosen: list[str] = []
    for term in ranked:
        words = set(term.split())
        if any(words & set(c.split()) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n:
            break
    return chosen


def make_label(keywords: Sequence[str], n: int = 3) -> str:
    """A short human-readable label from the top keywords, e.g. 'Export / metadata / provenance'."""
    if not keywords:
        return "(no distinctive words)"
    words = list(keywords[:n])
    return " / ".join([words[0][:1].upper() + words[0][1:]] + words[1:])
