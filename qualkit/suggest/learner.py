"""Interactive learning: one decision in, that code retrained, fresh suggestions out."""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Sequence

from ..codebook.model import Codebook
from ..coding import Decision
from ..embed import EmbeddingCache
from ..errors import QualkitError
from ..ids import text_hash
from ..segment.model import Segment
from .engine import Engine, _now
from .labels import POSITIVE, decision_labels, state_hash
from .model import Suggestion


class Learner:
    """Holds the embedded segments and the labels from decisions so far.

    `update(decision)` applies one decision and retrains only the decision's code (other codes that gain an
    implicit negative are retrained when `suggestions()` is next called). Embedding happens once, here.
    """

    def __init__(self, segments: Sequence[Segment], codebook: Codebook, embedder, decisions: Sequence[Decision] = (),
                 *, cache: EmbeddingCache | None = None, seed: int = 0, params: dict | None = None,
                 renames: dict[str, str] | None = None):
        self.engine = Engine(codebook, embedder, cache=cache, seed=seed, params=params).fit(segments)
        e = self.engine
        e.set_labels(decision_labels(decisions, e.index_, e.code_names, e.params["implicit_negatives"], renames))
        self._stale: set[str] = set(e.code_names)
        self._started = _now()
        self._hashes: dict[str, str] = {}  # per-code label hashes for the run id; dropped when labels change

    def update(self, decision: Decision) -> list[Suggestion]:
        """Apply one accept/reject/apply/remove; retrain its code; return that code's refreshed suggestions
        (unknown code: []). An `undo` cannot be applied one at a time (it depends on what it takes back): use
        `qualkit.suggest.live.LiveModel`, which replays the log, for sessions with undo."""
        e = self.engine
        if decision.verdict == "undo":
            raise QualkitError("Learner.update cannot apply an undo: replay the log with LiveModel.sync instead")
        if decision.code not in e.labels_:
            return []
        rows = e.index_.match(decision.transcript_id, decision.char_start, decision.char_end, decision.segment_id)
        y = 1 if decision.verdict in POSITIVE else 0
        for i in rows:
            e.labels_[decision.code][i] = y
            if y == 1 and e.params["implicit_negatives"]:
                for other in e.code_names:
                    if other != decision.code and i not in e.labels_[other]:
                        e.labels_[other][i] = 0
                        self._stale.add(other)
                        self._hashes.pop(other, None)
        self._hashes.pop(decision.code, None)
        e.train(decision.code, retune=False)  # thresholds are re-tuned by suggestions() via _stale
        self._stale.add(decision.code)
        return e.suggestions(self.run().id, [decision.code])

    def suggestions(self) -> list[Suggestion]:
        """All current suggestions, after retraining any code whose labels changed."""
        for code in sorted(self._stale):
            self.engine.train(code)
        self._stale.clear()
        return self.engine.suggestions(self.run().id)

    def run(self):
        e = self.engine
        for c in e.code_names:
            if c not in self._hashes:
                self._hashes[c] = state_hash(e.labels_[c], e.index_)
        dh = text_hash(json.dumps([self._hashes[c] for c in e.code_names]))[:16]
        return replace(e.run_record(self._started, dh), notes="interactive")
