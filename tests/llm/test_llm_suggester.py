"""The LLM suggester against a fake OpenAI-compatible server on loopback (fast); test_llm_real_server.py runs the
same plumbing against a real llama.cpp server."""
import json

import pytest
from llm_ports import free_port
from fake_server import MODEL, FakeLLMServer, good_answer
from fakes import FakeEmbedder

from qualkit.coding import Decision
from qualkit.llm import (LLMConfig, MalformedOutput, ModelNotFound, ServerTimeout, ServerUnavailable,
                         StoreLLMCache, run_llm_suggest)
from qualkit.netguard import no_network


def state(project):
    """Everything a failed run must leave as it was."""
    s = project.store
    return len(s.runs()), len(s.suggestions()), len(StoreLLMCache(s)), s.counts()


def _run(project, server, **cfg):
    config = LLMConfig(server.url, cfg.pop("model", MODEL), **cfg)
    return run_llm_suggest(project, config, embedder=FakeEmbedder())


def test_suggestions_are_stored_with_evidence_and_provenance(small_project):
    with FakeLLMServer() as server:
        seen = []
        run, sugs, stats = run_llm_suggest(small_project, LLMConfig(server.url, MODEL), embedder=FakeEmbedder(),
                                           progress=lambda d, t: seen.append((d, t)))
    n = len(small_project.store.segments(role="participant"))
    assert stats.segments == n and stats.calls == n == server.chat_calls and stats.failures == 0
    assert seen[-1] == (n, n) and len(seen) == n
    # provenance: endpoint, model, digest, prompt template version, temperature and seed
    stored = small_project.store.latest_run("suggest")
    assert stored.id == run.id and stored.model == f"llm:{MODEL}" and stored.model_version.startswith("meta:")
    llm = stored.params["llm"]
    assert llm["url"] == server.url and llm["model"] == MODEL and llm["temperature"] == 0.0 and llm["seed"] == 0
    assert llm["prompt_version"] == "qualkit-llm-code-v1" and llm["institution_server"] is False
    assert stored.params["preselection"]["top_k"] == 4 and stored.params["stats"]["calls"] == n
    # 25 codes: the embedding engine pre-selected at most 2 * top_k per segment
    assert stats.pairs <= n * 8 and stats.pairs >= n * 4
    kept = small_project.store.suggestions(run.id)
    assert kept == sorted(kept, key=lambda s: (s.transcript_id, s.char_start, s.code)) and kept
    seg_text = {s.id: s.text for s in small_project.store.segments()}
    yes = [s for s in kept if s.above_threshold]
    assert yes and all(s.nearest_kind == "evidence" and s.nearest and s.nearest in seg_text[s.segment_id]
                       for s in yes)
    assert all(s.components["llm_confidence"] == 0.9 for s in yes)


def test_a_quote_not_in_the_segment_is_flagged_scored_down_and_counted(small_project):
    def respond(body):
        # the first code gets a true quote, the second an invented one
        ans = json.loads(good_answer(body, applies=lambda c, i: i < 2))
        second = body["response_format"]["json_schema"]["schema"]["required"][1]
        ans[second]["evidence"] = "words the participant never said"
        return json.dumps(ans)

    with FakeLLMServer(respond) as server:
        run, sugs, stats = _run(small_project, server)
    n = stats.segments
    assert stats.unsupported == n and run.params["stats"]["unsupported"] == n
    unsupported = [s for s in sugs if s.nearest_kind == "unsupported evidence"]
    supported = [s for s in sugs if s.nearest_kind == "evidence" and s.components["applies"] == 1.0]
    assert len(unsupported) == n and len(supported) == n
    assert all(s.mode == "llm" and not s.supported and s.evidence == "words the participant never said"
               and s.reasoning.startswith("Because of") for s in unsupported)
    stored = {s.id: s for s in small_project.store.suggestions(run.id)}
    assert all(not stored[s.id].supported and stored[s.id].evidence == s.evidence for s in unsupported)
    assert max(s.score for s in unsupported) < min(s.score for s in supported)
    assert not any(s.above_threshold for s in unsupported)


def test_a_rerun_hits_the_cache_and_makes_no_calls(small_project):
    with FakeLLMServer() as server:
        run1, sugs1, st1 = _run(small_project, server)
        calls = server.chat_calls
        run2, sugs2, st2 = _run(small_project, server)
    assert calls == st1.calls > 0
    assert server.chat_calls == calls and st2.calls == 0 and st2.cached == st1.segments
    assert [(s.id, s.score) for s in sugs1] == [(s.id, s.score) for s in sugs2]


def test_malformed_output_is_retried_once(small_project):
    asked = []

    def respond(body):
        asked.append(body)
        return "not json at all" if len(asked) == 1 else good_answer(body)

    with FakeLLMServer(respond) as server:
        run, sugs, stats = _run(small_project, server)
    assert stats.failures == 0 and stats.calls == stats.segments + 1
    assert "could not be used (not JSON" in asked[1]["messages"][-1]["content"]


def test_a_segment_malformed_twice_is_a_failure_and_the_run_completes(small_project):
    target = small_project.store.segments(role="participant")[0].text

    def respond(body):
        return "{" if body["messages"][1]["content"].find(target[:40]) >= 0 and "SEGMENT TO CODE\n\"" + target[:40] \
            in body["messages"][1]["content"] else good_answer(body)

    with FakeLLMServer(respond) as server:
        run, sugs, stats = _run(small_project, server)
    assert stats.failures == 1 and "1 failed segment" in stats.line()
    assert run.params["stats"]["failed"][0][0] == small_project.store.segments(role="participant")[0].id
    assert small_project.store.latest_run("suggest").id == run.id


def test_malformed_output_everywhere_is_one_line_and_the_store_is_as_it_was(small_project):
    before = state(small_project)
    with FakeLLMServer(lambda body: "I think the code applies.") as server:
        with pytest.raises(MalformedOutput) as e:
            _run(small_project, server)
    msg = str(e.value)
    assert "\n" not in msg and "gave no usable answer for any of the" in msg and "nothing was stored" in msg
    assert state(small_project) == before


def test_a_server_that_is_down(small_project):
    before = state(small_project)
    with pytest.raises(ServerUnavailable, match=r"no language-model server answers at http://127\.0\.0\.1:\d+ "
                                                r"\(.*refused.*\): start it") as e:
        run_llm_suggest(small_project, LLMConfig(f"http://127.0.0.1:{free_port()}", MODEL), embedder=FakeEmbedder())
    assert "\n" not in str(e.value) and state(small_project) == before


def test_a_timeout(small_project):
    before = state(small_project)
    with FakeLLMServer() as server:
        server.sleep = 1.5
        with pytest.raises(ServerTimeout, match=r"did not answer a coding request within 0\.5 s") as e:
            _run(small_project, server, timeout=0.5)
        assert server.chat_calls == 2  # retried once
    assert "\n" not in str(e.value) and state(small_project) == before


def test_a_model_the_server_does_not_have(small_project):
    before = state(small_project)
    with FakeLLMServer(models=("llama3.1:8b", "qwen2.5:7b")) as server:
        with pytest.raises(ModelNotFound, match=r"has no model 'mistral'; it serves: 'llama3\.1:8b', 'qwen2\.5:7b' "
                                                r"\(pass one of these to --llm-model\)"):
            _run(small_project, server, model="mistral")
        assert server.chat_calls == 0
    assert state(small_project) == before


def test_the_socket_guard_sees_nothing_beyond_loopback(small_project):
    with FakeLLMServer() as server:
        with no_network() as attempts:
            run, sugs, stats = _run(small_project, server)
    assert attempts == [] and stats.calls > 0


def test_decided_segments_join_the_prompt_as_examples_and_calibrate(small_project):
    segs = small_project.store.segments(role="participant")
    bodies = []

    def respond(body):
        bodies.append(body)
        return good_answer(body)

    with FakeLLMServer(respond) as server:
        _run(small_project, server)
        first = list(bodies)
        # the researcher decides on a few segments: apply or reject the codes the model was asked about
        decisions = []
        for k, s in enumerate(segs[:8]):
            codes = first[k]["response_format"]["json_schema"]["schema"]["required"]
            for j, code in enumerate(codes):
                verdict = "apply" if (j == 0) == (k % 2 == 0) else "reject"
                decisions.append(Decision(id=f"d{k}-{j}", transcript_id=s.transcript_id, char_start=s.char_start,
                                          char_end=s.char_end, code=code, verdict=verdict, coder="ana",
                                          at="2026-01-01T00:00:00+00:00", segment_id=s.id, source="human"))
        small_project.store.record(decisions)
        bodies.clear()
        run, sugs, stats = _run(small_project, server)
    prompts = [b["messages"][1]["content"] for b in bodies]
    assert stats.calls == len(segs)  # new prompts: nothing from the cache
    assert all("ALREADY CODED" in p for p in prompts)
    assert any(" ".join(segs[0].text.split())[:60] in p for p in prompts[1:])
    cal = run.params["calibration"]
    assert cal["n"] > 0 and ("Platt" in cal["note"] or "uncalibrated" in cal["note"])


def test_a_prompt_longer_than_the_servers_context_says_what_to_do(small_project):
    before = state(small_project)
    with FakeLLMServer() as server:
        server.error = (400, "request (4667 tokens) exceeds the available context size (4096 tokens)")
        with pytest.raises(ServerUnavailable, match=r"HTTP 400: request \(4667 tokens\) exceeds the available context "
                                                    r"size \(4096 tokens\); start the server with a longer context "
                                                    r"\(llama-server -c 8192"):
            _run(small_project, server)
    assert state(small_project) == before
