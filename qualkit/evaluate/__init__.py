"""Evaluation: the suggester as a second coder, measured against a human coder (kappa, precision, recall, F1)
and the calibration of its scores (ECE, Brier, reliability table)."""
from __future__ import annotations

from .calibration import Calibration, ReliabilityBin, calibration
from .metrics import agreement
from .report import CodeResult, EvalReport
from .runner import evaluate, human_labels, simulated_decisions, unmatched_codings
from .split import SPLITS, restrict, split_transcripts

__all__ = ["evaluate", "EvalReport", "CodeResult", "agreement", "calibration", "Calibration", "ReliabilityBin",
           "human_labels", "simulated_decisions", "unmatched_codings", "SPLITS", "restrict", "split_transcripts"]
