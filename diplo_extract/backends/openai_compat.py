"""Any OpenAI-compatible endpoint: OpenAI, Azure OpenAI, vLLM, Ollama, ``python -m llama_cpp.server``.

The provider part (base URL, key, timeout, HTTP client) is built here; the call path is the shared one in
:class:`~diplo_extract.backends.base.Backend`. The ``openai`` client's own retries are switched off so that
tenacity is the one transport-retry mechanism and every retry is counted in provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from diplo_extract.backends.base import Backend, GenerationSettings, to_llama_cpp_response_format
from diplo_extract.errors import ConfigurationError
from diplo_extract.retry import RetryPolicy

DEFAULT_TIMEOUT = 600.0  # a CPU llama.cpp server can take minutes on a long article
# "openai": native structured outputs (OpenAI, Azure, vLLM, Ollama); "llama_cpp": llama.cpp's server, which
# wants {"type": "json_object", "schema": ...} instead.
SERVER_FLAVORS = ("openai", "llama_cpp")


class OpenAICompatibleBackend(Backend):
    """Structured completions from an OpenAI-compatible chat-completions endpoint."""

    name = "openai"

    def __init__(self, *, model: str, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, settings: GenerationSettings | None = None,
                 retry_policy: RetryPolicy | None = None, http_client: Any = None,
                 server_flavor: str = "openai"):
        super().__init__(model=model, endpoint=base_url or "https://api.openai.com/v1",
                         settings=settings, retry_policy=retry_policy)
        self._base_url = base_url
        self._api_key = api_key
        self._timeout = timeout
        self._http_client = http_client
        self._client: Any = None
        if server_flavor not in SERVER_FLAVORS:
            raise ConfigurationError(f"server flavor {server_flavor!r} unknown; use one of {SERVER_FLAVORS}")
        self.server_flavor = server_flavor

    def _raw_create(self) -> Callable[..., Any]:
        import openai

        self._client = openai.OpenAI(
            base_url=self._base_url,
            # Local servers accept any key; a placeholder keeps the client from refusing to start.
            api_key=self._api_key or "not-needed",
            timeout=self._timeout,
            max_retries=0,
            http_client=self._http_client,
        )
        create: Callable[..., Any] = self._client.chat.completions.create
        if self.server_flavor == "llama_cpp":
            def llama_cpp_create(**kwargs: Any) -> Any:
                return create(**to_llama_cpp_response_format(kwargs))

            return llama_cpp_create
        return create

    def _call_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"model": self.model}
        if self.settings.extra_body:
            options["extra_body"] = dict(self.settings.extra_body)
        return options

    def close(self) -> None:
        """Close the HTTP connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None
