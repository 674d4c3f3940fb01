"""Extraction of the five example articles, replayed from cassettes recorded against the real model."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EXAMPLES
from support.cassette_support import CASSETTES, extract_with_cassette

from diplo_extract.core.schema import ArticleExtraction, MeetingKind
from diplo_extract.outputs.record_check import record_problems
from diplo_extract.text.reader import read_article

ARTICLES = sorted(EXAMPLES.glob("*.txt"))


@pytest.fixture(scope="module")
def records(request: pytest.FixtureRequest, vcr_config: dict[str, Any]) -> dict[str, ArticleExtraction]:
    mode = request.config.getoption("--record-mode") or "none"
    return {
        path.stem: extract_with_cassette(path, CASSETTES / "examples" / f"{path.stem}.yaml", vcr_config, mode)
        for path in ARTICLES
    }


def _people(record: ArticleExtraction) -> dict[str, str | None]:
    return {p.name_key or "": p.country for m in record.meetings for p in m.participants if p.name}


def test_every_example_has_a_cassette() -> None:
    assert len(ARTICLES) == 5
    for path in ARTICLES:
        assert (CASSETTES / "examples" / f"{path.stem}.yaml").is_file(), path.stem


def test_records_round_trip_through_the_published_schema(records: dict[str, ArticleExtraction]) -> None:
    for record in records.values():
        again = ArticleExtraction.model_validate_json(record.model_dump_json())
        assert again == record
        assert record.provenance.backend == "openai"
        assert record.provenance.usage.prompt_tokens > 0


def test_evidence_offsets_point_at_the_located_passage(records: dict[str, ArticleExtraction]) -> None:
    shares = {}
    for stem, record in records.items():
        text = read_article(EXAMPLES / f"{stem}.txt").text
        assert record_problems(record, text) == []
        spans = record.iter_spans()
        assert spans, stem
        for _, span in spans:
            if span.grounded:
                assert span.start is not None and span.end is not None
                assert text[span.start:span.end].strip() == text[span.start:span.end]
        shares[stem] = record.grounded_share()
    overall = sum(shares.values()) / len(shares)
    print(f"\ngrounded share per article: {shares}; mean {overall:.2f}")
    assert overall >= 0.8


def test_xinhua_two_phone_calls_on_monday(records: dict[str, ArticleExtraction]) -> None:
    record = records["000_e11c53e7fe71c602"]
    calls = [m for m in record.meetings if m.kind is MeetingKind.PHONE_CALL]
    assert len(calls) == 2
    assert {str(m.date) for m in calls} == {"2021-06-07"}
    countries = {p.country for m in calls for p in m.participants}
    assert {"CN", "AE", "KZ"} <= countries
    people = _people(record)
    assert people.get("zhao kezhi") == "CN"
    assert people.get("yerlan turgumbayev") == "KZ"


def test_vietnam_reception_on_tuesday(records: dict[str, ArticleExtraction]) -> None:
    record = records["002_2dc1c5029a882417"]
    assert record.article.published is not None and str(record.article.published) == "2025-02-26"
    assert record.meetings
    assert str(record.meetings[0].date) == "2025-02-25"
    countries = {p.country for m in record.meetings for p in m.participants}
    assert {"VN", "KZ"} <= countries


def test_every_example_has_participants_and_every_name_is_in_the_text(
        records: dict[str, ArticleExtraction]) -> None:
    named_total = 0
    for stem, record in records.items():
        people = [p for m in record.meetings for p in m.participants]
        assert people, stem  # a named person or a delegation with its country
        for person in people:
            if person.name:
                named_total += 1
                assert person.evidence is not None and person.evidence.grounded, (stem, person.name)
            else:
                assert person.organization and person.country, (stem, person)
    assert named_total >= 8


def test_no_cassette_holds_credentials_or_cookies() -> None:
    cassettes = sorted(CASSETTES.rglob("*.yaml"))
    assert cassettes
    for cassette in cassettes:
        text = cassette.read_text(encoding="utf-8").lower()
        for needle in ("authorization:", "api-key:", "x-api-key:", "set-cookie:", "cookie:", "bearer ", "sk-"):
            assert needle not in text, f"{cassette.name} contains {needle!r}"
