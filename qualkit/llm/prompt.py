"""The coding prompt: the codebook's own words for each candidate code, the researcher's decided examples, the
interviewer's question and the segment. One job: build the messages, and the hash that keys the answer cache."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..codebook.model import Code
from ..ids import text_hash
from .config import PROMPT_VERSION

SYSTEM = ("You are a careful qualitative researcher applying a codebook to one segment of an interview "
          "transcript. For every code listed, decide whether it applies to the participant's segment, using the "
          "code's definition, inclusion and exclusion criteria. For each code give: evidence, an exact quote "
          "copied word for word from the segment (an empty string if nothing in the segment supports the code); "
          "reasoning, one short sentence; applies, true or false; confidence, a number from 0 to 1 that your "
          "answer is right. Answer with JSON only.")

_MAX_QUESTION = 400   # characters of the interviewer's question kept as context
_MAX_EXAMPLE = 300    # characters of a decided example segment


@dataclass(frozen=True)
class Example:
    """A decided segment shown to the model: its text and the researcher's verdict per code (True = applies)."""

    text: str
    verdicts: Mapping[str, bool]


def _clip(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def describe_code(code: Code) -> str:
    lines = [f"Code: {code.name}", f"Definition: {' '.join(code.definition.split())}"]
    if code.include.strip():
        lines.append(f"Applies when: {' '.join(code.include.split())}")
    if code.exclude.strip():
        lines.append(f"Does not apply when: {' '.join(code.exclude.split())}")
    if code.examples:
        lines.append("Examples: " + " | ".join(f'"{_clip(e, 160)}"' for e in code.examples[:3]))
    if code.counterexamples:
        lines.append("Not this code: " + " | ".join(f'"{_clip(e, 160)}"' for e in code.counterexamples[:3]))
    return "\n".join(lines)


def build_messages(codes: Sequence[Code], segment_text: str, question: str = "",
                   examples: Sequence[Example] = ()) -> list[dict[str, str]]:
    """Chat messages asking for one judgement per code in `codes` (in that order) about `segment_text`."""
    parts = ["CODEBOOK (the codes to judge)", "\n\n".join(describe_code(c) for c in codes)]
    if examples:
        parts.append("SEGMENTS THE RESEARCHER HAS ALREADY CODED (follow their judgement)")
        for ex in examples:
            verdicts = "; ".join(f"{name}: {'applies' if v else 'does not apply'}" for name, v in ex.verdicts.items())
            parts.append(f'Segment: "{_clip(ex.text, _MAX_EXAMPLE)}"\nResearcher: {verdicts}')
    if question.strip():
        parts.append(f'INTERVIEWER\'S QUESTION (context only, not coded)\n"{_clip(question, _MAX_QUESTION)}"')
    parts.append(f'SEGMENT TO CODE\n"{segment_text}"')
    parts.append("Judge each code: " + ", ".join(c.name for c in codes) + ".")
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]


def prompt_hash(messages: Sequence[Mapping[str, str]], schema: Mapping, *, temperature: float, seed: int,
                max_tokens: int) -> str:
    """Everything that decides the answer, hashed: messages, schema, sampling settings and template version."""
    return text_hash(json.dumps({"v": PROMPT_VERSION, "messages": list(messages), "schema": schema,
                                 "temperature": temperature, "seed": seed, "max_tokens": max_tokens},
                                sort_keys=True, ensure_ascii=False))
