"""The fast encoder's guarantee, checked on every benchmark text: cosine >= 0.99 to the reference, per recipe.

Texts: every distinct participant turn of the sample study and of the 1,250 Anthropic interviews, and every
distinct SERDIF paragraph (the unit its evaluation uses). The reference (sentence-transformers' own encode) is
computed once; then each recipe's vectors: this CPU's, and with --isa those made for other CPU kinds (e.g. avx2,
whose u8 x u8 recipe computes the same exact integer sums on every kernel, so its vectors here are the ones an
AVX2 machine computes, to float rounding). No timing: bench_encoder.py measures speed.

    python benchmarks/encoder_guarantee.py [--isa avx2] [--anthropic 20000]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def serdif_paragraphs() -> list[str]:
    from bench_encoder import SERDIF_DB

    from qualkit.interchange.taguette import read_taguette
    from qualkit.segment import segment_transcript

    if not SERDIF_DB.exists():
        return []
    snap = read_taguette(SERDIF_DB)
    return list(dict.fromkeys(s.text for t in snap.transcripts for s in segment_transcript(t, "paragraph")
                              if s.text.strip()))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--isa", action="append", default=[], help="also the recipe made for this CPU kind")
    ap.add_argument("--anthropic", type=int, default=20000, help="how many Anthropic participant turns")
    args = ap.parse_args(argv)
    import numpy as np
    from bench_encoder import ANTHROPIC_CSV, cpu_line, cosine_summary, participant_texts, plain_encoder, write_json

    from qualkit.embed.fast import minilm_fast

    corpora = {"sample": participant_texts([ROOT / "sample_transcripts"]), "serdif": serdif_paragraphs(),
               "anthropic": participant_texts([ANTHROPIC_CSV], limit=args.anthropic)}
    texts = list(dict.fromkeys(t for v in corpora.values() for t in v))
    index = {t: i for i, t in enumerate(texts)}
    print(f"{len(texts)} distinct texts: " + ", ".join(f"{k} {len(v)}" for k, v in corpora.items()), flush=True)
    ref = np.asarray(plain_encoder().encode(texts, batch_size=64, normalize_embeddings=True,
                                            show_progress_bar=False), dtype=np.float32)
    out = {"texts": len(texts), "recipes": {}}
    for isa in [None] + args.isa:
        fast = minilm_fast(isa=isa, progress=lambda line: print(line, file=sys.stderr))
        vec = fast.encode(texts)
        print(cpu_line(fast), flush=True)
        cos = (ref * vec).sum(axis=1)
        per = {name: cosine_summary(cos[[index[t] for t in v]]) for name, v in corpora.items() if v}
        worst = int(cos.argmin())
        out["recipes"][fast.model_id] = {"per_corpus": per, "worst_text": texts[worst][:300],
                                         "export": fast.export_info}
        for name, c in per.items():
            print(f"  {fast.recipe} (for {fast.isa}) {name}: {c['texts']} texts, worst {c['cosine_min']:.4f}, "
                  f"{c['below_0_99']} below 0.99 (target: none)", flush=True)
    print(f"json: {write_json('encoder_guarantee', out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
