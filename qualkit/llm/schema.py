"""The answer's JSON schema (sent to the server to constrain decoding) and its validation (applied in any case).

Evidence must be a verbatim quote: one that is not a substring of the segment (after folding whitespace, case and
typographic quotes) marks the judgement unsupported.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Sequence

from .errors import MalformedOutput

REASONING_CHARS = 120
EVIDENCE_CHARS = 160
_FIELDS = ("evidence", "reasoning", "applies", "confidence")  # evidence first: the verdict follows the quote


@dataclass(frozen=True)
class Judgement:
    code: str
    applies: bool
    confidence: float
    reasoning: str
    evidence: str
    supported: bool  # applies and its evidence is in the segment, or does not apply (no evidence needed)


def answer_schema(codes: Sequence[str]) -> dict:
    """One required object per code, in order, each with evidence, reasoning, applies and confidence."""
    one = {"type": "object", "additionalProperties": False, "required": list(_FIELDS),
           "properties": {"evidence": {"type": "string", "maxLength": EVIDENCE_CHARS},
                          "reasoning": {"type": "string", "maxLength": REASONING_CHARS},
                          "applies": {"type": "boolean"},
                          "confidence": {"type": "number", "minimum": 0, "maximum": 1}}}
    return {"type": "object", "additionalProperties": False, "required": list(codes),
            "properties": {c: one for c in codes}}


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().casefold()


def is_verbatim(evidence: str, segment_text: str) -> bool:
    """True when the quote occurs in the segment (whitespace, case and curly quotes aside) and is not empty."""
    e = _fold(evidence).strip(" \"'.,;:…")
    return bool(e) and e in _fold(segment_text)


def parse_answer(content: str, codes: Sequence[str], segment_text: str) -> list[Judgement]:
    """The judgements in `content`, one per code in `codes` order; MalformedOutput says what is wrong."""
    if not (content or "").strip():
        raise MalformedOutput("empty answer")
    text = content.strip()
    if text.startswith("```"):  # servers without schema support often fence their JSON
        text = re.sub(r"^```(?:json)?\s*|\s*```$", "", text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise MalformedOutput(f"not JSON ({e.msg} at character {e.pos})") from None
    if not isinstance(data, dict):
        raise MalformedOutput(f"expected a JSON object, got {type(data).__name__}")
    missing = [c for c in codes if c not in data]
    if missing:
        raise MalformedOutput(f"no judgement for {', '.join(repr(c) for c in missing)}")
    out = []
    for c in codes:
        j = data[c]
        if not isinstance(j, dict):
            raise MalformedOutput(f"{c!r}: expected an object")
        applies, conf = j.get("applies"), j.get("confidence")
        reasoning, evidence = j.get("reasoning", ""), j.get("evidence", "")
        if not isinstance(applies, bool):
            raise MalformedOutput(f"{c!r}: 'applies' must be true or false")
        if isinstance(conf, bool) or not isinstance(conf, (int, float)) or not math.isfinite(conf) \
                or not 0 <= conf <= 1:
            raise MalformedOutput(f"{c!r}: 'confidence' must be a number from 0 to 1")
        if not isinstance(reasoning, str) or not isinstance(evidence, str):
            raise MalformedOutput(f"{c!r}: 'reasoning' and 'evidence' must be strings")
        evidence = evidence.strip()
        # a "does not apply" needs no evidence; a quote that is not in the segment only matters for a "yes"
        supported = is_verbatim(evidence, segment_text) if applies else True
        out.append(Judgement(c, applies, float(conf), " ".join(reasoning.split())[:REASONING_CHARS],
                             evidence[:EVIDENCE_CHARS], supported))
    return out
