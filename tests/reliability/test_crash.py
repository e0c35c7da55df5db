"""Crash safety: kill -9 a process in the middle of an ingest, a stream of decisions and an export, at random
points, many times (seeded, bounded). Afterwards the store is sound, every acknowledged decision is there, an
ingest is all or nothing, no half-written export sits at the target path, and re-running the command completes.
"""
from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import random
import signal
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
FORK = mp.get_context("fork")  # children start in milliseconds, so the kill points spread over the work itself

TURN = ("P{n:02d}: Well, I read every draft, um, before it goes out. Draft {i} of interview {n} was about "
        "message volume and whether the patients knew it was drafted by the model. Honestly it varies.\n\n"
        "Interviewer: And what happened next in case {i}?\n\n")


def make_corpus(folder: Path, files: int = 40, turns: int = 40) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        (folder / f"P{n:02d}.txt").write_text("".join(TURN.format(n=n, i=i) for i in range(turns)), encoding="utf-8")
    return folder


def start(fn, *args) -> mp.Process:
    proc = FORK.Process(target=_quiet, args=(fn, args))
    proc.start()
    return proc


def _quiet(fn, args):
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    fn(*args)


def kill_after(proc: mp.Process, delay: float) -> None:
    """SIGKILL the child after `delay` seconds (unless it already finished)."""
    proc.join(delay)
    if proc.is_alive():
        os.kill(proc.pid, signal.SIGKILL)
    proc.join(60)


def cli(*args) -> None:
    """`qualkit ARGS...` in this process, as the command line runs it; raises if it fails."""
    from click.testing import CliRunner

    from qualkit.cli import cli as command
    r = CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code == 0, r.output


def _cli_exit(*args) -> None:
    from qualkit.cli import cli as command
    command.main([str(a) for a in args], prog_name="qualkit")


class _opened:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.project = Project.open(self.path)
        return self.project

    def __exit__(self, *exc):
        self.project.close()


# -- ingest --------------------------------------------------------------------------------------------------
def test_kill_during_ingest_leaves_all_or_nothing(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    ref = tmp_path / "ref"
    Project.init(ref).close()
    t0 = time.monotonic()
    cli("ingest", corpus, "-p", ref)
    duration = time.monotonic() - t0
    with _opened(ref) as p:
        full = p.store.counts()
    assert full["transcripts"] == 40

    rng = random.Random(1)
    outcomes = {"nothing": 0, "everything": 0}
    for k in range(ROUNDS):
        proj = tmp_path / f"p{k}"
        Project.init(proj).close()
        proc = start(_cli_exit, "ingest", corpus, "-p", proj)
        kill_after(proc, rng.uniform(0, duration * 1.1))
        with _opened(proj) as p:
            assert p.store.integrity_check() == []
            counts = p.store.counts()
            if counts["transcripts"] == 0:
                assert counts["segments"] == 0 and counts["participants"] == 0
                outcomes["nothing"] += 1
            else:
                assert counts == full, f"round {k}: a half-done ingest: {counts} (full: {full})"
                outcomes["everything"] += 1
        cli("ingest", corpus, "-p", proj)  # re-running completes
        with _opened(proj) as p:
            assert p.store.counts() == full
            assert p.store.integrity_check() == []
    assert outcomes["nothing"] > 0  # the kills did land before the commit


# -- a stream of decisions -------------------------------------------------------------------------------------
def _decide(url: str, seed: int, limit: int, fd: int) -> None:
    """Record decisions forever (or `limit` of them); write "id seq" to fd after each record() returns."""
    out = os.fdopen(fd, "w")
    store = Store(url)
    rng = random.Random(seed)
    i = 0
    while limit < 0 or i < limit:
        n = rng.choice([1, 1, 1, 3, 10, 40])
        batch = [Decision(id=stable_id("crash", seed, i + k), transcript_id="T1", char_start=i + k,
                          char_end=i + k + 5, code=f"c{(i + k) % 9}", verdict="apply", coder=f"coder{seed % 3}",
                          at="2026-01-01T00:00:00+00:00") for k in range(n)]
        for d in store.record(batch):
            out.write(f"{d.id} {d.seq}\n")  # only after record() returned: the decision is acknowledged
        out.flush()
        i += n
    out.close()
    store.close()


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
        r, w = os.pipe()
        proc = start(_decide, url, 1000 + k, -1, w)
        os.close(w)
        reader = os.fdopen(r)
        seen = ""
        wanted = rng.randint(1, 400)
        while seen.count("\n") < wanted:
            line = reader.readline()
            if not line:
                pytest.fail(f"round {k}: the decision writer died early (exit code {proc.exitcode})")
            seen += line
        os.kill(proc.pid, signal.SIGKILL)
        seen += reader.read()  # everything written before the kill was acknowledged too
        reader.close()
        proc.join(60)
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
    r, w = os.pipe()
    proc = start(_decide, url, 7, 50, w)  # re-running completes
    os.close(w)
    with os.fdopen(r) as reader:
        assert len(_acked_lines(reader.read())) >= 50
    proc.join(60)
    assert proc.exitcode == 0


def test_kill_during_decisions_loses_no_acknowledged_decision_sqlite(tmp_path):
    _kill_decisions(f"sqlite:///{tmp_path / 'd.db'}", ROUNDS, seed=2)


def test_kill_during_decisions_loses_no_acknowledged_decision_postgresql(postgres):
    _kill_decisions(postgres.create_database("crash_decisions"), 8, seed=3)


# -- export ------------------------------------------------------------------------------------------------------
def _export(project_dir: Path, target: Path) -> None:
    from qualkit.interchange import export_qdpx
    with _opened(project_dir) as project:
        export_qdpx(project.store.snapshot(), target)


BLOCK = hashlib.sha256(b"qualkit").digest() * 32768  # 1 MB


def _write_big(target: Path) -> None:
    from qualkit.interchange.write import write_atomic
    write_atomic(target, BLOCK * 24)  # big enough that kills land mid-write


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kill_loop(fn, args, target: Path, expected, old: bytes, seed: int) -> None:
    """Run fn(*args) (which writes `target`) ROUNDS times, killing it at random points; check the target each time.
    `expected`: the sha256 of the complete file, or a function telling whether bytes are a complete file."""
    complete = expected if callable(expected) else (lambda data: hashlib.sha256(data).hexdigest() == expected)
    t0 = time.monotonic()
    fn(*args)
    duration = time.monotonic() - t0
    assert complete(target.read_bytes())
    rng = random.Random(seed)
    for k in range(ROUNDS):
        if k % 2:
            target.write_bytes(old)  # an earlier export is there: it must survive intact until replaced
        else:
            target.unlink(missing_ok=True)
        kill_after(start(fn, *args), rng.uniform(0, duration * 1.1))
        if target.exists():
            data = target.read_bytes()
            assert data == old or complete(data), \
                f"round {k}: a half-written file at {target} ({len(data)} bytes)"
        else:
            assert k % 2 == 0, f"round {k}: the earlier export was removed"
        fn(*args)  # re-running completes
        assert complete(target.read_bytes())


def _project_with_codebook(tmp_path: Path, files: int) -> Path:
    """A project of `files` generated transcripts (as many turns each) and the sample codebook, made by the CLI."""
    corpus = make_corpus(tmp_path / "corpus", files=files, turns=files)
    proj = tmp_path / "proj"
    Project.init(proj).close()
    cli("ingest", corpus, "-p", proj)
    cli("codebook", "use", ROOT / "codebooks" / "ai_in_medicine.yaml", "-p", proj)
    return proj


def test_kill_during_qdpx_export_leaves_no_half_written_file(tmp_path):
    proj = _project_with_codebook(tmp_path, 40)
    with _opened(proj) as p:
        names = p.store.codebook().names
        p.store.record([Decision(id=stable_id("x", i), transcript_id=f"P{i % 40:02d}", char_start=5, char_end=40,
                                 code=names[i % len(names)], verdict="apply", coder="ana",
                                 at="2026-01-01T00:00:00+00:00") for i in range(200)])
    target = tmp_path / "out" / "project.qdpx"
    target.parent.mkdir()
    _export(proj, target)
    with zipfile.ZipFile(target) as z:
        assert z.testzip() is None and "project.qde" in z.namelist()
    _kill_loop(_export, (proj, target), target, _digest(target), b"an earlier export", seed=4)


def test_kill_during_atomic_write_leaves_old_or_new_file(tmp_path):
    target = tmp_path / "report.bin"
    expected = hashlib.sha256(BLOCK * 24).hexdigest()
    _kill_loop(_write_big, (target,), target, expected, b"the previous report", seed=5)


def _report(project_dir: Path, target: Path) -> None:
    from qualkit.export import write_report
    with _opened(project_dir) as project:
        write_report(project.store.snapshot(), target)


def _is_complete_zip(data: bytes) -> bool:
    import io
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.testzip() is None and len(z.namelist()) > 0
    except zipfile.BadZipFile:
        return False


def test_kill_during_report_export_leaves_no_half_written_file(tmp_path):
    proj = _project_with_codebook(tmp_path, 30)
    with _opened(proj) as p:
        names = p.store.codebook().names
        p.store.record([Decision(id=stable_id("r", i), transcript_id=f"P{i % 30:02d}", char_start=5 + i,
                                 char_end=60 + i, code=names[i % len(names)], verdict="apply",
                                 coder=("ana", "ben")[i % 2], at="2026-01-01T00:00:00+00:00") for i in range(300)])
    target = tmp_path / "out" / "report.xlsx"
    target.parent.mkdir()
    _kill_loop(_report, (proj, target), target, _is_complete_zip, b"an earlier report", seed=6)
