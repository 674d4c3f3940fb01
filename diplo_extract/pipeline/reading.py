"""Asking the questions of one chunk: which sentences report interactions, then who took part in each.

The chunk is shown as numbered sentences after instructions that hold for every question; each question is
appended after the article, so the prompt up to the question is the same for every question of the chunk
and a backend with a prompt cache reads the article once. Answers name sentences by number, and code turns
numbers into the sentences' exact offsets.

Several interactions reported by one sentence ("received separately the ministers of A, B and C") are asked
about once; code then gives each interaction the host and one counterpart (or one counterpart country).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from diplo_extract.backends.base import Backend, UsageMeter
from diplo_extract.core.llm_schema import (
    LLMAgreement,
    LLMEvent,
    LLMMeeting,
    LLMMeetingStatus,
    LLMParticipant,
    LLMSentenceReport,
    LLMThreat,
)
from diplo_extract.errors import ModelOutputError
from diplo_extract.pipeline.attendance import NOT_A_NAME, lists_companions
from diplo_extract.pipeline.kinds import MEETING_VERB, lists_separate_meetings
from diplo_extract.pipeline.passes import AGREEMENTS, ARTICLE_PROMPT, EVENTS, PASSES, SENTENCE, THREATS, AnswerT, Pass
from diplo_extract.pipeline.people import clean_participant, is_title_token, participant_country, same_participant
from diplo_extract.pipeline.prompts import PromptTemplate, load_prompt
from diplo_extract.text.chunking import Chunk
from diplo_extract.text.countries import countries_in
from diplo_extract.text.injection import addresses_a_model
from diplo_extract.text.lexicon import reports_interaction
from diplo_extract.text.names import name_key, named_in
from diplo_extract.text.sentences import Sentence, in_headline

# Two or more capitalised words in Latin or Cyrillic script, with the particles of Arabic and European names:
# what a person's name looks like in these articles.
_CAPITAL = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_NAME = re.compile(rf"[{_CAPITAL}][\w'’-]+(?:\s+(?:(?:bin|ibn|al|Al|el|de|van|von)\s+)?[{_CAPITAL}][\w'’-]+)+")

# Follow-up questions per chunk for interactions reported with one side only: bounded, so a long list of
# one-sided reports cannot multiply the calls.
_MAX_FOLLOW_UPS = 4


@dataclass
class ChunkAnswers:
    """What the questions of one chunk found, in the shapes assembly takes."""

    meetings: list[LLMMeeting] = field(default_factory=list)
    threats: list[LLMThreat] = field(default_factory=list)
    agreements: list[LLMAgreement] = field(default_factory=list)
    # What went wrong without losing the chunk, as (warning code, message) for the record's warnings.
    notes: list[tuple[str, str]] = field(default_factory=list)


def _one_line(words: str) -> str:
    return " ".join(words.split())


OMITTED = "(omitted: text addressed to a language model, not news)"


def number_sentences(text: str, sentences: Sequence[Sentence]) -> str:
    """The sentences one per line, each after its number in brackets; instructions to a model left out."""
    return "\n".join(f"[{s.number}] {_shown(text[s.start:s.end])}" for s in sentences)


def _shown(words: str) -> str:
    return OMITTED if addresses_a_model(words) else _one_line(words)


def _vocabulary_word(summary: str) -> bool:
    # An answer like "law_enforcement" is the schema's vocabulary echoed back, not the article's words.
    words = summary.strip()
    return not words or ("_" in words and " " not in words)


class ChunkReader:
    """Asks the passes of :mod:`diplo_extract.pipeline.passes` about one chunk of an article."""

    def __init__(self, backend: Backend, *, threat_pass: bool, details_pass: bool):
        self.backend = backend
        self.threat_pass = threat_pass
        self.details_pass = details_pass
        self._prompts: dict[str, PromptTemplate] = {
            name: load_prompt(name) for name in (ARTICLE_PROMPT, *(question.name for question in PASSES))}

    def _ask(self, question: Pass[AnswerT], prefix: list[dict[str, str]], article_tokens: int,
             meter: UsageMeter, **values: str) -> AnswerT:
        asked = self._prompts[question.name].render_user(**values)
        messages = [*prefix[:-1], {"role": "user", "content": f"{prefix[-1]['content']}\n\n{asked}"}]
        return self.backend.generate(messages, question.response_model,
                                     max_tokens=question.max_tokens(article_tokens), meter=meter)

    def read(self, text: str, chunk: Chunk, sentences: Sequence[Sentence], meter: UsageMeter) -> ChunkAnswers:
        """Ask every question of the chunk whose sentences are ``sentences`` (numbered in the whole text)."""
        article = self._prompts[ARTICLE_PROMPT]
        prefix = [{"role": "system", "content": article.system.strip()},
                  {"role": "user", "content": article.render_user(sentences=number_sentences(text, sentences))}]
        tokens = self.backend.count_tokens(chunk.text)
        by_number = {s.number: s for s in sentences}
        answers = ChunkAnswers()
        events = _reporting(self._ask(EVENTS, prefix, tokens, meter).events, text, by_number)
        reported = sorted((e for e in events if e.status is not LLMMeetingStatus.BACKGROUND),
                          key=lambda e: (e.sentence, e.kind.value))
        follow_ups = _MAX_FOLLOW_UPS
        for (number, _kind), grouped in groupby(reported, key=lambda e: (e.sentence, e.kind)):
            group = list(grouped)
            sentence = text[by_number[number].start:by_number[number].end]
            if len(_union([p for e in group for p in e.participants])) < 2 and follow_ups > 0:
                # One side only (often the host alone): ask about this sentence alone.
                follow_ups -= 1
                report = self._follow_up(prefix, tokens, meter, number, sentence, answers)
                if report is not None and report.reports_interaction and len(report.participants) >= 2:
                    group = [e.model_copy(update={"participants": report.participants}) for e in group]
            answers.meetings.extend(_meetings_of(group, sentence))
        asked = {e.sentence for e in events}
        # Only once pass 1 found an interaction: an article it finds none in is asked nothing more, so
        # articles without a meeting keep none.
        missed = _missed(text, sentences, asked, answers.meetings) if answers.meetings else []
        for candidate in missed[:follow_ups]:
            words = text[candidate.start:candidate.end]
            # A sentence with words for an interaction that names someone pass 1 did not: a small model lists
            # the first of several interactions and stops, so each such sentence is asked about alone.
            report = self._follow_up(prefix, tokens, meter, candidate.number, words, answers)
            # The question is about the person or country the sentence adds; an answer without any of
            # them repeats an interaction already found (a small model copies the first one it read). A list
            # of who came with someone is that person's meeting, not one of its own: code adds its people.
            if report is not None and report.reports_interaction and not lists_companions(words) \
                    and report.status is not LLMMeetingStatus.BACKGROUND \
                    and _adds_someone(report.participants, *_known_in_body(text, sentences, answers.meetings)):
                event = LLMEvent(sentence=candidate.number, kind=report.kind, status=report.status,
                                 date_text=report.date_text, participants=report.participants)
                answers.meetings.append(_meeting(event, text[candidate.start:candidate.end], event.participants))
        if not self.details_pass or not any(m.participants for m in answers.meetings):
            return answers
        if self.threat_pass:
            try:
                answers.threats = self._ask(THREATS, prefix, tokens, meter).threats
            except ModelOutputError as exc:
                # The optional pass failing (a runaway answer) costs its threats, not the article's meetings:
                # the lexicon still runs.
                answers.notes.append(("threat_pass_failed",
                                      f"the threat pass gave no valid answer ({exc}); threats are the lexicon's"))
        try:
            agreed = self._ask(AGREEMENTS, prefix, tokens, meter).agreements
        except ModelOutputError as exc:
            # As with threats: the meetings already read are kept, without agreements.
            answers.notes.append(("agreement_pass_failed", f"the agreement pass gave no valid answer ({exc})"))
            agreed = []
        for item in agreed:
            stated = by_number.get(item.sentence)
            if stated is None or _vocabulary_word(item.summary):
                continue
            answers.agreements.append(LLMAgreement(quote=text[stated.start:stated.end][:160],
                                                   summary=item.summary, status=item.status))
        return answers

    def _follow_up(self, prefix: list[dict[str, str]], tokens: int, meter: UsageMeter, number: int,
                   sentence: str, answers: ChunkAnswers) -> LLMSentenceReport | None:
        """The answer to the question about one sentence, or None when it never validated.

        A follow-up refines what the first question found; a runaway answer (a list of a dozen people with
        long titles outgrowing its token bound) costs that refinement, not the chunk's meetings.
        """
        try:
            report = self._ask(SENTENCE, prefix, tokens, meter, sentence=str(number), words=_one_line(sentence))
        except ModelOutputError as exc:
            answers.notes.append(("follow_up_failed", f"the question about sentence {number} gave no valid "
                                  f"answer ({exc}); the sentence keeps what the first question found"))
            return None
        return report.model_copy(update={"participants": _of_the_sentence(report.participants, sentence)})


def _of_the_sentence(people: list[LLMParticipant], sentence: str) -> list[LLMParticipant]:
    """The people of an answer about one sentence that the sentence names, and its subject if it names them not.

    A small model asked about one sentence of a list of calls answers with everyone of the paragraph ("The
    Prime Minister called on A and B." came back with the president and five ministers of the sentences
    around it). The sentence's subject may stand as a title or a pronoun ("The Prime Minister", "He"): the
    first person the answer names that the sentence does not is kept for it, when the sentence has a word for
    meeting and no named person stands before it. An answer about a sentence that names none of its people stands.
    """
    cleaned = [clean_participant(p) for p in people]
    named = [p for p, c in zip(people, cleaned, strict=True)
             if not c.name.strip() or named_in(c.name, sentence) or named_in(p.name, sentence)]
    if not any(named_in(c.name, sentence) for c in cleaned):
        return people  # a sentence that names nobody ("The Forum was held in Canberra"): its people are elsewhere
    verb = MEETING_VERB.search(sentence)
    subject = sentence[:verb.start()] if verb else ""
    if verb is None or any(named_in(p.name, subject) for p in cleaned):
        return named
    unnamed = [p for p in people if p not in named]
    return [*unnamed[:1], *named]


def _missed(text: str, sentences: Sequence[Sentence], asked: set[int],
            meetings: list[LLMMeeting]) -> list[Sentence]:
    """Sentences pass 1 did not name that report an interaction and name a country or person it did not.

    People and countries known only from the headline do not count: a headline sums up the meetings the body
    reports one by one ("Minister met with the Head of the EU Delegation, Ambassadors of Armenia and Iran").
    """
    known_people, known_countries = _known_in_body(text, sentences, meetings)
    missed: list[tuple[bool, int, Sentence]] = []
    for sentence in sentences:
        words = text[sentence.start:sentence.end]
        if (sentence.number in asked or not reports_interaction(words) or addresses_a_model(words)
                or lists_separate_meetings(words)):  # code reads these lists whole
            continue
        new_countries = set(countries_in(words)) - known_countries
        new_people = {name_key(n) for n in _NAME.findall(words) if _may_be_a_person(n)} - known_people
        if new_countries or new_people:
            missed.append((in_headline(text, sentence.start), -len(new_people), sentence))
    # The follow-ups are few: the headline's summary comes last, and the sentences that name the most people
    # pass 1 did not come first ("the Prime Minister met A, Minister for X, B, Minister for Y, ..."); those that
    # only name a new country ("During the meeting, the parties discussed ... the EU") come after them.
    return [sentence for *_, sentence in sorted(missed, key=lambda item: (item[0], item[1], item[2].number))]


def _known_in_body(text: str, sentences: Sequence[Sentence],
                   meetings: list[LLMMeeting]) -> tuple[set[str], set[str | None]]:
    """The people (name keys) and countries of the meetings the body reports; the headline's count for none."""
    starts = {s.number: s.start for s in sentences}
    body = [m for m in meetings if m.sentence not in starts or not in_headline(text, starts[m.sentence])]
    people = {name_key(p.name) for m in body for p in m.participants if p.name.strip()}
    countries = {participant_country(p.country, p.title, p.organization) for m in body for p in m.participants}
    return people, countries


def _adds_someone(people: list[LLMParticipant], known_people: set[str], known_countries: set[str | None]) -> bool:
    """Whether ``people`` hold a person or country not already known."""
    for person in people:
        country = participant_country(person.country, person.title, person.organization)
        if (person.name.strip() and name_key(person.name) not in known_people) or (
                country is not None and country not in known_countries):
            return True
    return False


def _may_be_a_person(words: str) -> bool:
    """Whether capitalised words may be a person's name.

    Not when they are all title words, hold a body's or gathering's word ("Legal Issues Working Group",
    "Ministerial Forum") or are a heading in capitals.
    """
    tokens = words.split()
    return (not words.isupper() and not all(is_title_token(token) for token in tokens)
            and not any(NOT_A_NAME.fullmatch(token) for token in tokens))


def _reporting(events: list[LLMEvent], text: str, by_number: dict[int, Sentence]) -> list[LLMEvent]:
    """Events whose sentence is in the chunk and has words that report an interaction.

    A small model often lists every sentence about a meeting as another meeting ("Zhao said ...", "The two
    sides agreed ..."); the sentence that reports the interaction has a word for it (met, held talks, phone,
    会见, встреча, hội đàm ...). When no event's sentence has one, the model's first event stands.
    """
    inside = [e for e in events if e.sentence in by_number]
    kept = [e for e in inside
            if reports_interaction(text[by_number[e.sentence].start:by_number[e.sentence].end])]
    return kept or inside[:1]


def _names(event: LLMEvent) -> frozenset[str]:
    return frozenset(p.name.strip().casefold() for p in event.participants)


def _union(people: list[LLMParticipant]) -> list[LLMParticipant]:
    kept: list[LLMParticipant] = []
    for person in people:
        if not any(same_participant(person.name.strip(), person.organization.strip(), other.name.strip(),
                                    other.organization.strip()) for other in kept):
            kept.append(person)
    return kept


def _meeting(event: LLMEvent, sentence: str, people: list[LLMParticipant]) -> LLMMeeting:
    return LLMMeeting(quote=sentence, kind=event.kind, status=event.status, date_text=event.date_text,
                      city=event.city, participants=[clean_participant(p) for p in people],
                      sentence=event.sentence)


def _meetings_of(events: list[LLMEvent], sentence: str) -> list[LLMMeeting]:
    """One meeting per event of one sentence.

    When the model gave each event of the sentence its own people, they stand; when it gave them all the
    same people, the counterparts are shared out: one counterpart country, or one counterpart, per event.
    """
    if len(events) == 1 or len({_names(e) for e in events}) == len(events):
        return [_meeting(e, sentence, e.participants) for e in events]
    people = _union([p for e in events for p in e.participants])
    named = [p for p in people if p.name.strip()]
    if not named:
        return [_meeting(events[0], sentence, people)]
    host = named[0]
    host_country = participant_country(host.country, host.title, host.organization)
    sides: dict[str | None, list[LLMParticipant]] = {}
    for person in people:
        if person is host:
            continue
        country = participant_country(person.country, person.title, person.organization)
        sides.setdefault(None if country == host_country else country, []).append(person)
    companions = sides.pop(None, [])
    counterparts = [p for p in people if p is not host and p not in companions]
    if len(sides) == len(events):  # one counterpart country per interaction
        groups = list(sides.values())
    elif len(counterparts) == len(events):  # one counterpart per interaction
        groups = [[p] for p in counterparts]
    else:  # the answer does not say who met whom: one interaction with everyone, as reported
        return [_meeting(events[0], sentence, people)]
    return [_meeting(event, sentence, [host, *companions, *group]) for event, group in zip(events, groups, strict=True)]
