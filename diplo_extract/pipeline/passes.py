"""The questions asked of each chunk: one table read by the extractor, the prompt version and batch files.

Every question shares one prefix: the instructions that hold for all questions and the article as numbered
sentences (``prompts/article.toml``); each pass adds only its question (``prompts/<name>.toml``). A backend
that keeps the prompt's KV cache (llama.cpp does) then reads the article once per chunk, however many
questions follow. A pass's ``empty`` answer finds nothing and so asks nothing further: the batch-file writer
answers an unanswered request with it while it records the request for the next round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from diplo_extract.core.llm_schema import LLMAgreementList, LLMEventList, LLMSentenceReport, LLMThreatList

AnswerT = TypeVar("AnswerT", bound=BaseModel)

ARTICLE_PROMPT = "article"  # the shared prefix: instructions, then the numbered sentences


@dataclass(frozen=True)
class Pass(Generic[AnswerT]):
    """One question asked of a chunk of article text."""

    name: str  # also the prompt file's name, ``prompts/<name>.toml``
    response_model: type[AnswerT]
    max_tokens: Callable[[int], int]  # from the number of article tokens in the chunk
    empty: Mapping[str, Any]


def _events_max_tokens(chunk_tokens: int) -> int:
    # Answers grow with the article (more meetings, more people) but are bounded by the schema's limits.
    return min(1400, 350 + chunk_tokens // 2)


EVENTS: Pass[LLMEventList] = Pass("events", LLMEventList, _events_max_tokens, {"events": []})
# About 30 tokens a person; the schema caps a list at 12.
SENTENCE: Pass[LLMSentenceReport] = Pass(
    "sentence", LLMSentenceReport, lambda _tokens: 450,
    {"reports_interaction": False, "kind": "other", "status": "background", "date_text": "", "participants": []})
AGREEMENTS: Pass[LLMAgreementList] = Pass("agreements", LLMAgreementList, lambda _tokens: 320, {"agreements": []})
THREATS: Pass[LLMThreatList] = Pass("threats", LLMThreatList, lambda _tokens: 350, {"threats": []})

PASSES: tuple[Pass[Any], ...] = (EVENTS, SENTENCE, AGREEMENTS, THREATS)
PASSES_BY_NAME: Mapping[str, Pass[Any]] = {p.name: p for p in PASSES}
PASSES_BY_SCHEMA_TITLE: Mapping[str, Pass[Any]] = {p.response_model.__name__: p for p in PASSES}
