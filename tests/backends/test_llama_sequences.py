"""Several requests decoded together by the embedded model (issue 16), run for real where the model is installed.

The engine is llama.cpp's own multi-sequence decoding; what is checked here is what the library adds around it:
answers that still validate when requests share decode steps, an article's prefix evaluated once, requests
bigger than the context refused with a typed error, and no caller left waiting when the model closes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from pydantic import BaseModel, Field
from support.embedded_model import needs_embedded_model

from diplo_extract.backends.base import UsageMeter
from diplo_extract.backends.embedded import EmbeddedBackend
from diplo_extract.backends.llama_sequences import SequenceEngine
from diplo_extract.errors import ExtractionRuntimeError

pytestmark = [pytest.mark.live, needs_embedded_model]

ARTICLE = ("ASTANA, May 18 (Kazinform) - Interior Minister Marat Akhmetzhanov met his Uzbek counterpart "
           "Pulat Bobojonov in Astana on Tuesday. The ministers discussed the fight against drug trafficking "
           "and illegal migration and signed a plan of joint measures for 2022-2023.")


class Answer(BaseModel):
    answer: str = Field(max_length=60)


def _ask(backend: EmbeddedBackend, question: str, meter: UsageMeter | None = None) -> str:
    messages = [{"role": "system", "content": "Answer from this article only, in JSON.\n" + ARTICLE},
                {"role": "user", "content": question}]
    return backend.generate(messages, Answer, max_tokens=40, meter=meter or UsageMeter()).answer


@pytest.fixture(scope="module")
def two_sequences() -> Iterator[EmbeddedBackend]:
    backend = EmbeddedBackend(sequences=2)
    yield backend
    backend.close()


def test_two_requests_decoded_together_both_answer(two_sequences: EmbeddedBackend) -> None:
    questions = {"city": "In which city did the ministers meet?",
                 "uzbek": "What is the name of the Uzbek minister?"}
    answers: dict[str, str] = {}
    meters = {key: UsageMeter() for key in questions}

    def ask(key: str) -> None:
        answers[key] = _ask(two_sequences, questions[key], meters[key])

    before = two_sequences._load().counters.decode_calls_shared
    threads = [threading.Thread(target=ask, args=(key,)) for key in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counters = two_sequences._load().counters
    assert "Astana" in answers["city"], answers
    assert "Bobojonov" in answers["uzbek"], answers
    assert counters.most_in_flight == 2 and counters.decode_calls_shared > before
    assert all(m.prompt_tokens > 0 and m.completion_tokens > 0 for m in meters.values())


def test_an_articles_next_question_evaluates_only_its_own_tokens(two_sequences: EmbeddedBackend) -> None:
    engine = two_sequences._load()
    _ask(two_sequences, "Who is the Interior Minister of Kazakhstan?")
    evaluated, prompt = engine.counters.prompt_tokens_evaluated, engine.counters.prompt_tokens
    meter = UsageMeter()
    _ask(two_sequences, "What did the ministers sign?", meter)
    new_prompt = engine.counters.prompt_tokens - prompt
    new_evaluated = engine.counters.prompt_tokens_evaluated - evaluated
    assert new_prompt == meter.prompt_tokens > 60
    assert new_evaluated < 20, (new_evaluated, new_prompt)  # the system prompt and article were reused


def test_the_grammar_checked_on_the_best_token_first_gives_the_full_passs_answer(
        two_sequences: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = two_sequences._load()
    before = engine.counters.grammar_checked_first
    question = "Which two crimes did the ministers discuss?"
    fast = _ask(two_sequences, question)
    assert engine.counters.grammar_checked_first > before
    # The same request with the grammar applied to the whole vocabulary at every token, as llama.cpp's chain does.
    monkeypatch.setattr(SequenceEngine, "_sample",
                        lambda self, request, index: int(request.sampler.sample(self._context, index)))
    checked = engine.counters.grammar_checked_first
    assert _ask(two_sequences, question) == fast
    assert engine.counters.grammar_checked_first == checked


def test_a_request_larger_than_the_context_is_refused_at_once(two_sequences: EmbeddedBackend) -> None:
    huge = [{"role": "user", "content": "security " * (two_sequences.n_ctx + 100)}]
    with pytest.raises(ExtractionRuntimeError, match="does not fit"):
        two_sequences.generate(huge, Answer, max_tokens=40, meter=UsageMeter())


def test_closing_the_model_fails_running_and_waiting_callers_instead_of_leaving_them() -> None:
    backend = EmbeddedBackend(sequences=1)
    engine = backend._load()
    outcome: list[BaseException | str] = []

    def ask() -> None:
        try:
            outcome.append(_ask(backend, "Who met whom?"))
        except BaseException as exc:  # the test records whatever came back
            outcome.append(exc)

    threads = [threading.Thread(target=ask, daemon=True) for _ in range(2)]  # one runs, one waits
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # both submitted; the first prompt takes seconds to evaluate
    engine.close()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert len(outcome) == 2 and all(isinstance(o, ExtractionRuntimeError) and "closed" in str(o) for o in outcome)
    backend.close()
