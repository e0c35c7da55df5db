"""The app's own costs, measured through the app (Streamlit's AppTest runs the real script in this process):

1. upload and ingest of the 12 sample transcripts (+ participants.csv) on the Bring in data page, beside the
   library's ingest of the same folder in the same run (the ratio is the app's overhead);
2. first paint of the Project dashboard on a 20,000-segment project (40,000 suggestions, two coders' decisions),
   and a warm repaint;
3. the time from clicking "Suggest codes" to the first progress update the page can show, to the first update
   with a count (the model is loaded by then), and to the end of the run; real default embedder.

Run: python benchmarks/bench_app.py [--segments 20000] [--skip-suggest]. Not a timed test: figures are printed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
SAMPLES = REPO / "sample_transcripts"
CODES = [f"Code {i}" for i in range(20)]
SENTENCE = "I read every draft the model writes before it goes out, and sometimes I rewrite half of it."


def _apptest():
    from streamlit.testing.v1 import AppTest
    return AppTest.from_file(APP, default_timeout=600)


def bench_upload(tmp: Path) -> None:
    from qualkit.project import Project, ingest
    os.environ.pop("QUALKIT_PROJECT", None)
    os.environ["QUALKIT_RECENT"] = str(tmp / "recent.json")
    at = _apptest()
    at.run()
    at.text_input(key="home_name").set_value("bench")
    at.text_input(key="home_folder").set_value(str(tmp / "upload"))
    next(b for b in at.button if b.label == "Create project").click().run()
    files = [(p.name, p.read_bytes(), "application/octet-stream") for p in sorted(SAMPLES.iterdir())
             if p.name.startswith("P") or p.name == "participants.csv"]
    at.file_uploader(key="data_transcripts").set_value(files).run()
    t0 = time.perf_counter()
    at.button(key="data_ingest").click().run()
    app_s = time.perf_counter() - t0
    lines = [s.value for s in at.success] + [e.value for e in at.error]
    assert len(lines) == 13 and not at.error, lines
    t0 = time.perf_counter()
    lib = Project.init(tmp / "library")
    ingest(lib, [SAMPLES], participants_csv=SAMPLES / "participants.csv")
    lib_s = time.perf_counter() - t0
    lib.close()
    print(f"upload+ingest of 12 samples + participants.csv through the app: {app_s:.2f} s "
          f"(library ingest of the folder, same run: {lib_s:.2f} s; ratio {app_s / lib_s:.1f}x)")


def build(root: Path, n_segments: int, per_transcript: int = 200):
    from qualkit.codebook.model import Code, Codebook
    from qualkit.coding import Decision
    from qualkit.ids import stable_id
    from qualkit.project import Project
    from qualkit.run import Run
    from qualkit.segment.model import Segment
    from qualkit.store import now
    from qualkit.suggest.model import Suggestion
    from qualkit.transcript import Transcript, Turn
    project = Project.init(root / "big")
    store = project.store
    store.put_codebook(Codebook("bench", tuple(Code(c, f"definition of {c}") for c in CODES)), by="bench")
    run = Run(id="bench-run", kind="suggest", started_at="2026-01-01T00:00:00+00:00", model="bench")
    items, suggestions, decisions = [], [], []
    for t in range(n_segments // per_transcript):
        tid = f"T{t:04d}"
        text = "\n".join(f"P: {SENTENCE}" for _ in range(per_transcript))
        turns, segs = [], []
        for i in range(per_transcript):
            start = i * (len(SENTENCE) + 4) + 3
            turns.append(Turn("P", "participant", start, start + len(SENTENCE), SENTENCE))
            seg = Segment(stable_id(tid, i), tid, "turn", i, "P", "participant", start, start + len(SENTENCE),
                          SENTENCE, i, question="What do you do with the drafts?")
            segs.append(seg)
            for k in range(2):
                code = CODES[(i + 7 * k + t) % len(CODES)]
                score = ((i * 37 + k * 11 + t) % 100) / 100
                suggestions.append(Suggestion(stable_id(seg.id, code), run.id, seg.id, tid, seg.char_start,
                                              seg.char_end, code, score, nearest=SENTENCE, keywords=("draft",),
                                              components={"similarity": score}))
            if t < 5 and i < 100:  # two coders code the same 500 segments: agreement has something to compare
                for coder in ("ana", "ben"):
                    code = CODES[(i + (coder == "ben") * (i % 3 == 0)) % len(CODES)]
                    decisions.append(Decision(id=stable_id("bench", coder, seg.id, code), transcript_id=tid,
                                              char_start=seg.char_start, char_end=seg.char_end, code=code,
                                              verdict="apply", coder=coder, at=now(), segment_id=seg.id,
                                              source="bench"))
        items.append((Transcript(tid, f"{tid}.txt", "txt", text, tuple(turns), participant_id=tid), tid, segs))
    store.put_transcripts(items, {f"T{t:04d}": {"group": "ab"[t % 2]} for t in range(len(items))})
    store.put_run(run, suggestions=suggestions)
    store.record(decisions)
    return project


def bench_dashboard(tmp: Path, n_segments: int) -> None:
    t0 = time.perf_counter()
    project = build(tmp, n_segments)
    counts = project.store.counts()
    print(f"built a project of {counts['segments']:,} segments, {len(project.store.suggestions()):,} suggestions, "
          f"{counts['decisions']:,} decisions in {time.perf_counter() - t0:.1f} s")
    os.environ["QUALKIT_PROJECT"] = str(project.path)
    project.close()
    at = _apptest()
    at.query_params["coder"] = "ana"
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Participant segments"] == f"{n_segments:,}"
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    print(f"dashboard on {n_segments:,} segments: first paint {first:.2f} s, warm repaint {warm:.2f} s "
          f"(ratio {first / warm:.1f}x)")


def bench_suggest(tmp: Path) -> None:
    from qualkit.ui.sample import build_sample_project
    from qualkit.ui.state import job_manager
    path = build_sample_project(tmp / "sample", suggest=False).path
    os.environ["QUALKIT_PROJECT"] = str(path)
    at = _apptest()
    at.run()
    t0 = time.perf_counter()
    at.button(key="run_suggest").click().run()
    clicked = time.perf_counter() - t0
    first = counted = moved = None
    while True:
        running = job_manager().running()
        now_s = time.perf_counter() - t0
        status = running[0] if running else None
        if status is not None and status.updates and first is None:
            first = now_s
        if status is not None and status.total and counted is None:
            counted = now_s
        if status is not None and status.done and moved is None:
            moved = now_s
        if not running:
            break
        time.sleep(0.01)
    done = time.perf_counter() - t0
    at.run()
    shown = [s.value for s in at.success if "finished" in s.value]
    print(f"click 'Suggest codes' -> page back {clicked:.2f} s; first progress update {first or 0:.2f} s; first "
          f"update with a count {counted or 0:.2f} s; first batch embedded (model loaded) {moved or 0:.2f} s; run "
          f"finished {done:.1f} s; {shown[:1]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--segments", type=int, default=20000)
    ap.add_argument("--skip-suggest", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        bench_upload(Path(tmp))
        bench_dashboard(Path(tmp), args.segments)
        if not args.skip_suggest:
            bench_suggest(Path(tmp))


if __name__ == "__main__":
    main()
