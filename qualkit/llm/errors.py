"""Errors of the language-model backend: each one line saying what happened and what to do next."""
from __future__ import annotations

from ..errors import QualkitError


class LLMError(QualkitError):
    """Base for every language-model problem (bad endpoint, server down, timeout, unknown model, bad output)."""


class EndpointRefused(LLMError):
    """The URL is not on this machine and the researcher has not declared it an institution's own server."""


class ServerUnavailable(LLMError):
    """Nothing answers at the URL, or it answers with an HTTP error."""


class ServerTimeout(LLMError):
    """The server took longer than the configured timeout to answer."""


class ModelNotFound(LLMError):
    """The server does not serve the requested model; the message lists the ones it does."""


class MalformedOutput(LLMError):
    """The model's answer is not the JSON the schema asks for (after one retry)."""
