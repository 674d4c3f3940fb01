from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMParticipant
from diplo_extract.pipeline.people import clean_participant, split_title_from_name


@pytest.mark.parametrize(("raw", "title", "name"), [
    ("Kazakh Deputy Prime Minister and Foreign Minister Mukhtar Tileuberdi",
     "Kazakh Deputy Prime Minister and Foreign Minister", "Mukhtar Tileuberdi"),
    ("Chinese State Councilor Zhao Kezhi", "Chinese State Councilor", "Zhao Kezhi"),
    ("Zhao Kezhi", "", "Zhao Kezhi"),
    ("Mrs. Bayarsaikhan Solongoo", "", "Mrs. Bayarsaikhan Solongoo"),
    ("Jordan Henderson", "", "Jordan Henderson"),
])
def test_titles_are_split_off_names(raw: str, title: str, name: str) -> None:
    assert split_title_from_name(raw) == (title, name)


@pytest.mark.parametrize(("raw", "organization"), [
    ("Kyrgyzstan", "Kyrgyzstan"), ("UNRCCA", "UNRCCA"), ("United Arab Emirates", "United Arab Emirates"),
])
def test_countries_and_organisations_listed_as_people_become_delegations(raw: str, organization: str) -> None:
    person = clean_participant(LLMParticipant(name=raw, title="", organization="", country=""))
    assert person.name == ""
    assert person.organization == organization


def test_a_person_named_like_a_country_stays_a_person() -> None:
    person = clean_participant(LLMParticipant(name="Jordan Henderson", title="", organization="", country=""))
    assert person.name == "Jordan Henderson"


@pytest.mark.parametrize("body", ["Department of the Treasury", "FBI", "Министерство внутренних дел", "公安部",
                                  "Bộ Công an", "the Kazakh delegation", "Federal Bureau of Investigation"])
def test_offices_and_ministries_listed_as_people_become_delegations(body: str) -> None:
    cleaned = clean_participant(LLMParticipant(name=body, title="", organization="", country=""))
    assert cleaned.name == "" and cleaned.organization == body


@pytest.mark.parametrize("person", ["Police Major General Somchai Rungsawang", "Ali Yerlikaya", "王小洪",
                                   "Tô Lâm", "Colin Powell", "Tokayev"])
def test_people_whose_titles_or_names_hold_body_words_stay_people(person: str) -> None:
    assert clean_participant(LLMParticipant(name=person, title="", organization="", country="")).name != ""


def test_a_role_without_a_name_is_no_participant() -> None:
    cleaned = clean_participant(LLMParticipant(name="Minister for Home Affairs", title="", organization="",
                                               country="Singapore"))
    assert cleaned.name == "" and cleaned.organization == ""
