"""Asking the questions of one chunk: which sentences report interactions, then who took part in each.

The chunk is shown as numbered sentences after instructions that hold for every question; each question is
appended after the article, so the prompt up to the question is the same for every question of the chunk
and a backend with a prompt cache reads the article once. Answers name sentences by number, and code turns
numbers into the sentences' exact offsets.

Several interactions reported by one sentence ("received separately the ministers of A, B and C") are asked
about once; code then gives each interaction the host and one counterpart (or one counterpart country).
"""

from __future__ import annotations

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
    LLMThreat,
)
from diplo_extract.pipeline.passes import AGREEMENTS, ARTICLE_PROMPT, EVENTS, PASSES, PEOPLE, THREATS, AnswerT, Pass
from diplo_extract.pipeline.people import clean_participant, participant_country
from diplo_extract.pipeline.prompts import PromptTemplate, load_prompt
from diplo_extract.text.chunking import Chunk
from diplo_extract.text.sentences import Sentence


@dataclass
class ChunkAnswers:
    """What the questions of one chunk found, in the shapes assembly takes."""

    meetings: list[LLMMeeting] = field(default_factory=list)
    threats: list[LLMThreat] = field(default_factory=list)
    agreements: list[LLMAgreement] = field(default_factory=list)


def number_sentences(text: str, sentences: Sequence[Sentence]) -> str:
    """The sentences one per line, each after its number in brackets."""
    return "\n".join(f"[{s.number}] {' '.join(text[s.start:s.end].split())}" for s in sentences)


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
        events = [e for e in self._ask(EVENTS, prefix, tokens, meter).events if e.sentence in by_number]
        reported = sorted((e for e in events if e.status is not LLMMeetingStatus.BACKGROUND),
                          key=lambda e: (e.sentence, e.kind.value))
        for (number, kind), group in groupby(reported, key=lambda e: (e.sentence, e.kind)):
            people = self._ask(PEOPLE, prefix, tokens, meter, sentence=str(number),
                               kind=kind.value.replace("_", " ")).participants
            sentence = by_number[number]
            answers.meetings.extend(_meetings_of(list(group), text[sentence.start:sentence.end],
                                                 [clean_participant(p) for p in people]))
        if not self.details_pass or not any(m.participants for m in answers.meetings):
            return answers
        if self.threat_pass:
            answers.threats = self._ask(THREATS, prefix, tokens, meter).threats
        for item in self._ask(AGREEMENTS, prefix, tokens, meter).agreements:
            stated = by_number.get(item.sentence)
            if stated is None or _vocabulary_word(item.summary):
                continue
            answers.agreements.append(LLMAgreement(quote=text[stated.start:stated.end][:160],
                                                   summary=item.summary, status=item.status))
        return answers


def _meeting(event: LLMEvent, sentence: str, people: list[LLMParticipant]) -> LLMMeeting:
    return LLMMeeting(quote=sentence, kind=event.kind, status=event.status, date_text=event.date_text,
                      city=event.city, participants=people, sentence=event.sentence)


def _meetings_of(events: list[LLMEvent], sentence: str, people: list[LLMParticipant]) -> list[LLMMeeting]:
    """One meeting per event of one sentence, sharing out the counterparts when there are several events."""
    if len(events) == 1:
        return [_meeting(events[0], sentence, people)]
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
