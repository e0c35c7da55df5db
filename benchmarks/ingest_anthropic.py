"""Time ingesting the Anthropic Interviewer CSV (1,250 interviews): prints transcripts, seconds and transcripts/s.

Run from the repository root: python benchmarks/ingest_anthropic.py [path/to/all_transcripts.csv]
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from qualkit.ingest import read_file

DEFAULT = Path(__file__).resolve().parents[1] / "../shared/benchmarks/anthropic-interviewer/all_transcripts.csv"


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    t0 = time.perf_counter()
    transcripts = read_file(path)
    elapsed = time.perf_counter() - t0
    turns = sum(len(t.turns) for t in transcripts)
    roles = Counter(turn.role for t in transcripts for turn in t.turns)
    splits = Counter(t.attributes.get("split") for t in transcripts)
    print(f"file: {path}")
    print(f"transcripts: {len(transcripts)}  turns: {turns}  roles: {dict(roles)}  splits: {dict(splits)}")
    print(f"time: {elapsed:.2f} s  ({len(transcripts) / elapsed:.0f} transcripts/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
