"""Helpers for the reliability tests: run a function in a forked child (no interpreter start-up per round, so
kill loops and hostile-input runs stay fast on a loaded machine), with limits, capturing its output."""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import sys
import tempfile
import time
from dataclasses import dataclass


@dataclass
class ChildResult:
    exitcode: int | None  # None: killed by the timeout
    stdout: str
    stderr: str
    seconds: float


def _vm_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(fn, args, out_path, err_path, extra_as):
    out = os.open(out_path, os.O_WRONLY)
    err = os.open(err_path, os.O_WRONLY)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(out, 1)
    os.dup2(err, 2)
    # pytest may have swapped sys.stdout for an in-memory capture: point Python's streams at the real fds
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    if extra_as:
        # the child may grow by `extra_as` bytes of address space beyond what it inherited from pytest
        limit = _vm_bytes() + extra_as
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    code = 0
    try:
        fn(*args)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 99
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_forked(fn, *args, timeout: float = 60, extra_as: int | None = 2 * 1024**3) -> ChildResult:
    """Run fn(*args) in a forked child with stdout/stderr captured, address space bounded (+extra_as) and a
    timeout (the child is killed and exitcode is None)."""
    with tempfile.NamedTemporaryFile() as out, tempfile.NamedTemporaryFile() as err:
        ctx = mp.get_context("fork")
        p = ctx.Process(target=_child, args=(fn, args, out.name, err.name, extra_as))
        t0 = time.monotonic()
        p.start()
        p.join(timeout)
        if p.is_alive():
            os.kill(p.pid, signal.SIGKILL)
            p.join()
            code = None
        else:
            code = p.exitcode
        return ChildResult(code, open(out.name, encoding="utf-8", errors="replace").read(),
                           open(err.name, encoding="utf-8", errors="replace").read(), time.monotonic() - t0)


def dump(store) -> dict:
    """Every row of every table: to assert that a refused command left the store exactly as it was."""
    import sqlalchemy as sa

    from qualkit.store import schema
    with store.engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(sa.select(t)).all())) for t in schema.metadata.sorted_tables}
