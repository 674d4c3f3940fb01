"""Meetings as PLOVER events (CONSULT, AGREE, SUPPORT, COOPERATE), as JSON Lines or POLECAT-like CSV.

The rules follow the PLOVER codebook (openeventdata/PLOVER, ``PLOVER_MANUAL.tex``); ``docs/events.md`` has the
mapping table with the codebook passage behind each rule. Entities are the record's ISO alpha-2 codes ("EU"
for European Union bodies), and PLOVER's non-state code "IGO" for officials of other intergovernmental bodies.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
from collections.abc import Iterable
from typing import Literal, TextIO

from pydantic import BaseModel, Field

from diplo_extract.core.schema import (
    AgreementStatus,
    ArticleExtraction,
    Location,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Span,
    ThreatCategory,
)
from diplo_extract.outputs.records import article_id_of, load_article_text
from diplo_extract.text.countries import is_intergovernmental
from diplo_extract.text.sentences import sentence_around

__all__ = ["CSV_COLUMNS", "THREAT_CONTEXTS", "Event", "events_csv", "events_jsonl",
           "record_events"]

EventType = Literal["CONSULT", "AGREE", "SUPPORT", "COOPERATE"]

# PLOVER's contexts are a fixed list; our 18 threat categories map onto the nearest ones (docs/events.md).
_T = ThreatCategory
THREAT_CONTEXTS: dict[ThreatCategory, tuple[str, ...]] = {
    _T.TERRORISM: ("terrorism",), _T.EXTREMISM: ("terrorism",), _T.SEPARATISM: ("territory",),
    _T.DRUG_TRAFFICKING: ("illegal_drugs", "trafficking"), _T.ARMS_TRAFFICKING: ("trafficking",),
    _T.HUMAN_TRAFFICKING: ("trafficking",), _T.TRANSNATIONAL_CRIME: ("crime",), _T.ORGANIZED_CRIME: ("crime",),
    _T.ECONOMIC_CRIME: ("crime",), _T.CORRUPTION: ("corruption",), _T.MONEY_LAUNDERING: ("crime",),
    _T.CYBERCRIME: ("cyber", "crime"), _T.TELECOM_FRAUD: ("cyber", "crime"), _T.GAMBLING: ("crime",),
    _T.ILLEGAL_MIGRATION: ("migration", "crime"), _T.PROPERTY_CRIME: ("crime",),
    _T.EXTERNAL_INTERFERENCE: ("misinformation",), _T.COLOR_REVOLUTION: ("political_institutions",),
}

# Cooperation areas (open vocabulary, see eval/dev/GOLD_FORMAT.md) that name a PLOVER context outright.
AREA_CONTEXTS: dict[str, tuple[str, ...]] = {
    "counter_terrorism": ("terrorism",), "intelligence_sharing": ("intelligence",),
    "anti_corruption": ("corruption",), "extradition": ("legal",), "fugitive_recovery": ("legal",),
    "legal_framework": ("legal",), "law_enforcement": ("crime",), "migration": ("migration",),
    "drug_control": ("illegal_drugs",), "cybersecurity": ("cyber",), "water_resources": ("natural_resource",),
}

# PLOVER: "When [trafficking, corruption, illegal_drugs] are coded, crime should typically not also be
# coded", except with cyber, where crime tells cyber-crime from state cyber actions.
_SPECIFIC_CRIME = frozenset({"trafficking", "corruption", "illegal_drugs"})

_QUAD = {"CONSULT": 1, "AGREE": 1, "SUPPORT": 1, "COOPERATE": 2}  # 1 verbal, 2 material cooperation
_REMOTE = frozenset({MeetingKind.PHONE_CALL, MeetingKind.VIDEO_CALL})
_HOSTED = frozenset({MeetingKind.VISIT, MeetingKind.RECEPTION})
_GATHERINGS = frozenset({MeetingKind.CONFERENCE, MeetingKind.SUMMIT})

# Past-tense material exchange: the cooperation happened. "agreed to exchange information" does not match
# (a promise is AGREE), nor does "exchanged views" (talk is CONSULT).
_MATERIAL_DONE = re.compile(
    r"\b(?:extradited|handed over|deported|transferred|exchanged (?:intelligence|information|data|lists)"
    r"|shared (?:intelligence|information|data)"
    r"|(?:conducted|held|carried out|launched) (?:a )?joint (?:operations?|exercises?|patrols?|raids?|drills?))\b",
    re.IGNORECASE)


class Event(BaseModel):
    """One PLOVER event derived from a record, with its evidence sentence."""

    event_id: str
    article_id: str
    article_sha256: str = Field(description="The article's content SHA-256, the key of diplo_extract.outputs.tables.")
    event_type: EventType
    mode: list[str] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    quad_code: int
    date: dt.date | None = None
    location: Location = Field(default_factory=Location)
    actor: list[str] = Field(default_factory=list, description="Country codes (or IGO) of the actor side.")
    recipient: list[str] = Field(default_factory=list)
    actor_names: list[str] = Field(default_factory=list)
    recipient_names: list[str] = Field(default_factory=list)
    evidence: str | None = Field(default=None, description="The sentence(s) holding the grounded span.")
    evidence_start: int | None = None
    evidence_end: int | None = None
    evidence_quote: str | None = Field(default=None, description="The quote the model proposed.")
    record_path: str = Field(description="Where in the record the event comes from, e.g. meetings[0].")
    publisher: str | None = None
    published: dt.date | None = None


def _entity(p: Participant) -> str | None:
    return p.country or ("IGO" if is_intergovernmental(p.organization) else None)


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _contexts(meeting: Meeting) -> list[str]:
    found: list[str] = []
    for threat in meeting.threats:
        found.extend(THREAT_CONTEXTS[threat.category])
    for area in meeting.cooperation_areas:
        found.extend(AREA_CONTEXTS.get(re.sub(r"[\s-]+", "_", area.strip().lower()), ()))
    contexts = _unique(found)
    if "crime" in contexts and "cyber" not in contexts and _SPECIFIC_CRIME.intersection(contexts):
        contexts.remove("crime")
    return contexts


class _Sides:
    """Who is actor and who recipient in a meeting, and the CONSULT modes that follow."""

    def __init__(self, meeting: Meeting):
        self.people = [(_entity(p), p.name or p.organization or "") for p in meeting.participants]
        self.everyone = _unique(code for code, _ in self.people)
        where = meeting.location.country
        self.modes: list[str] = []
        self.host: str | None = None
        if meeting.kind in _REMOTE:
            self.modes.append("phone")
        # "visit: actor is visiting, recipient is hosting": only when the host is known, i.e. the meeting took
        # place in one participant's country and someone came from elsewhere.
        if meeting.kind in _HOSTED and where in self.everyone and any(c != where for c, _ in self.people):
            self.host = where
            self.modes.append("visit")
        if meeting.kind in _GATHERINGS and len(self.everyone) >= 3:
            self.modes.append("multilateral")
        if meeting.kind not in _REMOTE and where and self.everyone and where not in self.everyone:
            self.modes.append("third-party")
        # With no host, PLOVER puts every participant in the actor field and leaves the recipient empty.
        self.actor = [c for c in self.everyone if c != self.host]
        self.recipient = [self.host] if self.host else []

    def names(self, codes: list[str], *, actor: bool) -> list[str]:
        """Names of the participants on one side; people of no known country count on the actor side."""
        return _unique(name for code, name in self.people if code in codes or (actor and code is None))


class _Builder:
    """Makes the events of one record: the article-level fields and the text are the same for all."""

    def __init__(self, record: ArticleExtraction, text: str | None, article_id: str):
        self.record, self.text, self.article_id = record, text, article_id
        self.events: list[Event] = []

    def add(self, suffix: str, event_type: EventType, meeting: Meeting, sides: _Sides, path: str,
            *spans: Span | None, date: dt.date | None, actor: list[str], recipient: list[str] | None = None,
            mode: list[str] | None = None) -> None:
        """Append one event; its evidence is the first of ``spans`` that is not None."""
        span = next((s for s in spans if s is not None), None)
        recipient = recipient or []
        event = Event(event_id=f"{self.article_id}-{suffix}", article_id=self.article_id,
                      article_sha256=self.record.article.content_sha256, event_type=event_type,
                      mode=mode or [], context=_contexts(meeting), quad_code=_QUAD[event_type], date=date,
                      location=meeting.location, actor=actor, recipient=recipient,
                      actor_names=sides.names(actor, actor=True), recipient_names=sides.names(recipient, actor=False),
                      evidence_quote=span.quote if span else None, record_path=path,
                      publisher=self.record.article.publisher, published=self.record.article.published)
        text = self.text
        if text is not None and span is not None and span.grounded and span.start is not None \
                and span.end is not None and span.end <= len(text):
            event.evidence_start, event.evidence_end = sentence_around(text, span.start, span.end)
            event.evidence = text[event.evidence_start:event.evidence_end]
        self.events.append(event)


def _agreement_events(out: _Builder, meeting: Meeting, i: int, sides: _Sides) -> bool:
    """Add the events of a meeting's agreements; True when one of them was signed there."""
    held = meeting.status is MeetingStatus.HELD
    signed = False
    for j, agreement in enumerate(meeting.agreements):
        parties = _unique(p if re.fullmatch(r"[A-Z]{2}", p) else "IGO" for p in agreement.parties) or sides.everyone
        kind: EventType = "AGREE"  # agreed, proposed, planned, and anything agreed at a meeting still to come
        actor, recipient = parties, []
        if held and agreement.status is AgreementStatus.SIGNED:
            kind, signed = "SUPPORT", True
        words = f"{agreement.summary} {agreement.evidence.quote if agreement.evidence else ''}"
        if held and agreement.status is AgreementStatus.AGREED and _MATERIAL_DONE.search(words):
            # COOPERATE requires a recipient: the host, else the other side of a two-party agreement; without
            # one the agreement stays AGREE.
            if sides.host:
                kind, actor, recipient = "COOPERATE", sides.actor, [sides.host]
            elif len(parties) == 2:
                kind, actor, recipient = "COOPERATE", parties[:1], parties[1:]
        out.add(f"m{i}-a{j}-{kind.lower()}", kind, meeting, sides, f"meetings[{i}].agreements[{j}]",
                agreement.evidence, meeting.evidence, date=meeting.date, actor=actor, recipient=recipient)
    return signed


def record_events(record: ArticleExtraction, text: str | None = None, *,
                  article_id: str | None = None) -> list[Event]:
    """Every PLOVER event of a record, in meeting order.

    Args:
        record: the extraction.
        text: the article text its offsets refer to; when None it is read from ``article.source_path`` (and
            events carry no evidence sentence if that fails).
        article_id: defaults to :func:`article_id_of`.
    """
    if text is None:
        text, _ = load_article_text(record)
    out = _Builder(record, text, article_id or article_id_of(record))
    for i, meeting in enumerate(record.meetings):
        sides = _Sides(meeting)
        held = meeting.status is MeetingStatus.HELD
        if held:
            out.add(f"m{i}-consult", "CONSULT", meeting, sides, f"meetings[{i}]", meeting.evidence,
                    date=meeting.date, actor=sides.actor, recipient=sides.recipient, mode=sides.modes)
        else:
            # Agreeing to meet happened when it was reported, not on the date the meeting is meant for.
            out.add(f"m{i}-agree", "AGREE", meeting, sides, f"meetings[{i}]", meeting.evidence,
                    date=record.article.published, actor=sides.everyone)
        signed = _agreement_events(out, meeting, i, sides)
        if held and meeting.kind is MeetingKind.SIGNING and not signed:
            out.add(f"m{i}-support", "SUPPORT", meeting, sides, f"meetings[{i}]", meeting.evidence,
                    date=meeting.date, actor=sides.everyone)
    return out.events


def events_jsonl(record: ArticleExtraction, text: str | None = None) -> str:
    """The record's events as JSON Lines (one event per line, trailing newline; empty when none)."""
    return "".join(event.model_dump_json() + "\n" for event in record_events(record, text))


#: CSV header: POLECAT's column names where POLECAT has the field, then this library's evidence columns.
CSV_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Quad Code", "Contexts", "Actor Name", "Actor Country",
    "Recipient Name", "Recipient Country", "City", "Country", "Source", "Publication Date", "Article ID",
    "Article SHA256", "Event Text", "Evidence Start", "Evidence End", "Evidence Quote", "Record Path",
)


def _row(e: Event) -> list[str]:
    cells: list[object] = [
        e.event_id, e.date, e.event_type, e.mode, e.quad_code, e.context, e.actor_names, e.actor, e.recipient_names,
        e.recipient, e.location.city, e.location.country, e.publisher, e.published, e.article_id, e.article_sha256,
        e.evidence, e.evidence_start, e.evidence_end, e.evidence_quote, e.record_path]
    return [";".join(c) if isinstance(c, list) else "" if c is None else str(c) for c in cells]


def events_csv(records: Iterable[ArticleExtraction | tuple[str, ArticleExtraction]],
               out: str | os.PathLike[str] | TextIO, *, header: bool = True) -> int:
    """Write the events of many records as CSV (:data:`CSV_COLUMNS`) and return the number of rows.

    ``records`` holds records, or ``(article_text, record)`` pairs when the texts are at hand; ``out`` is a
    path (written as UTF-8) or an open text stream such as ``sys.stdout``, where ``header=False`` appends
    rows record by record. Multi-valued cells use ";".
    """
    with contextlib.ExitStack() as stack:
        fh = stack.enter_context(open(out, "w", encoding="utf-8", newline="")) \
            if isinstance(out, str | os.PathLike) else out
        writer = csv.writer(fh)
        if header:
            writer.writerow(CSV_COLUMNS)
        rows = 0
        for item in records:
            text, record = item if isinstance(item, tuple) else (None, item)
            for event in record_events(record, text):
                writer.writerow(_row(event))
                rows += 1
    return rows
