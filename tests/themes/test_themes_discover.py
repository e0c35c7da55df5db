"""discover_themes on the synthetic corpus, with the fast (agglomerative/k-means) clustering."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from themes_corpus import PARTICIPANTS, make_corpus

from qualkit.errors import QualkitError
from qualkit.ids import stable_id
from qualkit.themes import discover_themes

FAST = {"clustering": "agglomerative"}


def partition(assignments, truth):
    """Theme id -> set of true topics among its members."""
    out = {}
    for sid, tid in assignments.items():
        out.setdefault(tid, set()).add(truth[sid])
    return out


def test_recovers_constructed_clusters_with_silhouette_k(corpus):
    segments, emb, truth = corpus
    res = discover_themes(segments, emb, params=FAST, participants=PARTICIPANTS)
    assert res.method == "agglomerative"
    assert res.run.params["clustering_info"]["k"] == 4
    assert res.run.params["clustering_info"]["k_chosen_by"] == "silhouette"
    assert len(res.themes) == 4
    assert all(len(topics) == 1 for topics in partition(res.assignments, truth).values())
    assert {len(t.segment_ids) for t in res.themes} == {12}


def test_theme_ids_are_stable_ids_over_sorted_members(corpus):
    segments, emb, _ = corpus
    res = discover_themes(segments, emb, params=FAST)
    for t in res.themes:
        assert list(t.segment_ids) == sorted(t.segment_ids)
        assert t.id == stable_id("theme", *sorted(t.segment_ids))
        assert t.run_id == res.run.id
        assert all(res.assignments[s] == t.id for s in t.segment_ids)


@pytest.mark.parametrize("clustering", ["agglomerative", "kmeans"])
def test_same_seed_twice_gives_identical_themes(corpus, clustering):
    segments, emb, _ = corpus
    a = discover_themes(segments, emb, seed=3, params={"clustering": clustering}, participants=PARTICIPANTS)
    b = discover_themes(segments, emb, seed=3, params={"clustering": clustering}, participants=PARTICIPANTS)
    assert a.themes == b.themes
    assert a.assignments == b.assignments
    assert a.run.id == b.run.id
    assert dataclasses.replace(a.run, started_at="") == dataclasses.replace(b.run, started_at="")


def test_run_id_changes_with_seed_and_params(corpus):
    segments, emb, _ = corpus
    base = discover_themes(segments, emb, seed=0, params=FAST).run.id
    assert discover_themes(segments, emb, seed=1, params=FAST).run.id != base
    assert discover_themes(segments, emb, seed=0, params={**FAST, "k": 3}).run.id != base


def test_keywords_and_label_come_from_the_cluster_vocabulary(corpus):
    segments, emb, truth = corpus
    res = discover_themes(segments, emb, params=FAST)
    from themes_corpus import TOPICS
    for t in res.themes:
        topic = truth[t.segment_ids[0]]
        vocab = set(TOPICS[topic].split())
        assert 5 <= len(t.keywords) <= 10, t.keywords
        # the distinctive words lead; filler ("think", "fine") never does
        assert set(t.keywords[0].split()) <= vocab, (topic, t.keywords)
        assert "think" not in t.keywords
        assert t.label.lower().startswith(t.keywords[0].lower())
        assert len(t.label) <= 60


def test_quotes_spread_over_groups_and_participants(corpus):
    segments, emb, _ = corpus
    by_id = {s.id: s for s in segments}
    res = discover_themes(segments, emb, params=FAST, participants=PARTICIPANTS)
    for t in res.themes:
        assert 3 <= len(t.quote_ids) <= 5
        assert set(t.quote_ids) <= set(t.segment_ids)
        people = [by_id[q].transcript_id for q in t.quote_ids]
        groups = {PARTICIPANTS[p]["group"] for p in people}
        assert groups == {"A", "B"}, people
        assert len(set(people)) == len(people), people  # 6 participants available: never the same one twice
        assert t.spread == {"A": 3, "B": 3}


def test_spread_counts_participants_not_segments():
    segments, emb, _ = make_corpus(per_topic=12)
    # every segment of the corpus moved to p1 (group A) except those of p6
    moved = [dataclasses.replace(s, transcript_id="p1") if s.transcript_id != "p6" else s for s in segments]
    res = discover_themes(moved, emb, params=FAST, participants=PARTICIPANTS)
    for t in res.themes:
        assert t.spread == {"A": 1, "B": 1}
        people = [next(s for s in moved if s.id == q).transcript_id for q in t.quote_ids]
        assert set(people) == {"p1", "p6"} and len(t.quote_ids) >= 3


def test_without_participants_everyone_is_in_group_all(corpus):
    segments, emb, _ = corpus
    res = discover_themes(segments, emb, params=FAST)
    assert all(t.spread == {"all": 6} for t in res.themes)


def test_interviewer_segments_are_not_clustered(corpus):
    segments, emb, _ = corpus
    segs = [dataclasses.replace(s, role="interviewer") if i % 12 == 0 else s for i, s in enumerate(segments)]
    res = discover_themes(segs, emb, params=FAST)
    assert set(res.assignments) == {s.id for s in segs if s.role == "participant"}
    assert all(s not in t.segment_ids for t in res.themes for s in (x.id for x in segs if x.role != "participant"))


def test_novelty_mode_clusters_only_uncovered_segments(corpus, codebook):
    segments, emb, truth = corpus
    covered = frozenset(s for s, topic in truth.items() if topic in ("export", "plots"))
    res = discover_themes(segments, emb, codebook=codebook, covered=covered, params=FAST)
    assert res.run.params["mode"] == "novelty"
    assert res.run.codebook_hash == codebook.hash
    assert set(res.assignments) == set(truth) - covered
    assert {frozenset(p) for p in partition(res.assignments, truth).values()} == {frozenset({"login"}),
                                                                                 frozenset({"speed"})}
    assert all(t.status == "candidate" for t in res.themes)
    assert any("novelty mode: clustered 24 of 48 participant segments" in n for n in res.notes)


def test_mode_all_with_codebook_clusters_everything(corpus, codebook):
    segments, emb, truth = corpus
    res = discover_themes(segments, emb, codebook=codebook, covered=frozenset(list(truth)[:20]),
                          params={**FAST, "mode": "all"})
    assert set(res.assignments) == set(truth)


def test_small_clusters_become_unthemed_and_are_noted(corpus):
    segments, emb, truth = corpus
    # one lone far-away segment: a cluster of 1 cannot give 3 quotes
    odd = dataclasses.replace(segments[0], id="odd", text="completely unrelated remark about lunch")
    far = np.zeros((1, emb.shape[1]), dtype=np.float32)
    far[0, 0] = -1.0
    res = discover_themes(segments + [odd], np.vstack([emb, far]), params={**FAST, "k": 5, "min_words": 0})
    assert res.assignments["odd"] is None
    assert any("1 cluster(s) smaller than 3 segments left unthemed" in n for n in res.notes)
    assert any("1 segments in no theme" in n for n in res.notes)


def test_embedding_shape_mismatch_is_a_clear_error(corpus):
    segments, emb, _ = corpus
    with pytest.raises(QualkitError, match=r"embeddings have shape \(47, 32\) but there are 48 segments"):
        discover_themes(segments, emb[:-1], params=FAST)


def test_unknown_and_invalid_params_are_all_reported(corpus):
    segments, emb, _ = corpus
    with pytest.raises(QualkitError) as e:
        discover_themes(segments, emb, params={"clusterin": "x", "mode": "weird"})
    msg = str(e.value)
    assert "unknown parameter 'clusterin'" in msg
    assert "mode='weird' is not one of all, novelty, guided" in msg
    assert "valid: mode, clustering" in msg


def test_novelty_mode_without_codebook_is_refused(corpus):
    segments, emb, _ = corpus
    with pytest.raises(QualkitError, match="mode='novelty' needs a codebook"):
        discover_themes(segments, emb, params={**FAST, "mode": "novelty"})


def test_guided_mode_without_model_is_refused_not_ignored(corpus, codebook):
    segments, emb, _ = corpus
    with pytest.raises(QualkitError, match="need the loaded embedding model: pass embedding_model="):
        discover_themes(segments, emb, codebook=codebook, params={"mode": "guided"})


def test_too_few_segments_to_cluster(corpus, codebook):
    segments, emb, truth = corpus
    covered = frozenset(list(truth)[2:])
    with pytest.raises(QualkitError, match=r"only 2 participant segment\(s\) to cluster \(mode=novelty\)"):
        discover_themes(segments, emb, codebook=codebook, covered=covered, params=FAST)


def test_fixed_k_out_of_range(corpus):
    segments, emb, _ = corpus
    with pytest.raises(QualkitError, match="k=48 clusters is impossible for 48 segments"):
        discover_themes(segments, emb, params={**FAST, "k": 48})


def test_embeddings_are_not_modified(corpus):
    segments, emb, _ = corpus
    before = emb.copy()
    discover_themes(segments, emb, params={"clustering": "kmeans"})
    assert np.array_equal(emb, before)



def test_small_talk_is_left_out_and_said(corpus):
    segments, emb, _ = corpus
    thanks = dataclasses.replace(segments[0], id="thanks", text="My pleasure.")
    res = discover_themes(segments + [thanks], np.vstack([emb, emb[:1]]), params={**FAST, "k": 4})
    assert res.assignments["thanks"] is None
    assert any("left out 1 segment(s) under 6 words" in n for n in res.notes)
