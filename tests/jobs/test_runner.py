"""The background runner: progress polled from another thread, cancel at the next report, one job per key."""
import threading
import time

from qualkit.errors import InputError
from qualkit.jobs import CANCELLED, DONE, FAILED, JobManager


def test_progress_is_visible_while_the_job_runs_and_the_summary_when_it_ends():
    gate = threading.Event()

    def work(progress):
        progress("embedding segments", 3, 10)
        gate.wait(10)
        return "10 suggestions"

    jobs = JobManager()
    job, started = jobs.start("proj", "suggest", work)
    assert started
    for _ in range(200):
        if job.status().updates:
            break
        time.sleep(0.01)
    s = job.status()
    assert s.running and s.text == "embedding segments 3 of 10" and s.fraction == 0.3
    gate.set()
    s = job.wait(10)
    assert (s.state, s.summary, s.fraction) == (DONE, "10 suggestions", 1.0)


def test_a_second_start_while_one_runs_returns_the_running_job():
    gate = threading.Event()
    calls = []

    def work(progress):
        calls.append(1)
        gate.wait(10)
        return "ok"

    jobs = JobManager()
    first, _ = jobs.start("proj", "suggest", work)
    second, started = jobs.start("proj", "themes", work)
    assert second is first and not started
    other, started_other = jobs.start("other-project", "suggest", lambda p: "x")
    assert started_other and other is not first
    gate.set()
    first.wait(10)
    other.wait(10)
    assert len(calls) == 1
    third, started = jobs.start("proj", "suggest", lambda p: "again")
    assert started and third.wait(10).summary == "again"


def test_cancel_stops_the_job_at_its_next_report():
    reached = []

    def work(progress):
        for i in range(1000):
            progress("embedding segments", i, 1000)
            reached.append(i)
            time.sleep(0.005)
        return "finished"

    jobs = JobManager()
    job, _ = jobs.start("proj", "suggest", work)
    time.sleep(0.05)
    assert jobs.cancel("proj")
    s = job.wait(10)
    assert s.state == CANCELLED and s.cancel_requested and len(reached) < 1000
    assert not jobs.cancel("proj")  # nothing running any more


def test_a_failure_is_one_line_naming_the_problem():
    def bad(progress):
        raise InputError("codebook.yaml", "3 problems in codebook\n  line 2\n  line 3")

    def bug(progress):
        raise KeyError("segment")

    jobs = JobManager()
    s = jobs.start("a", "suggest", bad)[0].wait(10)
    assert (s.state, s.error) == (FAILED, "codebook.yaml: 3 problems in codebook")
    s = jobs.start("b", "suggest", bug)[0].wait(10)
    assert s.state == FAILED and s.error == "internal error (KeyError: 'segment')"
