"""Suggestion: a machine-proposed code for a segment, with its reasons. Never a coding until a person accepts it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# How a suggestion was scored: the codebook alone, a classifier trained on decisions, a local language model
# judging the segment against the code's definition, or not at all (the quotes of a candidate theme a researcher
# promoted to a code, queued for review at PROMOTED_SCORE).
MODES = ("zero-shot", "learned", "llm", "promoted-theme")
PROMOTED_SCORE = 0.5  # no model scored a promoted theme's quotes: 0.5 says "undecided", at the threshold


@dataclass(frozen=True)
class Suggestion:
    id: str  # stable: uuid5 over segment id, code, model, codebook hash, decisions state and params
    run_id: str
    segment_id: str
    transcript_id: str
    char_start: int
    char_end: int
    code: str
    score: float  # calibrated probability in [0, 1]
    threshold: float = 0.5  # the code's threshold when scored: at or above it the tool would code the segment
    mode: str = "zero-shot"  # one of MODES
    nearest: str = ""  # text of the nearest definition/example sentence, or of the nearest decided segment
    nearest_kind: str = ""  # definition | include | example | decided | theme
    keywords: tuple[str, ...] = ()  # codebook keywords matched in the segment
    components: Mapping[str, float] = field(default_factory=dict)  # {feature group: logit contribution}
    decided: int = 0  # how many segments had a decision on this code when it was scored
    theme: str = ""  # mode "promoted-theme": the label of the theme the quote came from
    evidence: str = ""  # mode "llm": the model's verbatim quote from the segment
    reasoning: str = ""  # mode "llm": its one-sentence reason
    supported: bool = True  # mode "llm": False when the evidence is not a substring of the segment

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"suggestion {self.id}: mode {self.mode!r} is not one of {', '.join(MODES)}")
        object.__setattr__(self, "keywords", tuple(self.keywords))

    @property
    def above_threshold(self) -> bool:
        """The one rule for "the tool would code this": its score reaches its code's threshold."""
        return self.score >= self.threshold

    @property
    def explanation(self) -> dict:
        """The reasons as the JSON object stored with the suggestion (and shown in the app)."""
        out = {"mode": self.mode, "threshold": self.threshold, "nearest": self.nearest,
               "nearest_kind": self.nearest_kind, "keywords": list(self.keywords),
               "components": dict(self.components), "decided": self.decided}
        if self.theme:
            out["theme"] = self.theme
        if self.mode == "llm":
            out.update(evidence=self.evidence, reasoning=self.reasoning, supported=self.supported)
        return out

    @classmethod
    def from_stored(cls, explanation: Mapping[str, object] | None, **fields) -> "Suggestion":
        """A suggestion from its stored columns and explanation JSON, including rows written before the reasons
        were typed fields (promoted-theme rows then had "source" and no mode or threshold)."""
        e = dict(explanation or {})
        mode = e.get("mode") or ("promoted-theme" if e.get("source") == "promoted theme" else "zero-shot")
        return cls(**fields, threshold=float(e.get("threshold", PROMOTED_SCORE)), mode=str(mode),
                   nearest=str(e.get("nearest") or ""), nearest_kind=str(e.get("nearest_kind") or ""),
                   keywords=tuple(str(k) for k in (e.get("keywords") or ())),
                   components={str(k): float(v) for k, v in dict(e.get("components") or {}).items()},
                   decided=int(e.get("decided") or 0), theme=str(e.get("theme") or ""),
                   evidence=str(e.get("evidence") or ""), reasoning=str(e.get("reasoning") or ""),
                   supported=bool(e.get("supported", True)))
