"""Embedders chosen by name. The built-in ones register through the same hook a plug-in would use."""
from __future__ import annotations

from typing import Callable

from ..errors import QualkitError
from .base import Embedder

_REGISTRY: dict[str, Callable[..., Embedder]] = {}

# qualkit's default: all-MiniLM-L6-v2 through ONNX Runtime with per-token int8 chosen for the CPU, cosine >= 0.99 to
# the reference on every benchmark text (benchmarks/README.md). "minilm" is the reference encoder itself.
DEFAULT_EMBEDDER = "minilm-fast"


def register_embedder(name: str, factory: Callable[..., Embedder]) -> None:
    """Make `get_embedder(name, **opts)` call `factory(**opts)`. Re-registering a name replaces it.

    The CLI passes `progress=` (a callable taking one line of text, for one-off preparation such as an export);
    a factory used from the CLI accepts it, and may ignore it."""
    _REGISTRY[name] = factory


def available_embedders() -> list[str]:
    return sorted(_REGISTRY)


def get_embedder(name: str = DEFAULT_EMBEDDER, **opts) -> Embedder:
    """A new embedder by registered name; unknown names raise QualkitError listing the valid ones."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise QualkitError(f"unknown embedder {name!r}; choose one of: {', '.join(available_embedders())}") from None
    return factory(**opts)
