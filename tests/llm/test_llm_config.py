import pytest

from qualkit.llm import EndpointRefused, LLMConfig, LLMError


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:11434/v1", "http://[::1]:1234/"])
def test_loopback_urls_are_accepted(url):
    c = LLMConfig(url, "m")
    assert not c.base_url.endswith("/v1") and not c.base_url.endswith("/")


def test_a_remote_url_is_refused_without_the_institution_flag():
    with pytest.raises(EndpointRefused, match=r"gpu\.example\.org is not this machine.*--llm-institution-server"):
        LLMConfig("http://gpu.example.org:8000", "m")
    with pytest.raises(EndpointRefused, match=r"10\.0\.0\.5 is not this machine"):
        LLMConfig("https://10.0.0.5/v1", "m")


def test_the_institution_flag_allows_it_and_is_recorded():
    c = LLMConfig("https://llm.uni.example/v1", "llama3.1:70b", institution_server=True, api_key="secret")
    rec = c.record()
    assert rec["institution_server"] is True and rec["url"] == "https://llm.uni.example"
    assert "api_key" not in rec and "secret" not in str(rec)
    assert rec["temperature"] == 0.0 and rec["seed"] == 0 and rec["prompt_version"]


@pytest.mark.parametrize("url", ["127.0.0.1:8080", "ftp://127.0.0.1/", ""])
def test_not_a_url(url):
    with pytest.raises(EndpointRefused, match="expected a URL such as http://127.0.0.1:11434"):
        LLMConfig(url, "m")


def test_empty_model_name():
    with pytest.raises(LLMError, match="--llm-model is empty"):
        LLMConfig("http://127.0.0.1:8080", "  ")
