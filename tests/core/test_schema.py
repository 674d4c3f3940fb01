"""The published record: its JSON Schema, validation of outside output, and robustness on arbitrary input."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diplo_extract.core.schema import ArticleExtraction, Participant, Span
from diplo_extract.errors import OutputValidationError
from diplo_extract.outputs.record_check import parse_record


def test_json_schema_names_the_closed_vocabularies() -> None:
    schema = ArticleExtraction.model_json_schema()
    defs = schema["$defs"]
    assert len(defs["ThreatCategory"]["enum"]) == 18
    assert "phone_call" in defs["MeetingKind"]["enum"]
    assert defs["Participant"]["properties"]["country"]["anyOf"][0]["pattern"] == "^[A-Z]{2}$"


def test_a_grounded_span_needs_offsets_and_an_ungrounded_one_has_none() -> None:
    with pytest.raises(ValueError):
        Span(quote="x", grounded=True)
    with pytest.raises(ValueError):
        Span(quote="x", start=1, end=2, grounded=False)
    assert Span(quote="x", start=3, end=4, grounded=True).end == 4


def test_a_participant_needs_a_name_or_an_organization() -> None:
    with pytest.raises(ValueError):
        Participant()
    assert Participant(organization="Ministry of Interior").name is None


def test_lowercase_or_three_letter_country_codes_are_rejected() -> None:
    for bad in ("cn", "CHN", "China"):
        with pytest.raises(ValueError):
            Participant(name="Zhao Kezhi", country=bad)


def test_parse_record_gives_a_typed_error_naming_the_place() -> None:
    with pytest.raises(OutputValidationError, match="article"):
        parse_record(json.dumps({"meetings": [], "provenance": {}}))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.binary(), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20).map(json.dumps)))
def test_parse_record_raises_only_its_typed_error(raw: str | bytes) -> None:
    with contextlib.suppress(OutputValidationError):
        parse_record(raw)
