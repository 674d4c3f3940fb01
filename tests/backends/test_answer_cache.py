"""The answer cache: a request the model has answered is answered from the file, through instructor.

The HTTP exchange is scripted (tests/support/fake_server.py); nothing here is an extraction result.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fake_server import ScriptedServer, json_response

from diplo_extract.backends.answer_cache import AnswerCache, answer_cache_path, request_key
from diplo_extract.backends.base import UsageMeter
from diplo_extract.backends.config import resolve_config
from diplo_extract.backends.openai_compat import OpenAICompatibleBackend
from diplo_extract.backends.registry import create_backend
from diplo_extract.core.llm_schema import LLMThreatList
from diplo_extract.core.paths import CACHE_DIR_ENV

FRAUD = {"threats": [{"quote": "telecom fraud", "category": "telecom_fraud"}]}
TERROR = {"threats": [{"quote": "terrorism", "category": "terrorism"}]}
ASK = [{"role": "system", "content": "List threats."}, {"role": "user", "content": "Article: telecom fraud"}]


def _backend(server: ScriptedServer, cache: AnswerCache) -> OpenAICompatibleBackend:
    backend = OpenAICompatibleBackend(model="fake-model", base_url="http://127.0.0.1:9/v1",
                                      http_client=server.client(), server_flavor="openai")
    backend.answer_cache = cache
    return backend


def test_the_same_request_is_answered_from_the_cache_by_a_new_backend(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path / "answers.sqlite")
    first = ScriptedServer(json_response(FRAUD))
    answer = _backend(first, cache).generate(ASK, LLMThreatList, max_tokens=50, meter=UsageMeter())
    again = ScriptedServer()  # answers nothing: a request reaching it fails the test
    meter = UsageMeter()
    replayed = _backend(again, AnswerCache(tmp_path / "answers.sqlite")).generate(
        ASK, LLMThreatList, max_tokens=50, meter=meter)
    assert replayed.model_dump() == answer.model_dump()
    assert again.requests == []
    assert meter.model_calls == 1  # a replayed answer is still counted as the call it answers


def test_a_request_that_differs_in_any_field_asks_the_model(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path / "answers.sqlite")
    server = ScriptedServer(json_response(FRAUD), json_response(TERROR))
    backend = _backend(server, cache)
    backend.generate(ASK, LLMThreatList, max_tokens=50, meter=UsageMeter())
    other = backend.generate(ASK, LLMThreatList, max_tokens=60, meter=UsageMeter())
    assert other.threats[0].category.value == "terrorism"
    assert len(server.requests) == 2
    assert (cache.hits, cache.misses) == (0, 2)


def test_keys_depend_on_scope_and_every_field() -> None:
    request = {"messages": ASK, "max_tokens": 50}
    assert request_key("openai\x1fa", request) == request_key("openai\x1fa", dict(reversed(request.items())))
    assert request_key("openai\x1fa", request) != request_key("openai\x1fb", request)
    assert request_key("openai\x1fa", {**request, "temperature": 0.0}) != request_key("openai\x1fa", request)
    assert request_key("openai\x1fa", {"hooks": object()}) is None


def test_an_unusable_file_falls_back_to_the_model(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    server = ScriptedServer(json_response(FRAUD))
    result = _backend(server, AnswerCache(blocker / "answers.sqlite")).generate(
        ASK, LLMThreatList, max_tokens=50, meter=UsageMeter())
    assert result.threats[0].category.value == "telecom_fraud"
    assert len(server.requests) == 1


@pytest.mark.parametrize(("setting", "expected"), [(None, None), ("", None), ("off", None), ("0", None)])
def test_the_cache_is_off_unless_asked_for(setting: str | None, expected: None) -> None:
    assert answer_cache_path(setting) is expected


def test_the_environment_turns_it_on_for_a_built_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("DIPLO_EXTRACT_ANSWER_CACHE", "1")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    backend = create_backend(resolve_config())
    assert backend.answer_cache is not None
    assert backend.answer_cache.path == tmp_path / "answers.sqlite"
    monkeypatch.setenv("DIPLO_EXTRACT_ANSWER_CACHE", str(tmp_path / "mine.sqlite"))
    assert create_backend(resolve_config()).answer_cache.path == tmp_path / "mine.sqlite"  # type: ignore[union-attr]
