"""LLMConfig: which OpenAI-compatible server and model to ask, and the rule that keeps transcripts on the machine.

The URL must be loopback unless `institution_server=True` says it is the researcher's institution's own server;
that choice is recorded in the run (params["llm"]["institution_server"]) and in the AI-assistance disclosure.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from ..netguard import is_local
from .errors import EndpointRefused, LLMError

# Bumped whenever prompt.py or schema.py changes what is asked: part of every cache key and recorded in the run.
PROMPT_VERSION = "qualkit-llm-code-v1"


@dataclass(frozen=True)
class LLMConfig:
    url: str                          # e.g. http://127.0.0.1:11434 (Ollama) or http://127.0.0.1:8080 (llama.cpp)
    model: str                        # the model name as the server lists it at /v1/models
    institution_server: bool = False  # True: the URL may be off this machine (the institution's own server)
    timeout: float = 120.0            # seconds per request
    top_k: int = 4                    # candidate codes per segment chosen by the embedding engine ...
    all_codes_up_to: int = 6          # ... unless the codebook has at most this many codes: then all of them
    few_shot: int = 2                 # decided segments most similar to the one at hand, shown as examples
    max_tokens_per_code: int = 120    # answer budget per code asked (the schema bounds each field too)
    temperature: float = 0.0          # recorded; 0 for reproducible answers
    seed: int = 0                     # sent to the server and recorded
    api_key: str = ""                 # for a server that wants one (never recorded)

    def __post_init__(self):
        if not self.model.strip():
            raise LLMError("--llm-model is empty: name the model as your server lists it (e.g. `ollama list`)")
        if self.timeout <= 0 or self.top_k < 1 or self.few_shot < 0 or self.max_tokens_per_code < 16:
            raise LLMError(f"LLM settings out of range: timeout {self.timeout}, top_k {self.top_k}, few_shot "
                           f"{self.few_shot}, max_tokens_per_code {self.max_tokens_per_code}")
        check_endpoint(self.url, self.institution_server)

    def max_tokens(self, n_codes: int) -> int:
        """The answer budget for a question about `n_codes` codes."""
        return 64 + self.max_tokens_per_code * n_codes

    @property
    def base_url(self) -> str:
        """The server root without a trailing /v1 (both spellings are accepted)."""
        url = self.url.rstrip("/")
        return url[:-3] if url.endswith("/v1") else url

    def record(self) -> dict:
        """What the run records about the endpoint (everything but the API key)."""
        d = asdict(self)
        d.pop("api_key")
        d["url"] = self.base_url
        d["prompt_version"] = PROMPT_VERSION
        return d


def check_endpoint(url: str, institution_server: bool = False) -> None:
    """Raise EndpointRefused unless `url` is http(s) on loopback, or `institution_server` is set."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointRefused(f"--llm {url!r}: expected a URL such as http://127.0.0.1:11434 (Ollama) or "
                              "http://127.0.0.1:8080 (llama.cpp's server)")
    if not is_local(parts.hostname) and not institution_server:
        raise EndpointRefused(f"--llm {url}: {parts.hostname} is not this machine, so transcripts would leave it; "
                              "use a server on 127.0.0.1, or pass --llm-institution-server if this is your "
                              "institution's own server (recorded in the run and in the report's disclosure)")
