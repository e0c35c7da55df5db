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


def stem_line(text_stems: Sequence[str]) -> str:
    """Stems joined with single spaces and padded with one on each side: what keyword patterns are found in."""
    return " " + " ".join(text_stems) + " "


def keyword_patterns(keywords: Sequence[str]) -> list[tuple[str, str]]:
    """(keyword as written in the codebook, its stem_line) for each keyword that has any word."""
    return [(kw, stem_line(st)) for kw in keywords if (st := stems(kw))]


def matched_keywords(line: str, patterns: Sequence[tuple[str, str]]) -> list[str]:
    """The keywords whose stemmed words occur consecutively, in order, in a segment's `stem_line`.

    "data security" matches "Data Security" and "data secured", not "securing data" nor "data was secured".
    """
    return [kw for kw, pattern in patterns if pattern in line]


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
