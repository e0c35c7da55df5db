"""Codebook guidance for BERTopic: zero-shot topic descriptions and seed word lists from code definitions."""
from __future__ import annotations

import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ..codebook.model import Code, Codebook


def code_description(code: Code) -> str:
    """One text per code for embedding: name, definition, inclusion criteria and examples."""
    parts = [f"{code.name}: {code.definition}".strip()]
    if code.include:
        parts.append(code.include)
    parts.extend(code.examples)
    return " ".join(p.strip() for p in parts if p.strip())


def zeroshot_topics(codebook: Codebook) -> list[str]:
    """Zero-shot topic texts, in codebook order (BERTopic embeds them with its `embedding_model`)."""
    return [code_description(c) for c in codebook.codes]


def seed_words(code: Code, limit: int = 8) -> list[str]:
    """The code's keywords if it has any, else content words of its name and definition (stop words removed)."""
    if code.keywords:
        return [k.lower() for k in code.keywords][:limit]
    words: list[str] = []
    for w in re.findall(r"[a-z][a-z-]+", f"{code.name} {code.definition}".lower()):
        if w not in ENGLISH_STOP_WORDS and len(w) > 2 and w not in words:
            words.append(w)
    return words[:limit]


def seed_topics(codebook: Codebook) -> list[list[str]]:
    """Seed word lists for BERTopic's guided (seeded) topic modelling, one per code that yields words."""
    return [ws for ws in (seed_words(c) for c in codebook.codes) if ws]
