"""Transport retries, validation re-asks and error mapping, through the real openai client and instructor.

The HTTP exchange is scripted (tests/support/fake_server.py); nothing here is an extraction result.
"""

from __future__ import annotations

import httpx
import pytest
from support.fake_server import ScriptedServer, json_response

from diplo_extract.backends.base import GenerationSettings, UsageMeter
from diplo_extract.backends.openai_compat import OpenAICompatibleBackend
from diplo_extract.backends.retry import RetryPolicy
from diplo_extract.core.llm_schema import LLMThreatList
from diplo_extract.errors import (
    AuthenticationError,
    ConfigurationError,
    ModelOutputError,
    TokenBudgetExceededError,
    TransportError,
)

GOOD = {"threats": [{"quote": "telecom fraud", "category": "telecom_fraud"}]}
MESSAGES = [{"role": "system", "content": "List threats."}, {"role": "user", "content": "Article: ..."}]


def _backend(server: ScriptedServer, *, attempts: int = 4, reasks: int = 2, sleeps: list[float] | None = None,
             flavor: str = "openai") -> OpenAICompatibleBackend:
    record = sleeps if sleeps is not None else []
    return OpenAICompatibleBackend(
        model="fake-model", base_url="http://127.0.0.1:9/v1", http_client=server.client(),
        settings=GenerationSettings(max_reasks=reasks),
        retry_policy=RetryPolicy(max_attempts=attempts, initial_wait=0.01, max_wait=5.0, sleep=record.append),
        server_flavor=flavor,
    )


def test_429_with_retry_after_then_success_waits_as_told() -> None:
    server = ScriptedServer(httpx.Response(429, headers={"retry-after": "2"}, json={"error": "slow down"}),
                            json_response(GOOD))
    sleeps: list[float] = []
    meter = UsageMeter()
    result = _backend(server, sleeps=sleeps).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=meter)
    assert result.threats[0].category.value == "telecom_fraud"
    assert sleeps == [2.0]
    assert meter.transport_retries == 1
    assert len(server.requests) == 2


def test_retry_after_is_capped() -> None:
    server = ScriptedServer(httpx.Response(429, headers={"retry-after": "3600"}), json_response(GOOD))
    sleeps: list[float] = []
    _backend(server, sleeps=sleeps).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=UsageMeter())
    assert sleeps == [5.0]


def test_500s_until_the_bound_raise_transport_error_with_attempt_count() -> None:
    server = ScriptedServer(*(httpx.Response(500, json={"error": "boom"}) for _ in range(3)))
    meter = UsageMeter()
    with pytest.raises(TransportError) as caught:
        _backend(server, attempts=3).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=meter)
    assert caught.value.attempts == 3
    assert "3 attempts" in str(caught.value)
    assert len(server.requests) == 3
    assert meter.transport_retries == 2


def test_timeouts_and_dropped_connections_are_retried() -> None:
    server = ScriptedServer(httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("dropped"), json_response(GOOD))
    meter = UsageMeter()
    result = _backend(server).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=meter)
    assert len(result.threats) == 1
    assert meter.transport_retries == 2


def test_invalid_json_is_re_asked_and_transport_errors_never_enter_the_prompt() -> None:
    server = ScriptedServer(httpx.Response(503), json_response("{not json"), json_response(GOOD))
    meter = UsageMeter()
    result = _backend(server).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=meter)
    assert len(result.threats) == 1
    assert meter.validation_retries == 1
    assert meter.transport_retries == 1
    first, second, third = server.requests
    assert first["messages"] == second["messages"] == MESSAGES  # the 503 retry resends the same prompt
    assert len(third["messages"]) == len(MESSAGES) + 2  # one re-ask: the bad answer and the error
    assert "503" not in str(third["messages"])


def test_reasks_are_bounded_and_the_error_keeps_the_last_output() -> None:
    server = ScriptedServer(*(json_response('{"threats": [{"quote": "x", "category": "nope"}]}') for _ in range(3)))
    meter = UsageMeter()
    with pytest.raises(ModelOutputError) as caught:
        _backend(server, reasks=2).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=meter)
    assert len(server.requests) == 3
    assert caught.value.attempts == 3
    assert caught.value.last_output is not None and "nope" in caught.value.last_output
    # Prompt growth is bounded: the last request carries at most two re-ask turns.
    assert len(server.requests[-1]["messages"]) <= len(MESSAGES) + 2 * 2


def test_token_usage_is_summed_over_every_attempt() -> None:
    server = ScriptedServer(json_response("{bad", prompt_tokens=100, completion_tokens=7),
                            json_response(GOOD, prompt_tokens=120, completion_tokens=9))
    meter = UsageMeter()
    _backend(server).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=meter)
    assert (meter.prompt_tokens, meter.completion_tokens, meter.model_calls) == (220, 16, 2)


def test_token_budget_stops_with_the_last_raw_output() -> None:
    server = ScriptedServer(json_response(GOOD, prompt_tokens=900, completion_tokens=200))
    with pytest.raises(TokenBudgetExceededError) as caught:
        _backend(server).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=UsageMeter(token_budget=1000))
    assert caught.value.last_output is not None and "telecom_fraud" in caught.value.last_output
    assert caught.value.prompt_tokens == 900


def test_bad_api_key_is_not_retried() -> None:
    server = ScriptedServer(httpx.Response(401, json={"error": {"message": "bad key"}}))
    with pytest.raises(AuthenticationError) as caught:
        _backend(server).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=UsageMeter())
    assert len(server.requests) == 1
    assert "401" in str(caught.value)


def test_openai_flavor_sends_json_schema_and_llama_cpp_flavor_sends_json_object_with_schema() -> None:
    for flavor, expected_type in (("openai", "json_schema"), ("llama_cpp", "json_object")):
        server = ScriptedServer(json_response(GOOD))
        _backend(server, flavor=flavor).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=UsageMeter())
        response_format = server.requests[0]["response_format"]
        assert response_format["type"] == expected_type
        schema = response_format["json_schema"]["schema"] if flavor == "openai" else response_format["schema"]
        assert schema["properties"]["threats"]["maxItems"] == 8


def test_unknown_server_flavor_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        OpenAICompatibleBackend(model="m", base_url="http://127.0.0.1:9/v1", server_flavor="vllm-magic")
