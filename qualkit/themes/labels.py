"""Theme keywords and labels: class-based TF-IDF (as BERTopic computes it), optionally re-ranked KeyBERT-style.

Computed here rather than taken from BERTopic so that every clustering (BERTopic or a fallback) is labelled
the same way, and so labels do not depend on BERTopic's internal topic numbering.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from ..embed.base import normalise

RERANK_TOP = 15  # c-TF-IDF candidates per theme re-ranked by similarity

# Words that are frequent in any interview and say nothing about a theme.
SPEECH_FILLERS = frozenset(
    "yeah yes okay ok um uh like just think know really actually mean gonna kind sort lot things thing "
    "going got right oh well maybe probably don dont didn doesn ll ve re does did say said want".split()
)


def ctfidf_keywords(docs_by_cluster: Mapping[int, Sequence[str]], top_n: int = 30,
                    background: Sequence[str] = ()) -> dict[int, list[str]]:
    """The `top_n` highest c-TF-IDF terms (unigrams and bigrams, English stop words removed) per cluster.

    c-TF-IDF weight of term t in cluster c: tf(t, c) / |c| * log(1 + mean words per class / tf(t)).
    `background` (e.g. the unthemed segments) is one more class: it counts for the idf, so words common to
    the whole corpus ("use ai" in interviews about AI) sink. With 4 or more clusters, a term found in more
    than half of them is not distinctive of any and is dropped.
    """
    keys = sorted(docs_by_cluster)
    joined = [" ".join(docs_by_cluster[k]) for k in keys] + ([" ".join(background)] if background else [])
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
    spread = (counts[: len(keys)] > 0).sum(axis=0)
    if len(keys) >= 4:
        weights[:, spread > len(keys) / 2] = 0.0
    out = {}
    for row, k in enumerate(keys):
        # order by (-weight, term): the vocabulary is alphabetical, so a stable sort on -weight breaks ties by term
        order = np.argsort(-weights[row], kind="stable")[:top_n]
        out[k] = [str(vocab[j]) for j in order if weights[row, j] > 0]
    return out


def rerank_keybert(candidates: list[str], centroid: np.ndarray, vectors: Mapping[str, np.ndarray],
                   top: int = RERANK_TOP) -> list[str]:
    """Re-rank the `top` c-TF-IDF candidates by an equal mix of c-TF-IDF rank and cosine similarity to the
    cluster centroid (KeyBERTInspired's idea); the rest keep their order. `vectors` maps each of those candidates
    to its unit vector (embedded once for all themes: one encoder call, not one per theme).

    Similarity alone promotes words that describe the whole corpus ("use ai") and odd bigrams; c-TF-IDF alone
    promotes frequent but vague words. The mix keeps distinctive words that also mean what the cluster means.
    """
    if not candidates:
        return candidates
    head = candidates[:top]
    vecs = np.stack([vectors[h] for h in head])
    c = centroid / (np.linalg.norm(centroid) or 1.0)
    sims = vecs @ c
    span = float(sims.max() - sims.min()) or 1.0
    score = [0.5 * (1 - j / len(head)) + 0.5 * float(sims[j] - sims.min()) / span for j in range(len(head))]
    order = sorted(range(len(head)), key=lambda j: (-round(score[j], 6), j))
    return [head[j] for j in order] + candidates[top:]


def encode(model, texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of `texts` from a qualkit Embedder (its errors propagate: a broken encoder is never hidden)."""
    return normalise(np.asarray(model.encode(list(texts)), dtype=np.float32))


def pick_keywords(ranked: list[str], n: int = 8) -> list[str]:
    """Up to `n` keywords, skipping a unigram already inside a chosen bigram (and vice versa)."""
    def stems(term: str) -> set[str]:  # crude plural folding, so "image" and "images" are one keyword
        return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in term.split()}

    chosen: list[str] = []
    for term in ranked:
        if len(stems(term)) < len(term.split()):  # "good good", "moderator moderator": speech, not a phrase
            continue
        if any(stems(term) & stems(c) for c in chosen):
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
