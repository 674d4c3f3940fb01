"""The knobs of one extraction, shared by the pipeline, the API, the cache key and the batch runners."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractOptions:
    """Knobs for one extraction; the defaults suit the embedded 1.5B model."""

    chunk_tokens: int = 2000  # article tokens per chunk; the prompt and answer need the rest of the context
    details_pass: bool = True
    # The model's own threat pass, on top of the keyword lexicon. Off by default: the 1.5B model's threat
    # answers were right 1 time in 6 on the dev set where the lexicon found nothing. Worth trying with a
    # stronger model (score it with `diplo-extract eval`).
    threat_pass: bool = False
    drop_ungrounded: bool = False
    token_budget: int | None = None
    published: dt.date | None = None  # publication date from metadata, when the caller has it
