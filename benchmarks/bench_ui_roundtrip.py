"""Decision round trip of the review page on a 20,000-segment project with 5,000 decided: record one decision,
let the live model learn from it (replay of the log, retraining of that code, re-scoring), then recompute what
the page re-renders (the coder's decisions, the queue of passages re-ranked by the live scores, progress, the
next passage's transcript and the plain-language reasons of its suggestions).

Run: python benchmarks/bench_ui_roundtrip.py [--segments 20000] [--decided 5000] [--decisions 50].
Target: p95 < 300 ms from the click to the next suggestion shown, retraining included. As in the app, suggestions
are loaded once per set of runs (a ReviewIndex) and the live model is built once per project and codebook version
(both st.cache_resource); those one-off costs are printed separately. The segment vectors come from the tests'
hashed bag-of-words embedder (384 dimensions): the click path never runs the encoder (every vector is cached), so
its cost depends on the number and size of the vectors, not on which model made them.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from qualkit.codebook.model import Code, Codebook
from qualkit.ids import stable_id
from qualkit.project import Project
from qualkit.review import ReviewIndex, accept, apply_code, reject, review_suggestions
from qualkit.run import Run
from qualkit.segment.model import Segment
from qualkit.suggest.model import Suggestion
from qualkit.transcript import Transcript, Turn

CODES = [f"Code {i}" for i in range(20)]
SENTENCE = "I read every draft the model writes before it goes out, and sometimes I rewrite half of it."
WORDS = ("draft patient inbox privacy consent burnout error review model trust data team clinic nurse time "
         "message record doctor accuracy risk bias workload evening night week family relationship care").split()


def sentence(rng: random.Random) -> str:
    """A varied answer, padded to SENTENCE's length so every span stays where build() puts it."""
    words = " ".join(rng.choice(WORDS) for _ in range(16))
    return (words + " " + SENTENCE)[:len(SENTENCE)]


def build(root: Path, n_segments: int, per_transcript: int = 200) -> Project:
    project = Project.init(root / "proj")
    store = project.store
    store.put_codebook(Codebook("bench", tuple(Code(c, f"definition of {c}") for c in CODES)), by="bench")
    run = Run(id="bench-run", kind="suggest", started_at="2026-01-01T00:00:00+00:00", model="bench")
    items, suggestions = [], []
    rng = random.Random(0)
    for t in range(n_segments // per_transcript):
        tid = f"T{t:04d}"
        answers = [sentence(rng) for _ in range(per_transcript)]
        text = "\n".join(f"P: {a}" for a in answers)
        turns, segs = [], []
        for i, answer in enumerate(answers):
            start = i * (len(SENTENCE) + 4) + 3
            turns.append(Turn("P", "participant", start, start + len(SENTENCE), answer))
            seg = Segment(stable_id(tid, i), tid, "turn", i, "P", "participant", start, start + len(SENTENCE),
                          answer, i, question="What do you do with the drafts?")
            segs.append(seg)
            for k in range(2):  # two suggestions per segment: 40,000 in the queue
                code = CODES[(i + 7 * k + t) % len(CODES)]
                score = ((i * 37 + k * 11 + t) % 100) / 100
                suggestions.append(Suggestion(stable_id(seg.id, code), run.id, seg.id, tid, seg.char_start,
                                              seg.char_end, code, score, threshold=0.5, nearest=SENTENCE,
                                              keywords=("draft",), components={"similarity": score}))
        items.append((Transcript(tid, f"{tid}.txt", "txt", text, tuple(turns), participant_id=tid), tid, segs))
    store.put_transcripts(items, {f"T{t:04d}": {"group": "ab"[t % 2]} for t in range(len(items))})
    store.put_run(run, suggestions=suggestions)
    return project


def decide_many(store, n: int, coder: str) -> None:
    """n decisions already made (by another coder, in one go): a quarter accepted, the rest rejected."""
    from qualkit.coding import Decision
    from qualkit.store import now

    at = now()
    out = []
    for k, s in enumerate(review_suggestions(store)[:n]):
        out.append(Decision(stable_id("bench-decision", s.id), s.transcript_id, s.char_start, s.char_end, s.code,
                            "accept" if k % 4 == 0 else "reject", coder, at, segment_id=s.segment_id,
                            suggestion_id=s.id))
    store.record(out)


def pct(times, q):
    times = sorted(times)
    return times[min(len(times) - 1, int(round(q * (len(times) - 1))))]


def main() -> None:
    from fakes import FakeEmbedder
    from qualkit.suggest.live import LiveModel

    ap = argparse.ArgumentParser()
    ap.add_argument("--segments", type=int, default=20000)
    ap.add_argument("--decided", type=int, default=5000)
    ap.add_argument("--decisions", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        project = build(Path(tmp), args.segments)
        store = project.store
        decide_many(store, args.decided, "earlier")
        print(f"built {store.counts()['segments']} segments, {len(store.decisions())} decisions in "
              f"{time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        codebook = store.codebook()
        index = ReviewIndex(review_suggestions(store), store.renames(), codebook.names)
        print(f"loaded {len(index.items)} suggestions once in {1000 * (time.perf_counter() - t0):.0f} ms")
        t0 = time.perf_counter()
        model = LiveModel(store.segments(), codebook, FakeEmbedder(dim=384), store.decisions(),
                          renames=store.renames(), cache=store)
        learned = sum(model.mode(c) == "learned" for c in codebook.names)
        print(f"built the live model once in {time.perf_counter() - t0:.1f} s ({learned} of {len(CODES)} codes "
              f"with a classifier)")
        coder = "bench"

        def page(verdicts):  # what the review page computes (screens/review.py)
            scores, thresholds = model.score_arrays(index)
            queue = index.rank(verdicts, "informative", scores=scores, thresholds=thresholds)
            index.progress(coder, verdicts)
            sid = queue[0]
            shown = [s for s in index.by_segment[sid] if index.key_of[s.id] not in verdicts]
            store.segments(transcript_id=shown[0].transcript_id)
            for s in shown:
                model.reasons(s.segment_id, index.code_of[s.id])
            return shown

        shown = page(index.verdicts(store.decisions(coder=coder)))
        with_learning, learn_only, without = [], [], []
        for i in range(args.decisions):
            s = shown[0]
            t0 = time.perf_counter()
            if i % 5 == 4:  # now and then a hand coding of a phrase, not an answer to a suggestion
                from qualkit.review import Span
                apply_code(store, Span(s.transcript_id, s.char_start, s.char_start + 20), index.code_of[s.id], coder)
            else:
                (accept if i % 3 == 0 else reject)(store, s, coder)
            t1 = time.perf_counter()
            model.sync(store.decisions(), store.renames())
            t2 = time.perf_counter()
            shown = page(index.verdicts(store.decisions(coder=coder)))
            t3 = time.perf_counter()
            with_learning.append(1000 * (t3 - t0))
            learn_only.append(1000 * (t2 - t1))
            without.append(1000 * ((t1 - t0) + (t3 - t2)))
        for name, times in (("click -> next suggestion shown, retraining included", with_learning),
                            ("  of which learning (replay, retrain, re-score)", learn_only),
                            ("  the same without learning", without)):
            print(f"{name}: p50 {statistics.median(times):.0f} ms, p95 {pct(times, 0.95):.0f} ms")
        p95 = pct(with_learning, 0.95)
        print(f"over {len(with_learning)} clicks; target p95 < 300 ms: {'met' if p95 < 300 else 'NOT met'}")
        project.close()


if __name__ == "__main__":
    main()
