"""Keywords (c-TF-IDF, KeyBERT-style re-ranking) and labels."""
from __future__ import annotations

from themes_corpus import PARTICIPANTS, make_corpus
from fakes import FakeEmbedder

from qualkit.themes import discover_themes
from qualkit.themes.labels import ctfidf_keywords, make_label, pick_keywords

DOCS = {
    0: ["we use ai to export the csv file", "use ai for csv export"],
    1: ["use ai to draw the heat map", "the heat map legend"],
    2: ["use ai login password", "password reset login"],
    3: ["use ai and it is slow", "slow loading spinner"],
}


def test_ctfidf_ranks_distinctive_words_first():
    kws = ctfidf_keywords(DOCS)
    assert kws[0][:2] == ["csv", "export"] or set(kws[0][:2]) == {"csv", "export"}
    assert "heat map" in kws[1][:3]
    assert kws[2][0] in ("login", "password")


def test_terms_in_most_clusters_are_not_keywords():
    kws = ctfidf_keywords(DOCS)
    assert all("use ai" not in k and "use" not in k and "ai" not in k for k in kws.values())


def test_background_class_sinks_corpus_wide_words():
    docs = {0: ["ai helps me ai again ai export"], 1: ["heat map legend"]}
    without = ctfidf_keywords(docs)
    with_bg = ctfidf_keywords(docs, background=["ai everywhere", "more ai", "ai ai"] * 5)
    assert without[0][0] == "ai"
    assert with_bg[0].index("export") < with_bg[0].index("ai")


def test_pick_keywords_skips_words_already_in_a_bigram():
    assert pick_keywords(["heat map", "heat", "legend", "map", "colour"], 3) == ["heat map", "legend", "colour"]
    assert pick_keywords(["images", "image", "photo", "photos", "art"]) == ["images", "photo", "art"]
    assert pick_keywords(["good good", "great", "good"]) == ["great", "good"]


def test_label_is_short_and_capitalised():
    assert make_label(["export", "csv file", "download", "columns"]) == "Export / csv file / download"
    assert make_label([]) == "(no distinctive words)"


def test_embedder_protocol_model_reranks_and_is_recorded(codebook):
    segments, emb, _ = make_corpus()
    model = FakeEmbedder(dim=32, model_id="fake-bow")
    res = discover_themes(segments, emb, codebook=codebook, embedding_model=model, participants=PARTICIPANTS,
                          params={"clustering": "agglomerative", "mode": "all"})
    assert res.run.model == "fake-bow" and res.run.model_version == "1"
    assert "keywords re-ranked by similarity to the theme centroid (KeyBERT-inspired)" in res.notes
    closest = [n for n in res.notes if " is closest to code " in n]
    assert len(closest) == len(res.themes) == 4
    assert all(5 <= len(t.keywords) <= 10 for t in res.themes)
