"""Building a backend from a resolved :class:`~diplo_extract.backends.config.BackendConfig`: a small registry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from diplo_extract.backends.answer_cache import open_answer_cache
from diplo_extract.backends.base import Backend, GenerationSettings
from diplo_extract.backends.config import BackendConfig, float_env, int_env
from diplo_extract.backends.embedded import LLAMA_CPP_EXTRAS, EmbeddedBackend
from diplo_extract.backends.openai_compat import DEFAULT_TIMEOUT, OpenAICompatibleBackend
from diplo_extract.backends.retry import RetryPolicy
from diplo_extract.errors import ConfigurationError

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


def _make_embedded(config: BackendConfig) -> Backend:
    settings = GenerationSettings(extra_body={**LLAMA_CPP_EXTRAS, **config.extra_body})
    return EmbeddedBackend(settings=settings, sequences=config.sequences or 1)


def openai_backend(config: BackendConfig, *, http_client: Any = None) -> OpenAICompatibleBackend:
    """The openai backend for a resolved config; ``http_client`` replaces the HTTP transport.

    The batch-file writer (:mod:`diplo_extract.runs.batch_files`) builds its backend here with a capturing
    transport, so the requests it writes are the ones a live extraction sends.
    """
    if not config.base_url and not config.api_key:
        raise ConfigurationError(
            "the openai backend needs OPENAI_API_KEY (hosted) or OPENAI_BASE_URL / --base-url (local server)")
    return OpenAICompatibleBackend(
        model=config.model or DEFAULT_OPENAI_MODEL,
        base_url=config.base_urls or None,
        api_key=config.api_key,
        settings=GenerationSettings(extra_body=dict(config.extra_body)),
        retry_policy=RetryPolicy(max_attempts=int_env("DIPLO_EXTRACT_MAX_ATTEMPTS", 5)),
        timeout=float_env("DIPLO_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT),
        http_client=http_client,
        server_flavor=config.server_flavor,
    )


_FACTORIES: dict[str, Callable[[BackendConfig], Backend]] = {
    "embedded": _make_embedded,
    "openai": openai_backend,
}


def create_backend(config: BackendConfig) -> Backend:
    """Build the backend a resolved configuration names (nothing is loaded until first use)."""
    backend = _FACTORIES[config.backend](config)
    if config.answer_cache:
        backend.answer_cache = open_answer_cache(Path(config.answer_cache))
    return backend
