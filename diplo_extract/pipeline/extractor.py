"""The extraction pipeline for one article.

read -> article dates -> sentences -> chunks -> per chunk (:mod:`diplo_extract.pipeline.reading`): which
sentences report interactions, who took part in each, the agreements, the optional threat pass -> split
and merge meetings -> threats and areas from the lexicon -> attribute them and the agreements to meetings by
position -> assemble (grounding, normalisation, dates) -> ArticleExtraction.

Small questions instead of one large one: a 1.5B model fills a short, flat shape far more reliably than a
deep one, and with the article in the shared prefix each further question costs only its own tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time

from diplo_extract.backends.base import Backend, UsageMeter
from diplo_extract.core.llm_schema import LLMMeetingStatus
from diplo_extract.core.options import ExtractOptions
from diplo_extract.core.schema import ArticleExtraction, ArticleMeta, Meeting, Provenance, TokenUsage
from diplo_extract.core.version import __version__
from diplo_extract.pipeline.assemble import Assembler, describe
from diplo_extract.pipeline.attendance import (
    attendance_lists,
    with_attendees,
    with_list_countries,
    with_other_end,
)
from diplo_extract.pipeline.attribution import MeetingLocator
from diplo_extract.pipeline.delegation_lists import delegation_lists, with_delegation_lists
from diplo_extract.pipeline.delegations import attending_groups, with_publisher_hosts
from diplo_extract.pipeline.kinds import (
    anchored_to_report,
    host_of_separate_meetings,
    kind_from_report,
    split_bilateral_calls,
    status_from_report,
    unasked_separate_meetings,
    with_cochaired_sessions,
)
from diplo_extract.pipeline.merge import merge_meetings, without_copied_people, without_headline_summaries
from diplo_extract.pipeline.people import names_a_person
from diplo_extract.pipeline.prompts import prompt_version
from diplo_extract.pipeline.reading import ChunkAnswers, ChunkReader
from diplo_extract.text.chunking import split_into_chunks
from diplo_extract.text.dates import find_article_dates
from diplo_extract.text.injection import addresses_a_model
from diplo_extract.text.language import detect_language
from diplo_extract.text.reader import ArticleSource
from diplo_extract.text.sentences import in_headline, split_sentences


class Extractor:
    """Runs the pipeline with one backend; reusable across articles (the model stays loaded)."""

    def __init__(self, backend: Backend, options: ExtractOptions | None = None):
        self.backend = backend
        self.options = options or ExtractOptions()
        self._reader = ChunkReader(backend, threat_pass=self.options.threat_pass,
                                   details_pass=self.options.details_pass)

    def extract(self, source: ArticleSource) -> ArticleExtraction:
        """Extract every meeting the article reports.

        Raises:
            DiploExtractError subclasses: TransportError, ModelOutputError, TokenBudgetExceededError, ...
        """
        started = time.perf_counter()
        extracted_at = dt.datetime.now(dt.UTC)
        text = source.text
        meter = UsageMeter(token_budget=self.options.token_budget)
        # The file's own metadata (JSON "published", HTML <meta>) when the caller gave no date.
        dates = find_article_dates(text, published_hint=self.options.published or source.published_date)
        chunks = split_into_chunks(text, max_tokens=self.options.chunk_tokens,
                                   count_tokens=self.backend.count_tokens)

        sentences = split_sentences(text)
        answers = ChunkAnswers()
        for chunk in chunks:
            end = chunk.start + len(chunk.text)
            inside = [s for s in sentences if chunk.start <= s.start and s.end <= end]
            part = self._reader.read(text, chunk, inside, meter)
            answers.meetings.extend(part.meetings)
            answers.threats.extend(part.threats)
            answers.agreements.extend(part.agreements)
            answers.notes.extend(part.notes)
        language = detect_language(text)
        assembler = Assembler(text=text, anchor=dates.anchor, dateline_at=dates.dateline_at,
                              drop_ungrounded=self.options.drop_ungrounded,
                              language=language)
        for code, note in answers.notes:
            assembler.warn(code, note)
        for sentence in sentences:
            if addresses_a_model(text[sentence.start:sentence.end]):
                assembler.warn("instruction_in_text", f"sentence {sentence.number} addresses a language model; "
                               "it was not shown to the model")
        real = [assembler.without_invented(m, f"reported[{i}]") for i, m in enumerate(answers.meetings)]
        real += unasked_separate_meetings(text, sentences, {m.sentence for m in answers.meetings})
        read = [with_other_end(kind_from_report(status_from_report(with_list_countries(
            anchored_to_report(report, text, sentences), language=language))), language=language) for report in real]
        known = [person for report in read for person in report.participants]
        by_number = {sentence.number: sentence for sentence in sentences}
        calls = []
        for report in read:
            after = by_number.get(report.sentence + 1)
            hosted = host_of_separate_meetings(report, text[after.start:after.end] if after else "", known)
            calls += split_bilateral_calls(hosted or report, separate=hosted is not None, known=known)
        distinct, copied = without_copied_people(merge_meetings(calls))
        for copy in copied:
            assembler.warn("meeting_people_copied", f"dropped a reported {copy.kind.value}: its sentence names "
                           f"none of its people, who are an earlier meeting's ({describe(copy)})")
        distinct, summaries = without_headline_summaries(
            distinct, {s.number for s in sentences if in_headline(text, s.start)})
        for summary in summaries:
            assembler.warn("headline_summary", f"dropped the headline's {summary.kind.value}: the body reports "
                           f"a meeting of its own with each of its people ({describe(summary)})")
        # A report may name only the states or bodies that met ("The 13th meeting of the SCO Security Council
        # Secretaries was held in Beijing", "The Seventh Ministerial Forum was held in Canberra"): its attendance
        # list or a document's delegation lists, read below, name its people before nameless reports are dropped.
        reported = [merged for merged in distinct if merged.status is not LLMMeetingStatus.BACKGROUND]
        reported = with_attendees(with_cochaired_sessions(reported), attendance_lists(text, sentences), sentences)
        reported = with_attendees(reported, attending_groups(text, sentences, reported), sentences, held_only=True)
        # Attendance lists can show two reports to be one gathering ("the meeting was attended by ..." under
        # the chair's report and under the delegates' report): they are merged once more with their lists.
        reported = merge_meetings(with_delegation_lists(reported, delegation_lists(text)), split_by_code=True)
        reported = with_publisher_hosts(reported, text, sentences)
        for nameless in [m for m in reported if not names_a_person(m.participants)]:
            # News reports a meeting by naming at least one official; a report of bodies alone ("police handed
            # over", "the ministry detained") is an operation, not a meeting.
            assembler.warn("meeting_without_named_person",
                           f"dropped a reported {nameless.kind.value}: it names no person ({describe(nameless)})")
            reported.remove(nameless)
        locator = MeetingLocator(text, reported)
        threats = assembler.threats(answers.threats, locator)
        areas = assembler.cooperation(locator)
        agreements = assembler.agreements(answers.agreements, locator)
        meetings: list[Meeting] = []
        previous_date: dt.date | None = None
        for index, raw in enumerate(reported):
            meeting = assembler.meeting(
                raw, f"meetings[{len(meetings)}]", previous_date,
                threats=[t for t, owners in threats if index in owners],
                areas=[a for a, owners in areas if index in owners],
                agreements=[(a, span) for a, span, owners in agreements if index in owners],
                lead=index == 0,
            )
            if meeting is not None:
                meetings.append(meeting)
                previous_date = meeting.date or previous_date

        provenance = Provenance(
            backend=self.backend.name,
            model=self.backend.model,
            endpoint=meter.endpoints[-1] if meter.endpoints else self.backend.endpoint,
            prompt_version=prompt_version(),
            library_version=__version__,
            extracted_at=extracted_at,
            seconds_total=round(time.perf_counter() - started, 3),
            seconds_model=round(meter.seconds_model, 3),
            usage=TokenUsage(prompt_tokens=meter.prompt_tokens, completion_tokens=meter.completion_tokens),
            model_calls=meter.model_calls,
            transport_retries=meter.transport_retries,
            validation_retries=meter.validation_retries,
            chunks=len(chunks),
        )
        article = ArticleMeta(
            title=source.title or _title_of(text),
            published=dates.published,
            source_path=source.path,
            content_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            char_count=len(text),
            language=language,
        )
        return ArticleExtraction(article=article, meetings=meetings, provenance=provenance,
                                 warnings=assembler.warnings)


def _title_of(text: str) -> str | None:
    """The first substantial line, when it reads like a headline (short, no final full stop)."""
    for line in text.splitlines():
        line = line.strip()
        if len(line) < 20:
            continue
        if len(line) <= 200 and not line.endswith("."):
            return line
        return None
    return None
