"""A local language model as a second coder, behind the same kind of contract as the embedding engine.

    >>> config = LLMConfig(url="http://127.0.0.1:11434", model="llama3.1:8b")   # Ollama on this machine
    >>> run, suggestions, stats = run_llm_suggest(project, config, progress=print)

Speaks the OpenAI-compatible chat API (llama.cpp's server, Ollama, LM Studio, vLLM). Loopback only, unless
`institution_server=True` says the URL is the institution's own server (recorded in the run and the disclosure).
"""
from __future__ import annotations

from .cache import LLMCache, MemoryLLMCache, StoreLLMCache, cache_key
from .calibration import Platt, fit_platt
from .client import ChatAnswer, ChatBackend, OpenAIChatClient, ServerModel, get_backend, register_backend
from .config import PROMPT_VERSION, LLMConfig, check_endpoint
from .errors import (EndpointRefused, LLMError, MalformedOutput, ModelNotFound, ServerTimeout,
                     ServerUnavailable)
from .project_run import run_llm_suggest
from .registry import available_suggesters, get_suggester, register_suggester
from .schema import Judgement, answer_schema, is_verbatim, parse_answer
from .suggester import LLMRunStats, LLMSuggester
from .theme_names import ThemeName, name_project_themes, name_themes

__all__ = ["LLMConfig", "LLMSuggester", "LLMRunStats", "run_llm_suggest", "LLMError", "EndpointRefused",
           "ServerUnavailable", "ServerTimeout", "ModelNotFound", "MalformedOutput", "ChatBackend",
           "OpenAIChatClient", "ServerModel", "ChatAnswer", "get_backend", "register_backend", "LLMCache",
           "MemoryLLMCache", "StoreLLMCache", "cache_key", "Platt", "fit_platt", "Judgement", "answer_schema",
           "parse_answer", "is_verbatim", "PROMPT_VERSION", "check_endpoint", "get_suggester", "register_suggester",
           "available_suggesters", "ThemeName", "name_themes", "name_project_themes"]
