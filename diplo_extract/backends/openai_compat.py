"""Any OpenAI-compatible endpoint: OpenAI, Azure OpenAI, vLLM, Ollama, ``python -m llama_cpp.server``.

The provider part (base URLs, key, timeout, HTTP clients) is built here; the call path is the shared one in
:class:`~diplo_extract.backends.base.Backend`. The ``openai`` client's own retries are switched off so that
tenacity is the one transport-retry mechanism and every retry is counted in provenance.

Several base URLs (a list, or one string with commas) spread requests over several servers through an
:class:`~diplo_extract.backends.endpoints.EndpointPool`; see that module for how endpoints are chosen,
taken out and probed back in. With one URL the pool only counts: no probe, no change to the retry waits.

**Time.** ``timeout`` bounds each request in all (:mod:`diplo_extract.backends.deadline`), not each socket
read: a server that drips bytes cannot hold an article for longer than ``timeout`` per attempt.

**llama.cpp's server.** With ``server_flavor="auto"`` (the default) a server that answers the OpenAI
``json_schema`` response format with an error naming the response format (llama.cpp's servers answer 500)
is asked again once in llama.cpp's ``json_object`` + ``schema`` form, and that form is used for that URL from
then on.

**Credentials.** The API key and any password in a URL are registered with
:func:`diplo_extract.errors.register_secret`, and every URL this backend reports (``endpoint``,
``provenance.endpoint``, messages) has its user-info replaced by ``***``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import openai

from diplo_extract.backends.base import (
    Backend,
    GenerationSettings,
    Messages,
    ModelT,
    UsageMeter,
    to_llama_cpp_response_format,
)
from diplo_extract.backends.deadline import deadline, http_client_with_deadlines
from diplo_extract.backends.endpoints import (
    EndpointPool,
    FailoverRetryPolicy,
    http_probe,
    is_endpoint_failure,
    split_base_urls,
)
from diplo_extract.backends.retry import RetryPolicy
from diplo_extract.errors import ConfigurationError, redact_url, register_secret

DEFAULT_TIMEOUT = 600.0  # a CPU llama.cpp server can take minutes on a long article
DEFAULT_BASE_URL = "https://api.openai.com/v1"
# "openai": native structured outputs (OpenAI, Azure, vLLM, Ollama); "llama_cpp": llama.cpp's server, which
# wants {"type": "json_object", "schema": ...} instead; "auto": openai's form until a server refuses it the
# way llama.cpp's does, then llama.cpp's form for that server.
SERVER_FLAVORS = ("auto", "openai", "llama_cpp")
# Statuses llama.cpp's servers (and proxies in front of them) answer an unknown response format with.
_FORMAT_REFUSALS = frozenset({400, 422, 500})
_log = logging.getLogger(__name__)


def refuses_json_schema(exc: BaseException, kwargs: dict[str, Any]) -> bool:
    """Whether an error answers a ``json_schema`` request the way a server that wants llama.cpp's form does."""
    response_format = kwargs.get("response_format")
    if not (isinstance(exc, openai.APIStatusError) and exc.status_code in _FORMAT_REFUSALS
            and isinstance(response_format, dict) and response_format.get("type") == "json_schema"):
        return False
    said = f"{exc.message} {exc.body}"[:20_000].lower()
    return "response_format" in said or "json_schema" in said or "response format" in said


class OpenAICompatibleBackend(Backend):
    """Structured completions from one or several OpenAI-compatible chat-completions endpoints."""

    name = "openai"

    def __init__(self, *, model: str, base_url: str | Sequence[str] | None = None, api_key: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, settings: GenerationSettings | None = None,
                 retry_policy: RetryPolicy | None = None, http_client: Any = None,
                 server_flavor: str = "auto", probe: Callable[[str], bool] | None = http_probe):
        urls = split_base_urls(base_url)
        register_secret(api_key)
        super().__init__(model=model, endpoint=",".join(redact_url(u) for u in urls) or DEFAULT_BASE_URL,
                         settings=settings, retry_policy=retry_policy)
        # None keeps the openai client's own default (OPENAI_BASE_URL, else api.openai.com), as before.
        self._base_urls: list[str | None] = list(urls) or [None]
        self.pool = EndpointPool([u or DEFAULT_BASE_URL for u in self._base_urls],
                                 probe=probe if len(urls) > 1 else None)
        if len(urls) > 1:
            self.retry_policy = FailoverRetryPolicy.around(self.retry_policy, self.pool)
        self._api_key = api_key
        self._timeout = timeout
        self._http_client = http_client
        self._clients: list[Any] = []
        self._answered = threading.local()  # the endpoint that answered this thread's last request
        if server_flavor not in SERVER_FLAVORS:
            raise ConfigurationError(f"server flavor {server_flavor!r} unknown; use one of {SERVER_FLAVORS}")
        self.server_flavor = server_flavor
        self.llama_cpp_urls: set[str] = set()  # pool URLs found (server_flavor "auto") to want llama.cpp's form

    @property
    def several(self) -> bool:
        """Whether requests are spread over several endpoints."""
        return len(self._base_urls) > 1

    def _raw_create(self) -> Callable[..., Any]:
        creates: dict[str, Callable[..., Any]] = {}
        for base_url, url in zip(self._base_urls, self.pool.urls, strict=True):
            client = openai.OpenAI(
                base_url=base_url,
                # Local servers accept any key; a placeholder keeps the client from refusing to start.
                api_key=self._api_key or "not-needed",
                timeout=self._timeout,
                max_retries=0,
                http_client=self._http_client or http_client_with_deadlines(timeout=self._timeout),
            )
            self._clients.append(client)
            creates[url] = client.chat.completions.create
        pool = self.pool
        answered = self._answered
        flavor = self.server_flavor
        detected = self.llama_cpp_urls
        timeout = self._timeout

        def send(url: str, kwargs: dict[str, Any]) -> Any:
            with deadline(timeout):
                return creates[url](**kwargs)

        def ask(url: str, kwargs: dict[str, Any]) -> Any:
            if flavor == "llama_cpp" or url in detected:
                return send(url, to_llama_cpp_response_format(kwargs))
            try:
                return send(url, kwargs)
            except openai.APIStatusError as exc:
                if flavor != "auto" or not refuses_json_schema(exc, kwargs):
                    raise
            # Once per server: later requests to it go in llama.cpp's form straight away.
            detected.add(url)
            _log.info("%s refused the json_schema response format; using llama.cpp's json_object + schema form",
                      redact_url(url))
            return send(url, to_llama_cpp_response_format(kwargs))

        # Called once per transport attempt and per re-ask, so each of them picks its endpoint afresh.
        def create(**kwargs: Any) -> Any:
            url = pool.acquire()
            try:
                response = ask(url, kwargs)
            except Exception as exc:
                pool.release(url, failure=is_endpoint_failure(exc))
                raise
            pool.release(url, failure=False)
            answered.url = url
            return response

        return create

    def _call_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"model": self.model}
        if self.settings.extra_body:
            options["extra_body"] = dict(self.settings.extra_body)
        return options

    def generate(self, messages: Messages, response_model: type[ModelT], *, max_tokens: int,
                 meter: UsageMeter) -> ModelT:
        """As :meth:`Backend.generate`; with several endpoints ``meter.endpoints`` gets the one that answered."""
        if not self.several:
            return super().generate(messages, response_model, max_tokens=max_tokens, meter=meter)
        before = len(meter.endpoints)
        self._answered.url = None
        try:
            return super().generate(messages, response_model, max_tokens=max_tokens, meter=meter)
        finally:
            # The shared path records self.endpoint (every URL); the record should name the server that answered.
            del meter.endpoints[before:]
            if self._answered.url is not None:
                meter.endpoints.append(redact_url(self._answered.url))

    def endpoint_stats(self) -> dict[str, dict[str, int | bool]]:
        """Counts per endpoint (requests, ok, failed, taken_out, probes, in_flight, in_service)."""
        return self.pool.snapshot()

    def close(self) -> None:
        """Close the HTTP connection pools."""
        for client in self._clients:
            client.close()
        self._clients = []
