"""The whole pipeline on every benchmark corpus: time per stage, throughput, peak memory and the target ratios.

    python benchmarks/run_all.py [--quick] [--embedder minilm] [--anthropic-fractions 0.25,0.5,1]

Corpora: the sample study (sample_transcripts/ + codebooks/ai_in_medicine.yaml); SERDIF (the authors' Taguette
project, imported with its codebook); the 1,250 Anthropic interviews at 25 / 50 / 100 % (subset CSVs written to a
temp dir; coded with the sample codebook, since the data set has none). `--quick` runs only the sample study and
a 5 % Anthropic slice (`--quick-fraction` to change it): the CI smoke run.

Each corpus runs in its own child process (so peak RSS is that corpus's alone) which measures, in order:
  cold    a new project, empty embedding cache: ingest, embed, suggest, themes, report (each stage that exists);
  warm    the same again with nothing changed;
  edit    one code's definition edited, then suggest and themes again (what is recomputed is reported);
  plain   SentenceTransformer.encode on the same distinct segment texts, same model, same batch size (on a
          seeded sample of at most --plain-sample texts), timed right after the cold run and again at the end;
          the yardstick is the mean of the two, because the load of a shared machine drifts. Each timing runs in a
          process of its own (torch and the model never enter the corpus's process), so the corpus process's peak
          RSS is the pipeline's alone; the baseline's peak is reported beside it.
Ratios: overhead = cold end-to-end segments/s / plain segments/s (target >= 0.80); warm = warm / cold wall time
(<= 0.10); scaling = seconds per segment at 100 % / at 25 % (within 10 % of linear); peak RSS of the full corpus
(the pipeline's, < 3 GB); start-up = `qualkit --help` wall time (< 1 s; the console script beside this interpreter,
and the `qualkit` on PATH too when that is a shim). Short runs are repeated and the run with the median total kept
whole (its stages add up to its total; every run's seconds are in the JSON). `--sample-only`: the sample study alone.
Stages that are not built yet are skipped with a note in the table and JSON. Results: benchmarks/results/*.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "benchmarks"
ANTHROPIC_CSV = SHARED / "anthropic-interviewer" / "all_transcripts.csv"
SERDIF_TAGUETTE = SHARED / "serdif-usability" / "SERDIF_P2_ThematicAnalysis.sqlite3"
SAMPLE_DIR = ROOT / "sample_transcripts"
SAMPLE_CODEBOOK = ROOT / "codebooks" / "ai_in_medicine.yaml"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SHORT_RUN_S = 20.0  # a cold run shorter than this is repeated (--repeats) and the median kept
STAGES = ("ingest", "embed", "suggest", "themes", "report")


# ---------------------------------------------------------------- child: one corpus
def _available() -> dict[str, str | None]:
    """Which later stages exist: stage -> None if usable, else the reason it is skipped."""
    import importlib.util
    out = {}
    for stage, module in (("suggest", "qualkit.suggest"), ("themes", "qualkit.themes")):
        spec = importlib.util.find_spec(module)
        ok = spec is not None and spec.submodule_search_locations and \
            Path(list(spec.submodule_search_locations)[0], "__init__.py").exists()
        out[stage] = None if ok else f"{module} is not built yet (no {module.replace('.', '/')}/__init__.py)"
    try:
        from qualkit.export import write_report  # noqa: F401
        out["report"] = None
    except ImportError:
        out["report"] = "qualkit.export.write_report is not available"
    return out


def _one_pass(spec: dict, project_dir: Path, embedder, available: dict, new_project: bool) -> dict:
    """One pipeline pass over the corpus; returns per-stage seconds, counts and notes."""
    from qualkit import pipeline
    from qualkit.codebook import load_codebook
    from qualkit.project import Project, import_project, ingest

    if new_project and project_dir.exists():
        shutil.rmtree(project_dir)
    t: dict[str, float] = {}
    counts: dict[str, int] = {}
    notes: list[str] = []
    total0 = time.perf_counter()
    project = Project.init(project_dir)
    try:
        t0 = time.perf_counter()
        if spec["kind"] == "taguette":
            import_project(project, spec["path"])
        else:
            if spec.get("codebook"):
                project.store.put_codebook(load_codebook(spec["codebook"]))
            ingest(project, spec["paths"])
        t["ingest"] = time.perf_counter() - t0
        segments = pipeline.participant_segments(project)
        counts["segments"] = len(segments)
        counts["distinct_texts"] = len({s.text for s in segments})
        before = project.store.counts()["embeddings"]
        t0 = time.perf_counter()
        pipeline.embed_segments(project, embedder, segments)
        t["embed"] = time.perf_counter() - t0
        counts["embedded"] = project.store.counts()["embeddings"] - before
        report = pipeline.PipelineReport()
        _stage(t, notes, "suggest", available, lambda: pipeline.run_suggest(project, embedder, report=report))
        _stage(t, notes, "themes", available, lambda: pipeline.run_themes(project, embedder, report=report))
        counts["embedded_after_embed_stage"] = project.store.counts()["embeddings"] - before - counts["embedded"]
        counts.update({k: v for k, v in report.counts.items() if k in ("suggestions", "themes")})
        notes.extend(report.notes)
        if available["report"] is None:
            from qualkit.export import write_report
            t0 = time.perf_counter()
            try:
                write_report(project.store.snapshot(), project_dir / "report.html")
                t["report"] = time.perf_counter() - t0
            except Exception as e:  # a report bug must not hide the other figures; it is shown in the table
                notes.append(f"report failed: {type(e).__name__}: {e}")
    finally:
        project.close()
    t["total"] = time.perf_counter() - total0
    return {"seconds": t, "counts": counts, "notes": notes}


def _stage(t: dict, notes: list, stage: str, available: dict, call) -> None:
    """Time one stage if it exists; a failure becomes a note (shown in the table) instead of losing the corpus."""
    if available[stage] is not None:
        return
    t0 = time.perf_counter()
    try:
        call()
        t[stage] = time.perf_counter() - t0
    except Exception as e:
        notes.append(f"{stage} FAILED: {type(e).__name__}: {str(e).splitlines()[0][:200]}")


def _edit_pass(project_dir: Path, embedder, available: dict) -> dict:
    """Edit one code's definition, then suggest + themes again; reports what was re-embedded and the times."""
    from qualkit import pipeline
    from qualkit.project import Project

    project = Project.open(project_dir)
    try:
        cb = project.store.codebook()
        if cb is None or not cb.codes:
            return {"skipped": "no codebook"}
        code = cb.codes[0]
        edited = replace(code, definition=(code.definition or code.name) + " Also covers indirect mentions.")
        project.store.put_codebook(replace(cb, codes=(edited, *cb.codes[1:]) if isinstance(cb.codes, tuple)
                                           else [edited, *cb.codes[1:]]))
        before = project.store.counts()["embeddings"]
        t: dict[str, float] = {}
        t0 = time.perf_counter()
        report = pipeline.PipelineReport()
        notes: list[str] = []
        _stage(t, notes, "suggest", available, lambda: pipeline.run_suggest(project, embedder, report=report))
        _stage(t, notes, "themes", available, lambda: pipeline.run_themes(project, embedder, report=report))
        t["total"] = time.perf_counter() - t0
        return {"code": code.name, "seconds": t, "embedded": project.store.counts()["embeddings"] - before,
                "notes": notes}
    finally:
        project.close()


def _plain_throughput(texts: list[str], batch_size: int, sample: int, seed: int = 0) -> dict:
    """The plain SentenceTransformer.encode baseline, timed in a child process of its own: torch and the
    sentence-transformers model never enter the pipeline's process, so the pipeline's peak RSS is its own."""
    if len(texts) > sample:
        texts = random.Random(seed).sample(texts, sample)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump({"texts": texts, "batch_size": batch_size}, f)
    try:
        p = subprocess.run([sys.executable, __file__, "--plain-child", f.name], capture_output=True, text=True,
                           cwd=ROOT, check=True)
    finally:
        os.unlink(f.name)
    return json.loads(p.stdout.strip().splitlines()[-1])


def plain_child(path: str) -> dict:
    """Time plain SentenceTransformer.encode on the texts in the JSON file `path` (one warm-up batch first)."""
    from bench_encoder import plain_encoder

    job = json.loads(Path(path).read_text(encoding="utf-8"))
    texts, batch_size = job["texts"], job["batch_size"]
    model = plain_encoder()
    model.encode(texts[:batch_size], batch_size=batch_size)  # warm-up: the first batch pays one-off costs
    t0 = time.perf_counter()
    model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    dt = time.perf_counter() - t0
    return {"texts": len(texts), "seconds": dt, "segments_per_s": len(texts) / dt,
            "peak_rss_bytes": _vm_hwm()}


def _vm_hwm() -> int:
    """This process's own RSS high-water mark (VmHWM, bytes). Not ru_maxrss: Linux carries that over from the
    process that forked and exec'd us, so a baseline started by the pipeline would report the pipeline's peak."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(spec: dict) -> dict:
    """Run one corpus (see the module docstring) and return its figures."""
    from qualkit.embed import get_embedder

    available = _available()
    work = Path(spec["workdir"])
    runs, load_s = [], []
    for i in range(spec["repeats"]):
        t0 = time.perf_counter()
        embedder = get_embedder(spec["embedder"], batch_size=spec["batch_size"])  # a fresh model per cold run
        if hasattr(embedder, "_load"):
            embedder._load()  # session/model load counts in the cold run; a first-ever ONNX export does not
        load_s.append(time.perf_counter() - t0 - getattr(embedder, "export_seconds_", 0.0))
        r = _one_pass(spec, work / "project", embedder, available, new_project=True)
        r["seconds"]["load_model"] = load_s[-1]
        r["seconds"]["total"] += load_s[-1]
        runs.append(r)
        if r["seconds"]["total"] > SHORT_RUN_S:
            break
    cold = _median_run(runs)
    from qualkit.project import Project
    project = Project.open(work / "project")
    texts = sorted({s.text for s in project.store.segments(role="participant")})
    project.close()
    # The plain encoder is timed right after the cold run and again at the end: the machine's load drifts, and
    # the mean of the two is the fairest yardstick for the cold run between them.
    plain_before = _plain_throughput(texts, spec["batch_size"], spec["plain_sample"])
    warm_runs = [_one_pass(spec, work / "project", embedder, available, new_project=False)
                 for _ in range(spec["repeats"] if cold["seconds"]["total"] <= SHORT_RUN_S else 1)]
    warm = _median_run(warm_runs)
    edit = _edit_pass(work / "project", embedder, available) if spec.get("edit", True) else {"skipped": "off"}
    plain_after = _plain_throughput(texts, spec["batch_size"], spec["plain_sample"])
    # the baseline ran in children of its own, so this process's peak is the pipeline's alone (Linux: KiB)
    rss_pipeline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    seconds = (plain_before["seconds"] + plain_after["seconds"]) / 2
    plain = {"texts": plain_after["texts"], "seconds": seconds, "segments_per_s": plain_after["texts"] / seconds,
             "segments_per_s_after_cold": plain_before["segments_per_s"],
             "segments_per_s_at_end": plain_after["segments_per_s"],
             "peak_rss_bytes": max(plain_before["peak_rss_bytes"], plain_after["peak_rss_bytes"])}
    return {"corpus": spec["name"], "embedder": spec["embedder"], "model_id": embedder.model_id,
            "skipped_stages": {k: v for k, v in available.items() if v}, "cold": cold, "cold_runs": len(runs),
            "warm": warm, "edit": edit, "plain": plain, "peak_rss_bytes_pipeline": rss_pipeline,
            "peak_rss_bytes_plain_baseline": plain["peak_rss_bytes"]}


def _median_run(runs: list[dict]) -> dict:
    """The run whose total is the median (of an even number, the slower middle one), whole: its stage times add
    up to its total. Taking each stage's median separately did not (on the sample study the stages summed to
    ~1 s less than the total, which read as unaccounted pipeline time). Every run's seconds are kept in `runs`."""
    ranked = sorted(runs, key=lambda r: r["seconds"]["total"])
    mid = ranked[len(ranked) // 2]
    return {"seconds": dict(mid["seconds"]), "counts": mid["counts"], "notes": mid["notes"],
            "runs": [r["seconds"] for r in runs]}


# ---------------------------------------------------------------- parent
def anthropic_subset(fraction: float, folder: Path, seed: int = 0) -> Path:
    """A CSV holding a seeded random `fraction` of the 1,250 interviews (all of them at 1.0)."""
    if fraction >= 1:
        return ANTHROPIC_CSV
    csv.field_size_limit(1 << 30)
    with open(ANTHROPIC_CSV, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header, rows = next(reader), list(reader)
    keep = sorted(random.Random(seed).sample(range(len(rows)), max(1, round(len(rows) * fraction))))
    out = folder / f"anthropic_{round(fraction * 100)}pct.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows[i] for i in keep)
    return out


def run_child(spec: dict) -> dict:
    """Run `child(spec)` in a fresh interpreter; its peak RSS comes from RUSAGE_CHILDREN of that process alone."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True, text=True,
                       cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        return {"corpus": spec["name"], "error": (p.stderr or p.stdout).strip().splitlines()[-20:]}
    result = json.loads(p.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far (the baseline's grandchildren included): only a
    # new maximum is attributable, and it is the larger of the pipeline and its baseline, not the pipeline's.
    result["peak_rss_bytes_corpus_process_tree"] = after * 1024 if after > before else None
    result["child_wall_s"] = wall
    return result


def startup_seconds(repeats: int = 5) -> dict:
    """`qualkit --help` wall time: the console script installed beside this interpreter (what a venv's `qualkit`
    is). When `qualkit` on PATH is something else (pyenv's shim: a bash script that execs pyenv, which then runs
    that script), it is timed too and reported beside, as `path_median_s`: the difference is the shim's."""
    script = Path(sys.executable).parent / "qualkit"
    on_path = shutil.which("qualkit")
    if script.exists():
        cmd = [str(script), "--help"]
    elif on_path:
        cmd = [on_path, "--help"]
    else:
        cmd = [sys.executable, "-c", "import sys; from qualkit.cli import main; sys.argv=['qualkit','--help']; main()"]

    def timed(c):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            subprocess.run(c, capture_output=True, cwd=ROOT, check=True)
            times.append(time.perf_counter() - t0)
        return times

    times = timed(cmd)
    out = {"command": " ".join(cmd) if cmd[0] != sys.executable else "python -c 'qualkit.cli.main --help'",
           "median_s": statistics.median(times), "runs": times}
    if on_path and script.exists() and Path(on_path).resolve() != script.resolve():
        out["path_command"] = f"{on_path} --help"
        out["path_median_s"] = statistics.median(timed([on_path, "--help"]))
    return out


def summarise(results: list[dict], startup: dict) -> dict:
    out: dict = {"startup_s": startup["median_s"], "startup_via_path_s": startup.get("path_median_s")}
    for r in results:
        if "error" in r:
            continue
        n, cold = r["cold"]["counts"]["segments"], r["cold"]["seconds"]["total"]
        r["segments_per_s"] = n / cold
        r["overhead_ratio"] = r["segments_per_s"] / r["plain"]["segments_per_s"]
        r["warm_ratio"] = r["warm"]["seconds"]["total"] / cold
        # A stage that failed on the re-run took no time, so the ratio would flatter: flag it.
        r["warm_complete"] = not any("FAILED" in n for n in r["warm"]["notes"])
    anth = {r["fraction"]: r for r in results if r.get("fraction") and "error" not in r}
    if len(anth) >= 2:
        lo, hi = min(anth), max(anth)
        fr = sorted(anth)
        t = {f: anth[f]["cold"]["seconds"]["total"] for f in fr}
        n = {f: anth[f]["cold"]["counts"]["segments"] for f in fr}
        per = {f: t[f] / n[f] for f in fr}
        # time = fixed + marginal * segments through the smallest and largest run: a ratio below 1 with a steady
        # marginal cost means fixed costs (imports, the first UMAP fit) are being spread, not that work shrank
        marginal = (t[hi] - t[lo]) / (n[hi] - n[lo])
        out["scaling"] = {"fractions": fr, "seconds_per_segment": per,
                          "ratio_largest_to_smallest": per[hi] / per[lo],
                          "step_ratios": {f"{a:.0%}->{b:.0%}": per[b] / per[a] for a, b in zip(fr, fr[1:])},
                          "marginal_seconds_per_segment": marginal, "fixed_seconds": t[lo] - marginal * n[lo]}
    full = anth.get(1.0)
    if full:
        out["peak_rss_full_corpus_bytes"] = full["peak_rss_bytes_pipeline"]
        out["peak_rss_full_corpus_plain_baseline_bytes"] = full["peak_rss_bytes_plain_baseline"]
    return out


def print_table(results: list[dict], summary: dict) -> None:
    head = (f"{'corpus':<18}{'segs':>7}" + "".join(f"{s:>9}" for s in ("load",) + STAGES) +
            f"{'cold s':>9}{'seg/s':>8}{'plain/s':>8}{'overh.':>7}{'warm s':>8}{'warm r':>7}{'edit s':>8}"
            f"{'RSS MB':>8}{'plainMB':>8}")
    print(head)
    print("-" * len(head))
    for r in results:
        if "error" in r:
            print(f"{r['corpus']:<18} ERROR: {' | '.join(r['error'][-3:])}")
            continue
        s = r["cold"]["seconds"]
        stages = "".join(f"{s[k]:>9.2f}" if k in s else f"{'skip':>9}" for k in ("load_model",) + STAGES)
        rss = r["peak_rss_bytes_pipeline"] / 2**20
        edit = r["edit"].get("seconds", {}).get("total")
        print(f"{r['corpus']:<18}{r['cold']['counts']['segments']:>7}{stages}{s['total']:>9.2f}"
              f"{r['segments_per_s']:>8.1f}{r['plain']['segments_per_s']:>8.1f}{r['overhead_ratio']:>7.2f}"
              f"{r['warm']['seconds']['total']:>8.2f}{r['warm_ratio']:>7.2f}"
              f"{edit if edit is not None else float('nan'):>8.2f}{rss:>8.0f}"
              f"{r['peak_rss_bytes_plain_baseline'] / 2**20:>8.0f}")
    print()
    for r in results:
        if "error" in r:
            continue
        for stage, why in r["skipped_stages"].items():
            print(f"{r['corpus']}: {stage} skipped: {why}")
        e = r["edit"]
        if "embedded" in e:
            print(f"{r['corpus']}: edit of code {e['code']!r} re-embedded {e['embedded']} text(s); "
                  f"re-ran {', '.join(k for k in e['seconds'] if k != 'total') or 'nothing'}")
        for run in ("cold", "warm"):
            for note in r[run]["notes"]:
                print(f"{r['corpus']}: {run}: {note}")
        for note in e.get("notes", []):
            print(f"{r['corpus']}: edit: {note}")
    print()
    print("targets (measured in this run):")
    for r in results:
        if "error" not in r:
            print(f"  overhead ratio {r['corpus']}: {r['overhead_ratio']:.2f} (>= 0.80)   "
                  f"warm ratio: {r['warm_ratio']:.3f} (<= 0.10)"
                  + ("" if r["warm_complete"] else "  [INVALID: a stage failed on the re-run, see above]"))
    if "scaling" in summary:
        sc = summary["scaling"]
        print(f"  scaling {sc['fractions'][0]:.0%} -> {sc['fractions'][-1]:.0%}: seconds/segment ratio "
              f"{sc['ratio_largest_to_smallest']:.2f} (linear = 1.00, within 0.90..1.10); step by step "
              + ", ".join(f"{k} {v:.2f}" for k, v in sc["step_ratios"].items())
              + f"; fixed {sc['fixed_seconds']:.1f} s + {sc['marginal_seconds_per_segment'] * 1000:.2f} ms/segment")
    if "peak_rss_full_corpus_bytes" in summary:
        print(f"  peak RSS, full Anthropic corpus: pipeline {summary['peak_rss_full_corpus_bytes'] / 2**30:.2f} GB "
              f"(< 3 GB); the plain torch baseline, in its own process: "
              f"{summary['peak_rss_full_corpus_plain_baseline_bytes'] / 2**30:.2f} GB")
    print(f"  start-up `qualkit --help`: {summary['startup_s']:.2f} s (< 1 s)"
          + (f"; through the `qualkit` on PATH (a shim): {summary['startup_via_path_s']:.2f} s"
             if summary.get("startup_via_path_s") is not None else ""))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the qualkit pipeline on the benchmark corpora.")
    ap.add_argument("--quick", action="store_true", help="only the sample study and a small Anthropic slice")
    ap.add_argument("--quick-fraction", type=float, default=0.05, help="the Anthropic slice for --quick")
    ap.add_argument("--anthropic-fractions", default="0.25,0.5,1", help="comma-separated fractions (full run)")
    ap.add_argument("--no-serdif", action="store_true")
    ap.add_argument("--sample-only", action="store_true",
                    help="only the sample study (about a minute): for checking one change, not for the targets")
    ap.add_argument("--embedder", default="minilm-fast",
                    help="registered embedder for the pipeline runs (default: 'minilm-fast', qualkit's default)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=3, help="cold/warm repeats for short runs (median kept)")
    ap.add_argument("--plain-sample", type=int, default=2000, help="max texts for the plain-encode baseline")
    ap.add_argument("--json", type=Path, help="write the JSON here (default benchmarks/results/run_all-*.json)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--plain-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.plain_child:
        print(json.dumps(plain_child(args.plain_child)))
        return 0
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="qualkit-bench-"))
    try:
        base = {"embedder": args.embedder, "batch_size": args.batch_size, "repeats": args.repeats,
                "plain_sample": args.plain_sample}
        specs = [dict(base, name="sample", kind="files", paths=[str(SAMPLE_DIR)], codebook=str(SAMPLE_CODEBOOK))]
        fractions = [args.quick_fraction] if args.quick else [float(x) for x in args.anthropic_fractions.split(",")]
        if args.sample_only:
            fractions = []
        if not args.quick and not args.no_serdif and not args.sample_only:
            specs.append(dict(base, name="serdif", kind="taguette", path=str(SERDIF_TAGUETTE)))
        for fr in fractions:
            specs.append(dict(base, name=f"anthropic-{fr * 100:g}%", kind="files", fraction=fr,
                              paths=[str(anthropic_subset(fr, tmp))], codebook=str(SAMPLE_CODEBOOK)))
        warm_up, cpu = _export_once(args.embedder)
        print(cpu, flush=True)
        results = []
        for i, spec in enumerate(specs):
            spec["workdir"] = str(tmp / f"corpus{i}")
            print(f"... {spec['name']}", file=sys.stderr, flush=True)
            r = run_child(spec)
            if spec.get("fraction"):
                r["fraction"] = spec["fraction"]
            results.append(r)
        summary = summarise(results, startup := startup_seconds())
        summary["first_export_s"] = warm_up
        summary["cpu"] = cpu
        print_table(results, summary)
        from bench_encoder import write_json
        data = {"command": " ".join([Path(sys.argv[0]).name] + sys.argv[1:]), "quick": args.quick,
                "summary": summary, "startup": startup, "corpora": results,
                "cpu_count": os.cpu_count(), "loadavg_at_end": os.getloadavg()}
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
            print(f"json: {args.json}")
        else:
            print(f"json: {write_json('run_all', data)}")
        return 1 if any("error" in r for r in results) else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _export_once(name: str) -> tuple[float, str]:
    """Build the fast encoder's ONNX export if it is not cached yet, outside any timed run; returns its seconds and
    the line saying which CPU this ran on and which recipe the encoder chose for it."""
    import platform

    from qualkit.embed.cpu import instruction_set, relevant_flags
    line = f"CPU: {platform.machine()}, int8 flags {' '.join(relevant_flags())}, kernel family {instruction_set()}"
    if name != "minilm-fast":
        return 0.0, line
    from bench_encoder import cpu_line

    from qualkit.embed.fast import minilm_fast
    e = minilm_fast(progress=lambda m: print(m, file=sys.stderr))
    e._load()
    return e.export_seconds_, cpu_line(e)


if __name__ == "__main__":
    sys.exit(main())
