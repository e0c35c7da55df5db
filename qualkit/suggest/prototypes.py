"""What a code looks like before anyone has decided anything: its definition, inclusion criteria and examples
(positives) and its counterexamples and exclusion criteria (negatives), as short texts to compare segments with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..codebook.model import Code, Codebook
from ..errors import CodebookError, QualkitError

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class Prototype:
    code: str
    kind: str  # definition | include | example | counterexample | exclude
    text: str
    positive: bool


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if len(s.strip()) > 2]


def target_codes(codebook: Codebook) -> list[Code]:
    """The codes suggestions are made for: every leaf (a parent is suggested only if it has no children).

    Raises QualkitError for an empty codebook and CodebookError listing every code without a definition.
    """
    where = codebook.source_path or f"codebook {codebook.name!r}"
    if not codebook.codes:
        raise QualkitError(f"{where} has no codes: add at least one code with a name and a definition "
                           "before asking for suggestions")
    problems = [f"[code -> {c.name}] has no definition: suggestions compare segments with it, so write one "
                "(a sentence saying what the code means)" for c in codebook.codes if not (c.definition or "").strip()]
    if problems:
        raise CodebookError(where, problems)
    parents = {c.parent for c in codebook.codes if c.parent}
    return [c for c in codebook.codes if c.name not in parents]


def prototypes(code: Code) -> list[Prototype]:
    """The code's texts: "name: definition" first, then each definition sentence, include, examples, negatives."""
    out = [Prototype(code.name, "definition", f"{code.name}: {code.definition.strip()}", True)]
    sents = _sentences(code.definition)
    if len(sents) > 1:
        out += [Prototype(code.name, "definition", s, True) for s in sents]
    out += [Prototype(code.name, "include", s, True) for s in _sentences(code.include)]
    out += [Prototype(code.name, "example", e.strip(), True) for e in code.examples if e.strip()]
    out += [Prototype(code.name, "counterexample", e.strip(), False) for e in code.counterexamples if e.strip()]
    out += [Prototype(code.name, "exclude", s, False) for s in _sentences(code.exclude)]
    return out
