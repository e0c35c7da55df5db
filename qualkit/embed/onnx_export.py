"""The fast encoder's one-off export: torch.onnx graph, SmoothQuant, int8 rewrite, and a check against the reference.

Needs torch, transformers and onnx (export time only; the runtime encoder in fast.py needs only onnxruntime).
Steps, and why:
- SmoothQuant: a few hidden channels carry outlier activations, which per-token int8 quantises badly, so before
  export they are moved into the weights (x @ W == (x / s) @ (s * W), exact in float32), with per-channel scales
  calibrated on fixed text (CALIBRATION and seeded word salad from the vocabulary), so the export is deterministic.
- The float32 graph (mean pooling included) is exported once; the int8 graph is the same graph rewritten by
  onnx_graph.quantise_per_token, with the first layer's feed-forward output kept float32 (FLOAT_LAYERS).
- The int8 recipe depends on the CPU (cpu.py): int8 weights where the u8 x s8 kernel sums exactly ("int8-s8"),
  the same integers stored as uint8 with zero point 128 where AVX2's u8 x s8 kernel would saturate ("int8-u8":
  ONNX Runtime's u8 x u8 kernel widens to int16 first, so it is exact, at some cost in speed). Both compute the same
  integer products, so they give the same vectors. 7-bit weights (the quantiser's "reduce_range", which also
  avoids saturation) were measured and lose too much: worst held-out cosine 0.986.
- Before the export is used, the encoder as it will run (short texts through float32, the rest int8) is checked on
  HELD_OUT texts, none of which calibrated anything, against the float32 graph, which is itself checked against
  the unmodified torch model (sentence-transformers' mean pooling) on the calibration texts. If the worst cosine is
  below VERIFY_MIN the float32 graph is used instead, and the caller is told in one line. What was chosen and
  measured is written to export.json.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import QualkitError
from .cpu import EXACT_INT8

EXPORT_VERSION = "v6"  # bump when anything below changes: it keys the export folder and the model id
SMOOTH_ALPHA = 0.8  # SmoothQuant migration strength: 0.8 gave the best worst-case cosine of 0.5 / 0.7 / 0.8 / 0.9 / 1.0
# The first layer's feed-forward output takes the GELU activations with the largest outliers; quantising it put one
# of 14,079 Anthropic texts at cosine 0.986 to the reference (benchmarks/README.md).
FLOAT_LAYERS = ("/layer.0/output/dense/",)
# How each int8 recipe stores its weights (onnx_graph.quantise_per_token): same levels, signed or shifted unsigned.
RECIPES = {"int8-s8": {"levels": 127, "unsigned": False}, "int8-u8": {"levels": 127, "unsigned": True}}
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
    """Export, rewrite and check the encoder for the CPU kind `isa` (cpu.instruction_set()) into `out_dir`.

    Writes `model.fp32.onnx`, `model.int8.onnx` (unless no int8 recipe passed) and `export.json` into a temporary
    folder renamed into place, so a crash or a concurrent export never leaves a half-written export where a reader
    would load it. Returns export.json's content: {"recipe", "isa", "check": {...}, "tried": [...]}. `progress`
    gets one line when the float32 graph had to be chosen. Raises QualkitError when torch, transformers or onnx
    are missing.
    """
    out_dir = Path(out_dir)
    if (out_dir / "export.json").exists():
        return json.loads((out_dir / "export.json").read_text())
    try:
        import onnx
        import torch
        from transformers import AutoModel
    except ImportError as e:
        raise QualkitError(f"exporting the fast encoder needs torch, transformers and onnx ({e}): run "
                           "`pip install onnx`, or use the reference embedder 'minilm'") from None
    from transformers.utils import logging as hf_logging

    from . import onnx_graph
    from .fast import OnnxEncoder, load_tokenizer

    model_path = Path(model_path)
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # the user sees one line saying what happens, not a weights progress bar
    try:
        model = AutoModel.from_pretrained(str(model_path), attn_implementation="eager",
                                          local_files_only=True).eval()
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()
    check = held_out_texts(model_path)
    calibration, torch_vectors = _calibration_inputs(model_path), {}
    _smooth(model, calibration, torch_vectors)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir.parent))
    try:
        _export_fp32(model, tmp / "model.fp32.onnx")
        fp32 = OnnxEncoder(tmp, load_tokenizer(model_path), int8=False)
        agree = _cosines(fp32.encode(list(calibration[2])), torch_vectors["pooled"]).min()
        if agree < FP32_MIN:  # a broken export, not a rounding difference: nothing to fall back to
            raise QualkitError(f"{tmp / 'model.fp32.onnx'}: the float32 ONNX graph differs from the torch model "
                               f"(worst cosine {agree:.5f} < {FP32_MIN}); use the reference embedder 'minilm'")
        reference = fp32.encode(check)
        tried = []
        recipe, worst = "fp32", 1.0
        for name in candidate_recipes(isa):
            int8 = onnx_graph.quantise_per_token(onnx.load(str(tmp / "model.fp32.onnx")), keep_float=FLOAT_LAYERS,
                                                 **RECIPES[name])
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
                "tried": tried, "source": str(model_path), "torch": torch.__version__, "at": time.time()}
        (tmp / "export.json").write_text(json.dumps(info) + "\n")
        try:
            os.rename(tmp, out_dir)
        except OSError:  # another process finished the same export first: theirs is identical
            if not (out_dir / "export.json").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return json.loads((out_dir / "export.json").read_text())


def candidate_recipes(isa: str) -> list[str]:
    """int8 recipes to try on this CPU kind: signed weights only where the u8 x s8 kernel sums exactly (cpu.py)."""
    return ["int8-s8"] if isa in EXACT_INT8 else ["int8-u8"]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.asarray(a, np.float64) * np.asarray(b, np.float64)).sum(axis=1)


def _export_fp32(model, path: Path) -> None:
    import torch

    ids = torch.ones(2, 16, dtype=torch.long)
    axes = {"batch": 0, "tokens": 1}
    dyn = {k: {v: n for n, v in axes.items()} for k in ("input_ids", "attention_mask", "token_type_ids")}
    dyn["embedding"] = {0: "batch"}
    with warnings.catch_warnings():  # the tracer's warnings are about branches that do not apply to BERT
        warnings.simplefilter("ignore")
        torch.onnx.export(_Pooled(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(path),
                          input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["embedding"],
                          dynamic_axes=dyn, opset_version=17, dynamo=False)


def _calibration_inputs(model_path: Path):
    """(input_ids, attention_mask, texts) of the calibration texts, sorted by length so batches pad little."""
    import torch

    from .fast import load_tokenizer

    texts = list(CALIBRATION) + _vocabulary_sentences(model_path, CALIBRATION_SALAD, seed=20240601)
    tok = load_tokenizer(model_path)
    texts.sort(key=lambda t: len(tok.encode(t).ids))
    tok.enable_padding()
    enc = tok.encode_batch(texts)
    return torch.tensor([e.ids for e in enc]), torch.tensor([e.attention_mask for e in enc]), texts


def _vocabulary_sentences(model_path: Path, n: int, seed: int) -> list[str]:
    """`n` seeded pseudo-sentences of whole words from the model's vocabulary, lengths 4..200 words.

    Thirty real sentences under-estimate some channels' ranges (worst cosine 0.95); word salad drives the
    activations over a wider range, and a seeded generator keeps the export deterministic.
    """
    words = [w for w in (model_path / "vocab.txt").read_text(encoding="utf-8").split("\n")[1996:]
             if w.isalpha()]  # ids below 1996 are [unused*], special tokens and single characters
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(words, size=int(k))) + "." for k in rng.integers(4, 200, size=n)]


def _smooth(model, inputs, pooled: dict) -> None:
    """SmoothQuant in place: every encoder Linear computes (x / s) @ (s * W) + b, which equals x @ W + b.

    The calibration pass also stores the unmodified model's mean-pooled, normalised vectors in pooled["pooled"]:
    the reference the float32 graph is checked against.
    """
    import torch

    from .base import normalise

    linears = {n: m for n, m in model.named_modules() if isinstance(m, torch.nn.Linear) and ".encoder." in f".{n}"}
    xmax: dict[str, torch.Tensor] = {}

    def hook(name):
        def record(_module, args):
            x = args[0].detach().abs().reshape(-1, args[0].shape[-1]).amax(0)
            xmax[name] = torch.maximum(xmax[name], x) if name in xmax else x
        return record

    handles = [m.register_forward_pre_hook(hook(n)) for n, m in linears.items()]
    vectors = []
    with torch.no_grad():
        for i in range(0, len(inputs[0]), 32):
            ids, mask = inputs[0][i:i + 32], inputs[1][i:i + 32]
            width = int(mask.sum(1).max())  # sorted by length: trim the batch to its longest text
            ids, mask = ids[:, :width], mask[:, :width]
            h = model(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).to(h.dtype)
            vectors.append(((h * m).sum(1) / m.sum(1).clamp(min=1e-9)).numpy())
    for h in handles:
        h.remove()
    pooled["pooled"] = normalise(np.concatenate(vectors))
    smooth_linear = _torch_modules()[0]
    for name, lin in linears.items():
        parent_name, attr = name.rsplit(".", 1)
        setattr(model.get_submodule(parent_name), attr, smooth_linear(lin, xmax[name], SMOOTH_ALPHA))


def _torch_modules():
    import torch

    class SmoothLinear(torch.nn.Module):
        def __init__(self, lin, xmax, alpha):
            super().__init__()
            wmax = lin.weight.detach().abs().amax(0).clamp(min=1e-5)
            scale = (xmax.clamp(min=1e-5) ** alpha / wmax ** (1 - alpha)).clamp(min=1e-5)
            self.register_buffer("inv_scale", 1.0 / scale)
            self.linear = torch.nn.Linear(lin.in_features, lin.out_features)
            with torch.no_grad():
                self.linear.weight.copy_(lin.weight * scale)
                self.linear.bias.copy_(lin.bias)

        def forward(self, x):
            return self.linear(x * self.inv_scale)

    class Pooled(torch.nn.Module):
        """The transformer plus sentence-transformers' mean pooling (normalising is done in numpy)."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.model(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(h.dtype)
            return (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    return SmoothLinear, Pooled


def _Pooled(model):
    return _torch_modules()[1](model)
