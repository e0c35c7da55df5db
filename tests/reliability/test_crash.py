"""Crash safety: kill -9 a process in the middle of an ingest, a stream of decisions and an export, at random
points, many times (seeded, bounded). Afterwards the store is sound, every acknowledged decision is there, an
ingest is all or nothing, no half-written export sits at the target path, and re-running the command completes.
"""
from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from qualkit.coding import Decision
from qualkit.ids import stable_id
from qualkit.project import Project
from qualkit.store import Store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 15
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}

TURN = ("P{n:02d}: Well, I read every draft, um, before it goes out. Draft {i} of interview {n} was about "
        "message volume and whether the patients knew it was drafted by the model. Honestly it varies.\n\n"
        "Interviewer: And what happened next in case {i}?\n\n")


def make_corpus(folder: Path, files: int = 60, turns: int = 60) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        (folder / f"P{n:02d}.txt").write_text("".join(TURN.format(n=n, i=i) for i in range(turns)), encoding="utf-8")
    return folder


def kill_after(proc: subprocess.Popen, delay: float) -> None:
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def qualkit(*args, check=True) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "qualkit.cli", *map(str, args)], env=ENV, capture_output=True,
                       text=True, timeout=300)
    if check:
        assert r.returncode == 0, r.stderr
    return r


# -- ingest --------------------------------------------------------------------------------------------------
def test_kill_during_ingest_leaves_all_or_nothing(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    ref = tmp_path / "ref"
    Project.init(ref).close()
    t0 = time.monotonic()
    qualkit("ingest", corpus, "-p", ref)
    duration = time.monotonic() - t0
    with _opened(ref) as p:
        full = p.store.counts()
    assert full["transcripts"] == 60

    rng = random.Random(1)
    outcomes = {"nothing": 0, "everything": 0}
    for k in range(ROUNDS):
        proj = tmp_path / f"p{k}"
        Project.init(proj).close()
        proc = subprocess.Popen([sys.executable, "-m", "qualkit.cli", "ingest", str(corpus), "-p", str(proj)],
                                env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        kill_after(proc, rng.uniform(0.3, duration * 1.1))
        with _opened(proj) as p:
            assert p.store.integrity_check() == []
            counts = p.store.counts()
            if counts["transcripts"] == 0:
                assert counts["segments"] == 0 and counts["participants"] == 0
                outcomes["nothing"] += 1
            else:
                assert counts == full, f"round {k}: a half-done ingest: {counts} (full: {full})"
                outcomes["everything"] += 1
        qualkit("ingest", corpus, "-p", proj)  # re-running completes
        with _opened(proj) as p:
            assert p.store.counts() == full
            assert p.store.integrity_check() == []
    assert outcomes["nothing"] > 0  # the kills did land before the commit


class _opened:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.project = Project.open(self.path)
        return self.project

    def __exit__(self, *exc):
        self.project.close()


# -- a stream of decisions -------------------------------------------------------------------------------------
DECIDER = r"""
import random, sys
from qualkit.coding import Decision
from qualkit.ids import stable_id
from qualkit.store import Store
url, seed, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = Store(url)
rng = random.Random(seed)
i = 0
while limit < 0 or i < limit:
    n = rng.choice([1, 1, 1, 3, 10, 40])
    batch = [Decision(id=stable_id("crash", seed, i + k), transcript_id="T1", char_start=i + k, char_end=i + k + 5,
                      code=f"c{(i + k) % 9}", verdict="apply", coder=f"coder{seed % 3}", at="2026-01-01T00:00:00+00:00")
             for k in range(n)]
    for d in store.record(batch):
        sys.stdout.write(f"{d.id} {d.seq}\n")  # only after record() returned: the decision is acknowledged
    sys.stdout.flush()
    i += n
store.close()
"""


def _acked_lines(data: str) -> set[tuple[str, int]]:
    out = set()
    for line in data.split("\n")[:-1]:  # the last piece may be a line cut by the kill
        ident, seq = line.split()
        out.add((ident, int(seq)))
    return out


def _kill_decisions(url: str, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    acked_all: set[tuple[str, int]] = set()
    Store(url).close()
    for k in range(rounds):
        proc = subprocess.Popen([sys.executable, "-c", DECIDER, url, str(1000 + k), "-1"], env=ENV,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = ""
        wanted = rng.randint(1, 400)
        while seen.count("\n") < wanted:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"decider died early: {proc.stderr.read()}")
            seen += line
        os.kill(proc.pid, signal.SIGKILL)
        seen += proc.stdout.read()  # everything printed before the kill was acknowledged too
        proc.wait(timeout=60)
        acked = _acked_lines(seen)
        assert len(acked) >= wanted
        acked_all |= acked
        store = Store(url)
        try:
            assert store.integrity_check() == []
            present = {(d.id, d.seq) for d in store.decisions()}
            missing = acked_all - present
            assert not missing, f"round {k}: {len(missing)} acknowledged decision(s) lost, e.g. {sorted(missing)[:3]}"
        finally:
            store.close()
    r = subprocess.run([sys.executable, "-c", DECIDER, url, "7", "50"], env=ENV, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert len(_acked_lines(r.stdout)) >= 50


def test_kill_during_decisions_loses_no_acknowledged_decision_sqlite(tmp_path):
    _kill_decisions(f"sqlite:///{tmp_path / 'd.db'}", ROUNDS, seed=2)


def test_kill_during_decisions_loses_no_acknowledged_decision_postgresql(postgres):
    _kill_decisions(postgres.create_database("crash_decisions"), 6, seed=3)


# -- export ------------------------------------------------------------------------------------------------------
EXPORTER = r"""
import sys
from pathlib import Path
from qualkit.project import Project
from qualkit.interchange import export_qdpx
project = Project.open(sys.argv[1])
export_qdpx(project.store.snapshot(), Path(sys.argv[2]))
project.close()
"""

WRITER = r"""
import sys, hashlib
from pathlib import Path
from qualkit.interchange.write import write_atomic
# 24 MB of deterministic bytes: big enough that kills land mid-write
block = hashlib.sha256(b"qualkit").digest() * 32768
write_atomic(Path(sys.argv[1]), block * 24)
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kill_loop(cmd: list[str], target: Path, expected: str, old: bytes, seed: int) -> None:
    """Run `cmd` (which writes `target`) ROUNDS times, killing it at random points; check the target each time."""
    t0 = time.monotonic()
    r = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    duration = time.monotonic() - t0
    assert _digest(target) == expected
    rng = random.Random(seed)
    for k in range(ROUNDS):
        if k % 2:
            target.write_bytes(old)  # an earlier export is there: it must survive intact until replaced
        else:
            target.unlink(missing_ok=True)
        proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_after(proc, rng.uniform(0.2, duration * 1.1))
        if target.exists():
            data = target.read_bytes()
            assert data == old or hashlib.sha256(data).hexdigest() == expected, \
                f"round {k}: a half-written file at {target} ({len(data)} bytes)"
        else:
            assert k % 2 == 0, f"round {k}: the earlier export was removed"
        r = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=300)  # re-running completes
        assert r.returncode == 0, r.stderr
        assert _digest(target) == expected


def test_kill_during_qdpx_export_leaves_no_half_written_file(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", files=40, turns=40)
    proj = tmp_path / "proj"
    Project.init(proj).close()
    qualkit("ingest", corpus, "-p", proj)
    qualkit("codebook", "use", ROOT / "codebooks" / "ai_in_medicine.yaml", "-p", proj)
    with _opened(proj) as p:
        names = p.store.codebook().names
        p.store.record([Decision(id=stable_id("x", i), transcript_id=f"P{i % 40:02d}", char_start=5, char_end=40,
                                 code=names[i % len(names)], verdict="apply", coder="ana",
                                 at="2026-01-01T00:00:00+00:00") for i in range(200)])
    target = tmp_path / "out" / "project.qdpx"
    target.parent.mkdir()
    cmd = [sys.executable, "-c", EXPORTER, str(proj), str(target)]
    r = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(target) as z:
        assert z.testzip() is None and "project.qde" in z.namelist()
    _kill_loop(cmd, target, _digest(target), b"an earlier export", seed=4)


def test_kill_during_atomic_write_leaves_old_or_new_file(tmp_path):
    target = tmp_path / "report.bin"
    expected = hashlib.sha256(hashlib.sha256(b"qualkit").digest() * 32768 * 24).hexdigest()
    _kill_loop([sys.executable, "-c", WRITER, str(target)], target, expected, b"the previous report", seed=5)
