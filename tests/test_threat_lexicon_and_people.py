"""The keyword threat lexicon and the cleaning of the people a small model lists."""

from __future__ import annotations

import pytest

from diplo_extract.lexicon import find_threats
from diplo_extract.llm_schema import LLMParticipant
from diplo_extract.people import clean_participant, split_title_from_name


@pytest.mark.parametrize(("text", "expected"), [
    ("deepen practical cooperation in fighting terrorism and extremism", {"terrorism", "extremism"}),
    ("combating such crimes as cross-border gambling and telecom fraud", {"gambling", "telecom_fraud"}),
    ("tracking down corrupt officials who flee overseas", {"corruption"}),
    ("the three evil forces of terrorism, separatism and extremism", {"terrorism", "separatism", "extremism"}),
    ("transnational organized crimes, including illegal arms and drug trafficking",
     {"transnational_crime", "organized_crime", "arms_trafficking", "drug_trafficking"}),
    ("trafficking of arms and drugs, using terror proxies", {"arms_trafficking", "drug_trafficking"}),
    ("all manifestations of organized crime", {"organized_crime"}),
    ("interference in the internal affairs of Kazakhstan", {"external_interference"}),
    ("attempts to stage a colour revolution", {"color_revolution"}),
    ("illegal migration and human trafficking", {"illegal_migration", "human_trafficking"}),
    ("money laundering and the financing of terrorism", {"money_laundering", "terrorism"}),
    ("crimes in cyberspace and cyber-attacks", {"cybercrime"}),
    ("the two ministers discussed bilateral trade and culture", set()),
    ("the counter-terrorism centre", set()),  # an institution's name, not a threat discussed
])
def test_lexicon_finds_the_categories_named(text: str, expected: set[str]) -> None:
    assert {hit.category.value for hit in find_threats(text)} == expected


def test_lexicon_hits_are_exact_offsets() -> None:
    text = "They agreed to fight telecom fraud."
    (hit,) = find_threats(text)
    assert text[hit.start:hit.end] == "telecom fraud"


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
