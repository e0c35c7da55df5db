import pytest
from fake_server import MODEL, FakeLLMServer
from fakes import FakeEmbedder

from qualkit.llm import LLMConfig, LLMError, LLMSuggester, available_suggesters, get_suggester
from qualkit.pipeline import run_suggest
from qualkit.suggest import suggest


def test_suggesters_by_name():
    assert available_suggesters() == ["embedding", "llm"]
    assert get_suggester("embedding") is suggest
    s = get_suggester("llm", config=LLMConfig("http://127.0.0.1:9", "m"))
    assert isinstance(s, LLMSuggester) and callable(s)
    with pytest.raises(LLMError, match="unknown suggester 'gpt'; choose one of: embedding, llm"):
        get_suggester("gpt")


def test_the_pipeline_hook(small_project):
    with FakeLLMServer() as server:
        run, sugs = run_suggest(small_project, FakeEmbedder(), llm=LLMConfig(server.url, MODEL))
    assert run.params["backend"] == "llm" and small_project.store.latest_run("suggest").id == run.id
    assert {s.mode for s in sugs} == {"llm"}
