"""Data-free lexical matching: nltk's regexp tokenizer and Porter stemmer (no downloads), codebook keywords, and
hashed stem n-grams for the per-code classifiers (stateless, so retraining one code never refits a vocabulary).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

_TOKEN_PATTERN = r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?"


@lru_cache(maxsize=1)
def _tools():
    from nltk.stem import PorterStemmer
    from nltk.tokenize import RegexpTokenizer

    return RegexpTokenizer(_TOKEN_PATTERN), PorterStemmer()


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _tools()[1].stem(word.lower())


def stems(text: str) -> list[str]:
    """Lower-cased Porter stems of the words of `text`, in order."""
    return [_stem(w) for w in _tools()[0].tokenize(text)]


def matched_keywords(text_stems: Sequence[str], keywords: Sequence[str]) -> list[str]:
    """The keywords (as written in the codebook) whose stemmed words occur consecutively, in order, in `text_stems`.

    "data security" matches "Data Security" and "data secured", not "securing data" nor "data was secured".
    """
    out = []
    joined = " " + " ".join(text_stems) + " "
    for kw in keywords:
        kw_stems = stems(kw)
        if kw_stems and (" " + " ".join(kw_stems) + " ") in joined:
            out.append(kw)
    return out


def _analyzer(text: str) -> list[str]:
    s = stems(text)
    return s + [f"{a} {b}" for a, b in zip(s, s[1:])]


@lru_cache(maxsize=4)
def _hasher(n_features: int):
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer=_analyzer, n_features=n_features, alternate_sign=False, norm="l2")


def hashed_ngrams(texts: Sequence[str], n_features: int = 2 ** 12):
    """Sparse (len(texts), n_features) matrix of l2-normalised stem unigram+bigram counts (hashing trick)."""
    return _hasher(n_features).transform(list(texts)).astype(np.float32)
