"""Representative quotes: the coded passages closest to their code's TF-IDF centroid, one per participant.

Representative, not "best": the highest suggestion score picks the most typical wording of the *definition*;
the centroid picks what participants typically said. Deterministic: ties break on (transcript, start).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from ..snapshot import Snapshot
from .views import group_of, locate


@dataclass(frozen=True)
class Exemplar:
    """One quote: `text == snapshot.transcript(transcript_id).text[char_start:char_end]`."""

    participant_id: str
    group: str | None
    transcript_id: str
    char_start: int
    char_end: int
    turn_index: int | None  # 0-based index into Transcript.turns
    line: int  # 1-based line of the transcript text on which the quote starts
    text: str
    similarity: float  # cosine to the code's TF-IDF centroid

    def citation(self) -> str:
        turn = f", turn {self.turn_index + 1}" if self.turn_index is not None else ""
        return (f"{self.participant_id}; {self.transcript_id} chars {self.char_start}-{self.char_end}{turn}, "
                f"line {self.line}")

    def to_dict(self) -> dict:
        return asdict(self)


def centroid_similarities(texts: Sequence[str]) -> np.ndarray:
    """Cosine of each text's TF-IDF vector to the centroid of all of them (zeros when no word is shared)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts:
        return np.zeros(0)
    try:
        X = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)  # rows are L2-normalised
    except ValueError:  # empty vocabulary: texts without a single word token
        return np.zeros(len(texts))
    centroid = np.asarray(X.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return np.zeros(len(texts))
    return np.asarray(X @ (centroid / norm)).ravel()


def pick_exemplars(snapshot: Snapshot, spans: Sequence[tuple[str, int, int]], k: int = 3,
                   group_by: str = "group") -> list[Exemplar]:
    """Up to `k` quotes from distinct participants among the coded `spans` (transcript id, start, end).

    Spans are de-duplicated; each is scored by cosine to the centroid of all of them; the best-scoring span of
    each participant competes, and the top `k` participants' spans are returned, best first.
    """
    spans = sorted(set(spans))
    texts = [snapshot.transcript(t).text[s:e] for t, s, e in spans]
    sims = centroid_similarities(texts)
    order = sorted(range(len(spans)), key=lambda i: (-round(float(sims[i]), 12), spans[i]))
    out: list[Exemplar] = []
    used: set[str] = set()
    for i in order:
        tid, s, e = spans[i]
        pid = snapshot.participant_of(tid)
        if pid in used:
            continue
        used.add(pid)
        loc = locate(snapshot, tid, s, e)
        out.append(Exemplar(pid, group_of(snapshot, pid, group_by, tid), tid, s, e, loc.turn_index, loc.line,
                            texts[i], float(sims[i])))
        if len(out) == k:
            break
    return out
