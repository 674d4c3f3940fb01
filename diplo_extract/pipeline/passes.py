"""The questions asked of each chunk: one table read by the extractor, the prompt version and batch files.

Each pass has its prompt file in ``prompts/``, the bounded shape its answer must fill, and a bound on the
answer's tokens. A pass's ``placeholder`` is an answer that lets the extractor go on to the next passes; the
batch-file writer answers with it while it records the requests a live run would send.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from diplo_extract.core.llm_schema import LLMCommitments, LLMMeetingList, LLMThreatList

AnswerT = TypeVar("AnswerT", bound=BaseModel)


def _meetings_max_tokens(chunk_tokens: int) -> int:
    # Answers grow with the article (more meetings, more people) but are bounded by the schema's limits.
    return min(1400, 350 + chunk_tokens // 2)


@dataclass(frozen=True)
class Pass(Generic[AnswerT]):
    """One question asked of a chunk of article text."""

    name: str  # also the prompt file's name, ``prompts/<name>.toml``
    response_model: type[AnswerT]
    max_tokens: Callable[[int], int]  # from the number of article tokens in the chunk
    placeholder: Mapping[str, Any]


MEETINGS: Pass[LLMMeetingList] = Pass(
    "meetings", LLMMeetingList, _meetings_max_tokens,
    {"meetings": [{"quote": "-", "kind": "meeting", "status": "held", "date_text": "", "city": "",
                   "participants": [{"name": "-", "title": "", "organization": "", "country": ""}]}]},
)
THREATS: Pass[LLMThreatList] = Pass("threats", LLMThreatList, lambda _tokens: 350, {"threats": []})
COMMITMENTS: Pass[LLMCommitments] = Pass("commitments", LLMCommitments, lambda _tokens: 700,
                                         {"cooperation": [], "agreements": []})

PASSES: tuple[Pass[Any], ...] = (MEETINGS, THREATS, COMMITMENTS)
PASSES_BY_SCHEMA_TITLE: Mapping[str, Pass[Any]] = {p.response_model.__name__: p for p in PASSES}
PASSES_BY_NAME: Mapping[str, Pass[Any]] = {p.name: p for p in PASSES}
