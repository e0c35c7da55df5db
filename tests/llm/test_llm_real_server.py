"""The LLM backend against a real llama.cpp server (xllamacpp) with a real model (Gemma 3 270M Q4_K_M), both from
PyPI. The model is tiny and follows instructions poorly: these tests check the plumbing (schema-constrained
answers parsed, evidence checked, provenance and cache), not its judgement."""
import textwrap

import pytest
from llm_ports import REAL_MODEL

from qualkit.codebook import load_codebook
from qualkit.llm import LLMConfig, ModelNotFound, StoreLLMCache, run_llm_suggest
from qualkit.netguard import no_network
from qualkit.project import Project, ingest

pytestmark = pytest.mark.slow

TRANSCRIPT = textwrap.dedent("""\
    Interviewer: How do you use the drafts?
    P01: I read every draft the AI writes before it goes to the patient, and I change about half of them.
    Interviewer: And privacy?
    P01: Our legal team worried that patient messages were being sent to an outside company's servers.
    """)
CODEBOOK = textwrap.dedent("""\
    name: tiny
    codes:
      - name: Human oversight
        definition: A clinician reviews and approves AI output before it reaches a patient.
        examples: ["I check every reply before I send it."]
      - name: Privacy concerns
        definition: Worries about patient data being stored, shared or sent outside the organisation.
    """)


@pytest.fixture
def tiny_project(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "P01.txt").write_text(TRANSCRIPT)
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    project = Project.init(tmp_path / "proj")
    ingest(project, [tmp_path / "t"])
    project.store.put_codebook(load_codebook(tmp_path / "cb.yaml"))
    yield project
    project.close()


def test_real_server_suggestions_evidence_provenance_cache_and_no_network(tiny_project, llama_server):
    config = LLMConfig(llama_server, REAL_MODEL, timeout=300)
    with no_network() as attempts:
        run, sugs, stats = run_llm_suggest(tiny_project, config)  # 2 codes: all asked, no embedder needed
    assert attempts == []
    segs = {s.id: s for s in tiny_project.store.segments(role="participant")}
    assert len(segs) == 2 and stats.segments == 2 and stats.pairs == 4
    assert stats.calls >= 2 and stats.cached == 0 and stats.prompt_tokens > 0 and stats.completion_tokens > 0
    # provenance
    stored = tiny_project.store.latest_run("suggest")
    assert stored.model == f"llm:{REAL_MODEL}" and stored.model_version.startswith("meta:")
    assert stored.params["llm"]["url"] == llama_server and stored.params["llm"]["digest_source"] == "metadata"
    # every judged pair: schema-constrained answer parsed; evidence verbatim or flagged as unsupported
    judged = [s for s in tiny_project.store.suggestions(run.id) if s.nearest_kind != "failed"]
    assert judged and all(s.mode == "llm" for s in judged)
    for s in judged:
        if s.components["applies"] == 1.0:
            from qualkit.llm import is_verbatim
            assert s.supported == is_verbatim(s.evidence, segs[s.segment_id].text)
            assert s.nearest_kind == ("evidence" if s.supported else "unsupported evidence")
        assert 0.0 <= s.score <= 1.0 and s.threshold == 0.5
    # counted in the run, including unsupported ones scored below the floor (not stored)
    assert stats.unsupported >= sum(1 for s in judged if s.components["applies"] == 1.0 and not s.supported)
    # a re-run makes no calls
    cached = len(StoreLLMCache(tiny_project.store))
    assert cached == 2 - stats.failures
    run2, sugs2, stats2 = run_llm_suggest(tiny_project, config)
    assert stats2.calls == 2 * stats.failures and stats2.cached == 2 - stats.failures
    assert [(s.id, s.score) for s in sugs2 if s.nearest_kind != "failed"] == \
           [(s.id, s.score) for s in sugs if s.nearest_kind != "failed"]


def test_real_server_unknown_model(tiny_project, llama_server):
    before = len(tiny_project.store.runs())
    with pytest.raises(ModelNotFound, match=f"has no model 'llama3.1:8b'; it serves: '{REAL_MODEL}'"):
        run_llm_suggest(tiny_project, LLMConfig(llama_server, "llama3.1:8b"))
    assert len(tiny_project.store.runs()) == before
