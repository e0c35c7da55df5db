"""Suggestion parameters: defaults, validation, and the ablation switches the evaluation measures."""
from __future__ import annotations

from ..errors import QualkitError

DEFAULTS: dict[str, object] = {
    "floor": 0.05,            # suggestions scoring below this (and below their threshold) are not returned at all
    "roles": ("participant",),  # which segments get suggestions (interviewer turns are context, not data)
    "context": True,          # use the interviewer's question (zero-shot: mixed in; learned: its own features)
    "question_weight": 0.5,   # weight of the question vector mixed into the segment vector for zero-shot scoring
    "question_chars": 100,    # the question: the interviewer turn's last sentences up to this length (0: whole turn)
    "neighbours": 1,          # classifier features: mean vectors of this many segments before and after (0: off)
    "zs_neighbours": 3,       # zero-shot: mean of this many segments before and after is mixed in (0: off)
    "zs_neighbour_weight": 0.5,  # weight of each of those two means in the zero-shot vector (the segment keeps most)
    "keywords": True,         # codebook keywords (stemmed) raise the zero-shot score
    "keyword_weight": 1.0,    # logit added per matched keyword (at most two count)
    "counterexamples": True,  # counterexamples / exclusion criteria closer than the positives push the score down
    "zs_slope": 1.5,          # zero-shot logit = slope * (standardised similarity - zs_threshold_z) + ...
    "zs_threshold_z": 2.5,    # standardised similarity at which the zero-shot logit is 0: the threshold
    # (a, b): the zero-shot score is sigmoid(a * logit + b), and its threshold sigmoid(b), so the same suggestions
    # are above it whatever (a, b). Fitted by Platt scaling on the sample study's reference codings
    # (benchmarks/calibrate_zero_shot.py), never on SERDIF; (1, 0) gives the uncalibrated scores
    "zs_calibration": (0.6563, -2.8507),
    "min_batch": 20,          # below this many segments, similarities are not standardised over the batch
    "learn": True,            # train per-code classifiers once a code has enough decided segments
    "min_positive": 3,
    "min_negative": 3,
    "implicit_negatives": True,  # a segment given some code is taken as 'not' every code it was not given
    "lexical": True,          # hashed stem n-grams beside the embeddings in the classifier
    "lexical_features": 4096,
    "zero_shot_prior": True,  # the zero-shot logit is one classifier feature
    "C": 4.0,                 # inverse regularisation of the logistic regressions
    "class_weight": "balanced",  # "balanced": positives and negatives weigh equally (codes are rare); None: raw
    "update_max_iter": 30,    # Learner.update: optimiser steps from the previous weights (suggestions() refits fully)
    "tune_thresholds": True,  # per-code threshold maximising kappa in cross-validation over decided transcripts
}


def resolve_params(params: dict | None) -> dict:
    """Defaults overlaid with `params`; unknown names raise QualkitError listing the valid ones."""
    params = dict(params or {})
    unknown = sorted(set(params) - set(DEFAULTS))
    if unknown:
        raise QualkitError(f"unknown suggestion parameter(s) {', '.join(unknown)}; valid: {', '.join(DEFAULTS)}")
    out = {**DEFAULTS, **params}
    out["roles"] = tuple(out["roles"])
    if out["class_weight"] not in ("balanced", None):
        raise QualkitError(f"class_weight must be 'balanced' or None, got {out['class_weight']!r}")
    for name in ("neighbours", "zs_neighbours"):
        if int(out[name]) < 0:
            raise QualkitError(f"{name} must be 0 or more segments, got {out[name]}")
    if int(out["question_chars"]) < 0:
        raise QualkitError(f"question_chars must be 0 (the whole turn) or more, got {out['question_chars']}")
    out["zs_calibration"] = tuple(float(v) for v in out["zs_calibration"])
    if len(out["zs_calibration"]) != 2 or out["zs_calibration"][0] <= 0:
        raise QualkitError(f"zs_calibration must be (a, b) with a > 0, got {out['zs_calibration']}")
    if not 0 <= float(out["floor"]) <= 1:
        raise QualkitError(f"floor must be between 0 and 1, got {out['floor']}")
    return out
