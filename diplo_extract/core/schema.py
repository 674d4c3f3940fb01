"""The public record: what users get back and validate against.

``ArticleExtraction.model_json_schema()`` is the published contract. The model never fills these classes
directly; it fills the compact classes in :mod:`diplo_extract.core.llm_schema`, and
:mod:`diplo_extract.pipeline.assemble` turns those into this record (grounding, normalisation, dates).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SCHEMA_VERSION = "1.0"

# ISO 3166-1 alpha-2, plus "EU" for bodies of the European Union (a reserved ISO code used the same way).
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class MeetingKind(StrEnum):
    """What sort of interaction a meeting was."""

    PHONE_CALL = "phone_call"
    VIDEO_CALL = "video_call"
    MEETING = "meeting"
    RECEPTION = "reception"
    VISIT = "visit"
    CONFERENCE = "conference"
    SUMMIT = "summit"
    SIGNING = "signing"
    JOINT_STATEMENT = "joint_statement"
    OTHER = "other"


class MeetingStatus(StrEnum):
    """Whether the article reports the meeting as having happened."""

    HELD = "held"
    PLANNED = "planned"
    PROPOSED = "proposed"


class AgreementStatus(StrEnum):
    """How far an agreement or commitment got."""

    SIGNED = "signed"
    AGREED = "agreed"
    PROPOSED = "proposed"
    PLANNED = "planned"


class CooperationArea(StrEnum):
    """Preferred cooperation-area vocabulary; the public record keeps these as plain strings."""

    LAW_ENFORCEMENT = "law_enforcement"
    COUNTER_TERRORISM = "counter_terrorism"
    INTELLIGENCE_SHARING = "intelligence_sharing"
    ANTI_CORRUPTION = "anti_corruption"
    EXTRADITION = "extradition"
    FUGITIVE_RECOVERY = "fugitive_recovery"
    BORDER_SECURITY = "border_security"
    MIGRATION = "migration"
    EVENT_SECURITY = "event_security"
    PROJECT_SECURITY = "project_security"
    LEGAL_FRAMEWORK = "legal_framework"
    TRAINING_EXCHANGE = "training_exchange"
    INFORMATION_SHARING = "information_sharing"
    DRUG_CONTROL = "drug_control"
    CYBERSECURITY = "cybersecurity"
    WATER_RESOURCES = "water_resources"
    CULTURE_EDUCATION = "culture_education"


class ThreatCategory(StrEnum):
    """Closed vocabulary of security threats discussed at meetings."""

    TERRORISM = "terrorism"
    EXTREMISM = "extremism"
    SEPARATISM = "separatism"
    DRUG_TRAFFICKING = "drug_trafficking"
    ARMS_TRAFFICKING = "arms_trafficking"
    HUMAN_TRAFFICKING = "human_trafficking"
    TRANSNATIONAL_CRIME = "transnational_crime"
    ORGANIZED_CRIME = "organized_crime"
    ECONOMIC_CRIME = "economic_crime"
    CORRUPTION = "corruption"
    MONEY_LAUNDERING = "money_laundering"
    CYBERCRIME = "cybercrime"
    TELECOM_FRAUD = "telecom_fraud"
    GAMBLING = "gambling"
    ILLEGAL_MIGRATION = "illegal_migration"
    PROPERTY_CRIME = "property_crime"
    EXTERNAL_INTERFERENCE = "external_interference"
    COLOR_REVOLUTION = "color_revolution"


class MatchMethod(StrEnum):
    """How a quote was located in the article text."""

    EXACT = "exact"
    NORMALIZED = "normalized"  # case- and whitespace-insensitive
    FUZZY = "fuzzy"
    NONE = "none"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Span(_Strict):
    """A passage of the input text backing an item.

    ``quote`` is what the model proposed; when ``grounded`` is true, ``text[start:end]`` is the passage the
    library located for it (Python string indices, i.e. Unicode code points, into the text exactly as read).
    """

    quote: str
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    grounded: bool = False
    match: MatchMethod = MatchMethod.NONE
    score: float = Field(default=0.0, ge=0.0, le=100.0, description="Match score, 100 for exact.")

    @model_validator(mode="after")
    def _offsets_consistent(self) -> Span:
        if self.grounded:
            if self.start is None or self.end is None or self.end < self.start:
                raise ValueError("a grounded span needs start <= end")
        elif self.start is not None or self.end is not None:
            raise ValueError("an ungrounded span has no offsets")
        return self


class Location(_Strict):
    """Where a meeting took place, when the article says."""

    city: str | None = None
    country: CountryCode | None = None


class Participant(_Strict):
    """A person (or an unnamed delegation, ``name`` None) who took part in a meeting."""

    name: str | None = Field(default=None, description="As written, diacritics and honorifics kept.")
    name_key: str | None = Field(default=None, description="Normalised key for matching people across records.")
    title: str | None = None
    organization: str | None = None
    country: CountryCode | None = Field(default=None, description="ISO 3166-1 alpha-2; null for IGO officials.")
    evidence: Span | None = None

    @model_validator(mode="after")
    def _named_or_organisation(self) -> Participant:
        if not self.name and not self.organization:
            raise ValueError("a participant needs a name or an organization")
        return self


class Agreement(_Strict):
    """An agreement or commitment made at a meeting."""

    summary: str = Field(min_length=1)
    status: AgreementStatus
    parties: list[str] = Field(default_factory=list, description="Country codes or organisation names.")
    evidence: Span | None = None


class Threat(_Strict):
    """A security threat discussed at a meeting."""

    category: ThreatCategory
    description: str | None = None
    detected_by: Literal["model", "lexicon", "both"] = Field(
        default="model", description="The model's threat pass, the keyword lexicon, or both.")
    evidence: Span | None = None


class Meeting(_Strict):
    """One distinct interaction reported by the article."""

    kind: MeetingKind
    status: MeetingStatus = MeetingStatus.HELD
    date: dt.date | None = Field(default=None, description="Resolved against the dateline; null if not stated.")
    date_text: str | None = Field(default=None, description="The date as written in the article.")
    location: Location = Field(default_factory=Location)
    participants: list[Participant] = Field(default_factory=list)
    cooperation_areas: list[str] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    threats: list[Threat] = Field(default_factory=list)
    summary: str | None = None
    evidence: Span | None = None


class ArticleMeta(_Strict):
    """What is known about the article itself."""

    title: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    language: str | None = None
    source_path: str | None = None
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    char_count: int = Field(ge=0)


class TokenUsage(_Strict):
    """Tokens spent on an article, summed over every attempt including retries."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens


class Provenance(_Strict):
    """How a record was produced, so results can be compared and reproduced."""

    backend: str
    model: str
    endpoint: str | None = None
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    library_version: str
    extracted_at: dt.datetime
    seconds_total: float = Field(ge=0)
    seconds_model: float = Field(ge=0)
    usage: TokenUsage = Field(default_factory=TokenUsage)
    model_calls: int = 0
    transport_retries: int = 0
    validation_retries: int = 0
    chunks: int = 1
    cached: bool = False


class ExtractionWarning(_Strict):
    """Something the caller should know about a record, e.g. an ungrounded item."""

    code: str
    message: str
    path: str | None = Field(default=None, description="Where in the record, e.g. meetings[0].agreements[1].")


class ArticleExtraction(_Strict):
    """The full record for one article: the published contract of the library."""

    schema_version: str = SCHEMA_VERSION
    article: ArticleMeta
    meetings: list[Meeting] = Field(default_factory=list)
    provenance: Provenance
    warnings: list[ExtractionWarning] = Field(default_factory=list)

    def iter_spans(self) -> list[tuple[str, Span]]:
        """Every evidence span in the record with its path, for checking grounding."""
        spans: list[tuple[str, Span]] = []
        for i, meeting in enumerate(self.meetings):
            base = f"meetings[{i}]"
            if meeting.evidence:
                spans.append((base, meeting.evidence))
            items: list[tuple[str, Span | None]] = [
                *((f"{base}.participants[{j}]", p.evidence) for j, p in enumerate(meeting.participants)),
                *((f"{base}.agreements[{j}]", a.evidence) for j, a in enumerate(meeting.agreements)),
                *((f"{base}.threats[{j}]", t.evidence) for j, t in enumerate(meeting.threats)),
            ]
            spans.extend((path, span) for path, span in items if span is not None)
        return spans

    def grounded_share(self) -> float:
        """Share of evidence spans that were located in the text (1.0 when there are none)."""
        spans = self.iter_spans()
        if not spans:
            return 1.0
        return sum(1 for _, span in spans if span.grounded) / len(spans)


__all__ = [
    "SCHEMA_VERSION",
    "Agreement",
    "AgreementStatus",
    "ArticleExtraction",
    "ArticleMeta",
    "CountryCode",
    "ExtractionWarning",
    "Location",
    "MatchMethod",
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "Participant",
    "Provenance",
    "Span",
    "Threat",
    "ThreatCategory",
    "TokenUsage",
]
