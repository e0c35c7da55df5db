"""Neighbour context: what was said just before and just after a segment in the same transcript.

Human coders read a passage in its place in the interview (the task being worked on, the answer it continues),
so a short segment's code often depends on its neighbours. Measured on SERDIF paragraphs (benchmarks/eval_serdif.py):
mixing the neighbours into the zero-shot vector and giving the classifier the previous/next vectors as features
both raise agreement with the human coder.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..segment.model import Segment
from ..segment.sentences import sentence_spans

SPLIT_CONTEXT = 100  # characters of context before the part of a turn a question can start in


def question_text(turn: str, max_chars: int) -> str:
    """The question an interviewer turn ends with: its last sentences, at most `max_chars` long (0: the whole turn).

    An interviewer's turn often opens with thanks, a summary of the last answer or an instruction, and ends with
    the question the next answer responds to ("That's fascinating. ... Walk me through how AI fits in?"). The
    end is the useful context, and embedding only it costs a fraction of embedding the whole turn (on the
    Anthropic interviews the turns are as long as the answers). A last sentence longer than `max_chars` is cut
    to its final words.
    """
    turn = turn.strip()
    if max_chars <= 0 or len(turn) <= max_chars:
        return turn
    # Punkt decides a boundary from the words on either side of it, so only the tail of the turn is split: its
    # last max_chars plus some left context (a long turn split whole cost seconds over a large corpus).
    offset = max(0, len(turn) - max_chars - SPLIT_CONTEXT)
    start = len(turn)
    for s, _ in reversed(sentence_spans(turn[offset:])):
        s += offset
        if len(turn) - s > max_chars:
            break
        start = s
    if start == len(turn):  # the last sentence alone is too long: keep its final words
        cut = turn.find(" ", len(turn) - max_chars)
        start = cut + 1 if 0 <= cut < len(turn) - 1 else len(turn) - max_chars
    return turn[start:].strip()


def neighbour_means(segments: Sequence[Segment], X: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(previous, following): for each segment the mean vector of up to `window` segments before / after it in the
    same transcript (ordered by char_start), zeros where there are none. `X` holds one row per segment."""
    n = len(segments)
    prev = np.zeros((n, X.shape[1]), dtype=np.float64)
    nxt = np.zeros_like(prev)
    if window < 1 or n == 0:
        return prev, nxt
    by_transcript: dict[str, list[int]] = {}
    for i, s in enumerate(segments):
        by_transcript.setdefault(s.transcript_id, []).append(i)
    for rows in by_transcript.values():
        rows = sorted(rows, key=lambda i: (segments[i].char_start, segments[i].char_end))
        V = X[rows].astype(np.float64)
        # prefix sums give every window mean in O(n)
        csum = np.vstack([np.zeros((1, V.shape[1])), np.cumsum(V, axis=0)])
        m = len(rows)
        idx = np.arange(m)
        lo = np.maximum(idx - window, 0)
        cnt = idx - lo
        p = (csum[idx] - csum[lo]) / np.maximum(cnt, 1)[:, None]
        hi = np.minimum(idx + 1 + window, m)
        cnt2 = hi - (idx + 1)
        f = (csum[hi] - csum[idx + 1]) / np.maximum(cnt2, 1)[:, None]
        prev[rows] = p
        nxt[rows] = f
    return prev, nxt
