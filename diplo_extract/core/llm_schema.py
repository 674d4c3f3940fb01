"""What the model fills: small, bounded shapes designed for a 1.5B model under a JSON grammar.

Every list has ``max_length`` and every string a ``max_length``, because the grammar built from this schema
is what stops a small model from repeating list items until the token cap. The article is shown as numbered
sentences, and evidence is a sentence number: a few tokens instead of a copied quote, and exact offsets by
construction. Country names stand in for ISO codes (the library normalises them), and dates are copied as
written (the library resolves them). Empty strings mean "not stated": they are cheaper for a small model to
produce reliably than nullable unions. Field order is generation order: the sentence number comes first so
the model anchors on the article's words before it fills the rest.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from diplo_extract.core.schema import AgreementStatus, MeetingKind, ThreatCategory

ShortText = Annotated[str, StringConstraints(max_length=80)]
NameText = Annotated[str, StringConstraints(max_length=80)]
QuoteText = Annotated[str, StringConstraints(max_length=160)]
DateText = Annotated[str, StringConstraints(max_length=40)]

MAX_EVENTS = 12  # per chunk; one article reported 16 bilaterals on a convention's sidelines
MAX_PARTICIPANTS = 12  # delegation lists run to 10-30 names; the grammar stops a runaway list here
MAX_AGREEMENTS = 4
MAX_THREATS = 8


class LLMMeetingStatus(StrEnum):
    """Whether the article says the meeting happened, or only that it will or might."""

    HELD = "held"
    PLANNED = "planned"
    PROPOSED = "proposed"
    BACKGROUND = "background"  # an earlier event mentioned for context; dropped from the record

def _every_field_required(schema: dict[str, Any]) -> None:
    # Defaults are for lenient parsing of other endpoints' answers; in the grammar every key is required, so
    # a small model always writes each field, in order, instead of skipping to the end of the object.
    schema["required"] = list(schema.get("properties", {}))


class _LLMModel(BaseModel):
    model_config = ConfigDict(extra="ignore", use_enum_values=False, json_schema_extra=_every_field_required)


class LLMParticipant(_LLMModel):
    """A person or delegation that took part, as the article words it."""

    name: NameText = Field(description="Full name as written, or empty for an unnamed delegation.")
    title: ShortText = Field(default="", description="Position as written, e.g. 'Minister of Interior'.")
    organization: ShortText = Field(default="", description="Ministry, agency or body, if stated.")
    country: ShortText = Field(default="", description="Country the person represents, as a country name.")


class LLMEvent(_LLMModel):
    """One interaction the article reports, by the number of the sentence that reports it, with its people."""

    sentence: int = Field(description="Number of the sentence that reports it.")
    kind: MeetingKind
    status: LLMMeetingStatus
    date_text: DateText = Field(default="", description="When, copied as written ('on Monday'), or empty.")
    city: ShortText = Field(default="", description="City where it took place, if stated.")
    participants: list[LLMParticipant] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)


class LLMEventList(_LLMModel):
    """Pass 1: the interactions an article reports."""

    events: list[LLMEvent] = Field(default_factory=list, max_length=MAX_EVENTS)


class LLMSentenceReport(_LLMModel):
    """Pass 2, for a sentence that seems to report an interaction pass 1 missed: what it reports."""

    reports_interaction: bool = Field(description="Whether the sentence reports an interaction between officials.")
    kind: MeetingKind
    status: LLMMeetingStatus
    date_text: DateText = Field(default="", description="When, copied as written ('on Monday'), or empty.")
    participants: list[LLMParticipant] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)


class LLMMeeting(_LLMModel):
    """A reported interaction with its people: what passes 1 and 2 say together, before assembly.

    Not asked of the model as such: code builds it from an event and its sentence's participants.
    """

    quote: str = Field(description="The sentence of the article that reports this interaction.")
    kind: MeetingKind
    status: LLMMeetingStatus
    date_text: DateText = ""
    city: ShortText = ""
    participants: list[LLMParticipant] = Field(default_factory=list)
    sentence: int = 0


class LLMThreat(_LLMModel):
    """A threat discussed, with the words that name it."""

    quote: QuoteText = Field(description="Words of the article naming the threat, copied.")
    category: ThreatCategory


class LLMAgreement(_LLMModel):
    """An agreement or commitment, with the words that state it."""

    quote: QuoteText = Field(description="The words of the article stating it, copied.")
    summary: ShortText = Field(description="What was agreed or proposed, in a few words.")
    status: AgreementStatus


class LLMAgreementRef(_LLMModel):
    """An agreement, commitment or proposal, by the sentence that states it."""

    sentence: int = Field(description="Number of the sentence that states it.")
    summary: ShortText = Field(description="What was agreed or proposed, in a few words.")
    status: AgreementStatus


class LLMAgreementList(_LLMModel):
    """Pass 3: the agreements, commitments and proposals an article states."""

    agreements: list[LLMAgreementRef] = Field(default_factory=list, max_length=MAX_AGREEMENTS)


class LLMThreatList(_LLMModel):
    """Optional pass: the threats an article names, each with its words."""

    threats: list[LLMThreat] = Field(default_factory=list, max_length=MAX_THREATS)
