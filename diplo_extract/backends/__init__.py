"""Backends and how one is chosen: explicit argument > environment > the embedded default.

Environment: ``DIPLO_EXTRACT_BACKEND`` (``embedded`` or ``openai``), ``DIPLO_EXTRACT_MODEL``,
``OPENAI_BASE_URL``, ``OPENAI_API_KEY``, ``DIPLO_EXTRACT_EXTRA_BODY`` (JSON merged into every request,
e.g. ``{"repeat_penalty": 1.0}`` for llama.cpp's server). Setting ``OPENAI_BASE_URL`` or ``OPENAI_API_KEY``
alone selects the ``openai`` backend.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass

from diplo_extract.backends.base import Backend, GenerationSettings, UsageMeter
from diplo_extract.errors import ConfigurationError

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class BackendConfig:
    """Resolved backend settings (what ``resolve_config`` decided, before anything is loaded)."""

    backend: str
    model: str | None
    base_url: str | None
    api_key: str | None
    extra_body: dict[str, object]


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


def resolve_config(backend: str | None = None, *, model: str | None = None, base_url: str | None = None,
                   api_key: str | None = None, extra_body: dict[str, object] | None = None) -> BackendConfig:
    """Apply the resolution order: argument > environment > embedded default."""
    env = os.environ
    base_url = base_url or env.get("OPENAI_BASE_URL") or None
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
    )


def _make_embedded(config: BackendConfig) -> Backend:
    from diplo_extract.backends.embedded import LLAMA_CPP_EXTRAS, EmbeddedBackend

    settings = GenerationSettings(extra_body={**LLAMA_CPP_EXTRAS, **config.extra_body})
    return EmbeddedBackend(settings=settings)


def _make_openai(config: BackendConfig) -> Backend:
    from diplo_extract.backends.openai_compat import OpenAICompatibleBackend

    if not config.base_url and not config.api_key:
        raise ConfigurationError(
            "the openai backend needs OPENAI_API_KEY (hosted) or OPENAI_BASE_URL / --base-url (local server)")
    return OpenAICompatibleBackend(
        model=config.model or DEFAULT_OPENAI_MODEL,
        base_url=config.base_url,
        api_key=config.api_key,
        settings=GenerationSettings(extra_body=dict(config.extra_body)),
    )


_FACTORIES: dict[str, Callable[[BackendConfig], Backend]] = {
    "embedded": _make_embedded,
    "openai": _make_openai,
}


def create_backend(backend: str | None = None, *, model: str | None = None, base_url: str | None = None,
                   api_key: str | None = None, extra_body: dict[str, object] | None = None) -> Backend:
    """Build the backend the arguments and environment select (nothing is loaded until first use)."""
    config = resolve_config(backend, model=model, base_url=base_url, api_key=api_key, extra_body=extra_body)
    return _FACTORIES[config.backend](config)


__all__ = ["Backend", "BackendConfig", "GenerationSettings", "UsageMeter", "create_backend", "resolve_config"]
