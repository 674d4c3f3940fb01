"""Backends and how one is chosen: explicit argument > environment > the embedded default.

Environment: ``DIPLO_EXTRACT_BACKEND`` (``embedded`` or ``openai``), ``DIPLO_EXTRACT_MODEL``,
``OPENAI_BASE_URL``, ``DIPLO_EXTRACT_BASE_URLS`` (several OpenAI-compatible servers, comma-separated; it wins over
``OPENAI_BASE_URL``), ``OPENAI_API_KEY``, ``DIPLO_EXTRACT_EXTRA_BODY`` (JSON merged into every request,
e.g. ``{"repeat_penalty": 1.0}`` for llama.cpp's server), ``DIPLO_EXTRACT_SERVER_FLAVOR`` (``openai`` or
``llama_cpp``: how structured output is requested), ``DIPLO_EXTRACT_MAX_ATTEMPTS`` (transport attempts),
``DIPLO_EXTRACT_TIMEOUT`` (seconds per request).
Setting ``OPENAI_BASE_URL``, ``DIPLO_EXTRACT_BASE_URLS`` or ``OPENAI_API_KEY`` alone selects the ``openai``
backend. A base URL argument may be a list, or one string with commas: requests are then spread over those
servers (:mod:`diplo_extract.backends.endpoints`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from diplo_extract.backends.base import Backend, GenerationSettings, UsageMeter
from diplo_extract.backends.endpoints import split_base_urls
from diplo_extract.errors import ConfigurationError
from diplo_extract.retry import RetryPolicy

if TYPE_CHECKING:
    from diplo_extract.backends.openai_compat import OpenAICompatibleBackend

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
BASE_URLS_ENV = "DIPLO_EXTRACT_BASE_URLS"


@dataclass(frozen=True)
class BackendConfig:
    """Resolved backend settings (what ``resolve_config`` decided, before anything is loaded)."""

    backend: str
    model: str | None
    base_url: str | None  # several URLs are kept joined with commas, so the config stays hashable text
    api_key: str | None
    extra_body: dict[str, object]
    server_flavor: str = "openai"

    @property
    def base_urls(self) -> list[str]:
        """The base URLs, one or several (empty when none was configured)."""
        return split_base_urls(self.base_url)


def _extra_body_from_env() -> dict[str, object]:
    raw = os.environ.get("DIPLO_EXTRACT_EXTRA_BODY")
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"DIPLO_EXTRACT_EXTRA_BODY is not valid JSON: {exc}", original=exc) from exc
    if not isinstance(value, dict):
        raise ConfigurationError("DIPLO_EXTRACT_EXTRA_BODY must be a JSON object")
    return value


def resolve_config(backend: str | None = None, *, model: str | None = None,
                   base_url: str | Sequence[str] | None = None, api_key: str | None = None,
                   extra_body: dict[str, object] | None = None, server_flavor: str | None = None) -> BackendConfig:
    """Apply the resolution order: argument > environment > embedded default.

    ``base_url`` may name several servers (a list, or commas); else ``DIPLO_EXTRACT_BASE_URLS``, else
    ``OPENAI_BASE_URL``.
    """
    env = os.environ
    urls = (split_base_urls(base_url) or split_base_urls(env.get(BASE_URLS_ENV))
            or split_base_urls(env.get("OPENAI_BASE_URL")))
    base_url = ",".join(urls) or None
    api_key = api_key or env.get("OPENAI_API_KEY") or None
    chosen = backend or env.get("DIPLO_EXTRACT_BACKEND") or ("openai" if (base_url or api_key) else "embedded")
    chosen = chosen.strip().lower()
    if chosen not in _FACTORIES:
        raise ConfigurationError(f"unknown backend {chosen!r}; choose one of: {', '.join(sorted(_FACTORIES))}")
    return BackendConfig(
        backend=chosen,
        model=model or env.get("DIPLO_EXTRACT_MODEL") or None,
        base_url=base_url,
        api_key=api_key,
        extra_body=extra_body if extra_body is not None else _extra_body_from_env(),
        server_flavor=server_flavor or env.get("DIPLO_EXTRACT_SERVER_FLAVOR") or "openai",
    )


def _make_embedded(config: BackendConfig) -> Backend:
    from diplo_extract.backends.embedded import LLAMA_CPP_EXTRAS, EmbeddedBackend

    settings = GenerationSettings(extra_body={**LLAMA_CPP_EXTRAS, **config.extra_body})
    return EmbeddedBackend(settings=settings)


def _make_openai(config: BackendConfig) -> Backend:
    return openai_backend(config)


def openai_backend(config: BackendConfig, *, http_client: Any = None) -> OpenAICompatibleBackend:
    """The openai backend for a resolved config; ``http_client`` replaces the HTTP transport.

    The batch-file writer (:mod:`diplo_extract.batch_files`) builds its backend here with a capturing
    transport, so the requests it writes are the ones a live extraction sends.
    """
    from diplo_extract.backends.openai_compat import DEFAULT_TIMEOUT, OpenAICompatibleBackend

    if not config.base_url and not config.api_key:
        raise ConfigurationError(
            "the openai backend needs OPENAI_API_KEY (hosted) or OPENAI_BASE_URL / --base-url (local server)")
    return OpenAICompatibleBackend(
        model=config.model or DEFAULT_OPENAI_MODEL,
        base_url=config.base_urls or None,
        api_key=config.api_key,
        settings=GenerationSettings(extra_body=dict(config.extra_body)),
        retry_policy=RetryPolicy(max_attempts=_int_env("DIPLO_EXTRACT_MAX_ATTEMPTS", 5)),
        timeout=float(_int_env("DIPLO_EXTRACT_TIMEOUT", int(DEFAULT_TIMEOUT))),
        http_client=http_client,
        server_flavor=config.server_flavor,
    )


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return max(1, int(raw))
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}", original=exc) from exc


_FACTORIES: dict[str, Callable[[BackendConfig], Backend]] = {
    "embedded": _make_embedded,
    "openai": _make_openai,
}


def create_backend(backend: str | None = None, *, model: str | None = None,
                   base_url: str | Sequence[str] | None = None, api_key: str | None = None,
                   extra_body: dict[str, object] | None = None, server_flavor: str | None = None) -> Backend:
    """Build the backend the arguments and environment select (nothing is loaded until first use)."""
    config = resolve_config(backend, model=model, base_url=base_url, api_key=api_key, extra_body=extra_body,
                            server_flavor=server_flavor)
    return _FACTORIES[config.backend](config)


__all__ = ["BASE_URLS_ENV", "Backend", "BackendConfig", "GenerationSettings", "UsageMeter", "create_backend",
           "openai_backend", "resolve_config"]
