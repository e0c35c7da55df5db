"""Nothing qualkit does needs the network: run the pipeline with every non-loopback connection refused.

The guard (qualkit.netguard.no_network) replaces socket.socket.connect/connect_ex, socket.create_connection,
socket.getaddrinfo and socket.gethostbyname; the tests also assert that no attempt was even made. The slow test
runs what the README says: `qualkit run` (default encoder), `qualkit report`, every export format and every page
of the app in a real `streamlit` process, the child processes guarded through a sitecustomize on PYTHONPATH.
"""
from __future__ import annotations

import shutil
import socket
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualkit.netguard import NetworkBlocked, no_network

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_transcripts"
CODEBOOK = ROOT / "codebooks" / "ai_in_medicine.yaml"


@pytest.fixture
def offline():
    with no_network() as attempts:
        yield attempts
    assert attempts == [], f"network access attempted: {attempts}"


def test_the_guard_blocks_remote_hosts_and_allows_loopback():
    with no_network() as attempts:
        with pytest.raises(NetworkBlocked, match=r"connect to '8\.8\.8\.8'"):
            socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("8.8.8.8", 53))
        with pytest.raises(NetworkBlocked, match=r"getaddrinfo to 'huggingface\.co'"):
            socket.getaddrinfo("huggingface.co", 443)
        with pytest.raises(NetworkBlocked, match=r"create_connection to 'example\.org'"):
            socket.create_connection(("example.org", 80), timeout=1)
        with pytest.raises(OSError):  # urllib goes through the same calls
            urllib.request.urlopen("http://example.org/", timeout=1)
        with socket.socket() as server:  # loopback still works (a local PostgreSQL, a Streamlit test server)
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=5):
                pass
            with socket.socket() as client:
                assert client.connect_ex(("localhost", server.getsockname()[1])) == 0
        assert [a[0] for a in attempts] == ["connect", "getaddrinfo", "create_connection", "create_connection"]
    # restored afterwards
    assert socket.create_connection.__module__ == "socket"


def _project(tmp_path, offline):
    """init, ingest, codebook use, status through the CLI, all offline; returns the project path."""
    from qualkit.cli import cli
    corpus = tmp_path / "transcripts"
    shutil.copytree(SAMPLES, corpus)
    proj = tmp_path / "proj"
    runner = CliRunner()
    for args in (["init", str(proj)], ["ingest", str(corpus), "-p", str(proj)],
                 ["codebook", "use", str(CODEBOOK), "-p", str(proj)], ["status", "-p", str(proj)]):
        r = runner.invoke(cli, args, catch_exceptions=False)
        assert r.exit_code == 0, r.output
    return proj


def test_ingest_codebook_suggest_report_export_offline(tmp_path, offline):
    from fakes import FakeEmbedder

    from qualkit.codebook import load_codebook
    from qualkit.interchange import export_qdc, export_qdpx, import_qdc, import_qdpx
    from qualkit.privacy import deidentify
    from qualkit.project import Project
    from qualkit.suggest import suggest

    proj = _project(tmp_path, offline)
    codebook = load_codebook(CODEBOOK)
    project = Project.open(proj)
    try:
        store = project.store
        segments = store.segments(role="participant")
        assert segments
        run, suggestions = suggest(segments, codebook, FakeEmbedder(), seed=0)
        assert suggestions
        store.put_run(run, suggestions)
        snapshot = store.snapshot()
    finally:
        project.close()

    out = tmp_path / "out"
    out.mkdir()
    export_qdpx(snapshot, out / "p.qdpx")
    assert len(import_qdpx(out / "p.qdpx").transcripts) == len(snapshot.transcripts)
    export_qdc(codebook, out / "c.qdc")
    assert import_qdc(out / "c.qdc").names == codebook.names
    from qualkit import export
    for name in ("r.md", "r.html", "r.docx", "r.xlsx", "codings.csv"):
        assert export.write_report(snapshot, out / name).stat().st_size > 0
    export.write_report_charts(snapshot, out / "charts", formats=("html",))
    result = deidentify(snapshot.transcripts, confirmed_names=["Maple Hollow"])
    assert "Maple Hollow" not in "".join(t.text for t in result.transcripts)


# Installed in every guarded child process (PYTHONPATH): the same guard as `no_network`, each attempt appended to
# $QUALKIT_NETLOG at once (a server stopped with SIGTERM runs no atexit), so the test reads what was tried.
_SITECUSTOMIZE = """
import json, os
from qualkit.netguard import no_network

class _Log(list):
    def append(self, attempt):
        super().append(attempt)
        with open(os.environ["QUALKIT_NETLOG"], "a", encoding="utf-8") as f:
            f.write(json.dumps([str(a) for a in attempt]) + "\\n")

_GUARD = no_network(_Log())  # kept referenced: a collected context manager would restore the sockets
_GUARD.__enter__()
"""


def _guarded_env(tmp_path, **extra) -> tuple[dict, Path]:
    import os
    guard = tmp_path / "netguard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "network-attempts.jsonl"
    log.write_text("")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(guard), str(ROOT)] + (
        [os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])), QUALKIT_NETLOG=str(log),
        HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", **extra)
    return env, log


def _qualkit(env, *args, timeout=900):
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "qualkit.cli", *map(str, args)], env=env, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_the_child_process_guard_refuses_and_records(tmp_path):
    """The guard the slow test installs in `qualkit run` and in the Streamlit server really blocks a child."""
    import subprocess
    import sys
    env, log = _guarded_env(tmp_path)
    r = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('example.org', 80), 1)"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "NetworkBlocked: network access blocked: create_connection to 'example.org'" in r.stderr
    assert log.read_text().splitlines() == ['["create_connection", "example.org"]']


@pytest.mark.slow
def test_qualkit_run_report_export_and_the_app_offline(tmp_path, offline):
    """What the README promises, under the guard: `qualkit run` on the sample study with the default encoder, the
    report, every export format, and every page of the app served by a real `streamlit` process in Chromium."""
    from qualkit.cli import cli
    from qualkit.embed import DEFAULT_EMBEDDER, get_embedder
    from qualkit.embed.fast import default_cache_dir
    from qualkit.export import FORMATS
    from qualkit.project import Project

    env, log = _guarded_env(tmp_path)
    proj = tmp_path / "study"
    out = _qualkit(env, "run", SAMPLES, "--project", proj, "--codebook", CODEBOOK, "--participants",
                   SAMPLES / "participants.csv")
    assert log.read_text() == "", f"network access attempted by qualkit run: {log.read_text()}"
    project = Project.open(proj)
    try:
        store = project.store
        suggest_run, themes_run = store.latest_run("suggest"), store.latest_run("themes")
        assert suggest_run.model == get_embedder(DEFAULT_EMBEDDER).model_id  # the default encoder ran
        suggestions, themes = store.suggestions(), store.themes()
        participant = {s.id for s in store.segments(role="participant")}
        covered = {s.segment_id for s in suggestions if s.above_threshold}
    finally:
        project.close()
    assert suggestions and any(s.above_threshold for s in suggestions)
    # the candidate themes: labelled, with keywords and quotes among their own segments, drawn from what the
    # codebook leaves uncovered, and printed by `qualkit run`
    assert themes and themes_run.model == suggest_run.model
    for t in themes:
        assert t.label and t.keywords and set(t.quote_ids) <= set(t.segment_ids) <= participant
        assert not set(t.segment_ids) & covered
        assert f"candidate theme  {t.label}  ({len(t.segment_ids)} segments)" in out

    report = _qualkit(env, "report", "--project", proj, "--out", tmp_path / "report.html")
    assert "Themes and codes" in report and (tmp_path / "report.html").stat().st_size > 0
    runner = CliRunner()  # every export format in this process, under the `offline` fixture's guard
    for name, spec in FORMATS.items():
        target = tmp_path / "exports" / (f"out{spec.suffixes[0]}" if spec.suffixes else "charts")
        target.parent.mkdir(exist_ok=True)
        if not spec.suffixes:
            target.mkdir()
        r = runner.invoke(cli, ["export", "--project", str(proj), "--format", name, "--out", str(target)])
        assert r.exit_code == 0, (name, r.output)
    assert log.read_text() == ""

    _app_pages_offline(proj, tmp_path, env, log, default_cache_dir())


def _app_pages_offline(proj, tmp_path, env, log, cache_dir):
    import sys
    sys.path.insert(0, str(ROOT / "tests" / "ui"))
    from ui_helpers import chromium, running_app

    from playwright.sync_api import expect

    from qualkit.ui.app import PAGES

    home = tmp_path / "home"
    home.mkdir()
    guarded = {k: env[k] for k in ("PYTHONPATH", "QUALKIT_NETLOG", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    with running_app(proj, home, dict(guarded, QUALKIT_CACHE=str(cache_dir))) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        for name in PAGES:
            page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
            expect(page.get_by_role("heading").first).to_be_visible(timeout=60000)
            page.wait_for_timeout(1000)
            assert not page.get_by_test_id("stException").count(), name
            page.screenshot(path=str(tmp_path / f"offline-{name.split()[0].lower()}.png"))
    assert log.read_text() == "", f"network access attempted by the app: {log.read_text()}"
