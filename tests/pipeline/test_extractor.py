"""The deterministic half of the pipeline, driven by a fake backend with prepared answers.

These tests check what code does with model answers (grounding, normalisation, dates, splitting,
attribution, dropping invented people); they are not extraction results.
"""

from __future__ import annotations

import datetime as dt

from conftest import DEV_SET
from support.fake_backend import QueuedBackend

from diplo_extract.core.llm_schema import (
    LLMAgreement,
    LLMCommitments,
    LLMCooperation,
    LLMMeeting,
    LLMMeetingList,
    LLMParticipant,
    LLMThreat,
    LLMThreatList,
)
from diplo_extract.core.options import ExtractOptions
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.text.chunking import split_into_chunks
from diplo_extract.text.reader import article_from_text

ARTICLE = (
    "(Xinhua) 10:37, June 08, 2021\n\n"
    "BEIJING, June 7 (Xinhua) -- Chinese Minister of Public Security Zhao Kezhi on Monday held phone "
    "conversations respectively with Sheikh Saif bin Zayed, minister of interior of the United Arab Emirates, "
    "and with Yerlan Turgumbayev, Kazakh minister of internal affairs.\n\n"
    "During his phone call with Saif, Zhao called for combating cross-border gambling and telecom fraud.\n\n"
    "When talking with Turgumbayev, Zhao said the two sides should fight terrorism and extremism and agreed to "
    "maintain regular strategic communication.\n"
)


def _person(name: str, country: str, title: str = "") -> LLMParticipant:
    return LLMParticipant(name=name, title=title, organization="", country=country)


def _one_call_with_three_people() -> LLMMeetingList:
    return LLMMeetingList(meetings=[LLMMeeting(
        quote="Zhao Kezhi on Monday held phone conversations", kind="phone_call", status="held",
        date_text="on Monday", city="",
        participants=[_person("Zhao Kezhi", "China"), _person("Sheikh Saif bin Zayed", "UAE"),
                      _person("Yerlan Turgumbayev", "", "Kazakh minister of internal affairs"),
                      _person("Ivan Example", "Russia")],
    )])


def _run(*answers: object) -> tuple[object, QueuedBackend]:
    backend = QueuedBackend(*answers)  # type: ignore[arg-type]
    record = Extractor(backend, ExtractOptions(threat_pass=True)).extract(article_from_text(ARTICLE))
    return record, backend


def test_two_calls_split_dated_grounded_and_attributed() -> None:
    threats = LLMThreatList(threats=[LLMThreat(quote="telecom fraud", category="telecom_fraud")])
    commitments = LLMCommitments(
        cooperation=[LLMCooperation(quote="law_enforcement", area="law_enforcement")],  # not in the text
        agreements=[LLMAgreement(quote="agreed to maintain regular strategic communication",
                                 summary="maintain regular strategic communication", status="agreed")],
    )
    record, backend = _run(_one_call_with_three_people(), threats, commitments)

    assert len(backend.prompts) == 3
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
    # The model's "law_enforcement" (a vocabulary word, not in the text) is dropped;
    # the lexicon finds "fight terrorism".
    assert first.cooperation_areas == []
    assert second.cooperation_areas == ["counter_terrorism"]
    for _, span in record.iter_spans():
        assert span.grounded and span.start is not None
        assert ARTICLE[span.start:span.end].casefold() in span.quote.casefold() or span.match.value != "exact"


def test_a_person_not_in_the_article_is_dropped_with_a_warning() -> None:
    record, _ = _run(_one_call_with_three_people(), LLMThreatList(), LLMCommitments())
    names = {p.name for m in record.meetings for p in m.participants}
    assert "Ivan Example" not in names
    assert any(w.code == "participant_not_in_text" and "Ivan Example" in w.message for w in record.warnings)


def test_background_events_are_not_meetings_and_no_meeting_skips_later_passes() -> None:
    background = LLMMeetingList(meetings=[LLMMeeting(
        quote="phone conversations", kind="phone_call", status="background", date_text="", city="",
        participants=[])])
    record, backend = _run(background)
    assert record.meetings == []
    assert len(backend.prompts) == 1


def test_ungrounded_agreement_is_kept_flagged_or_dropped_on_request() -> None:
    paraphrased = LLMCommitments(agreements=[LLMAgreement(
        quote="the ministers signed a memorandum on police training", summary="police training memorandum",
        status="signed")])
    record, _ = _run(_one_call_with_three_people(), LLMThreatList(), paraphrased)
    flagged = [a for m in record.meetings for a in m.agreements]
    assert flagged and flagged[0].evidence is not None and not flagged[0].evidence.grounded
    assert flagged[0].evidence.start is None
    assert any(w.code == "ungrounded" for w in record.warnings)

    backend = QueuedBackend(_one_call_with_three_people(), LLMThreatList(), paraphrased)
    options = ExtractOptions(drop_ungrounded=True, threat_pass=True)
    strict = Extractor(backend, options).extract(article_from_text(ARTICLE))
    assert all(not m.agreements for m in strict.meetings)


def test_a_threat_whose_words_are_not_in_the_article_is_dropped() -> None:
    invented = LLMThreatList(threats=[LLMThreat(quote="money_laundering", category="money_laundering"),
                                      LLMThreat(quote="telecom fraud", category="telecom_fraud")])
    record, _ = _run(_one_call_with_three_people(), invented, LLMCommitments())
    categories = {t.category.value for m in record.meetings for t in m.threats}
    assert "money_laundering" not in categories
    assert "telecom_fraud" in categories
    assert any(w.code == "threat_not_in_text" for w in record.warnings)


def test_provenance_counts_calls_and_tokens() -> None:
    record, _backend = _run(_one_call_with_three_people(), LLMThreatList(), LLMCommitments())
    assert record.provenance.model_calls == 3
    assert record.provenance.usage.prompt_tokens > 0
    assert record.provenance.backend == "fake"
    assert len(record.provenance.prompt_version) == 12


def _long_article() -> str:
    return "\n\n".join(path.read_text(encoding="utf-8").strip() for path in sorted(DEV_SET.glob("*.txt")))


def _meeting_of(*names: str, date: str) -> LLMMeeting:
    return LLMMeeting(quote="held talks", kind="meeting", status="held", date_text=date, city="",
                      participants=[LLMParticipant(name=n, title="", organization="", country="") for n in names])


def test_pipeline_reads_every_chunk_and_merges_across_them() -> None:
    text = _long_article()
    chunks = split_into_chunks(text, max_tokens=1500, count_tokens=lambda t: max(1, len(t) // 4))
    assert len(chunks) >= 4
    # Each chunk reports the Eyvazov-Yerlikaya meeting (the overlap); the fake answers say so every time.
    answers: list[object] = []
    for _ in chunks:
        answers += [LLMMeetingList(meetings=[_meeting_of("Vilayat Eyvazov", "Ali Yerlikaya", date="on September 7")]),
                    LLMCommitments()]
    backend = QueuedBackend(*answers)  # type: ignore[arg-type]
    record = Extractor(backend, ExtractOptions(chunk_tokens=1500)).extract(article_from_text(text))
    assert record.provenance.chunks == len(chunks)
    assert len(backend.prompts) == 2 * len(chunks)  # meetings and commitments; no threat pass by default
    assert len(record.meetings) == 1
    assert {p.name for p in record.meetings[0].participants} == {"Vilayat Eyvazov", "Ali Yerlikaya"}
