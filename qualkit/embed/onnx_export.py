"""The fast encoder's one-off export: the ONNX graphs built from the packaged weights, SmoothQuant, int8, a check.

Needs onnx, onnxruntime and safetensors; torch and transformers only for the reference vectors of the check's
first step (30 short texts). Steps, and why:
- The float32 graph is built by onnx_build from model.safetensors (no torch.onnx tracing: seconds instead of a
  minute, and the graph is laid out for speed) and checked against the unmodified torch model
  (sentence-transformers' mean pooling) on the CALIBRATION sentences: below FP32_MIN the export stops.
- SmoothQuant: a few hidden channels carry outlier activations, which per-token int8 quantises badly, so they are
  moved into the weights (x @ W == (x / s) @ (s * W)), with per-channel input maxima calibrated over the real
  tokens of fixed text (CALIBRATION and seeded word salad from the vocabulary), run through the float32 graph with
  its linear inputs as extra outputs: the export is deterministic.
- The int8 graph: every linear layer but the first feed-forward output (FLOAT_LAYERS) as a per-token int8 product.
  The recipe depends on the CPU (cpu.py): int8 weights where the u8 x s8 kernel sums exactly ("int8-s8"), the
  same integers stored as uint8 with zero point 128 where AVX2's u8 x s8 kernel would saturate ("int8-u8": ONNX
  Runtime's u8 x u8 kernel widens to int16 first, so it is exact). Both compute the same integer products, so
  they give the same vectors. 7-bit weights were measured and lose too much (worst held-out cosine 0.986), and so
  do 7-bit activations with int8 weights (0.992 held-out; exact on AVX2 and 5 % faster there).
- Before the export is used, the encoder as it will run (short texts through float32, the rest int8) is checked on
  HELD_OUT texts, none of which calibrated anything, against the float32 graph. If the worst cosine is below
  VERIFY_MIN the float32 graph is used instead, and the caller is told in one line. What was chosen and measured
  is written to export.json.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import QualkitError
from .cpu import EXACT_INT8

EXPORT_VERSION = "v7"  # bump when anything below changes: it keys the export folder and the model id
SMOOTH_ALPHA = 0.8  # SmoothQuant migration strength: 0.8 gave the best worst-case cosine of 0.5 / 0.7 / 0.8 / 0.9 / 1.0
# The first layer's feed-forward output takes the GELU activations with the largest outliers; quantising it put one
# of 14,079 Anthropic texts at cosine 0.986 to the reference (benchmarks/README.md).
FLOAT_LAYERS = ("layer0.ffn_out",)  # onnx_build.linear_names
# How each int8 recipe stores its weights (onnx_build.Quant): the same integers, signed or shifted unsigned.
RECIPES = {"int8-s8": {"act_levels": 127, "unsigned": False}, "int8-u8": {"act_levels": 127, "unsigned": True}}
CALIBRATION_SALAD = 150  # word-salad texts for calibration: 150 gave a better worst held-out cosine than 600
FP32_MIN = 0.9999  # the float32 graph against torch: only rounding may differ
# The held-out check's bar: the guarantee is 0.99 on every text of the benchmark corpora; held-out text must clear
# it with room to spare, because the corpora hold texts harder than any fixed check set.
VERIFY_MIN = 0.993

# Calibration text for the per-channel activation ranges. Outlier channels are a property of the model rather than
# of the input, so a small varied set suffices; it is fixed here so the export is the same on every machine.
CALIBRATION = (
    "Thank you!",
    "Yes.",
    "No, that's all. Thanks for asking.",
    "I mostly use it to draft emails and to summarise long documents before meetings.",
    "Honestly, at first I didn't trust it at all, because it made things up with total confidence.",
    "We had a pilot in the clinic where the system drafted replies to patient portal messages, and the physician "
    "would edit and send them. It didn't save time, but it felt less exhausting at the end of the day.",
    "The biggest worry for me is privacy: where does the data go, who can see it, and is it used for training?",
    "I check every reference it gives me, every single one, because twice it cited papers that don't exist.",
    "Um, I guess, well... it depends on the task? For code it's great. For anything legal, I don't touch it.",
    "As a nurse I see the workload every day; if a tool takes the documentation off our hands, that's real care time.",
    "Developers talk about throughput and error rates; clinicians talk about the relationship with the patient.",
    "My manager wants us to use it more, but nobody has told us what we're allowed to paste into it.",
    "I write fiction, and I'm torn. It helps me brainstorm, but I don't want my voice to become its voice.",
    "In the lab we use it to clean up analysis scripts, write boilerplate, and explain error messages from R.",
    "Patients sometimes think the reply came from me personally, and I'm not sure they understand what the AI did.",
    "Bias is a real problem: the training data under-represents some groups, so the outputs can be skewed.",
    "It should be assistive, never autonomous. A human has to stay in the loop and sign off on anything clinical.",
    "We learned ethics informally, from papers, from mentors, from feedback, never from a structured course.",
    "Could you say more about that? What happened next, and how did you feel about it?",
    "I think the institution needs clear guidelines, maybe a checklist, before anyone deploys this on real patients.",
    "There was one time it suggested a drug interaction that turned out to be wrong, and that shook my confidence.",
    "Sometimes I use it for translation, sometimes for rewriting a paragraph so it sounds more professional, "
    "and sometimes just to think out loud when I'm stuck on a problem and no colleague is around to talk to.",
    "Liability is unclear. If the model gives a wrong answer and I follow it, who is responsible: me, the hospital, "
    "or the company that built it? Until that's settled I treat it like a junior colleague whose work I check.",
    "OK.",
    ":)",
    "Interviewer: What do you do for work? Participant: I'm a data analyst at a logistics company, mostly SQL.",
    "The transcription tool saves me about twenty minutes per interview, and the summaries are mostly accurate, "
    "although it sometimes merges two speakers or drops a negation, which changes the meaning completely.",
    "Zero-shot classification, embeddings, retrieval-augmented generation, fine-tuning: we tried all of them.",
    "Dans mon travail, j'utilise l'IA surtout pour la traduction et la correction de textes.",
    "1) draft 2) review 3) send. That's the workflow, and step two is the one that can't be skipped.",
)

# Held-out text for the export check: none of it calibrates anything. Interview answers of the lengths and kinds
# the tool sees (the check's word salad is generated with another seed than the calibration's).
HELD_OUT = (
    "Good morning.",
    "Sure, go ahead.",
    "I'd say about three times a week, mostly in the evenings when the kids are asleep.",
    "What surprised me was how quickly the team stopped double-checking the summaries once they looked polished.",
    "For the grant application I asked it to tighten the abstract, and it removed the one caveat the reviewers "
    "had asked for last year, so now I paste the reviewers' comments in with every request.",
    "We're a small practice, four GPs and two nurses, and nobody has time to evaluate these tools properly; we "
    "rely on what the regional health board recommends, and so far they've recommended nothing at all.",
    "My students use it whether I allow it or not. So I redesigned the assignments: they hand in the prompt, the "
    "output, and a page on what they changed and why. The reflective page is where the learning happens now.",
    "The accent thing is real. It transcribes my colleagues from Glasgow much worse than the ones from London, "
    "and when the transcript is wrong the summary is confidently wrong too.",
    "Honestly? I don't think about the environmental cost as much as I should.",
    "In radiology the second read is sacred. If the software becomes the second reader, who trains the juniors?",
    "I was sceptical, then enthusiastic, and now I'm somewhere in the middle: it's a tool like a calculator, "
    "useful when you already know roughly what the answer should be, dangerous when you don't.",
    "We tried three vendors. The one we picked wasn't the most accurate; it was the one whose logs our IT "
    "security people could actually audit, and that mattered more to the board than a few points of accuracy.",
    "No.",
    "The app keeps asking for feedback with thumbs up and thumbs down, but nobody tells us what happens with it.",
    "I keep a notebook of every time it was wrong. Forty-two entries since March. Most are small, a date or a "
    "dosage unit, but three of them could have hurt someone if I hadn't caught them before the note was signed.",
    "If I could change one thing, I'd want it to say when it isn't sure instead of sounding certain every time.",
    "My daughter uses it for homework and I honestly can't tell anymore which sentences are hers.",
    "We set up a small working group, a nurse, a pharmacist, two doctors and someone from legal, and met every "
    "fortnight for six months to write the policy; by the time it was approved the product had changed twice.",
)


def held_out_texts(model_path: Path, n_salad: int = 60) -> list[str]:
    """HELD_OUT plus `n_salad` word-salad texts from another seed than the calibration's (harder than real text)."""
    return list(HELD_OUT) + _vocabulary_sentences(model_path, n_salad, seed=20261202)


def export_onnx(model_path: str | os.PathLike, out_dir: str | os.PathLike, *, isa: str,
                progress: Callable[[str], None] | None = None) -> dict:
    """Build, calibrate and check the encoder for the CPU kind `isa` (cpu.instruction_set()) into `out_dir`.

    Writes `model.fp32.onnx`, `model.int8.onnx` (unless no int8 recipe passed) and `export.json` into a temporary
    folder renamed into place, so a crash or a concurrent export never leaves a half-written export where a reader
    would load it. Returns export.json's content: {"recipe", "isa", "check": {...}, "tried": [...]}. `progress`
    gets one line when the float32 graph had to be chosen. Raises QualkitError when onnx, torch or transformers
    are missing, or when the float32 graph differs from the torch model.
    """
    out_dir = Path(out_dir)
    if (out_dir / "export.json").exists():
        return json.loads((out_dir / "export.json").read_text())
    try:
        import onnx
    except ImportError as e:
        raise QualkitError(f"exporting the fast encoder needs onnx ({e}): run `pip install onnx`, or use the "
                           "reference embedder 'minilm'") from None
    from . import onnx_build
    from .fast import OnnxEncoder, load_tokenizer

    model_path = Path(model_path)
    weights = onnx_build.load_weights(model_path)
    config = onnx_build.BertConfig.read(model_path)
    check = held_out_texts(model_path)
    calibration = list(CALIBRATION) + _vocabulary_sentences(model_path, CALIBRATION_SALAD, seed=20240601)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir.parent))
    # Importing torch takes ~10 s of mostly one core; ONNX Runtime's calibration meanwhile runs outside the GIL.
    pool = ThreadPoolExecutor(max_workers=1)
    torch_job = pool.submit(_torch_reference, model_path, list(CALIBRATION))
    try:
        onnx.save(onnx_build.build(model_path, weights=weights), str(tmp / "model.fp32.onnx"))
        fp32 = OnnxEncoder(tmp, load_tokenizer(model_path), int8=False)
        xmax = _input_maxima(onnx_build.build(model_path, weights=weights, taps=True), model_path, calibration)
        torch_version, torch_vectors = torch_job.result()
        agree = _cosines(fp32.encode(list(CALIBRATION)), torch_vectors).min()
        if agree < FP32_MIN:  # a broken graph, not a rounding difference: nothing to fall back to
            raise QualkitError(f"{tmp / 'model.fp32.onnx'}: the float32 ONNX graph differs from the torch model "
                               f"(worst cosine {agree:.5f} < {FP32_MIN}); use the reference embedder 'minilm'")
        smooth = onnx_build.smooth_scales(xmax, onnx_build.linear_weights(weights, config), SMOOTH_ALPHA)
        reference = fp32.encode(check)
        tried = []
        recipe, worst = "fp32", 1.0
        for name in candidate_recipes(isa):
            int8 = onnx_build.build(model_path, weights=weights, quant=onnx_build.Quant(**RECIPES[name]),
                                    smooth=smooth, keep_float=FLOAT_LAYERS)
            onnx.save(int8, str(tmp / "model.int8.onnx"))
            cos = _cosines(OnnxEncoder(tmp, load_tokenizer(model_path), int8=True).encode(check), reference)
            tried.append({"recipe": name, "worst_cosine": round(float(cos.min()), 5),
                          "mean_cosine": round(float(cos.mean()), 5)})
            if cos.min() >= VERIFY_MIN:
                recipe, worst = name, float(cos.min())
                break
        if recipe == "fp32":
            (tmp / "model.int8.onnx").unlink(missing_ok=True)
            if progress:
                progress(f"no int8 recipe kept cosine >= {VERIFY_MIN} to the reference on this CPU ({isa}): the "
                         "fast encoder uses its float32 graph here (same vectors as the reference, less speed-up)")
        info = {"recipe": recipe, "isa": isa, "version": EXPORT_VERSION,
                "check": {"texts": len(check), "worst_cosine": round(worst, 5), "bar": VERIFY_MIN,
                          "fp32_vs_torch_worst": round(float(agree), 6)},
                "tried": tried, "source": str(model_path), "torch": torch_version, "at": time.time()}
        (tmp / "export.json").write_text(json.dumps(info) + "\n")
        try:
            os.rename(tmp, out_dir)
        except OSError:  # another process finished the same export first: theirs is identical
            if not (out_dir / "export.json").exists():
                raise
    finally:
        pool.shutdown(wait=True)
        shutil.rmtree(tmp, ignore_errors=True)
    return json.loads((out_dir / "export.json").read_text())


def candidate_recipes(isa: str) -> list[str]:
    """int8 recipes to try on this CPU kind: signed weights only where the u8 x s8 kernel sums exactly (cpu.py)."""
    return ["int8-s8"] if isa in EXACT_INT8 else ["int8-u8"]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.asarray(a, np.float64) * np.asarray(b, np.float64)).sum(axis=1)


def _torch_reference(model_path: Path, texts: list[str]) -> tuple[str, np.ndarray]:
    """(torch version, the unmodified torch model's mean-pooled unit vectors of `texts`): the float32 graph's yardstick."""
    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as e:
        raise QualkitError(f"checking the fast encoder needs torch and transformers ({e}), or use the reference "
                           "embedder 'minilm'") from None
    from .base import normalise
    from .fast import load_tokenizer

    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # the user sees one line saying what happens, not a weights progress bar
    try:
        model = AutoModel.from_pretrained(str(model_path), local_files_only=True).eval()
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()
    tok = load_tokenizer(model_path)
    tok.enable_padding()
    enc = tok.encode_batch(texts)
    ids, mask = torch.tensor([e.ids for e in enc]), torch.tensor([e.attention_mask for e in enc])
    with torch.no_grad():
        h = model(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = ((h * m).sum(1) / m.sum(1).clamp(min=1e-9)).numpy()
    return torch.__version__, normalise(pooled)


def _input_maxima(taps_model, model_path: Path, texts: list[str], batch: int = 32) -> dict[str, np.ndarray]:
    """Per input channel max |x| of every linear layer over the real tokens (padding rows left out) of `texts`."""
    import onnxruntime as ort

    from .fast import load_tokenizer, machine_threads, model_inputs

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = machine_threads()
    opts.log_severity_level = 3
    session = ort.InferenceSession(taps_model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs() if o.name.endswith(".x")]
    enc = load_tokenizer(model_path).encode_batch(texts)
    order = np.argsort([len(e.ids) for e in enc], kind="stable")
    xmax: dict[str, np.ndarray] = {}
    for i in range(0, len(order), batch):
        inputs = model_inputs(enc, order[i:i + batch])
        real = inputs["attention_mask"].reshape(-1).astype(bool)
        for name, x in zip(names, session.run(names, inputs)):
            m = np.abs(x[real]).max(axis=0)
            key = name[:-2]
            xmax[key] = np.maximum(xmax[key], m) if key in xmax else m
    return xmax


def _vocabulary_sentences(model_path: Path, n: int, seed: int) -> list[str]:
    """`n` seeded pseudo-sentences of whole words from the model's vocabulary, lengths 4..200 words.

    Thirty real sentences under-estimate some channels' ranges (worst cosine 0.95); word salad drives the
    activations over a wider range, and a seeded generator keeps the export deterministic.
    """
    words = [w for w in (model_path / "vocab.txt").read_text(encoding="utf-8").split("\n")[1996:]
             if w.isalpha()]  # ids below 1996 are [unused*], special tokens and single characters
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(words, size=int(k))) + "." for k in rng.integers(4, 200, size=n)]
