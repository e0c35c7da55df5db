"""Background jobs: one worker thread per job, progress (stage and count) polled by whoever shows it, cooperative
cancel, and at most one running job per key (a second start while one runs returns the running one).

The app owns one JobManager for its process; nothing here knows about Streamlit. A job function takes a
`Progress` and returns a one-line summary; it reports with `progress(stage, done, total)`, which raises
`Cancelled` once cancel was asked for, so work stops at the next report.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from ..errors import QualkitError

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"


class Cancelled(Exception):
    """Raised inside a job at its next progress report after cancel() (not an error: the job stops cleanly)."""


@dataclass(frozen=True)
class JobStatus:
    """What a page shows about a job; a snapshot, safe to read from any thread."""

    key: str
    kind: str
    state: str
    stage: str
    done: int
    total: int | None
    summary: str
    error: str
    started: float
    finished: float | None
    updates: int  # progress reports so far (a page can tell whether anything moved)
    cancel_requested: bool = False

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    @property
    def fraction(self) -> float | None:
        """Share done in the current stage, or None when the stage has no count."""
        if self.state == DONE:
            return 1.0
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    @property
    def text(self) -> str:
        """One line for a progress bar: stage and count."""
        count = f" {self.done:,} of {self.total:,}" if self.total else ""
        return f"{self.stage}{count}"


def one_line(error: BaseException) -> str:
    """The message a researcher sees for a failed job: a QualkitError's first line as is; anything else named
    as an internal error with its type, without its traceback (lower layers' messages may quote transcripts)."""
    first = str(error).splitlines()[0][:300] if str(error) else ""
    if isinstance(error, QualkitError):
        return first
    return f"internal error ({type(error).__name__}: {first})"


class Progress:
    """The callable a job reports through: progress(stage, done=0, total=None)."""

    def __init__(self, job: "Job"):
        self._job = job

    def __call__(self, stage: str, done: int = 0, total: int | None = None) -> None:
        self._job._report(stage, done, total)

    @property
    def cancelled(self) -> bool:
        return self._job._cancel.is_set()


class Job:
    def __init__(self, key: str, kind: str, fn: Callable[[Progress], str]):
        self.key, self.kind, self._fn = key, kind, fn
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._state, self._stage, self._done, self._total = RUNNING, "starting", 0, None
        self._summary = self._error = ""
        self._started, self._finished, self._updates = time.time(), None, 0
        self._thread = threading.Thread(target=self._run, name=f"qualkit-{kind}", daemon=True)

    def _report(self, stage: str, done: int, total: int | None) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        with self._lock:
            self._stage, self._done, self._total = stage, int(done), (int(total) if total is not None else None)
            self._updates += 1

    def _run(self) -> None:
        try:
            summary = self._fn(Progress(self))
            end = (DONE, summary or "", "")
        except Cancelled:
            end = (CANCELLED, "cancelled; nothing from this run was kept", "")
        except Exception as e:  # noqa: BLE001 - a job must end with a status, whatever went wrong
            end = (FAILED, "", one_line(e))
        with self._lock:
            self._state, self._summary, self._error = end
            self._finished = time.time()

    def start(self) -> "Job":
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the job to stop at its next progress report."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> JobStatus:
        self._thread.join(timeout)
        return self.status()

    def status(self) -> JobStatus:
        with self._lock:
            return JobStatus(self.key, self.kind, self._state, self._stage, self._done, self._total, self._summary,
                             self._error, self._started, self._finished, self._updates, self._cancel.is_set())


class JobManager:
    """The jobs of one process, by key (e.g. a project's database URL): at most one running per key."""

    def __init__(self):
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def start(self, key: str, kind: str, fn: Callable[[Progress], str]) -> tuple[Job, bool]:
        """Start `fn` in the background under `key`, unless a job with that key is running: then return that
        job and False (a second click does not start a second run)."""
        with self._lock:
            current = self._jobs.get(key)
            if current is not None and current.status().running:
                return current, False
            job = Job(key, kind, fn)
            self._jobs[key] = job
            job.start()
            return job, True

    def get(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def running(self) -> list[JobStatus]:
        """The status of every job still running."""
        with self._lock:
            jobs = list(self._jobs.values())
        return [s for s in (j.status() for j in jobs) if s.running]

    def cancel(self, key: str) -> bool:
        job = self.get(key)
        if job is None or not job.status().running:
            return False
        job.cancel()
        return True
