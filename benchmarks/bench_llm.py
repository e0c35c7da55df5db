"""The language-model backend (qualkit.llm) measured on these cores: accuracy beside the embedding engine, speed
with and without the embedding pre-selection of candidate codes, and the calls the answer cache saves.

Starts llama.cpp's server in-process (xllamacpp) on a loopback port with the packaged Gemma 3 270M Q4_K_M,
unless --llm URL --llm-model NAME points at a running server (Ollama, llama.cpp, LM Studio, vLLM).

    python benchmarks/bench_llm.py eval --study sample     # P01-P04, 1 in 24 participant sentences
    python benchmarks/bench_llm.py eval --study serdif     # P1-P4 of SERDIF, 1 in 30 paragraphs
    python benchmarks/bench_llm.py throughput --segments 4 # segments/min with and without pre-selection; cache

`eval` runs qualkit.evaluate.evaluate (what `qualkit eval` runs) on the same fixed subset with the embedding
engine and with the LLM suggester and prints both tables and a side-by-side summary; the subset exists because the
small model takes tens of seconds per segment here. Results also go to benchmarks/results/llm-*.json.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT / ".." / "shared" / "benchmarks"
SERDIF_DB = SHARED / "serdif-usability" / "SERDIF_P2_ThematicAnalysis.sqlite3"
SAMPLES = ROOT / "sample_transcripts"
CODEBOOK = ROOT / "codebooks" / "ai_in_medicine.yaml"
RESULTS = ROOT / "benchmarks" / "results"

from qualkit.embed import get_embedder  # noqa: E402
from qualkit.evaluate import evaluate  # noqa: E402
from qualkit.llm import LLMConfig, LLMSuggester, MemoryLLMCache  # noqa: E402
from qualkit.llm.local_server import GEMMA_270M, local_llama_server  # noqa: E402


@contextlib.contextmanager
def server(args):
    if args.llm:
        yield args.llm, args.llm_model
    else:
        # 8192: a question about every one of the sample codebook's 18 leaf codes is about 4,700 prompt tokens
        with local_llama_server(n_ctx=8192) as url:
            yield url, GEMMA_270M


def _every(segments, k):
    """Every k-th participant segment of each transcript (a fixed, spread-out subset)."""
    out, seen = [], {}
    for s in segments:
        i = seen.get(s.transcript_id, 0)
        seen[s.transcript_id] = i + 1
        if i % k == 0:
            out.append(s)
    return out


def sample_snapshot(n_transcripts: int, every: int, tmp: Path, unit: str = "sentence"):
    from qualkit.codebook import load_codebook
    from qualkit.project import Project, import_codings, ingest

    names = sorted(p.name for p in SAMPLES.iterdir() if p.stem.startswith("P"))[:n_transcripts]
    corpus = tmp / "t"
    corpus.mkdir()
    for n in names:
        (corpus / n).write_bytes((SAMPLES / n).read_bytes())
    ids = {Path(n).stem for n in names}
    with open(SAMPLES / "reference_codings.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["document"] in ids]
    with open(tmp / "codings.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    project = Project.init(tmp / "proj")
    ingest(project, [corpus], unit=unit)  # the reference codings are sentence spans: invisible at turn unit
    project.store.put_codebook(load_codebook(CODEBOOK))
    import_codings(project, tmp / "codings.csv")
    snap = project.store.snapshot("sample study")
    project.close()
    segs = _every([s for s in snap.segments if s.role == "participant"], every)
    return replace(snap, segments=tuple(segs)), f"sample study {', '.join(sorted(ids))}, {unit} unit, 1 in {every} " \
                                                 f"participant {unit}s"


def serdif_snapshot(n_transcripts: int, every: int):
    from qualkit.evaluate.runner import _segments
    from qualkit.interchange.taguette import read_taguette

    snap = read_taguette(SERDIF_DB)
    ids = sorted(t.id for t in snap.transcripts)
    ids = sorted(ids, key=lambda i: int(i.split("_")[0][1:]))[:n_transcripts]
    keep = set(ids)
    snap = replace(snap, transcripts=tuple(t for t in snap.transcripts if t.id in keep),
                   codings=tuple(c for c in snap.codings if c.transcript_id in keep), segments=())
    segs = _every(_segments(snap, "paragraph", ("participant",)), every)
    return replace(snap, segments=tuple(segs)), f"SERDIF {', '.join(ids)}, paragraph unit, 1 in {every} " \
                                                f"participant paragraphs"


def side_by_side(emb, llm) -> str:
    fr = emb.fractions
    label = lambda f: "zero-shot" if f == 0 else f"{f:.0%} decided"  # noqa: E731
    names = list(dict.fromkeys(r.code for r in emb.codes))
    w = max(len(n) for n in names + ["mean kappa"])
    head = f"{'code':<{w}}  {'n':>4}" + "".join(f"  {'emb ' + label(f):>18} {'llm ' + label(f):>18}" for f in fr)
    lines = [head, "-" * len(head)]
    for n in names:
        row = f"{n:<{w}}  {emb.result(n, fr[0]).support:>4.0f}"
        for f in fr:
            row += f"  {emb.result(n, f).kappa:>18.3f} {llm.result(n, f).kappa:>18.3f}"
        lines.append(row)
    lines.append("-" * len(head))
    for m in ("kappa", "f1", "micro_f1"):
        lines.append(f"{'mean ' + m:<{w}}  {'':>4}" + "".join(f"  {emb.overall[f][m]:>18.3f} {llm.overall[f][m]:>18.3f}"
                                                            for f in fr))
    return "\n".join(lines)


def cmd_eval(args):
    fractions = tuple(float(x) for x in args.fractions.split(","))
    seeds = tuple(int(x) for x in args.seeds.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        if args.study == "sample":
            snap, subset = sample_snapshot(args.transcripts, args.every or 24, Path(tmp))
            unit = "sentence"
        else:
            snap, subset = serdif_snapshot(args.transcripts, args.every or 30)
            unit = "paragraph"
    print(f"subset: {subset}: {len(snap.segments)} segments, {len(snap.codings)} human codings", flush=True)
    embedder = get_embedder(args.embedder)
    t0 = time.perf_counter()
    emb = evaluate(snap, embedder, fractions=fractions, seeds=seeds, unit=unit)
    t_emb = time.perf_counter() - t0
    print(emb.to_table(), f"\n[embedding engine: {t_emb:.1f} s]\n", flush=True)
    with server(args) as (url, model):
        config = LLMConfig(url, model, timeout=args.timeout, top_k=args.top_k)
        done = [0]

        def progress(d, t):
            done[0] += 1
            if d == t or d % 5 == 0:
                print(f"  llm: {d}/{t} segments ({time.perf_counter() - t1:.0f} s)", flush=True)

        sug = LLMSuggester(config, llm_cache=MemoryLLMCache(), progress=progress)
        t1 = time.perf_counter()
        llm = evaluate(snap, embedder, fractions=fractions, seeds=seeds, unit=unit, suggester=sug)
        t_llm = time.perf_counter() - t1
    print(llm.to_table(), f"\n[llm: {t_llm:.1f} s; {sug.total_line()}]\n")
    print(f"=== {subset}: mean over codes, seeds {list(seeds)}; kappa per code, embedding engine vs {model}")
    print(side_by_side(emb, llm))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"llm-eval-{args.study}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"subset": subset, "model": model, "embedding": json.loads(emb.to_json()),
                               "llm": json.loads(llm.to_json()), "seconds": {"embedding": t_emb, "llm": t_llm},
                               "llm_stats": [h.record() for h in sug.history_]}, indent=1))
    print(f"wrote {out}")


def cmd_throughput(args):
    """Segments per minute with pre-selection (top-k codes) and without (every leaf code), then a re-run."""
    with tempfile.TemporaryDirectory() as tmp:
        snap, subset = sample_snapshot(2, 1, Path(tmp), unit="turn")
    segs = [s for s in snap.segments if s.role == "participant"][:args.segments]
    embedder = get_embedder(args.embedder)
    rows = []
    with server(args) as (url, model):
        arms = [("pre-selection (top %d codes)" % args.top_k, True), ("every code", False)]
        for label, preselect in [a for a in arms if args.arms in ("both", "pre" if a[1] else "every")]:
            cache = MemoryLLMCache()
            config = LLMConfig(url, model, timeout=args.timeout, top_k=args.top_k)
            sug = LLMSuggester(config, llm_cache=cache, preselect=preselect)
            t0 = time.perf_counter()
            sug.suggest(segs, snap.codebook, embedder)
            first = time.perf_counter() - t0
            s1 = sug.stats_
            t0 = time.perf_counter()
            sug.suggest(segs, snap.codebook, embedder)
            again = time.perf_counter() - t0
            s2 = sug.stats_
            rows.append((label, len(segs), s1.pairs, s1.calls, s1.failures, first, s1.completion_tokens, s2.calls,
                         again))
            print(f"{label}: {s1.line()}; re-run: {s2.line()}", flush=True)
    print(f"\n=== {model} at {url}, {len(segs)} sample-study segments, {os.cpu_count()} cores")
    print(f"{'setting':<30} {'segs':>5} {'pairs':>6} {'calls':>6} {'failed':>6} {'seconds':>8} {'segs/min':>9} "
          f"{'tok/s':>6} {'re-run calls':>12} {'saved':>6} {'re-run s':>8}")
    for label, n, pairs, calls, failed, sec, tok, calls2, sec2 in rows:
        print(f"{label:<30} {n:>5} {pairs:>6} {calls:>6} {failed:>6} {sec:>8.1f} {60 * n / sec:>9.2f} "
              f"{tok / sec:>6.1f} {calls2:>12} {1 - calls2 / max(calls, 1):>6.0%} {sec2:>8.2f}")
    if len(rows) == 2:
        print(f"pre-selection speed-up (same run): {rows[1][5] / rows[0][5]:.2f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["eval", "throughput"])
    ap.add_argument("--study", choices=["sample", "serdif"], default="sample")
    ap.add_argument("--transcripts", type=int, default=4)
    ap.add_argument("--every", type=int, default=None)
    ap.add_argument("--fractions", default="0,0.25")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--segments", type=int, default=4)
    ap.add_argument("--arms", choices=["both", "pre", "every"], default="both",
                    help="throughput: with pre-selection, with every code, or both")
    ap.add_argument("--top-k", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--embedder", default="minilm-fast")
    ap.add_argument("--llm", default=None, help="a running server's URL (default: start the packaged model)")
    ap.add_argument("--llm-model", default=None)
    args = ap.parse_args()
    {"eval": cmd_eval, "throughput": cmd_throughput}[args.what](args)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    main()
