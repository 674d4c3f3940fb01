"""The deterministic half of the pipeline, driven by a fake backend with prepared answers.

These tests check what code does with model answers (grounding, normalisation, dates, splitting,
attribution, dropping invented people); they are not extraction results.
"""

from __future__ import annotations

import datetime as dt
import re

from conftest import DEV_SET
from support.fake_backend import QueuedBackend

from diplo_extract.core.llm_schema import (
    LLMAgreementList,
    LLMAgreementRef,
    LLMEvent,
    LLMEventList,
    LLMParticipant,
    LLMSentenceReport,
    LLMThreat,
    LLMThreatList,
)
from diplo_extract.core.options import ExtractOptions
from diplo_extract.errors import ModelOutputError
from diplo_extract.pipeline.delegation_lists import delegation_lists
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.text.chunking import split_into_chunks
from diplo_extract.text.reader import article_from_text
from diplo_extract.text.sentences import split_sentences

ARTICLE = (
    "(Xinhua) 10:37, June 08, 2021\n\n"
    "BEIJING, June 7 (Xinhua) -- Chinese Minister of Public Security Zhao Kezhi on Monday held phone "
    "conversations respectively with Sheikh Saif bin Zayed, minister of interior of the United Arab Emirates, "
    "and with Yerlan Turgumbayev, Kazakh minister of internal affairs.\n\n"
    "During his phone call with Saif, Zhao called for combating cross-border gambling and telecom fraud.\n\n"
    "When talking with Turgumbayev, Zhao said the two sides should fight terrorism and extremism and agreed to "
    "maintain regular strategic communication.\n"
)
REPORTING, AGREEING = 2, 4  # sentence numbers


def _person(name: str, country: str, title: str = "") -> LLMParticipant:
    return LLMParticipant(name=name, title=title, organization="", country=country)


def _people() -> list[LLMParticipant]:
    return [_person("Zhao Kezhi", "China"), _person("Sheikh Saif bin Zayed", "UAE"),
            _person("Yerlan Turgumbayev", "", "Kazakh minister of internal affairs"), _person("Ivan Example", "Russia")]


def _two_calls() -> LLMEventList:
    # Both calls of the sentence with everyone it names: code shares the counterparts out by country.
    call = LLMEvent(sentence=REPORTING, kind="phone_call", status="held", date_text="on Monday", city="",
                    participants=_people())
    return LLMEventList(events=[call, call])


def _agreements(*items: LLMAgreementRef) -> LLMAgreementList:
    return LLMAgreementList(agreements=list(items))


def _run(*answers: object) -> tuple[object, QueuedBackend]:
    backend = QueuedBackend(*answers)  # type: ignore[arg-type]
    record = Extractor(backend, ExtractOptions(threat_pass=True)).extract(article_from_text(ARTICLE))
    return record, backend


def test_the_sentences_numbered_as_the_model_sees_them() -> None:
    sentences = split_sentences(ARTICLE)
    assert ARTICLE[sentences[REPORTING - 1].start:].startswith("BEIJING, June 7")
    assert ARTICLE[sentences[AGREEING - 1].start:].startswith("When talking with Turgumbayev")


def test_two_calls_in_one_sentence_split_dated_grounded_and_attributed() -> None:
    threats = LLMThreatList(threats=[LLMThreat(quote="telecom fraud", category="telecom_fraud")])
    agreements = _agreements(
        LLMAgreementRef(sentence=AGREEING, summary="maintain regular strategic communication", status="agreed"),
        LLMAgreementRef(sentence=AGREEING, summary="law_enforcement", status="agreed"))  # a vocabulary word
    record, backend = _run(_two_calls(), threats, agreements)

    assert len(backend.prompts) == 3  # events (with their people), threats, agreements
    # Every question follows the same prefix: instructions, then the numbered article.
    prefixes = {m[-1]["content"].split("QUESTION:")[0] for m in backend.prompts}
    assert len(prefixes) == 1 and f"[{REPORTING}] BEIJING, June 7" in prefixes.pop()
    assert [m.kind.value for m in record.meetings] == ["phone_call", "phone_call"]
    assert [m.date for m in record.meetings] == [dt.date(2021, 6, 7)] * 2
    first, second = record.meetings
    assert [(p.name, p.country) for p in first.participants] == [("Zhao Kezhi", "CN"), ("Sheikh Saif bin Zayed", "AE")]
    assert [(p.name, p.country) for p in second.participants] == [("Zhao Kezhi", "CN"), ("Yerlan Turgumbayev", "KZ")]
    # gambling and telecom fraud are named in the Saif paragraph; terrorism and extremism in the other one.
    assert {t.category.value for t in first.threats} == {"gambling", "telecom_fraud"}
    assert {t.category.value for t in second.threats} == {"terrorism", "extremism"}
    assert {t.category.value: t.detected_by for t in first.threats} == {"telecom_fraud": "both",
                                                                         "gambling": "lexicon"}
    assert first.agreements == []
    assert [a.summary for a in second.agreements] == ["maintain regular strategic communication"]
    assert second.agreements[0].parties == ["CN", "KZ"]
    assert second.cooperation_areas == ["counter_terrorism"]
    assert first.evidence is not None and ARTICLE[first.evidence.start:first.evidence.end].startswith("BEIJING")
    for _, span in record.iter_spans():
        assert span.grounded and span.start is not None and span.match.value == "exact"
        assert ARTICLE[span.start:span.end] == span.quote.strip()


def test_a_person_not_in_the_article_is_dropped_with_a_warning() -> None:
    record, _ = _run(_two_calls(), LLMThreatList(), _agreements())
    names = {p.name for m in record.meetings for p in m.participants}
    assert "Ivan Example" not in names
    assert any(w.code == "participant_not_in_text" and "Ivan Example" in w.message for w in record.warnings)


def test_background_events_are_not_asked_about_and_no_meeting_skips_later_passes() -> None:
    background = LLMEventList(events=[LLMEvent(sentence=REPORTING, kind="phone_call", status="background")])
    record, backend = _run(background)
    assert record.meetings == []
    assert len(backend.prompts) == 1


def test_a_sentence_number_outside_the_article_is_ignored() -> None:
    record, backend = _run(LLMEventList(events=[LLMEvent(sentence=99, kind="meeting", status="held")]))
    assert record.meetings == [] and len(backend.prompts) == 1


def test_a_threat_whose_words_are_not_in_the_article_is_dropped() -> None:
    invented = LLMThreatList(threats=[LLMThreat(quote="money_laundering", category="money_laundering"),
                                      LLMThreat(quote="telecom fraud", category="telecom_fraud")])
    record, _ = _run(_two_calls(), invented, _agreements())
    categories = {t.category.value for m in record.meetings for t in m.threats}
    assert "money_laundering" not in categories
    assert "telecom_fraud" in categories
    assert any(w.code == "threat_not_in_text" for w in record.warnings)


def test_provenance_counts_calls_and_tokens() -> None:
    record, _backend = _run(_two_calls(), LLMThreatList(), _agreements())
    assert record.provenance.model_calls == 3
    assert record.provenance.usage.prompt_tokens > 0
    assert record.provenance.backend == "fake"
    assert len(record.provenance.prompt_version) == 12


def _long_article() -> str:
    return "\n\n".join(path.read_text(encoding="utf-8").strip() for path in sorted(DEV_SET.glob("*.txt")))


def test_pipeline_reads_every_chunk_and_merges_across_them() -> None:
    text = _long_article()
    chunks = split_into_chunks(text, max_tokens=1500, count_tokens=lambda t: max(1, len(t) // 4))
    assert len(chunks) >= 4
    # Each chunk reports the Eyvazov-Yerlikaya meeting (the overlap); the fake answers say so every time.
    reporting = next(s.number for s in split_sentences(text) if "Vilayat Eyvazov" in text[s.start:s.end])
    start = next(s.start for s in split_sentences(text) if s.number == reporting)
    holding = [start >= c.start and start < c.start + len(c.text) for c in chunks]
    assert 1 <= sum(holding) <= 2  # in one chunk, or in two when it stands in their shared paragraph
    backend = QueuedBackend(defaults=(LLMSentenceReport(reports_interaction=False, kind="other",
                                                        status="background"),))
    for holds in holding:
        # A chunk that does not hold the reporting sentence answers a number outside its own sentences,
        # which is ignored; each chunk that holds it reports the same meeting, which is merged.
        backend.enqueue(LLMEventList(events=[LLMEvent(
            sentence=reporting, kind="meeting", status="held", date_text="on September 7",
            participants=[_person("Vilayat Eyvazov", "Azerbaijan"), _person("Ali Yerlikaya", "Turkey")])]))
        if holds:
            backend.enqueue(_agreements())
    record = Extractor(backend, ExtractOptions(chunk_tokens=1500)).extract(article_from_text(text))
    assert record.provenance.chunks == len(chunks)
    assert not backend.answers  # every queued answer was asked for
    asked = [m for m in backend.prompts if "Does this sentence report" in m[-1]["content"]]
    assert len(backend.prompts) == len(chunks) + sum(holding) + len(asked)
    assert len(asked) <= 4 * sum(holding)  # follow-ups are bounded per chunk
    # The joined dev articles also hold sentences listing separate meetings by name ("Bilateral meetings were
    # also held with A, B ...", "held separate telephone talks with", "called on A, ... and B, ..."), which code reads
    # when no answer covers them.
    reported = [m for m in record.meetings if any(p.name == "Vilayat Eyvazov" for p in m.participants)]
    assert len(reported) == 1
    others = [m for m in record.meetings if m not in reported]
    assert others
    listing = re.compile(r"separate|meetings (?:were also held )?with|called on")
    assert all(m.evidence is not None and listing.search(m.evidence.quote) for m in others)
    # ... and a document's delegation annex: its people join the one meeting the model reported.
    listed = {p.name for block in delegation_lists(text) for p in block.people}
    names = {p.name for p in reported[0].participants}
    assert names - listed == {"Vilayat Eyvazov", "Ali Yerlikaya"}
    assert listed <= names


def test_a_report_naming_bodies_only_is_no_meeting() -> None:
    # "Police of A handed a suspect to police of B": two sides, no person, an operation rather than a meeting.
    bodies = [LLMParticipant(name="", title="", organization="Ministry of Public Security", country="China"),
              LLMParticipant(name="", title="", organization="Ministry of Interior", country="UAE")]
    events = LLMEventList(events=[LLMEvent(sentence=REPORTING, kind="meeting", status="held", participants=bodies)])
    backend = QueuedBackend(events, defaults=(LLMSentenceReport(reports_interaction=False, kind="other",
                                                                status="background", date_text="",
                                                                participants=[]), _agreements()))
    record = Extractor(backend).extract(article_from_text(ARTICLE))
    assert record.meetings == []
    assert any(w.code == "meeting_without_named_person" for w in record.warnings)


class _RunawayThreatPass(QueuedBackend):
    """Answers every pass from its queue but the threat pass, which runs to its token bound."""

    def generate(self, messages, response_model, *, max_tokens, meter):  # type: ignore[no-untyped-def]
        if response_model is LLMThreatList:
            raise ModelOutputError("model output did not validate after 3 attempts: max_tokens", attempts=3,
                                   last_output="{\"threats\": [{\"quote\": \"terrorism terrorism")
        return super().generate(messages, response_model, max_tokens=max_tokens, meter=meter)


def test_a_failing_threat_pass_keeps_the_meetings_and_the_lexicons_threats() -> None:
    backend = _RunawayThreatPass(_two_calls(), _agreements())
    record = Extractor(backend, ExtractOptions(threat_pass=True)).extract(article_from_text(ARTICLE))
    assert len(record.meetings) == 2
    threats = {t.category.value for m in record.meetings for t in m.threats}
    assert {"telecom_fraud", "terrorism"} <= threats  # the lexicon's, from the article's words
    assert any(w.code == "threat_pass_failed" for w in record.warnings)


class _RunawayFollowUps(QueuedBackend):
    """Answers the first question from its queue; every follow-up and the agreement pass run to their bound."""

    def generate(self, messages, response_model, *, max_tokens, meter):  # type: ignore[no-untyped-def]
        if response_model in (LLMSentenceReport, LLMAgreementList):
            raise ModelOutputError("model output did not validate after 2 attempts: max_tokens", attempts=2,
                                   last_output="{\"participants\": [{\"name\": \"Secretary of the Security")
        return super().generate(messages, response_model, max_tokens=max_tokens, meter=meter)


def test_failing_follow_up_and_agreement_questions_keep_what_the_first_question_found() -> None:
    # One side only: the reader asks a follow-up about the sentence, which never validates.
    host_only = LLMEvent(sentence=REPORTING, kind="phone_call", status="held", date_text="on Monday", city="",
                         participants=[_person("Zhao Kezhi", "China")])
    backend = _RunawayFollowUps(LLMEventList(events=[host_only]), LLMThreatList(threats=[]))
    record = Extractor(backend, ExtractOptions(threat_pass=True)).extract(article_from_text(ARTICLE))
    assert [p.name for m in record.meetings for p in m.participants][:1] == ["Zhao Kezhi"]
    codes = {w.code for w in record.warnings}
    assert {"follow_up_failed", "agreement_pass_failed"} <= codes
    assert all(m.agreements == [] for m in record.meetings)
