"""`qualkit.evaluate.evaluate(suggester=LLMSuggester(...))`: the LLM measured the same way as the embedding engine."""
from fake_server import MODEL, FakeLLMServer, good_answer
from fakes import FakeEmbedder

from qualkit.coding import Decision
from qualkit.evaluate import evaluate
from qualkit.llm import LLMConfig, LLMSuggester, MemoryLLMCache


def test_evaluate_with_the_llm_suggester(small_project):
    segs = small_project.store.segments(role="participant")
    from qualkit.suggest import target_codes
    codes = [c.name for c in target_codes(small_project.store.codebook())][:3]
    # a human coder: the first code on every third segment, the second on every fifth
    small_project.store.record([
        Decision(id=f"h{k}-{c}", transcript_id=s.transcript_id, char_start=s.char_start, char_end=s.char_end,
                 code=c, verdict="apply", coder="ana", at="2026-01-01T00:00:00+00:00", segment_id=s.id,
                 source="human")
        for k, s in enumerate(segs) for j, c in enumerate(codes[:2]) if k % (3 + 2 * j) == 0])
    snap = small_project.store.snapshot("t")
    cache = MemoryLLMCache()
    with FakeLLMServer(lambda body: good_answer(body)) as server:
        sug = LLMSuggester(LLMConfig(server.url, MODEL), llm_cache=cache)
        rep = evaluate(snap, FakeEmbedder(), human_coder="ana", fractions=(0.0, 0.5), seeds=(0, 1), suggester=sug)
        calls = server.chat_calls
    assert rep.model.startswith(f"llm:{MODEL} at {server.url}") and set(rep.overall) == {0.0, 0.5}
    from qualkit.suggest import target_codes
    assert len(rep.codes) == 2 * len(target_codes(snap.codebook))
    # zero-shot prompts are the same for both seeds: the second seed's come from the cache
    assert len(sug.history_) == 4 and sug.history_[2].cached == len(segs) and sug.history_[2].calls == 0
    assert calls == sum(h.calls for h in sug.history_)
    assert "calls" in sug.total_line()
