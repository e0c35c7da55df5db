"""A client for the OpenAI-compatible chat API (llama.cpp's server, Ollama, LM Studio, vLLM), behind a Protocol.

Only the standard library: urllib with proxies switched off, so a request to 127.0.0.1 can never be routed through
an HTTP proxy off the machine. Every failure becomes one LLMError line naming the URL and what to do.
"""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Mapping, Protocol, Sequence, runtime_checkable

from ..ids import text_hash
from .config import LLMConfig
from .errors import LLMError, MalformedOutput, ModelNotFound, ServerTimeout, ServerUnavailable


@dataclass(frozen=True)
class ServerModel:
    """The model as the server reports it. `digest` is the server's own (Ollama) or, when it reports none
    (llama.cpp), a hash of the model's reported metadata; `digest_source` says which."""

    id: str
    digest: str
    digest_source: str  # "server" | "metadata" | "none"
    details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ChatAnswer:
    content: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    finish_reason: str = ""


@runtime_checkable
class ChatBackend(Protocol):
    """What the suggester needs from a model server."""

    url: str

    def model_info(self, model: str) -> ServerModel: ...

    def chat(self, model: str, messages: Sequence[Mapping[str, str]], schema: Mapping, *, temperature: float,
             seed: int, max_tokens: int) -> ChatAnswer: ...


class OpenAIChatClient:
    """POST {url}/v1/chat/completions with a json_schema response_format; GET {url}/v1/models."""

    def __init__(self, config: LLMConfig):
        self.config = config
        self.url = config.base_url
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # ---- HTTP ---------------------------------------------------------------------------------------------
    def _request(self, path: str, body: Mapping | None = None, *, what: str) -> dict:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        req = urllib.request.Request(self.url + path, data=data, headers=headers, method="POST" if data else "GET")
        try:
            with self._opener.open(req, timeout=self.config.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            detail = _error_detail(e)
            if e.code == 404 and "model" in detail.lower():
                raise ModelNotFound(f"the server at {self.url} has no model {self.config.model!r} ({detail})") from None
            hint = ""
            if e.code == 400 and "context" in detail.lower():
                hint = ("; start the server with a longer context (llama-server -c 8192; Ollama's num_ctx) or ask "
                        "about fewer codes per segment (top_k)")
            raise ServerUnavailable(f"the server at {self.url} answered {what} with HTTP {e.code}"
                                    + (f": {detail}" if detail else "") + hint) from None
        except (TimeoutError, socket.timeout):
            raise ServerTimeout(f"the server at {self.url} did not answer {what} within {self.config.timeout:g} s "
                                f"(model {self.config.model!r}): give it longer (timeout) or use a smaller "
                                "model") from None
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise ServerTimeout(f"the server at {self.url} did not answer {what} within "
                                    f"{self.config.timeout:g} s (model {self.config.model!r})") from None
            why = getattr(reason, "strerror", None) or str(reason)
            raise ServerUnavailable(f"no language-model server answers at {self.url} ({why}): start it (for example "
                                    "`ollama serve`, or `llama-server -m MODEL.gguf --port 8080`) or correct "
                                    "--llm") from None
        except (ConnectionError, OSError) as e:  # reset mid-answer, refused after accept
            raise ServerUnavailable(f"the server at {self.url} closed the connection during {what} "
                                    f"({e.__class__.__name__}): is it still running?") from None
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise MalformedOutput(f"the server at {self.url} answered {what} with something that is not JSON "
                                  f"({raw[:80]!r}): is this an OpenAI-compatible endpoint?") from None

    # ---- API ----------------------------------------------------------------------------------------------
    def model_info(self, model: str) -> ServerModel:
        """The served model named `model`; ModelNotFound lists what the server has."""
        listing = self._request("/v1/models", what="the model list")
        entries = listing.get("data") if isinstance(listing, dict) else None
        if not isinstance(entries, list):
            raise MalformedOutput(f"the server at {self.url} sent a model list without 'data': is this an "
                                  "OpenAI-compatible endpoint?")
        found = None
        for e in entries:
            if isinstance(e, dict) and (e.get("id") == model or model in (e.get("aliases") or ())):
                found = e
                break
        if found is None:
            have = ", ".join(repr(e.get("id")) for e in entries if isinstance(e, dict)) or "none"
            raise ModelNotFound(f"the server at {self.url} has no model {model!r}; it serves: {have} "
                                "(pass one of these to --llm-model)")
        # Ollama lists digests in its native /api/tags and llama.cpp mirrors that list under "models"
        digest = ""
        for m in (listing.get("models") or []):
            if isinstance(m, dict) and model in (m.get("name"), m.get("model")) and m.get("digest"):
                digest = str(m["digest"])
        if not digest:
            try:
                tags = self._request("/api/tags", what="the model tags")
                for m in tags.get("models") or []:
                    if isinstance(m, dict) and model in (m.get("name"), m.get("model")) and m.get("digest"):
                        digest = str(m["digest"])
            except LLMError:
                pass  # not Ollama: fall back to the metadata fingerprint
        details = {k: found[k] for k in ("meta", "owned_by", "created") if k in found}
        if digest:
            return ServerModel(found.get("id", model), digest, "server", details)
        meta = found.get("meta")
        if meta:
            return ServerModel(found.get("id", model), "meta:" + text_hash(json.dumps(meta, sort_keys=True))[:16],
                               "metadata", details)
        return ServerModel(found.get("id", model), "", "none", details)

    def chat(self, model: str, messages: Sequence[Mapping[str, str]], schema: Mapping, *, temperature: float,
             seed: int, max_tokens: int) -> ChatAnswer:
        body = {"model": model, "messages": list(messages), "temperature": temperature, "seed": seed,
                "max_tokens": max_tokens, "stream": False,
                "response_format": {"type": "json_schema",
                                    "json_schema": {"name": "judgements", "strict": True, "schema": schema}}}
        t0 = time.perf_counter()
        r = self._request("/v1/chat/completions", body, what="a coding request")
        seconds = time.perf_counter() - t0
        try:
            choice = r["choices"][0]
            content = choice["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise MalformedOutput(f"the server at {self.url} sent a chat answer without choices[0].message.content")
        usage = r.get("usage") or {}
        return ChatAnswer(content if isinstance(content, str) else "", int(usage.get("prompt_tokens") or 0),
                          int(usage.get("completion_tokens") or 0), seconds, str(choice.get("finish_reason") or ""))


def _error_detail(e: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(e.read().decode("utf-8", "replace"))
        err = body.get("error", body)
        msg = err.get("message") if isinstance(err, dict) else err
        return str(msg)[:200]
    except Exception:
        return ""


_BACKENDS: dict[str, Callable[[LLMConfig], ChatBackend]] = {}


def register_backend(name: str, factory: Callable[[LLMConfig], ChatBackend]) -> None:
    """Make `get_backend(name, config)` call `factory(config)`; the built-in one registers the same way."""
    _BACKENDS[name] = factory


def get_backend(name: str, config: LLMConfig) -> ChatBackend:
    try:
        return _BACKENDS[name](config)
    except KeyError:
        raise LLMError(f"unknown language-model backend {name!r}; choose one of: {', '.join(sorted(_BACKENDS))}") \
            from None


register_backend("openai", OpenAIChatClient)
