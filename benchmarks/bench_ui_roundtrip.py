"""Decision round trip of the review page on a 20,000-segment project: record one decision, then recompute what
the page re-renders (the coder's decisions, renames, pending queue in order, progress, the card's segments).

Run: python benchmarks/bench_ui_roundtrip.py [--segments 20000] [--decisions 50]. Target: median and p95 < 300 ms.
As in the app, suggestions are loaded and ordered once per set of runs (a ReviewIndex held in st.cache_resource);
that one-off cost is printed separately.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from qualkit.codebook.model import Code, Codebook
from qualkit.ids import stable_id
from qualkit.project import Project
from qualkit.review import ReviewIndex, accept, reject, review_suggestions
from qualkit.run import Run
from qualkit.segment.model import Segment
from qualkit.suggest.model import Suggestion
from qualkit.transcript import Transcript, Turn

CODES = [f"Code {i}" for i in range(20)]
SENTENCE = "I read every draft the model writes before it goes out, and sometimes I rewrite half of it."


def build(root: Path, n_segments: int, per_transcript: int = 200) -> Project:
    project = Project.init(root / "proj")
    store = project.store
    store.put_codebook(Codebook("bench", tuple(Code(c, f"definition of {c}") for c in CODES)), by="bench")
    run = Run(id="bench-run", kind="suggest", started_at="2026-01-01T00:00:00+00:00", model="bench")
    items, suggestions = [], []
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
            for k in range(2):  # two suggestions per segment: 40,000 in the queue
                code = CODES[(i + 7 * k + t) % len(CODES)]
                score = ((i * 37 + k * 11 + t) % 100) / 100
                suggestions.append(Suggestion(stable_id(seg.id, code), run.id, seg.id, tid, seg.char_start,
                                              seg.char_end, code, score, {"nearest": SENTENCE, "keywords": ["draft"],
                                                                          "components": {"similarity": score}}))
        items.append((Transcript(tid, f"{tid}.txt", "txt", text, tuple(turns), participant_id=tid), tid, segs))
    store.put_transcripts(items, {f"T{t:04d}": {"group": "ab"[t % 2]} for t in range(len(items))})
    store.put_run(run, suggestions=suggestions)
    return project


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--segments", type=int, default=20000)
    ap.add_argument("--decisions", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        project = build(Path(tmp), args.segments)
        store = project.store
        print(f"built {store.counts()['segments']} segments in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        codebook = store.codebook()
        index = ReviewIndex(review_suggestions(store), store.renames(), codebook.names)
        index.ordered("informative")
        print(f"loaded and ordered {len(index.items)} suggestions once in {1000 * (time.perf_counter() - t0):.0f} ms")
        coder = "bench"
        queue = index.queue(index.verdicts(store.decisions(coder=coder)), "informative", limit=1)
        times = []
        for i in range(args.decisions):
            s = queue[0]
            t0 = time.perf_counter()
            (accept if i % 2 else reject)(store, s, coder)
            # what the review page recomputes on the rerun after the click
            verdicts = index.verdicts(store.decisions(coder=coder))
            store.renames(), store.codebook()
            queue = index.queue(verdicts, "informative", limit=1)
            index.progress(coder, verdicts)
            index.queue(verdicts, "confident", code=index.code_of[queue[0].id], min_score=0.9)
            store.segments(transcript_id=queue[0].transcript_id)
            times.append(1000 * (time.perf_counter() - t0))
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        median = statistics.median(times)
        print(f"decision round trip over {len(times)} decisions: median {median:.0f} ms, p95 {p95:.0f} ms "
              f"(target < 300 ms: {'met' if p95 < 300 else 'NOT met'})")
        project.close()


if __name__ == "__main__":
    main()
