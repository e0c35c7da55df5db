"""Turn the sample study's reference quotes into reference_codings.csv (document, start_char, end_char, code, coder).

The quotes files are what the team's coders wrote (readable, reviewable); the offsets are computed against the text
qualkit ingests, so they stay right for every format (.txt, .md, .docx, .vtt). Run after editing a transcript or
a quotes file:  python scripts/build_reference_codings.py
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from qualkit.ingest import iter_files, read_file

ROOT = Path(__file__).resolve().parents[1] / "sample_transcripts"


def main() -> int:
    texts = {}
    for f in iter_files([ROOT]):
        for t in read_file(f):
            texts[t.id] = t
    rows, problems = [], []
    for quotes in [ROOT / "reference_quotes.csv"]:
        with quotes.open(encoding="utf-8", newline="") as fh:
            for i, r in enumerate(csv.DictReader(fh), start=2):
                t = texts.get(r["document"])
                if t is None:
                    problems.append(f"{quotes.name} row {i}: unknown document {r['document']!r}")
                    continue
                start = t.text.find(r["quote"])
                if start < 0 or t.text.find(r["quote"], start + 1) >= 0:
                    problems.append(f"{quotes.name} row {i}: quote not found exactly once in {t.id}")
                    continue
                end = start + len(r["quote"])
                if not any(u.role == "participant" and u.char_start <= start and end <= u.char_end for u in t.turns):
                    problems.append(f"{quotes.name} row {i}: quote is not inside one participant turn of {t.id}")
                    continue
                rows.append((r["document"], start, end, r["code"], r["coder"]))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    rows.sort()
    with (ROOT / "reference_codings.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["document", "start_char", "end_char", "code", "coder"])
        w.writerows(rows)
    print(f"wrote {len(rows)} reference codings for {len({r[0] for r in rows})} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
