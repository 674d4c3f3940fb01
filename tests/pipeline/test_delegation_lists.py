"""Delegation lists of documents: a heading naming a country, then a person per line, joined to their meeting."""

from __future__ import annotations

from diplo_extract.core.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.pipeline.delegation_lists import delegation_lists, with_delegation_lists

DOCUMENT = """JOINT STATEMENT

The third meeting of the Mongolia-Korea Law Enforcement Dialogue was held in Seoul on 2 May 2019. The delegations
are at the Annex.

Annex

Mongolian Delegation

HE Dr Bat Erdene, Minister of Justice and Home Affairs (Co-Chair)

Mr Gantulga Batbayar - Director General, Police Agency

Delegation of the Republic of Korea:

The Hon Kim Min-jun MP, Minister of the Interior and Safety (Co-Chair)

Senator the Hon Lee Seo-yeon, Deputy Minister for Public Order

The delegations thanked the hosts for their hospitality, which made the dialogue a success for both sides.

Professor Park Ji-hoon, Rector of the Police University
"""


def _read(text: str) -> list[list[tuple[str, str, str]]]:
    return [[(p.name, p.title, p.country) for p in block.people] for block in delegation_lists(text)]


def test_each_listed_delegation_gives_names_titles_and_the_headings_country() -> None:
    assert _read(DOCUMENT) == [
        [("Bat Erdene", "Minister of Justice and Home Affairs (Co-Chair)", "MN"),
         ("Gantulga Batbayar", "Director General, Police Agency", "MN")],
        # The prose paragraph ends the list: the line after it belongs to no delegation.
        [("Kim Min-jun", "Minister of the Interior and Safety (Co-Chair)", "KR"),
         ("Lee Seo-yeon", "Deputy Minister for Public Order", "KR")],
    ]


def test_a_russian_heading_opens_a_list_too() -> None:
    text = "Делегация Республики Узбекистан\n\nАбдусалом Азизов, министр внутренних дел\n"
    assert _read(text) == [[("Абдусалом Азизов", "министр внутренних дел", "UZ")]]


def test_a_heading_that_names_no_single_country_opens_no_list() -> None:
    assert _read("Joint Delegation\n\nHE Dr Bat Erdene, Minister of Justice\n") == []
    assert _read("The Delegation\n\nHE Dr Bat Erdene, Minister of Justice\n") == []


def _meeting(*names: str) -> LLMMeeting:
    return LLMMeeting(quote="", kind="meeting", status="held", sentence=1,
                      participants=[LLMParticipant(name=name) for name in names])


def test_a_list_joins_the_meeting_of_its_head_of_delegation_without_repeating_anyone() -> None:
    other, dialogue = _meeting("Sergei Ivanov"), _meeting("Kim Min-jun", "Bat Erdene")
    first, second = with_delegation_lists([other, dialogue], delegation_lists(DOCUMENT))
    assert first == other
    assert [p.name for p in second.participants] == [
        "Kim Min-jun", "Bat Erdene", "Gantulga Batbayar", "Lee Seo-yeon"]


def test_a_list_whose_people_are_in_no_meeting_joins_the_documents_first_meeting() -> None:
    (joined,) = with_delegation_lists([_meeting("Someone Else")], delegation_lists(DOCUMENT))
    assert len(joined.participants) == 5
    assert with_delegation_lists([], delegation_lists(DOCUMENT)) == []
