"""From what the model said to the public record: grounding, normalisation, dates, de-duplication.

Plain deterministic Python: the same model output and article always give the same record. The model's
quotes become character spans, its country names become ISO codes, its date phrases become ISO dates
resolved against the dateline, and anything it named that is not in the article is dropped with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from diplo_extract.core.llm_schema import LLMAgreement, LLMMeeting, LLMMeetingStatus, LLMThreat
from diplo_extract.core.schema import (
    Agreement,
    ExtractionWarning,
    Location,
    MatchMethod,
    Meeting,
    MeetingStatus,
    Participant,
    Span,
    Threat,
    ThreatCategory,
)
from diplo_extract.pipeline.attribution import MeetingLocator
from diplo_extract.pipeline.delegations import same_state, stands_for
from diplo_extract.pipeline.kinds import SIDELINES
from diplo_extract.pipeline.people import (
    as_delegation,
    participant_country,
    same_participant,
    serves_intergovernmental_body,
)
from diplo_extract.text.countries import country_named_exactly, to_country_code
from diplo_extract.text.dates import date_phrase_in, in_publication_line, resolve_date, spans_several_days
from diplo_extract.text.grounding import locate
from diplo_extract.text.lexicon import find_cooperation_areas, find_threats
from diplo_extract.text.names import kazakh_nominative, name_key
from diplo_extract.text.sentences import in_headline

_HOME_COUNTRY = {"zh": "CN", "vi": "VN", "kk": "KZ"}
# The title of whoever speaks for a ministry, right before their name: the source of the report, not a
# participant of what it reports ("ресми өкілі Нұрділдә Ораз мәлім етті", "spokesman John Kirby said").
_SPOKESPERSON = re.compile(
    r"(?:spokes(?:man|woman|person)|press secretary|пресс-секретар\w*|официальн\w+ представител\w*|"
    r"ресми өкіл\w*|баспасөз хатшы\w*|phát ngôn(?: viên)?|发言人)"
    # the body may stand between the title and the name: "официальный представитель МВД Иван Петров"
    r"(?-i:\s+[A-ZА-ЯЁ][^\s,.;:]*){0,2}[\s,:—–-]*$", re.IGNORECASE)
# A mention of the same person as the one who speaks: "..., - деді Нұрділдә Ораз", "said John Kirby".
_SAID = re.compile(r"(?:said|says|told|деді|сказал\w*|заявил\w*|cho biết|nói)[\s,:—–-]*$", re.IGNORECASE)
# How far before a name its title is looked for.
_TITLE_REACH = 40
# Paragraphs after the headline that open a story (the publication line counts as one and never dates).
_OPENING_PARAGRAPHS = 4
_STATUS = {
    LLMMeetingStatus.HELD: MeetingStatus.HELD,
    LLMMeetingStatus.PLANNED: MeetingStatus.PLANNED,
    LLMMeetingStatus.PROPOSED: MeetingStatus.PROPOSED,
}


@dataclass
class Assembler:
    """Builds public records for one article, collecting warnings as it goes."""

    text: str
    anchor: dt.date | None
    drop_ungrounded: bool = False
    # Where the wire dateline writes its date (:attr:`~diplo_extract.text.dates.ArticleDates.dateline_at`).
    dateline_at: tuple[int, int] | None = None
    language: str | None = None  # ISO 639-1 of the article, for the lexicons and the home country
    warnings: list[ExtractionWarning] = field(default_factory=list)
    _name_spans: dict[str, Span] = field(default_factory=dict, repr=False)

    def warn(self, code: str, message: str, path: str | None = None) -> None:
        """Record something the caller should know about the record."""
        self.warnings.append(ExtractionWarning(code=code, message=message, path=path))

    def ground(self, quote: str, path: str, *, search_from: int = 0) -> Span | None:
        """Locate a quote; an unlocatable quote is kept ungrounded (and warned about) or dropped."""
        quote = quote.strip()
        if not quote:
            return None
        span = locate(quote, self.text, search_from=search_from)
        if not span.grounded:
            self.warn("ungrounded", f"quote not found in the article: {quote[:80]!r}", path)
        return span

    def _keep(self, span: Span | None) -> bool:
        return not (self.drop_ungrounded and span is not None and not span.grounded)

    def _home_country(self, country: str, title: str | None, organization: str | None) -> str | None:
        # Chinese, Vietnamese and Kazakh sources name their own national bodies without the country (公安部,
        # Bộ Công an, Ішкі істер министрлігі); a participant with a title or body and no country there is the
        # publisher's. Russian-language sources are published in several countries, so they get no default.
        if country.strip() or not (title or organization) or serves_intergovernmental_body(title, organization):
            return None
        return _HOME_COUNTRY.get(self.language or "")

    def name_span(self, name: str) -> Span:
        """Where a person's name stands in the article (located once per name, however often it is asked)."""
        span = self._name_spans.get(name)
        if span is None:
            span = self._name_spans[name] = locate(name, self.text)
        return span

    def date_in_text(self, date_text: str, path: str) -> str | None:
        """The date phrase when the article contains it; a phrase it does not contain was made up."""
        phrase = date_text.strip()
        if phrase and not locate(phrase, self.text, fuzzy_threshold=90).grounded:
            # Often the press release's own date, or a weekday the model guessed.
            self.warn("date_not_in_text", f"ignored date {phrase!r}: not in the article", path)
            return None
        places = [m.start() for m in re.finditer(re.escape(phrase), self.text)] if phrase else []
        if places and all(in_publication_line(self.text, at) for at in places):
            # The file's "date 2002-10-26" line says when it was published, not when the meeting was.
            self.warn("date_is_publication", f"ignored date {phrase!r}: the article's publication line", path)
            return None
        if self._only_in_dateline(phrase):
            self.warn("date_is_dateline", f"ignored date {phrase!r}: the dateline's, the day the story was filed",
                      path)
            return None
        return phrase or None

    def _only_in_dateline(self, phrase: str | None) -> bool:
        """Whether the article writes ``phrase`` only as its dateline's date ("UZBEKISTAN, April 19 - ...").

        A wire dateline says when the story was filed; a meeting it reports is dated by the story's own words
        ("on Monday", "on 18 August"), resolved against the dateline, or not at all.
        """
        if not phrase or self.dateline_at is None:
            return False
        start, end = self.dateline_at
        places = [m.start() for m in re.finditer(re.escape(phrase), self.text)]
        return bool(places) and all(start <= at < end for at in places)

    def without_invented(self, meeting: LLMMeeting, path: str) -> LLMMeeting:
        """The meeting without participants and a date phrase the article does not contain.

        Done before meetings are merged: two reports of one interaction differ by an invented date.
        """
        meeting = self.without_invented_people(meeting, path)
        date_text = self.date_in_text(meeting.date_text, path) or ""
        return meeting if date_text == meeting.date_text else meeting.model_copy(update={"date_text": date_text})

    def without_invented_people(self, meeting: LLMMeeting, path: str) -> LLMMeeting:
        """The meeting minus participants whose names the article does not contain.

        A name the article does not contain is invented (or copied from the prompt), not an ungrounded
        fact: leaving it in would put a person in a meeting they never attended.
        """
        kept = []
        for person in meeting.participants:
            if self.language == "kk" and person.name.strip():
                # The case ending off first: "Испания Корольдігімен" (with the Kingdom of Spain) is a state.
                person = as_delegation(person.model_copy(update={"name": kazakh_nominative(person.name)}))
            if person.name.strip():
                name = portfolio_stripped(person.name.strip(), self.text)
                if not name:
                    self.warn("participant_is_a_portfolio",
                              f"dropped participant {person.name!r}: the article writes it in a title", path)
                    continue
                person = person.model_copy(update={"name": name})
            if person.name.strip() and not self.name_span(person.name.strip()).grounded:
                self.warn("participant_not_in_text", f"dropped participant {person.name!r}: not in the article",
                          path)
                continue
            if person.name.strip() and self._speaks_for_a_ministry(person.name.strip()):
                self.warn("participant_is_a_spokesperson",
                          f"dropped participant {person.name!r}: the article names them as the spokesperson", path)
                continue
            kept.append(person)
        return meeting.model_copy(update={"participants": kept})

    def _speaks_for_a_ministry(self, name: str) -> bool:
        """Whether the article names ``name`` as a spokesperson and otherwise only as the one who speaks."""
        before = [self.text[max(0, m.start() - _TITLE_REACH):m.start()]
                  for m in re.finditer(re.escape(name), self.text)]
        return (any(_SPOKESPERSON.search(words) for words in before)
                and all(_SPOKESPERSON.search(words) or _SAID.search(words) for words in before))

    def participants(self, meeting: LLMMeeting, path: str) -> list[Participant]:
        """Participants, one per person, with ISO countries; invented people were dropped before merging."""
        people: list[Participant] = []
        for raw in meeting.participants:
            name = raw.name.strip() or None
            organization = raw.organization.strip() or None
            title = raw.title.strip() or None
            if name is None and organization is None:
                continue
            evidence = self.name_span(name) if name is not None else locate(organization or "", self.text)
            if any(same_participant(existing.name, existing.organization, name, organization) for existing in people):
                continue
            people.append(Participant(
                name=name,
                name_key=name_key(name) if name else None,
                title=title,
                organization=organization,
                country=(participant_country(raw.country, title, organization)
                         or self._home_country(raw.country, title, organization)),
                evidence=evidence if evidence is not None and evidence.grounded else None,
            ))
        # "Australia" as an unnamed delegation says no more than a named Australian in the same meeting does, and
        # a "delegation" whose body holds a participant's name ("Phó Trợ lý Bộ trưởng ... Matthew H.King") is that
        # participant's title.
        named = [p for p in people if p.name]
        named_countries = {p.country for p in named if p.country}
        names = [_letters(p.name) for p in named if p.name]
        kept: list[Participant] = []
        for p in people:
            restated = p.organization and not p.name and (
                (p.country in named_countries and country_named_exactly(p.organization) is not None)
                or any(name in _letters(p.organization) for name in names)
                or any(stands_for(p, person) for person in named)
                or any(same_state(p, other) for other in kept))
            if not restated:
                kept.append(p)
        return kept

    def threats(self, raw_threats: list[LLMThreat], locator: MeetingLocator) -> list[tuple[Threat, set[int]]]:
        """Threats, one per category, from the model's pass and the lexicon, with the meetings they concern."""
        found: dict[ThreatCategory, tuple[Threat, set[int]]] = {}
        for raw in raw_threats:
            if raw.category in found:
                continue
            span = locate(raw.quote.strip(), self.text) if raw.quote.strip() else None
            if span is None or not span.grounded:
                # A threat is named by its words: words the article does not contain (a category name, or the
                # prompt's examples) mean the model invented the threat, as with an invented participant.
                self.warn("threat_not_in_text", f"dropped {raw.category.value}: {raw.quote[:60]!r} is not in "
                          "the article", f"threats[{len(found)}]")
                continue
            owners = locator.owners_of(raw.quote, self.text, span.start if span else None)
            # The words settle the category where they name one: a small model files "people smuggling" under
            # human trafficking, which the article's words do not say.
            named = [hit.category for hit in find_threats(raw.quote, self.language)]
            category = raw.category if not named or raw.category in named else named[0]
            if category in found:
                continue
            found[category] = (
                Threat(category=category, description=raw.quote.strip() or None, evidence=span), owners)
        for hit in find_threats(self.text, self.language):
            owners = locator.owners_at(hit.start)
            if hit.category in found:
                threat, known = found[hit.category]
                if threat.detected_by == "model":
                    threat = threat.model_copy(update={"detected_by": "both"})
                found[hit.category] = (threat, known | owners)
                continue
            words = self.text[hit.start:hit.end]
            evidence = Span(quote=words, start=hit.start, end=hit.end, grounded=True, match=MatchMethod.EXACT,
                            score=100.0)
            found[hit.category] = (
                Threat(category=hit.category, description=words, detected_by="lexicon", evidence=evidence), owners)
        return list(found.values())

    def cooperation(self, locator: MeetingLocator) -> list[tuple[str, set[int]]]:
        """Cooperation areas the lexicon finds, each with the meetings it concerns."""
        return [(hit.category.value, locator.owners_at(hit.start))
                for hit in find_cooperation_areas(self.text, self.language)]

    def agreements(self, raw_agreements: list[LLMAgreement],
                   locator: MeetingLocator) -> list[tuple[LLMAgreement, Span | None, set[int]]]:
        """Agreements grounded on their quotes, de-duplicated, with the meetings they concern."""
        result: list[tuple[LLMAgreement, Span | None, set[int]]] = []
        seen: set[str] = set()
        for raw in raw_agreements:
            key = (raw.quote.strip() or raw.summary.strip()).casefold()
            if not (raw.summary.strip() or raw.quote.strip()) or key in seen:
                continue
            span = self.ground(raw.quote, f"agreements[{len(result)}]")
            if not self._keep(span):
                continue
            seen.add(key)
            result.append((raw, span, locator.owners_of(raw.quote, self.text, span.start if span else None)))
        return result

    def _paragraph_before(self, quote: str) -> str:
        """The words of the paragraph holding ``quote`` that come before it ("" when it is not found)."""
        at = self.text.find(quote.strip()) if quote.strip() else -1
        return self.text[self.text.rfind("\n", 0, at) + 1:at] if at > 0 else ""

    def _opening(self) -> str:
        """The article's first paragraphs after its headline: where a news story says when it happened."""
        paragraphs = [part for part in re.split(r"\n\s*\n", self.text.strip()) if part.strip()]
        return "\n\n".join(paragraphs[1:1 + _OPENING_PARAGRAPHS])

    def meeting(self, raw: LLMMeeting, path: str, previous_date: dt.date | None, *,
                threats: list[Threat], areas: list[str],
                agreements: list[tuple[LLMAgreement, Span | None]], lead: bool = True) -> Meeting | None:
        """One public meeting, or None for a meeting with nobody identifiable (background events never get here).

        ``lead``: the article's first meeting, which the lead's date may date from outside its own sentence.
        """
        evidence = self.ground(raw.quote, path)
        participants = self.participants(raw, path)
        if not participants:
            self.warn("meeting_without_participants", f"dropped a {raw.kind.value}: no participant found",
                      path)
            return None
        date_text = self.date_in_text(raw.date_text, path)
        if date_text and not lead and date_text.casefold() not in raw.quote.casefold():
            # Past the article's first meeting (which the lead dates), a date the sentence reporting the
            # meeting does not hold is another event's: the lead's date given to each bilateral "during the
            # visit".
            self.warn("date_not_in_sentence", f"ignored date {date_text!r}: not in the sentence that reports "
                      "the meeting", path)
            date_text = None
        date = resolve_date(date_text, self.anchor, previous=previous_date) if date_text else None
        if date is None:
            # The model gave no date it could be held to; the sentence that reports the meeting often has one.
            written = date_phrase_in(raw.quote)
            if written is None and lead:
                # "Сегодня в Душанбе состоялось заседание ... Президент принял ...": the lead paragraph dates
                # the story once, in an earlier sentence.
                written = date_phrase_in(self._paragraph_before(raw.quote))
            if written is None and lead and evidence is not None and evidence.start is not None \
                    and in_headline(self.text, evidence.start):
                # A story known only from its headline is dated by its opening paragraphs ("Силовики из
                # Зимбабве помогут МВД РФ ..." / "документ был подписан накануне, 3 февраля").
                written = date_phrase_in(self._opening())
            if written is not None and self._only_in_dateline(written):
                # The sentence opens with the dateline: its own date, if any, stands after it.
                written = date_phrase_in(raw.quote[raw.quote.find(written) + len(written):])
            found = resolve_date(written, self.anchor, previous=previous_date) if written else None
            if found is not None:
                date, date_text = found, written
            elif previous_date is not None and SIDELINES.search(raw.quote):
                # "In the framework of the session ... the meeting between A and B took place": a meeting on the
                # sidelines of the gathering reported before it is dated by that gathering.
                date = previous_date
        if date is not None and date_text and spans_several_days(date_text):
            # A meeting of several days ("held in Beijing on 21-22 May") has no one date: its first day would
            # be read as the day it met. The phrase stays as written.
            self.warn("date_is_a_span", f"no single date for {date_text!r}: it spans several days", path)
            date = None
        parties = list(dict.fromkeys(p.country for p in participants if p.country))
        city = raw.city.strip() or None
        return Meeting(
            kind=raw.kind,
            status=_STATUS[raw.status],
            date=date,
            date_text=date_text,
            location=Location(city=city, country=to_country_code(city) if city else None),
            participants=participants,
            cooperation_areas=list(dict.fromkeys(areas)),
            agreements=[
                Agreement(summary=a.summary.strip() or a.quote.strip(), status=a.status, parties=list(parties),
                          evidence=span)
                for a, span in agreements
            ],
            threats=list(threats),
            summary=describe(raw),
            evidence=evidence,
        )


def _letters(text: str) -> str:
    """The letters and digits of ``text``, case-folded: "Matthew H.King" and "Matthew H. King" read the same."""
    return re.sub(r"\W", "", text.casefold())


def portfolio_stripped(name: str, text: str) -> str:
    """``name`` without the portfolio a model copied from the title before it; "" when it is only a portfolio.

    "Minister for Law Mr K Shanmugam" and "Senior Minister of State for Law Edwin Tong" make a small model
    answer "Law" or "Law Edwin Tong": a word the article writes only right after "of" or "for" is the
    portfolio of a title, not part of a name.
    """
    tokens = name.split()
    for cut in range(1, len(tokens) - 1):
        head, rest = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        if re.search(rf"\b(?:of|for)\s+{re.escape(head)}\s+{re.escape(rest)}", text):
            return rest
    places = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)]
    if places and all(re.search(r"\b(?:of|for)\s+(?:the\s+)?$", text[max(0, at - 12):at]) for at in places):
        return ""
    return name


def describe(raw: LLMMeeting) -> str:
    """A one-line description of a meeting, used as its summary."""
    people = ", ".join(
        " ".join(part for part in (p.name or p.organization, f"({p.country})" if p.country else "") if part)
        for p in raw.participants
    )
    when = f" {raw.date_text}" if raw.date_text else ""
    where = f" in {raw.city}" if raw.city else ""
    return f"{raw.kind.value.replace('_', ' ')}{when}{where} between {people}" if people else raw.kind.value
