"""Suggestion parameters: defaults, validation, the ablation switches the evaluation measures, and which
embedding model the tuned ones were fitted on (TUNED_ON; `warn_if_untuned` says when another model uses them)."""
from __future__ import annotations

import warnings

from ..errors import QualkitError

# The model the zero-shot constants and the calibration below were tuned and fitted on. An encoder derived from it
# (the int8 "minilm-fast" export) names itself "<this id>+<recipe>" and counts as the same model: its vectors agree
# with the reference to cosine >= 0.9957 on every benchmark text.
TUNED_ON = "sentence-transformers/all-MiniLM-L6-v2"

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
    # --- constants of the zero-shot score that depend on the embedding model (tuned on TUNED_ON) --------------
    # (mean, sd) of the raw similarity, used instead of the batch's own when a batch has fewer than min_batch
    # segments: measured (see PROVENANCE), so a small batch is scored on the scale a large one would be
    "fixed_spread": (0.26, 0.073),
    "definition_weight": 0.5,  # raw similarity = w * cos(name: definition) + (1 - w) * best cos(any positive prototype)
    "across_code_weight": 0.5,  # z += weight * the segment's similarity standardised across codes
    "prior_scale": 4.0,       # the zero-shot logit enters the classifier divided by this (near the other features' scale)
    "tuned_on": TUNED_ON,     # recorded in every run; another embedder gets a TuningWarning
}

# Where each model-dependent value comes from (the run record carries the values; this says why they are what they
# are). "unrecorded" means the first engine set it by hand and no experiment was kept: the evaluation measures the
# whole, not each constant.
PROVENANCE = {
    "fixed_spread": "measured with all-MiniLM-L6-v2 on the sample study's 1,413 sentences x 18 codes: median over "
                    "codes of the mean / sd of the raw similarity, 0.259 / 0.073 (benchmarks/calibrate_zero_shot.py, "
                    "2026-12-02); was (0.15, 0.08) set by hand, which put a small batch's scores 1.4 sd too high",
    "definition_weight": "set by hand (unrecorded): the definition sentence and the best example weigh equally",
    "across_code_weight": "set by hand (unrecorded): raw MiniLM cosines differ between codes more than between "
                          "segments, so the per-segment standardisation counts half",
    "prior_scale": "set by hand (unrecorded): zero-shot logits span about -8..4; /4 keeps the feature near unit "
                   "scale so the shared L2 penalty (C) does not swamp it",
    "zs_slope": "set in the first engine (5a71344, unrecorded); later choices (neighbours, question, class weights) "
                "were compared on all of SERDIF with all-MiniLM-L6-v2, so SERDIF was tuning data until the "
                "development/held-out split (qualkit.evaluate.split)",
    "zs_threshold_z": "as zs_slope",
    "zs_calibration": "Platt scaling on the sample study's reference codings with all-MiniLM-L6-v2 "
                      "(benchmarks/calibrate_zero_shot.py)",
}


class TuningWarning(UserWarning):
    """The suggestion parameters were tuned on another embedding model than the one in use."""


def tuned_for(model_id: str, params: dict) -> bool:
    """Whether `model_id` is the model the parameters were tuned on (or an encoder derived from it)."""
    base = str(params.get("tuned_on") or "")
    return model_id == base or model_id.startswith(base + "+")


def warn_if_untuned(model_id: str, params: dict) -> None:
    """TuningWarning when the zero-shot constants and calibration were fitted on another model than `model_id`:
    scores and thresholds still rank, but their scale (and so which suggestions are above threshold) is untested."""
    if not tuned_for(model_id, params):
        warnings.warn(TuningWarning(
            f"suggestion parameters were tuned on {params.get('tuned_on')}, not on embedder {model_id}: zero-shot "
            "scores and thresholds are not calibrated for it (their order still helps; `qualkit eval` measures "
            "it); to refit, run benchmarks/calibrate_zero_shot.py and pass its params with tuned_on set to the model"),
            stacklevel=3)


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
    out["fixed_spread"] = tuple(float(v) for v in out["fixed_spread"])
    if len(out["fixed_spread"]) != 2 or out["fixed_spread"][1] <= 0:
        raise QualkitError(f"fixed_spread must be (mean, sd) with sd > 0, got {out['fixed_spread']}")
    for name in ("definition_weight", "across_code_weight"):
        if not 0 <= float(out[name]) <= 1:
            raise QualkitError(f"{name} must be between 0 and 1, got {out[name]}")
    if float(out["prior_scale"]) <= 0:
        raise QualkitError(f"prior_scale must be above 0, got {out['prior_scale']}")
    out["zs_calibration"] = tuple(float(v) for v in out["zs_calibration"])
    if len(out["zs_calibration"]) != 2 or out["zs_calibration"][0] <= 0:
        raise QualkitError(f"zs_calibration must be (a, b) with a > 0, got {out['zs_calibration']}")
    if not 0 <= float(out["floor"]) <= 1:
        raise QualkitError(f"floor must be between 0 and 1, got {out['floor']}")
    return out
