"""A small synthetic corpus for theme tests: 4 topics x 12 segments, embeddings clustered by construction.

Each topic has its own vocabulary and its own random centre; segment i of a topic sits at centre + small
noise, so any sane clustering finds the 4 topics. Six participants in two groups (A: p1-p3, B: p4-p6).
"""
from __future__ import annotations

import numpy as np

from qualkit.ids import stable_id
from qualkit.segment.model import Segment

TOPICS = {
    "export": "export csv file download spreadsheet columns",
    "plots": "heat map plot colour legend axis",
    "login": "password login account credentials email signin",
    "speed": "slow loading crash waiting spinner timeout",
}
PARTICIPANTS = {f"p{i}": {"group": "A" if i <= 3 else "B"} for i in range(1, 7)}


def make_corpus(per_topic: int = 12, dim: int = 32, noise: float = 0.05, seed: int = 7):
    rng = np.random.default_rng(seed)
    segments, rows, truth = [], [], {}
    for t, (topic, words) in enumerate(TOPICS.items()):
        centre = rng.normal(size=dim)
        vocab = words.split()
        for j in range(per_topic):
            pid = f"p{(j % 6) + 1}"
            text = f"I think the {vocab[j % 6]} and the {vocab[(j + 1) % 6]} were {['fine', 'odd', 'hard'][j % 3]}"
            sid = stable_id("synthetic", topic, j)
            segments.append(Segment(id=sid, transcript_id=pid, unit="turn", index=len(segments), speaker=pid,
                                    role="participant", char_start=0, char_end=len(text), text=text,
                                    turn_index=j))
            rows.append(centre + noise * rng.normal(size=dim))
            truth[sid] = topic
    emb = np.asarray(rows, dtype=np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return segments, emb, truth
