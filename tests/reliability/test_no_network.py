"""Nothing qualkit does needs the network: run the pipeline with every non-loopback connection refused.

The guard (qualkit.netguard.no_network) replaces socket.socket.connect/connect_ex, socket.create_connection,
socket.getaddrinfo and socket.gethostbyname; the tests also assert that no attempt was even made.
"""
from __future__ import annotations

import shutil
import socket
import urllib.request
from pathlib import Path

import numpy as np
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


@pytest.mark.slow
def test_real_embedder_suggestions_and_themes_offline(tmp_path, offline):
    from qualkit.codebook import load_codebook
    from qualkit.embed import MemoryCache, embed_texts, get_embedder
    from qualkit.project import Project
    from qualkit.suggest import suggest
    from qualkit.themes import discover_themes

    proj = _project(tmp_path, offline)
    project = Project.open(proj)
    try:
        segments = project.store.segments(role="participant")
    finally:
        project.close()
    embedder = get_embedder("minilm")
    cache = MemoryCache()
    vectors = embed_texts([s.text for s in segments], embedder, cache)
    assert vectors.shape == (len(segments), 384) and np.isfinite(vectors).all()
    run, suggestions = suggest(segments, load_codebook(CODEBOOK), embedder, cache=cache, seed=0)
    assert suggestions and run.model
    result = discover_themes(segments, vectors, seed=0)
    assert result is not None
