"""Evaluation: the suggester as a second coder, measured against a human coder (kappa, precision, recall, F1)."""
from __future__ import annotations

from .metrics import agreement
from .report import CodeResult, EvalReport
from .runner import evaluate, human_labels, simulated_decisions, unmatched_codings

__all__ = ["evaluate", "EvalReport", "CodeResult", "agreement", "human_labels", "simulated_decisions", "unmatched_codings"]
