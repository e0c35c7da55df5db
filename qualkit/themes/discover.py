"""discover_themes: inductive themes (candidate codes) from participant segments and their embeddings."""
from __future__ import annotations

import json
import math
from typing import Mapping, Sequence

import numpy as np

from .. import clock
from ..codebook.model import Codebook
from ..embed.base import Embedder
from ..errors import QualkitError
from ..ids import stable_id, text_hash
from ..run import Run
from ..segment.model import Segment
from . import guidance, labels, quotes
from .clustering import ClusterOptions, available_clusterers, default_min_topic_size, get_clusterer
from .model import Theme
from .result import ThemeResult

MODES = ("all", "novelty", "guided")
GUIDANCE = ("zeroshot", "seeded", "none")
DEFAULTS: dict[str, object] = {
    "mode": None,  # "novelty" when a codebook is given, else "all"
    "clustering": "auto",  # a registered clusterer (clustering.py); auto: BERTopic, or the fallback where it fails
    "max_outlier_share": 0.5,  # auto: fall back when more than this share of segments are outliers
    "min_bertopic_segments": None,  # auto: below this, straight to the fallback (None: the measured default)
    "fallback": "agglomerative",  # agglomerative | kmeans
    "k": None,  # fixed number of clusters for agglomerative/k-means (None: choose by silhouette)
    "k_min": None,  # None: sqrt(n/4) — silhouette alone tends to pick 2 broad clusters nobody can use as codes
    "k_max": 40,
    "n_neighbors": 15,
    "n_components": 5,
    "nr_topics": None,  # BERTopic topic merging (int or "auto")
    "reduce_outliers": False,  # BERTopic: reassign outliers to the nearest topic by embedding
    "guidance": "zeroshot",  # guided mode: zeroshot | seeded | none
    "zeroshot_min_similarity": 0.3,  # MiniLM cosine similarities are low; BERTopic's 0.7 matches nothing
    "min_theme_size": 3,  # smaller clusters are outliers: a theme needs 3 quotes
    "min_words": 6,  # shorter segments ("My pleasure.", "Sure.") are small talk, not theme material
    "keywords": 8,
}


def _check_params(params: Mapping[str, object] | None) -> dict:
    p = dict(DEFAULTS)
    problems = [f"unknown parameter {k!r}" for k in (params or {}) if k not in DEFAULTS]
    p.update({k: v for k, v in (params or {}).items() if k in DEFAULTS})
    for key, allowed in (("mode", MODES + (None,)), ("clustering", tuple(available_clusterers())),
                         ("fallback", ("agglomerative", "kmeans")), ("guidance", GUIDANCE)):
        if p[key] not in allowed:
            problems.append(f"{key}={p[key]!r} is not one of {', '.join(str(a) for a in allowed if a)}")
    if problems:
        raise QualkitError("theme parameters: " + "; ".join(problems) + f" (valid: {', '.join(DEFAULTS)})")
    return p


def discover_themes(segments: Sequence[Segment], embeddings: np.ndarray, *, codebook: Codebook | None = None,
                    covered: frozenset[str] | set[str] = frozenset(),
                    participants: Mapping[str, Mapping[str, str]] | None = None, seed: int = 0,
                    embedding_model=None, min_topic_size: int | None = None,
                    params: Mapping[str, object] | None = None) -> ThemeResult:
    """Cluster participant segments into candidate themes.

    Inputs: `segments` and `embeddings` (row i embeds segments[i], shape (n, d)); `codebook` switches on
    novelty mode by default (only segments not in `covered`, i.e. without accepted codes or confident
    suggestions, are clustered, and each theme is a candidate new code) or, with params mode="guided",
    zero-shot/seeded topics from the code definitions (needs `embedding_model`: a qualkit Embedder or a loaded
    SentenceTransformer, which also re-ranks keywords and names each theme's closest code); `participants` maps
    transcript id -> attributes (`group`, optional `participant_id`) for quote spread and per-group counts;
    `params` overrides DEFAULTS.
    Output: ThemeResult. Deterministic for a fixed seed; Theme.id = stable_id over sorted member ids.
    Errors: QualkitError for mismatched inputs, unknown params, or guidance without a model.
    """
    p = _check_params(params)
    if embedding_model is not None and not isinstance(embedding_model, Embedder):
        raise QualkitError(f"embedding_model must be a qualkit Embedder (model_id, dim, encode(texts)), not "
                           f"{type(embedding_model).__name__}: wrap a SentenceTransformer in "
                           "qualkit.embed.SentenceTransformerEmbedder")
    emb = np.asarray(embeddings)
    if emb.ndim != 2 or emb.shape[0] != len(segments):
        raise QualkitError(f"embeddings have shape {emb.shape} but there are {len(segments)} segments: "
                           "pass one embedding row per segment, in the same order")
    mode = p["mode"] or ("novelty" if codebook is not None else "all")
    if mode in ("novelty", "guided") and codebook is None:
        raise QualkitError(f"mode={mode!r} needs a codebook: pass codebook= or use mode='all'")
    notes: list[str] = []

    rows = [i for i, s in enumerate(segments) if s.role == "participant"]
    n_participant = len(rows)
    if mode == "novelty":
        rows = [i for i in rows if segments[i].id not in covered]
        notes.append(f"novelty mode: clustered {len(rows)} of {n_participant} participant segments not "
                     "covered by the codebook; each theme is a candidate new code")
    short = [i for i in rows if len(segments[i].text.split()) < p["min_words"]]
    if short:
        rows = [i for i in rows if len(segments[i].text.split()) >= p["min_words"]]
        notes.append(f"left out {len(short)} segment(s) under {p['min_words']} words (small talk such as "
                     "'Sure.'); set min_words=0 to include them")
    if p["k_min"] is None:
        p["k_min"] = max(2, int(math.sqrt(len(rows) / 4)))
    if len(rows) < 3:
        # The advice depends on the mode: clustering every segment only helps when some were left out.
        advice = ("ingest more transcripts" if mode == "all" else
                  "code fewer segments, or cluster every segment (mode='all'; `qualkit themes --all-segments`)")
        raise QualkitError(f"only {len(rows)} participant segment(s) to cluster (mode={mode}): themes need at "
                           f"least 3; {advice}")
    segs = [segments[i] for i in rows]
    x = np.array(emb[rows], dtype=np.float32, copy=True)
    texts = [s.text for s in segs]
    mts = min_topic_size or default_min_topic_size(len(segs))

    guided = mode == "guided" and p["guidance"] != "none"
    if guided and p["clustering"] not in ("auto", "bertopic"):
        raise QualkitError("guided mode uses BERTopic: set clustering='bertopic' or 'auto'")
    options = ClusterOptions(
        min_topic_size=mts, n_neighbors=int(p["n_neighbors"]), n_components=int(p["n_components"]),
        nr_topics=p["nr_topics"], reduce_outliers=bool(p["reduce_outliers"]), embedding_model=embedding_model,
        zeroshot_topics=tuple(guidance.zeroshot_topics(codebook)) if guided and p["guidance"] == "zeroshot" else (),
        zeroshot_min_similarity=float(p["zeroshot_min_similarity"]),
        seed_topics=tuple(map(tuple, guidance.seed_topics(codebook))) if guided and p["guidance"] == "seeded"
        else (), k=p["k"], k_min=int(p["k_min"]), k_max=int(p["k_max"]), fallback=str(p["fallback"]),
        max_outlier_share=float(p["max_outlier_share"]),
        **({"min_bertopic_segments": int(p["min_bertopic_segments"])} if p["min_bertopic_segments"] is not None
           else {}))
    fit = get_clusterer(str(p["clustering"]), options).fit(texts, x, seed=seed)
    lab, info, method = fit.labels, fit.info, fit.method
    notes.extend(fit.notes)

    # clusters below min_theme_size cannot give 3 quotes: they become outliers, and we say so
    members: dict[int, list[int]] = {}
    for i, c in enumerate(lab.tolist()):
        if c >= 0:
            members.setdefault(c, []).append(i)
    small = {c for c, m in members.items() if len(m) < int(p["min_theme_size"])}
    if small:
        notes.append(f"{len(small)} cluster(s) smaller than {p['min_theme_size']} segments left unthemed")
    members = {c: m for c, m in members.items() if c not in small}

    in_theme = {i for m in members.values() for i in m}
    kws = labels.ctfidf_keywords({c: [texts[i] for i in m] for c, m in members.items()},
                                 background=[t for i, t in enumerate(texts) if i not in in_theme])
    if embedding_model is not None:
        notes.append("keywords re-ranked by similarity to the theme centroid (KeyBERT-inspired)")

    run_params = {"mode": mode, "method": method, "min_topic_size": mts, "n_segments": len(segs),
                  **{k: v for k, v in p.items() if k != "mode"}, "clustering_info": info}
    run_id = stable_id("themes", seed, method, json.dumps(run_params, sort_keys=True, default=str),
                       codebook.hash if codebook else "", text_hash("\n".join(sorted(s.id for s in segs))))

    vectors: dict[str, np.ndarray] = {}
    if embedding_model is not None:  # every theme's candidate keywords in one encoder call
        heads = sorted({w for c in members for w in kws[c][:labels.RERANK_TOP]})
        vectors = dict(zip(heads, labels.encode(embedding_model, heads))) if heads else {}
    themes: list[Theme] = []
    cluster_theme: dict[int, str] = {}
    for c, m in members.items():
        ids = sorted(segs[i].id for i in m)
        theme_id = stable_id("theme", *ids)
        cluster_theme[c] = theme_id
        ranked = kws[c]
        if embedding_model is not None and ranked:
            ranked = labels.rerank_keybert(ranked, x[m].mean(axis=0), vectors)
        keywords = labels.pick_keywords(ranked, int(p["keywords"]))
        member_segs = [segs[i] for i in m]
        themes.append(Theme(id=theme_id, run_id=run_id, label=labels.make_label(keywords),
                            keywords=tuple(keywords), segment_ids=tuple(ids),
                            quote_ids=quotes.pick_quotes(member_segs, x[m], participants),
                            spread=quotes.spread(member_segs, participants)))
    themes.sort(key=lambda t: (-len(t.segment_ids), t.id))

    if codebook is not None and embedding_model is not None and themes:
        notes.extend(_nearest_codes(themes, segs, x, codebook, embedding_model))

    assignments = {s.id: cluster_theme.get(int(c)) for s, c in zip(segs, lab.tolist())}
    assignments.update({segments[i].id: None for i in short})
    n_out = sum(v is None for v in assignments.values())
    notes.append(f"{len(themes)} themes over {len(segs)} segments; {n_out} segments in no theme")
    run = Run(id=run_id, kind="themes", started_at=clock.now(),
              model=_model_name(embedding_model), model_version=str(getattr(embedding_model, "model_version", "")),
              codebook_hash=codebook.hash if codebook else "", seed=seed,
              params=run_params, notes="\n".join(notes))
    return ThemeResult(run=run, themes=themes, assignments=assignments, method=method, notes=notes)


def _model_name(model) -> str:
    return "" if model is None else str(model.model_id)


def _nearest_codes(themes, segs, x, codebook: Codebook, model) -> list[str]:
    """For each theme, the most similar existing code: a researcher promoting a candidate should see it."""
    index = {s.id: i for i, s in enumerate(segs)}
    codes = labels.encode(model, guidance.zeroshot_topics(codebook))
    out = []
    for t in themes:
        c = x[[index[i] for i in t.segment_ids]].mean(axis=0)
        sims = codes @ (c / (np.linalg.norm(c) or 1.0))
        j = int(np.argmax(sims))
        out.append(f"theme {t.label!r} is closest to code {codebook.codes[j].name!r} (cosine {sims[j]:.2f})")
    return out
