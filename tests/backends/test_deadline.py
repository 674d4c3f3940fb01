"""A total deadline per request: a dripping or stalled server cannot hold an article (issue 14, item 9)."""

from __future__ import annotations

import time

import httpx
import pytest
from pydantic import BaseModel
from support.fault_server import FaultServer

from diplo_extract.backends.base import UsageMeter
from diplo_extract.backends.config import resolve_config
from diplo_extract.backends.deadline import _DeadlineBackend, http_client_with_deadlines
from diplo_extract.backends.openai_compat import OpenAICompatibleBackend
from diplo_extract.backends.registry import openai_backend
from diplo_extract.backends.retry import RetryPolicy
from diplo_extract.errors import ConfigurationError, TransportError


class Answer(BaseModel):
    meetings: list[str] = []  # "{}" validates; the garbage_schema mode's "not a list" does not


def _backend(url: str, *, timeout: float, attempts: int = 1) -> OpenAICompatibleBackend:
    return OpenAICompatibleBackend(model="m", base_url=url, timeout=timeout,
                                   retry_policy=RetryPolicy(max_attempts=attempts, initial_wait=0.01, max_wait=0.02))


def _ask(backend: OpenAICompatibleBackend) -> Answer:
    return backend.generate([{"role": "user", "content": "hi"}], Answer, max_tokens=10, meter=UsageMeter())


def test_the_client_wraps_every_connection_pool() -> None:
    client = http_client_with_deadlines(timeout=5)
    assert isinstance(client._transport._pool._network_backend, _DeadlineBackend)  # type: ignore[attr-defined]
    assert client.follow_redirects is False


@pytest.mark.parametrize("mode", ["drip", "stall"])
def test_a_slow_server_fails_the_request_at_its_deadline(mode: str) -> None:
    # One byte every 0.3 s never trips a 1 s read timeout; the whole body would take about a minute.
    with FaultServer(cassettes=[], mode=mode, drip_interval=0.3, max_seconds=60) as server:
        started = time.monotonic()
        with pytest.raises(TransportError):
            _ask(_backend(server.url, timeout=1.5, attempts=2))
        elapsed = time.monotonic() - started
    assert elapsed < 2 * 1.5 + 2.0, elapsed


def test_a_fast_server_is_unaffected() -> None:
    with FaultServer(cassettes=[], mode="empty") as server:
        assert _ask(_backend(server.url, timeout=5)).meetings == []


def test_timeout_comes_from_the_environment_in_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIPLO_EXTRACT_TIMEOUT", "2.5")
    assert openai_backend(resolve_config("openai", base_url="http://127.0.0.1:9/v1"))._timeout == 2.5
    for bad in ("soon", "0", "-1", "inf"):
        monkeypatch.setenv("DIPLO_EXTRACT_TIMEOUT", bad)
        with pytest.raises(ConfigurationError, match="DIPLO_EXTRACT_TIMEOUT"):
            openai_backend(resolve_config("openai", base_url="http://127.0.0.1:9/v1"))


def test_without_the_deadline_httpx_alone_would_wait_per_read() -> None:
    # The premise of the deadline: httpx's own timeout is per read, so the drip outlasts it.
    with FaultServer(cassettes=[], mode="drip", drip_interval=0.3, max_seconds=30) as server:
        started = time.monotonic()
        with httpx.Client(timeout=1.0) as client, pytest.raises(httpx.HTTPError), \
                client.stream("POST", server.url + "/chat/completions", json={}) as response:
            for _ in response.iter_bytes():
                if time.monotonic() - started > 3.0:
                    raise httpx.ReadError("still dripping after 3 s")
        assert time.monotonic() - started >= 3.0
