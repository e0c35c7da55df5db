"""Deductive code suggestions from a codebook (zero-shot) and from decisions (learned), with explanations,
an active-learning review queue and an interactive Learner."""
from __future__ import annotations

from .coverage import covered_segments
from .engine import Engine, suggest
from .learner import Learner
from .model import Suggestion
from .params import DEFAULTS as DEFAULT_PARAMS, TUNED_ON, TuningWarning
from .prototypes import target_codes
from .queue import review_queue

__all__ = ["suggest", "review_queue", "Learner", "Suggestion", "DEFAULT_PARAMS", "target_codes", "Engine",
           "covered_segments", "TUNED_ON", "TuningWarning"]
