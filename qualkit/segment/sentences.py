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
        for base, piece in _pieces(line.start(), line.group()):
            for s, e in _tokenizer().span_tokenize(piece):
                chunk = text[base + s: base + e]
                stripped_end = base + e - (len(chunk) - len(chunk.rstrip()))
                start = base + s + (len(chunk) - len(chunk.lstrip()))
                if stripped_end > start:
                    spans.append((start, stripped_end))
    return spans


# Punkt's regular expressions run under NLTK's time guard; a single line of megabytes (a 50 MB survey cell)
# trips it. Lines longer than this are cut at a whitespace first: a sentence of 20,000 characters is no sentence.
MAX_LINE = 20_000


def _pieces(base: int, line: str) -> list[tuple[int, str]]:
    """`line` (starting at `base`) cut into pieces of at most MAX_LINE characters, at whitespace where possible."""
    pieces = []
    while len(line) > MAX_LINE:
        cut = line.rfind(" ", MAX_LINE // 2, MAX_LINE)
        cut = cut if cut > 0 else MAX_LINE
        pieces.append((base, line[:cut]))
        base, line = base + cut, line[cut:]
    pieces.append((base, line))
    return pieces
