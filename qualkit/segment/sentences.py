"""Offline sentence boundaries: NLTK's Punkt algorithm with built-in parameters (no downloadable data needed)."""
from __future__ import annotations

import re
from functools import lru_cache

# Abbreviations common in interviews and clinical talk; Punkt would otherwise end a sentence after them.
ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "e.g", "i.e", "approx", "dept", "no", "fig", "jr", "sr",
    "inc", "ltd", "co", "u.s", "u.k", "a.m", "p.m", "min", "max", "mt", "ave", "cf", "al",
}


@lru_cache(maxsize=1)
def _tokenizer():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


_TRAILING_WS = re.compile(r"\s+$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in `text`; every span is non-empty and stripped of whitespace.

    Line breaks also end a sentence: transcripts break lines between thoughts more often than mid-sentence.
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        base = line.start()
        for s, e in _tokenizer().span_tokenize(line.group()):
            chunk = text[base + s: base + e]
            stripped_end = base + e - (len(chunk) - len(chunk.rstrip()))
            start = base + s + (len(chunk) - len(chunk.lstrip()))
            if stripped_end > start:
                spans.append((start, stripped_end))
    return spans
