"""Backends and how one is chosen: explicit argument > environment > the embedded default.

Environment: ``DIPLO_EXTRACT_BACKEND`` (``embedded`` or ``openai``), ``DIPLO_EXTRACT_MODEL``,
``OPENAI_BASE_URL``, ``DIPLO_EXTRACT_BASE_URLS`` (several OpenAI-compatible servers, comma-separated; it wins over
``OPENAI_BASE_URL``), ``OPENAI_API_KEY``, ``DIPLO_EXTRACT_EXTRA_BODY`` (JSON merged into every request,
e.g. ``{"repeat_penalty": 1.0}`` for llama.cpp's server), ``DIPLO_EXTRACT_SERVER_FLAVOR`` (``auto``,
``openai`` or ``llama_cpp``: how structured output is requested), ``DIPLO_EXTRACT_MAX_ATTEMPTS`` (transport
attempts), ``DIPLO_EXTRACT_TIMEOUT`` (seconds per request in all, connect to last byte),
``DIPLO_EXTRACT_SEQUENCES`` (embedded backend: articles decoded together in one model; batch's ``-j``),
``DIPLO_EXTRACT_ANSWER_CACHE`` (``1`` or a file: keep the model's answers, :mod:`~diplo_extract.backends.
answer_cache`).
Every base URL must be an ``http://`` or ``https://`` URL with a host (else :class:`ConfigurationError`); the
API key and URL passwords are registered as secrets (:func:`diplo_extract.errors.register_secret`).
Setting ``OPENAI_BASE_URL``, ``DIPLO_EXTRACT_BASE_URLS`` or ``OPENAI_API_KEY`` alone selects the ``openai``
backend. A base URL argument may be a list, or one string with commas: requests are then spread over those
servers (:mod:`diplo_extract.backends.endpoints`).
"""

from __future__ import annotations

import json
import math
import os
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from diplo_extract.backends.answer_cache import ANSWER_CACHE_ENV, answer_cache_path
from diplo_extract.backends.endpoints import split_base_urls
from diplo_extract.errors import ConfigurationError, redact_url, register_secret

BACKEND_NAMES = ("embedded", "openai")
BASE_URLS_ENV = "DIPLO_EXTRACT_BASE_URLS"
SEQUENCES_ENV = "DIPLO_EXTRACT_SEQUENCES"


@dataclass(frozen=True)
class BackendConfig:
    """Resolved backend settings (what ``resolve_config`` decided, before anything is loaded)."""

    backend: str
    model: str | None
    base_url: str | None  # several URLs are kept joined with commas, so the config stays hashable text
    api_key: str | None
    extra_body: dict[str, object]
    server_flavor: str = "auto"
    sequences: int | None = None  # embedded: articles decoded together (None: one; batch and eval choose more)
    answer_cache: str | None = None  # a file of the model's answers by exact request; None: every call asks

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


def checked_base_urls(urls: Sequence[str], source: str) -> list[str]:
    """``urls`` unchanged when each is an http(s) URL with a host; their passwords registered as secrets.

    Raises:
        ConfigurationError: naming the first URL that is not one (credentials redacted) and ``source``.
    """
    for url in urls:
        try:
            parts = urllib.parse.urlsplit(url)
            scheme, host, user, password = parts.scheme.lower(), parts.hostname, parts.username, parts.password
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            scheme, host, user, password = "", None, None, None
        register_secret(password)
        if password is None:
            register_secret(user)  # a token given as user-info alone
        if scheme not in ("http", "https") or not host or any(ch.isspace() for ch in url):
            raise ConfigurationError(f"{source} {redact_url(url)!r} is not an http:// or https:// URL with a host; "
                                     "give one like http://127.0.0.1:8080/v1")
    return list(urls)


def resolve_config(backend: str | None = None, *, model: str | None = None,
                   base_url: str | Sequence[str] | None = None, api_key: str | None = None,
                   extra_body: dict[str, object] | None = None, server_flavor: str | None = None,
                   sequences: int | None = None) -> BackendConfig:
    """Apply the resolution order: argument > environment > embedded default.

    ``base_url`` may name several servers (a list, or commas); else ``DIPLO_EXTRACT_BASE_URLS``, else
    ``OPENAI_BASE_URL``.
    """
    env = os.environ
    urls = (checked_base_urls(split_base_urls(base_url), "base URL")
            or checked_base_urls(split_base_urls(env.get(BASE_URLS_ENV)), BASE_URLS_ENV)
            or checked_base_urls(split_base_urls(env.get("OPENAI_BASE_URL")), "OPENAI_BASE_URL"))
    base_url = ",".join(urls) or None
    api_key = api_key or env.get("OPENAI_API_KEY") or None
    register_secret(api_key)
    chosen = backend or env.get("DIPLO_EXTRACT_BACKEND") or ("openai" if (base_url or api_key) else "embedded")
    chosen = chosen.strip().lower()
    if chosen not in BACKEND_NAMES:
        raise ConfigurationError(f"unknown backend {chosen!r}; choose one of: {', '.join(BACKEND_NAMES)}")
    return BackendConfig(
        backend=chosen,
        model=model or env.get("DIPLO_EXTRACT_MODEL") or None,
        base_url=base_url,
        api_key=api_key,
        extra_body=extra_body if extra_body is not None else _extra_body_from_env(),
        server_flavor=(server_flavor or env.get("DIPLO_EXTRACT_SERVER_FLAVOR") or "auto").strip().lower(),
        sequences=sequences or (int_env(SEQUENCES_ENV, 1) if env.get(SEQUENCES_ENV) else None),
        answer_cache=_path_text(answer_cache_path(env.get(ANSWER_CACHE_ENV))),
    )


def _path_text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def int_env(name: str, default: int) -> int:
    """A whole number from the environment (at least 1), else ``default``."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return max(1, int(raw))
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}", original=exc) from exc


def float_env(name: str, default: float) -> float:
    """A positive number of seconds from the environment, else ``default``."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a number of seconds, not {raw!r}", original=exc) from exc
    if not (value > 0 and math.isfinite(value)):
        raise ConfigurationError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value
