"""Team mode: several processes, each with its own Store, record decisions at the same time.

Every decision a process got back from `record()` (acknowledged, with its seq) must be in the log afterwards
under its coder; each coder's codings are exactly what that coder's own decisions produce; the store is sound.
"""
from __future__ import annotations

import multiprocessing as mp
import random

import pytest

from qualkit.coding import Decision, codings_from_decisions
from qualkit.ids import stable_id
from qualkit.store import Store

pytestmark = pytest.mark.slow

WORKERS = 4
PER_WORKER = 1500
SPANS = 300  # every coder codes the same spans: their codings must still stay apart


def _decisions(coder: str, seed: int) -> list[Decision]:
    """A coder's stream: applies on shared spans, then some removes and undos (so replay order matters)."""
    rng = random.Random(seed)
    out = []
    for i in range(PER_WORKER):
        span = rng.randrange(SPANS)
        verdict = rng.choices(["apply", "remove", "undo", "accept"], weights=[70, 15, 5, 10])[0]
        code = f"code{span % 7}"
        out.append(Decision(id=stable_id("conc", coder, i), transcript_id=f"T{span % 5}", char_start=span * 10,
                            char_end=span * 10 + 8, code=code, verdict=verdict, coder=coder,
                            at=f"2026-01-01T00:00:{i % 60:02d}+00:00",
                            suggestion_id=stable_id("s", span) if verdict == "accept" else None))
    return out


def _worker(url: str, coder: str, seed: int, queue) -> None:
    store = Store(url)
    rng = random.Random(seed + 1)
    acked = []
    stream = _decisions(coder, seed)
    i = 0
    try:
        while i < len(stream):
            n = 1 if rng.random() < 0.3 else rng.randint(2, 40)  # single records and batches, interleaved
            for d in store.record(stream[i:i + n]):
                acked.append((d.id, d.seq))
            i += n
        queue.put((coder, acked, None))
    except Exception as e:  # report, so the test fails with the reason instead of hanging
        queue.put((coder, acked, f"{type(e).__name__}: {e}"))
    finally:
        store.close()


def test_concurrent_coders_lose_nothing_and_stay_separate(db_url):
    Store(db_url).close()  # migrate once up front: the test is about decisions, not about racing migrations
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    coders = [f"coder{k}" for k in range(WORKERS)]
    procs = [ctx.Process(target=_worker, args=(db_url, c, 100 + k, queue)) for k, c in enumerate(coders)]
    for p in procs:
        p.start()
    results = {}
    for _ in procs:
        coder, acked, error = queue.get(timeout=240)
        results[coder] = acked
        assert error is None, f"{coder} failed after {len(acked)} acknowledged decisions: {error}"
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    store = Store(db_url)
    try:
        everything = store.decisions()
        assert len(everything) == WORKERS * PER_WORKER
        seqs = [d.seq for d in everything]
        assert len(set(seqs)) == len(seqs)
        for coder in coders:
            mine = store.decisions(coder=coder)
            acked = results[coder]
            assert len(acked) == PER_WORKER
            assert {(d.id, d.seq) for d in mine} == set(acked)  # every acknowledged decision, with its seq
            assert [d.id for d in mine] == [d.id for d in _decisions(coder, 100 + coders.index(coder))]  # in order
            expected = codings_from_decisions(_decisions(coder, 100 + coders.index(coder)))
            got = store.codings(coder=coder)
            assert {(c.transcript_id, c.char_start, c.char_end, c.code) for c in got} == \
                   {(c.transcript_id, c.char_start, c.char_end, c.code) for c in expected}
            assert {c.coder for c in got} == {coder}
        assert set(store.coders()) == set(coders)
        assert store.integrity_check() == []
    finally:
        store.close()
