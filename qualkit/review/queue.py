"""What is left to review, in which order, and how far a coder has got.

Suggestions under review are those of the latest `suggest` run plus every `promoted-theme` run (quotes of
themes a researcher promoted to codes). Pure functions take plain data; the store wrappers read it first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

from ..coding import Decision, latest_verdicts, resolve
from ..errors import QualkitError
from ..store import Store
from ..suggest.model import Suggestion
from ..suggest.queue import review_queue
from .actions import pending_from
from ._common import check_coder

PROMOTED_RUN = "promoted-theme"
# The review orders: active learning (closest to its code's threshold first), highest score first, and the
# transcripts as they were read. The first two are suggest.review_queue's; this is the one list the app offers.
ORDERS = ("informative", "confident", "transcript")


def review_runs(store: Store) -> list:
    """The runs whose suggestions are under review: latest suggest run, then promoted-theme runs (oldest first)."""
    latest = store.latest_run("suggest")
    return ([latest] if latest else []) + store.runs(PROMOTED_RUN)


def review_suggestions(store: Store) -> list[Suggestion]:
    """Every suggestion under review, for every coder (decided or not)."""
    out: list[Suggestion] = []
    for run in review_runs(store):
        out.extend(store.suggestions(run.id))
    return out


def pending(store: Store, coder: str) -> list[Suggestion]:
    """Suggestions `coder` has not decided yet (codes no longer in the codebook are left out)."""
    coder = check_coder(coder)
    codebook = store.codebook()
    return pending_from(review_suggestions(store), store.decisions(coder=coder), store.renames(),
                        codebook.names if codebook else None)


def _position(s: Suggestion) -> tuple:
    return (s.transcript_id, s.char_start, s.char_end, s.code)


def order_queue(pending_suggestions: Sequence[Suggestion], order: str = "informative") -> list[Suggestion]:
    """Order pending suggestions for review (ORDERS): informative and confident as `suggest.review_queue`
    orders them; transcript: by transcript and position."""
    if order not in ORDERS:
        raise QualkitError(f"unknown review order {order!r}: one of {', '.join(ORDERS)}")
    if order == "transcript":
        return sorted(pending_suggestions, key=_position)
    return list(review_queue(list(pending_suggestions), (), order=order))


@dataclass(frozen=True)
class SegmentItem:
    """One segment to review with all of its pending suggestions, most probable first."""

    segment_id: str
    transcript_id: str
    char_start: int
    char_end: int
    suggestions: tuple[Suggestion, ...]


def segment_queue(pending_suggestions: Iterable[Suggestion], order: str = "informative", *,
                  score: Callable[[Suggestion], float] | None = None,
                  threshold: Callable[[Suggestion], float] | None = None) -> list[SegmentItem]:
    """Pending suggestions grouped by segment, segments in `order` (ORDERS).

    informative: the segment whose most uncertain suggestion is closest to its code's threshold (in logit
    units) first; confident: highest score on the segment first; transcript: reading order. `score` and
    `threshold` give the current (live) values; by default those the suggestion was made with. Cheap per
    suggestion (one call of each, the logits in numpy): the page re-ranks tens of thousands after every click.
    """
    import numpy as np

    if order not in ORDERS:
        raise QualkitError(f"unknown review order {order!r}: one of {', '.join(ORDERS)}")
    pend = list(pending_suggestions)
    if not pend:
        return []
    sc = np.fromiter((score(s) for s in pend) if score else (s.score for s in pend), float, len(pend))
    th = np.fromiter((threshold(s) for s in pend) if threshold else (s.threshold for s in pend), float, len(pend))
    clip = lambda p: np.clip(p, 1e-6, 1 - 1e-6)  # noqa: E731
    unc = np.abs(np.log(clip(sc) / (1 - clip(sc))) - np.log(clip(th) / (1 - clip(th)))).tolist()
    scl = sc.tolist()
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(pend):
        groups.setdefault(s.segment_id, []).append(i)
    keyed = []
    for sid, idx in groups.items():
        first = pend[idx[0]]
        if order == "informative":
            key = (min(unc[i] for i in idx),)
        elif order == "confident":
            key = (-max(scl[i] for i in idx),)
        else:
            key = ()
        keyed.append((key + (first.transcript_id, first.char_start, sid), idx))
    keyed.sort(key=lambda x: x[0])
    out = []
    for _, idx in keyed:
        idx = sorted(idx, key=lambda i: (-scl[i], pend[i].code))
        first = pend[idx[0]]
        out.append(SegmentItem(first.segment_id, first.transcript_id, first.char_start, first.char_end,
                               tuple(pend[i] for i in idx)))
    return out


@dataclass(frozen=True)
class CodeProgress:
    code: str
    reviewed: int
    remaining: int
    accepted: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.reviewed + self.remaining


@dataclass(frozen=True)
class Progress:
    """How many suggestions under review `coder` has decided and has left, overall and per code."""

    coder: str
    reviewed: int
    remaining: int
    by_code: Mapping[str, CodeProgress] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.reviewed + self.remaining

    @property
    def fraction(self) -> float:
        return self.reviewed / self.total if self.total else 1.0


def progress_from(coder: str, suggestions: Sequence[Suggestion], decisions: Iterable[Decision],
                  renames: Mapping[str, str] | None, codes: Sequence[str] | None = None) -> Progress:
    """Pure: progress of `coder` (whose `decisions` these are) over `suggestions`, per current code name."""
    state = latest_verdicts(decisions, dict(renames or {}))
    verdict = {k[1:]: d.verdict for k, d in state.items()}
    counts: dict[str, list[int]] = {c: [0, 0, 0, 0] for c in (codes or ())}
    seen = set()
    for s in suggestions:
        code = resolve(s.code, dict(renames or {}))
        key = (s.transcript_id, s.char_start, s.char_end, code)
        if key in seen or (codes is not None and code not in counts):
            continue
        seen.add(key)
        row = counts.setdefault(code, [0, 0, 0, 0])
        v = verdict.get(key)
        if v is None:
            row[1] += 1
        else:
            row[0] += 1
            row[2] += v in ("accept", "apply")
            row[3] += v in ("reject", "remove")
    by_code = {c: CodeProgress(c, *r) for c, r in counts.items()}
    return Progress(coder, sum(p.reviewed for p in by_code.values()), sum(p.remaining for p in by_code.values()),
                    by_code)


def progress(store: Store, coder: str) -> Progress:
    """Reviewed and remaining suggestions for `coder`, overall and per code (codes in codebook order)."""
    coder = check_coder(coder)
    codebook = store.codebook()
    return progress_from(coder, review_suggestions(store), store.decisions(coder=coder), store.renames(),
                         codebook.names if codebook else None)


class ReviewIndex:
    """The suggestions under review, prepared once per set of runs, renames and codebook so that each click
    costs O(the coder's decisions) instead of O(all suggestions). Build it again when any of those change.

    Each review order is computed once over all suggestions and then decided ones are skipped, so the queue
    does not reshuffle under the researcher while they work.
    """

    def __init__(self, suggestions: Sequence[Suggestion], renames: Mapping[str, str] | None = None,
                 codes: Sequence[str] | None = None):
        self.renames = dict(renames or {})
        allowed = set(codes) if codes is not None else None
        self.items: list[Suggestion] = []
        self.code_of: dict[str, str] = {}  # suggestion id -> current code name
        self.key_of: dict[str, tuple] = {}
        seen = set()
        for s in suggestions:
            code = resolve(s.code, self.renames)
            key = (s.transcript_id, s.char_start, s.char_end, code)
            if key in seen or (allowed is not None and code not in allowed):
                continue
            seen.add(key)
            self.items.append(s)
            self.code_of[s.id] = code
            self.key_of[s.id] = key
        self.keys = seen
        self.by_segment: dict[str, list[Suggestion]] = {}
        for s in self.items:
            self.by_segment.setdefault(s.segment_id, []).append(s)
        self._arrays = None
        self.codes = list(codes) if codes is not None else sorted(set(self.code_of.values()))
        self.totals: dict[str, int] = {c: 0 for c in self.codes}
        for code in self.code_of.values():
            self.totals[code] = self.totals.get(code, 0) + 1
        self._orders: dict[str, list[Suggestion]] = {}

    def verdicts(self, decisions: Iterable[Decision]) -> dict[tuple, str]:
        """(transcript, start, end, code) -> verdict in force, for the keys under review only."""
        return {k[1:]: d.verdict for k, d in latest_verdicts(decisions, self.renames).items() if k[1:] in self.keys}

    def ordered(self, order: str) -> list[Suggestion]:
        if order not in self._orders:
            self._orders[order] = order_queue(self.items, order)
        return self._orders[order]

    def queue(self, verdicts: Mapping[tuple, str], order: str = "informative", *, code: str | None = None,
              skip: Iterable[str] = (), min_score: float | None = None, limit: int | None = None) -> list[Suggestion]:
        """Pending suggestions in `order` (optionally of one code, above a score), without the `skip` ids."""
        skip = set(skip)
        out = []
        for s in self.ordered(order):
            if (self.key_of[s.id] in verdicts or s.id in skip or (code is not None and self.code_of[s.id] != code)
                    or (min_score is not None and s.score < min_score)):
                continue
            out.append(s)
            if limit is not None and len(out) >= limit:
                break
        return out

    def progress(self, coder: str, verdicts: Mapping[tuple, str]) -> Progress:
        done: dict[str, list[int]] = {}
        for key, v in verdicts.items():
            row = done.setdefault(key[3], [0, 0, 0])
            row[0] += 1
            row[1] += v in ("accept", "apply")
            row[2] += v in ("reject", "remove")
        by_code = {c: CodeProgress(c, done.get(c, [0])[0], n - done.get(c, [0])[0], *done.get(c, [0, 0, 0])[1:])
                   for c, n in self.totals.items()}
        return Progress(coder, sum(p.reviewed for p in by_code.values()), sum(p.remaining for p in by_code.values()),
                        by_code)

    def pending(self, verdicts: Mapping[tuple, str], *, code: str | None = None,
                transcripts: Iterable[str] | None = None) -> list[Suggestion]:
        """Pending suggestions (of one code, in some transcripts), in index order."""
        allowed = set(transcripts) if transcripts is not None else None
        return [s for s in self.items if self.key_of[s.id] not in verdicts
                and (code is None or self.code_of[s.id] == code)
                and (allowed is None or s.transcript_id in allowed)]

    def segments(self, verdicts: Mapping[tuple, str], order: str = "informative", *, code: str | None = None,
                 transcripts: Iterable[str] | None = None, skip: Iterable[str] = (),
                 score: Callable[[Suggestion], float] | None = None,
                 threshold: Callable[[Suggestion], float] | None = None) -> list[SegmentItem]:
        """Segments with pending suggestions (filtered by code and transcripts, without the `skip` segment ids),
        in `order`, each with its pending suggestions of the filter."""
        skip = set(skip)
        todo = [s for s in self.pending(verdicts, code=code, transcripts=transcripts) if s.segment_id not in skip]
        return segment_queue(todo, order, score=score, threshold=threshold)

    # ---- the ranked queue, vectorised: after every click the page re-ranks every pending suggestion -------
    def arrays(self) -> dict:
        """Per-suggestion arrays aligned with `items` (built once): segment group, code, transcript, scores."""
        import numpy as np

        if self._arrays is None:
            seg_ids = list(self.by_segment)
            seg_of = {sid: k for k, sid in enumerate(seg_ids)}
            code_ix = {c: j for j, c in enumerate(self.codes)}
            first = [self.by_segment[sid][0] for sid in seg_ids]
            reading = sorted(range(len(seg_ids)), key=lambda k: (first[k].transcript_id, first[k].char_start,
                                                                 seg_ids[k]))
            rank = np.empty(len(seg_ids), dtype=np.int64)
            rank[reading] = np.arange(len(seg_ids))
            self._arrays = {
                "seg_ids": seg_ids, "seg": np.array([seg_of[s.segment_id] for s in self.items], dtype=np.int64),
                "code": np.array([code_ix.get(self.code_of[s.id], -1) for s in self.items], dtype=np.int64),
                "transcript": np.array([s.transcript_id for s in self.items], dtype=object),
                "score": np.array([s.score for s in self.items], dtype=float),
                "threshold": np.array([s.threshold for s in self.items], dtype=float),
                "reading_rank": rank, "item_of_key": {self.key_of[s.id]: i for i, s in enumerate(self.items)},
                "position": {s.id: i for i, s in enumerate(self.items)},
                "by_code": {c: np.where(np.array([self.code_of[s.id] == c for s in self.items]))[0]
                            for c in self.codes},
            }
        return self._arrays

    def rank(self, verdicts: Mapping[tuple, str], order: str = "informative", *, code: str | None = None,
             transcripts: Iterable[str] | None = None, skip: Iterable[str] = (), scores=None, thresholds=None
             ) -> list[str]:
        """Segment ids with pending suggestions (as `segments`), in `order`, computed over arrays: `scores` and
        `thresholds` are per-suggestion arrays aligned with `items` (default: those of the run)."""
        import numpy as np

        if order not in ORDERS:
            raise QualkitError(f"unknown review order {order!r}: one of {', '.join(ORDERS)}")
        a = self.arrays()
        if not self.items:
            return []
        sc = a["score"] if scores is None else scores
        th = a["threshold"] if thresholds is None else thresholds
        keep = np.ones(len(self.items), dtype=bool)
        for key in verdicts:
            i = a["item_of_key"].get(key)
            if i is not None:
                keep[i] = False
        if code is not None:
            keep &= a["code"] == (self.codes.index(code) if code in self.codes else -2)
        if transcripts is not None:
            keep &= np.isin(a["transcript"], np.array(list(transcripts), dtype=object))
        skip = set(skip)
        skip_ix = [k for k, sid in enumerate(a["seg_ids"]) if sid in skip] if skip else []
        n_seg = len(a["seg_ids"])
        seg = a["seg"][keep]
        if not len(seg):
            return []
        if order == "informative":
            p = np.clip(sc[keep], 1e-6, 1 - 1e-6)
            t = np.clip(th[keep], 1e-6, 1 - 1e-6)
            val = np.abs(np.log(p / (1 - p)) - np.log(t / (1 - t)))
            best = np.full(n_seg, np.inf)
            np.minimum.at(best, seg, val)
        elif order == "confident":
            best = np.full(n_seg, np.inf)
            np.minimum.at(best, seg, -sc[keep])
        else:
            best = np.zeros(n_seg)
            best[seg] = 0.0
        present = np.zeros(n_seg, dtype=bool)
        present[seg] = True
        present[skip_ix] = False
        ks = np.where(present)[0]
        ks = ks[np.lexsort((a["reading_rank"][ks], best[ks]))]
        return [a["seg_ids"][k] for k in ks]
