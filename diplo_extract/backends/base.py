"""The one interface every backend implements, and the call path they share.

A backend only knows how to build an OpenAI-style ``create`` function (in-process llama.cpp, or an
``openai`` client pointed at any compatible URL). Everything else is common and lives here: instructor's
validation re-asks, tenacity's transport retries, token accounting over every attempt, and the mapping of
dependency exceptions to :mod:`diplo_extract.errors`.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import instructor
from instructor.core.hooks import Hooks
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from diplo_extract.backends.answer_cache import AnswerCache
from diplo_extract.backends.retry import RetryPolicy, is_transient, retry_after_seconds, unwrap
from diplo_extract.errors import (
    AuthenticationError,
    ConfigurationError,
    DiploExtractError,
    ExtractionRuntimeError,
    ModelOutputError,
    TokenBudgetExceededError,
    TransportError,
    redact_url,
    server_text,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
Messages = list[dict[str, str]]


@dataclass
class UsageMeter:
    """Counts what an article costs, across every call, re-ask and transport retry."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_calls: int = 0
    validation_retries: int = 0
    transport_retries: int = 0
    seconds_model: float = 0.0
    token_budget: int | None = None
    last_output: str | None = None
    endpoints: list[str] = field(default_factory=list)

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens so far."""
        return self.prompt_tokens + self.completion_tokens

    def record_response(self, response: Any) -> None:
        """Add one raw completion's usage and remember its text (instructor hook)."""
        self.model_calls += 1
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
            self.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        self.last_output = raw_text_of(response)

    def record_parse_error(self, _error: Any) -> None:
        """Count a validation failure that instructor will re-ask for (instructor hook)."""
        self.validation_retries += 1

    def check_budget(self, backend: str) -> None:
        """Raise when the article has spent more tokens than its budget."""
        if self.token_budget is not None and self.total_tokens > self.token_budget:
            raise TokenBudgetExceededError(
                f"article used {self.total_tokens} tokens, over the token_budget of {self.token_budget}",
                attempts=self.model_calls,
                last_output=self.last_output,
                prompt_tokens=self.prompt_tokens,
                completion_tokens=self.completion_tokens,
                backend=backend,
            )


def to_llama_cpp_response_format(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Rewrite OpenAI's ``json_schema`` response format into llama.cpp's ``json_object`` + ``schema``.

    llama.cpp (in process and ``llama_cpp.server`` 0.3.x) builds a grammar only from
    ``{"type": "json_object", "schema": ...}``; given ``{"type": "json_schema"}`` it ignores the schema (in
    process) or answers HTTP 500 (server).
    """
    response_format = kwargs.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema", {}).get("schema")
        kwargs = {**kwargs, "response_format": {"type": "json_object", "schema": schema}}
    return kwargs


def raw_text_of(response: Any) -> str | None:
    """The text a chat completion carried: tool-call arguments, or message content."""
    try:
        message = response.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments)
    content = getattr(message, "content", None)
    return None if content is None else str(content)


@dataclass(frozen=True)
class GenerationSettings:
    """Sampling settings shared by every call; deterministic by default."""

    temperature: float = 0.0
    max_reasks: int = 2  # instructor re-asks after the first answer; bounds prompt growth to 2 extra turns
    extra_body: dict[str, Any] = field(default_factory=dict)


class Backend(ABC):
    """A source of structured completions.

    Subclasses implement :meth:`_raw_create` (an OpenAI-style chat-completion function) and
    :meth:`_call_options`; :meth:`generate` is the single path every extraction call takes.
    """

    name: str = "base"

    def __init__(self, *, model: str, endpoint: str | None = None,
                 settings: GenerationSettings | None = None, retry_policy: RetryPolicy | None = None):
        self.model = model
        self.endpoint = endpoint
        self.settings = settings or GenerationSettings()
        self.retry_policy = retry_policy or RetryPolicy()
        self._patched: Callable[..., Any] | None = None
        self.answer_cache: AnswerCache | None = None  # set before the first call to reuse the model's answers
        self._create_lock = threading.Lock()  # batch threads share a backend: build its client once

    @abstractmethod
    def _raw_create(self) -> Callable[..., Any]:
        """The undecorated chat-completion function instructor will patch."""

    def _call_options(self) -> dict[str, Any]:
        """Extra keyword arguments for every call: sampling extras as top-level arguments."""
        return dict(self.settings.extra_body)

    def count_tokens(self, text: str) -> int:
        """Approximate token count, used to size chunks and max_tokens; backends may be exact."""
        return max(1, len(text) // 4)

    def close(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing to release
        """Release resources (model memory, HTTP connections)."""

    def _create(self) -> Callable[..., Any]:
        with self._create_lock:
            return self._create_unlocked()

    def _create_unlocked(self) -> Callable[..., Any]:
        if self._patched is None:
            # JSON_SCHEMA mode keeps the schema out of the prompt (llama.cpp enforces it as a grammar), so
            # every pass over an article shares the same prompt prefix; TOOLS mode would prepend each pass's
            # tool schema to the system message and defeat the KV cache.
            create = self._raw_create()
            if self.answer_cache is not None:
                create = self.answer_cache.wrap(create, scope=f"{self.name}\x1f{self.model}")
            self._patched = instructor.patch(create=create, mode=instructor.Mode.JSON_SCHEMA)
        return self._patched

    def generate(self, messages: Messages, response_model: type[ModelT], *, max_tokens: int,
                 meter: UsageMeter) -> ModelT:
        """One structured completion: validated against ``response_model``, retried within bounds.

        Transport failures are retried by tenacity around the whole call, so they never enter a re-ask
        prompt; validation failures are re-asked by instructor at most ``settings.max_reasks`` times.

        Raises:
            TransportError, AuthenticationError, ModelOutputError, TokenBudgetExceededError.
        """
        hooks = Hooks()
        hooks.on("completion:response", meter.record_response)
        hooks.on("parse:error", meter.record_parse_error)
        create = self._create()
        options = self._call_options()

        def before_sleep(state: RetryCallState) -> None:
            meter.transport_retries += 1

        retrying = Retrying(
            stop=stop_after_attempt(self.retry_policy.max_attempts),
            wait=self.retry_policy.wait,
            sleep=self.retry_policy.sleep,
            retry=retry_if_exception(lambda exc: is_transient(unwrap(exc))),
            before_sleep=before_sleep,
            reraise=True,
        )
        started = time.perf_counter()
        try:
            result: ModelT = retrying(
                create,
                response_model=response_model,
                messages=messages,
                max_retries=self.settings.max_reasks,
                max_tokens=max_tokens,
                temperature=self.settings.temperature,
                hooks=hooks,
                **options,
            )
        except DiploExtractError:
            raise
        except Exception as exc:
            raise self._map_error(exc, meter) from exc
        finally:
            meter.seconds_model += time.perf_counter() - started
            if self.endpoint:
                meter.endpoints.append(self.endpoint)
        meter.check_budget(self.name)
        return result

    def _map_error(self, exc: BaseException, meter: UsageMeter) -> DiploExtractError:
        root = unwrap(exc)
        status = getattr(root, "status_code", None)
        # What the server said goes into messages cut, on one line and with credentials redacted: error
        # pages can be megabytes, hold control bytes, or echo the request's Authorization header.
        said = server_text(f"{type(root).__name__}: {root}")
        if isinstance(status, int) and 300 <= status < 400:
            headers = getattr(getattr(root, "response", None), "headers", None) or {}
            location = headers.get("location")
            where = f" to {server_text(redact_url(location))}" if location else ""
            return ConfigurationError(
                f"{self.name} endpoint {self.endpoint} answered with a redirect (HTTP {status}){where}; "
                "requests are not followed through redirects: give the final URL as --base-url / OPENAI_BASE_URL",
                original=root, backend=self.name)
        if status in (401, 403):
            return AuthenticationError(
                f"{self.name} endpoint {self.endpoint} rejected the credentials (HTTP {status}); "
                "check OPENAI_API_KEY / --api-key", original=root, backend=self.name)
        if is_transient(root):
            hint = retry_after_seconds(root)
            wait_note = f" (server asked to retry after {hint:.0f}s)" if hint else ""
            return TransportError(
                f"{self.name} endpoint {self.endpoint or '(in process)'} failed after "
                f"{meter.transport_retries + 1} attempts: {said}{wait_note}",
                attempts=meter.transport_retries + 1, original=root, backend=self.name)
        if status is not None:
            return ExtractionRuntimeError(
                f"{self.name} endpoint {self.endpoint} refused the request (HTTP {status}): {said}",
                original=root, backend=self.name)
        n_attempts = getattr(exc, "n_attempts", None) or meter.model_calls
        return ModelOutputError(
            f"model output did not validate after {n_attempts} attempts: {_short(root)}",
            attempts=int(n_attempts), last_output=meter.last_output, prompt_tokens=meter.prompt_tokens,
            completion_tokens=meter.completion_tokens, original=root, backend=self.name)


def _short(exc: BaseException, limit: int = 300) -> str:
    # A validation error lists every failing field over many lines; the message keeps one line's worth.
    return server_text(f"{type(exc).__name__}: {exc}", limit)
