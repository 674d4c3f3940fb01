"""Hostile servers: llama.cpp's refusal detected, redirects and bad URLs named, server text cut and redacted."""

from __future__ import annotations

import pytest
from pydantic import BaseModel
from support.fault_server import FaultServer

from diplo_extract.backends.base import UsageMeter
from diplo_extract.backends.config import resolve_config
from diplo_extract.backends.openai_compat import OpenAICompatibleBackend
from diplo_extract.backends.retry import RetryPolicy
from diplo_extract.errors import MAX_MESSAGE_CHARS, ConfigurationError, DiploExtractError, ExtractionRuntimeError

KEY = "sk-test-abcdefghijklmnopqrstuvwx"


class Answer(BaseModel):
    meetings: list[str] = []  # "{}" validates; the garbage_schema mode's "not a list" does not


def _backend(url: str, *, flavor: str = "auto", urls: list[str] | None = None) -> OpenAICompatibleBackend:
    return OpenAICompatibleBackend(model="m", base_url=urls or url, api_key=KEY, timeout=5, server_flavor=flavor,
                                   retry_policy=RetryPolicy(max_attempts=2, initial_wait=0.01, max_wait=0.02),
                                   probe=None)


def _ask(backend: OpenAICompatibleBackend, meter: UsageMeter | None = None) -> Answer:
    return backend.generate([{"role": "user", "content": "hi"}], Answer, max_tokens=10, meter=meter or UsageMeter())


def test_llama_cpp_server_is_detected_once_and_remembered() -> None:
    with FaultServer(cassettes=[], mode="llama_cpp") as server:
        backend = _backend(server.url)
        assert _ask(backend).meetings == [] and _ask(backend).meetings == []
        forms = [seen["response_format"]["type"] for seen in server.seen]
    assert forms == ["json_schema", "json_object", "json_object"]


def test_detection_is_per_endpoint() -> None:
    with FaultServer(cassettes=[], mode="llama_cpp") as llama, FaultServer(cassettes=[], mode="empty") as vllm:
        backend = _backend("", urls=[llama.url, vllm.url])
        for _ in range(4):
            _ask(backend)
        assert backend.llama_cpp_urls == {llama.url}
        assert {seen["response_format"]["type"] for seen in vllm.seen} == {"json_schema"}


def test_an_explicit_openai_flavor_does_not_guess() -> None:
    with FaultServer(cassettes=[], mode="llama_cpp") as server, pytest.raises(ExtractionRuntimeError):
        _ask(_backend(server.url, flavor="openai"))


def test_a_redirect_is_a_configuration_error_naming_the_target() -> None:
    with FaultServer(cassettes=[], mode="redirect") as server, pytest.raises(ConfigurationError) as info:
        _ask(_backend(server.url))
    assert "redirect (HTTP 302)" in str(info.value) and "/moved/v1" in str(info.value)
    assert server.requests == 1  # not retried, not followed


@pytest.mark.parametrize("mode", ["big_error", "echo_headers", "garbage_schema"])
def test_server_text_in_errors_is_one_short_line_without_the_key(mode: str) -> None:
    with FaultServer(cassettes=[], mode=mode, error_bytes=2_000_000) as server:
        url = server.url.replace("http://", "http://bob:url-password-77@")
        with pytest.raises(DiploExtractError) as info:
            _ask(_backend(url))
    message = str(info.value)
    assert len(message) <= MAX_MESSAGE_CHARS + 60 and "\n" not in message and "\x1b" not in message
    assert KEY not in message and KEY[3:] not in message and "url-password-77" not in message


def test_the_endpoint_a_record_names_has_no_credentials() -> None:
    with FaultServer(cassettes=[], mode="empty") as one, FaultServer(cassettes=[], mode="empty") as two:
        urls = [u.replace("http://", "http://bob:url-password-77@") for u in (one.url, two.url)]
        single, several = _backend(urls[0]), _backend("", urls=urls)
        assert "url-password-77" not in (single.endpoint or "") and "***@" in (single.endpoint or "")
        meter = UsageMeter()
        _ask(several, meter)
        assert meter.endpoints and all("url-password-77" not in e for e in meter.endpoints)


@pytest.mark.parametrize("url", ["not a url", "127.0.0.1:8080/v1", "ftp://h/v1", "http://", "http://h:port/v1"])
def test_a_base_url_that_is_not_an_http_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError, match="not an http:// or https:// URL"):
        resolve_config("openai", base_url=url)


def test_base_urls_from_a_list_and_from_commas_add_up() -> None:
    config = resolve_config("openai", base_url=["http://a:1/v1,http://b:2/v1", "http://c:3/v1", "http://a:1/v1"])
    assert config.base_urls == ["http://a:1/v1", "http://b:2/v1", "http://c:3/v1"]
