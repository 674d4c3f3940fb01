"""A backend that answers from a queue of prepared response objects (unit tests of the pipeline only)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from diplo_extract.backends.base import Backend, Messages, ModelT, UsageMeter


class QueuedBackend(Backend):
    """Returns the queued answers in order and records every prompt it was sent."""

    name = "fake"

    def __init__(self, *answers: BaseModel, defaults: tuple[BaseModel, ...] = ()):
        super().__init__(model="fake-model")
        self.answers: deque[BaseModel] = deque(answers)
        # Answers for questions whose number depends on the text (follow-ups): used when the queue's next
        # answer is of another type.
        self.defaults = {type(answer): answer for answer in defaults}
        self.prompts: list[Messages] = []

    def enqueue(self, *answers: BaseModel) -> None:
        self.answers.extend(answers)

    def _raw_create(self) -> Callable[..., Any]:
        raise AssertionError("QueuedBackend answers in generate() and never makes a request")

    def generate(self, messages: Messages, response_model: type[ModelT], *, max_tokens: int,
                 meter: UsageMeter) -> ModelT:
        self.prompts.append(messages)
        if response_model in self.defaults and not (self.answers and isinstance(self.answers[0], response_model)):
            answer = self.defaults[response_model]
        else:
            answer = self.answers.popleft()
        assert isinstance(answer, response_model), f"expected {response_model.__name__}, queued {answer!r}"
        meter.model_calls += 1
        meter.prompt_tokens += sum(len(m["content"]) // 4 for m in messages)
        meter.completion_tokens += len(answer.model_dump_json()) // 4
        return answer
