"""How long Learner.update takes to retrain one code with 5,000 decided segments (target: well under 1 s).

Uses random unit vectors as embeddings (the model's speed is not what is measured) and real text for the
lexical features. Prints the median and worst time of 20 updates.

    python benchmarks/bench_retrain.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualkit.codebook.model import Code, Codebook  # noqa: E402
from qualkit.coding import Decision  # noqa: E402
from qualkit.segment.model import Segment  # noqa: E402
from qualkit.suggest import Learner  # noqa: E402

WORDS = ("inbox privacy data patient draft verify burnout workload trust consent error liability bias "
         "records portal message reply clinician time family nurse").split()


class RandomEmbedder:
    model_id, dim, model_version = "random-384", 384, "bench"

    def encode(self, texts):
        rng = np.random.default_rng(len(texts))
        v = rng.normal(size=(len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def main(n: int = 5000, n_codes: int = 22) -> None:
    rng = np.random.default_rng(0)
    segs = [Segment(f"s{i}", f"T{i // 100}", "turn", i, "P", "participant", 0, 50,
                    " ".join(rng.choice(WORDS, 12)), i, question="What do you think?") for i in range(n)]
    cb = Codebook("bench", tuple(Code(f"code{j}", f"definition of code {j} {WORDS[j % len(WORDS)]}")
                                 for j in range(n_codes)))
    decisions = [Decision(f"d{i}", s.transcript_id, 0, 50, f"code{rng.integers(n_codes)}", "apply", "a", "t",
                          segment_id=s.id) for i, s in enumerate(segs)]
    t0 = time.perf_counter()
    learner = Learner(segs, cb, RandomEmbedder(), decisions)
    print(f"setup (features for {n} segments, {n_codes} codes): {time.perf_counter() - t0:.2f}s")
    times = []
    for k in range(20):
        d = Decision(f"u{k}", segs[k].transcript_id, 0, 50, "code0", "reject" if k % 2 else "apply", "a", "t",
                     segment_id=segs[k].id)
        t0 = time.perf_counter()
        learner.update(d)
        times.append(time.perf_counter() - t0)
    print(f"Learner.update with {n} decided segments: median {statistics.median(times) * 1000:.0f} ms, "
          f"worst {max(times) * 1000:.0f} ms (warm-started retrain of one code + rescoring it; the first update of a code is a full fit)")


if __name__ == "__main__":
    main()
