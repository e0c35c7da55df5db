"""Suggesters chosen by name: "embedding" (the default engine, no model server) and "llm" (a language model
server). Each is a callable with the signature of `qualkit.suggest.suggest`; `qualkit.evaluate.evaluate` takes
any of them, so both are measured the same way."""
from __future__ import annotations

from typing import Callable

from .errors import LLMError

_REGISTRY: dict[str, Callable[..., Callable]] = {}


def register_suggester(name: str, factory: Callable[..., Callable]) -> None:
    """Make `get_suggester(name, **opts)` call `factory(**opts)`; the built-in ones register the same way."""
    _REGISTRY[name] = factory


def available_suggesters() -> list[str]:
    return sorted(_REGISTRY)


def get_suggester(name: str = "embedding", **opts) -> Callable:
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise LLMError(f"unknown suggester {name!r}; choose one of: {', '.join(available_suggesters())}") from None
    return factory(**opts)


def _embedding(**_):
    from ..suggest import suggest
    return suggest


def _llm(config, **opts):
    from .suggester import LLMSuggester
    return LLMSuggester(config, **opts)


register_suggester("embedding", _embedding)
register_suggester("llm", _llm)
