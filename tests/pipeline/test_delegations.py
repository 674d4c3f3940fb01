"""Unnamed delegations: groups an article reports attending, a release's passive rounds, restated principals."""

from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMMeeting, LLMMeetingStatus, LLMParticipant
from diplo_extract.core.schema import Participant
from diplo_extract.pipeline.attendance import with_attendees
from diplo_extract.pipeline.delegations import attending_groups, same_state, stands_for, with_publisher_hosts
from diplo_extract.text.sentences import split_sentences


def _groups(text: str, represented: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    named = [LLMParticipant(name="A B", country=code) for code in represented]
    meetings = [LLMMeeting(quote="", kind="meeting", status=LLMMeetingStatus.HELD, participants=named)]
    found = attending_groups(text, split_sentences(text), meetings)
    return [(p.organization, p.country) for a in found for p in a.people]


@pytest.mark.parametrize(("text", "expected"), [
    # A body of one state, named after the group.
    ("Junior officials of the Russian Embassy were also present at the talks.", [("Russian Embassy", "RU")]),
    ("The session was attended by representatives of the Ministry of Justice of Armenia, as well as experts.",
     [("Ministry of Justice of Armenia", "AM")]),
    # States listed one by one: a delegation each.
    ("The workshop brought together representatives from customs agencies in Georgia, Moldova and Ukraine.",
     [("Georgia", "GE"), ("Moldova", "MD"), ("Ukraine", "UA")]),
    # The whole membership of a body is one delegation.
    ("Border service delegations of the ASEAN member states took part in the exercise.",
     [("Border service delegations of the ASEAN member states", "")]),
    ("The Ministers of Justice of the member states of the Organization took part in the session.",
     [("Ministers of Justice of the member states of the Organization", "")]),
    # A group only discussed, and heads of delegation (people, named elsewhere), are no group that attended.
    ("The ministers praised the role of representatives of civil society in Mongolia and China.", []),
    ("Heads of delegations of Chile and Peru attended the dinner.", []),
])
def test_groups_reported_attending_become_unnamed_delegations(text: str, expected: list[tuple[str, str]]) -> None:
    assert _groups(text) == expected


def test_delegates_of_a_state_whose_head_is_named_are_not_a_second_delegation() -> None:
    text = "The chair welcomed delegates from Japan and Nepal, who attended for the first time."
    assert _groups(text, represented=("JP",)) == [("Nepal", "NP")]
    text = "Interior ministers of Japan and Nepal took part."
    assert _groups(text, represented=("JP", "NP")) == []
    # Officials of a state beside its named head are more people of it.
    text = "Officials from Japan and Nepal also attended the talks."
    assert _groups(text, represented=("JP",)) == [("Japan", "JP"), ("Nepal", "NP")]


def test_a_group_joins_the_held_meeting_not_the_one_planned_after_it() -> None:
    text = ("The forum was held in Bishkek. The ministers will meet again in May. The forum brought together "
            "representatives of Kazakhstan, Tajikistan and Turkmenistan.")
    sentences = split_sentences(text)
    held = LLMMeeting(quote="", kind="conference", status=LLMMeetingStatus.HELD, sentence=1,
                      participants=[LLMParticipant(name="Ann Lee")])
    planned = LLMMeeting(quote="", kind="meeting", status=LLMMeetingStatus.PLANNED, sentence=2,
                         participants=[LLMParticipant(name="Ann Lee")])
    joined = with_attendees([held, planned], attending_groups(text, sentences, [held, planned]), sentences,
                            held_only=True)
    assert [p.country for p in joined[0].participants] == ["", "KZ", "TJ", "TM"]
    assert joined[1] == planned


RELEASE = ("Ministry of Foreign Affairs Hosts Regional Partners at Dialogue\n\n"
           "Minister for Foreign Affairs Jane Roe met Fiji's Minister of Defence Tom Hill on 3 May. "
           "Bilateral meetings were also held with Tonga's Minister of Police Sione Vea and Palau's Minister of "
           "Justice Ana Kule, where we reaffirmed our ties.")


def _release_meetings() -> list[LLMMeeting]:
    return [
        LLMMeeting(quote="", kind="meeting", status=LLMMeetingStatus.HELD, sentence=2, participants=[
            LLMParticipant(name="Jane Roe", country="Samoa"), LLMParticipant(name="Tom Hill", country="Fiji")]),
        LLMMeeting(quote="", kind="meeting", status=LLMMeetingStatus.HELD, sentence=3,
                   participants=[LLMParticipant(name="Sione Vea", country="Tonga")]),
        LLMMeeting(quote="", kind="meeting", status=LLMMeetingStatus.HELD, sentence=3,
                   participants=[LLMParticipant(name="Ana Kule", country="Palau")]),
    ]


def test_a_releases_passive_round_is_held_by_the_ministry_that_writes() -> None:
    meetings = with_publisher_hosts(_release_meetings(), RELEASE, split_sentences(RELEASE))
    assert meetings[0] == _release_meetings()[0]
    for meeting in meetings[1:]:
        host = meeting.participants[0]
        assert (host.name, host.organization, host.country) == ("", "Ministry of Foreign Affairs", "WS")


def test_a_headline_that_opens_with_no_body_gives_no_host() -> None:
    text = RELEASE.replace("Ministry of Foreign Affairs Hosts", "Samoa Hosts")
    assert with_publisher_hosts(_release_meetings(), text, split_sentences(text)) == _release_meetings()


def test_the_body_in_a_headline_stops_where_its_verb_begins() -> None:
    text = RELEASE.replace("Ministry of Foreign Affairs Hosts", "Ministry of Justice Strengthens").replace(
        "Minister for Foreign Affairs", "Minister of Justice")
    host = with_publisher_hosts(_release_meetings(), text, split_sentences(text))[1].participants[0]
    assert host.organization == "Ministry of Justice"


@pytest.mark.parametrize(("unnamed", "named", "expected"), [
    # The principal written again by office.
    (Participant(title="Minister for Foreign Affairs", organization="Australian Government", country="AU"),
     Participant(name="Alexander Downer", title="Minister for Foreign Affairs (Co-Chair)", country="AU"), True),
    (Participant(organization="SCO Regional Anti-Terrorism Structure"),
     Participant(name="Yevgeny Sysoyev", title="Director of the SCO Regional Anti-Terrorism Structure"), True),
    (Participant(title="Minister", organization="Australian Government", country="AU"),
     Participant(name="George Brandis", title="Attorney-General", country="AU"), True),
    # Officials of the body a named person works in are more people, not that person.
    (Participant(organization="Chinese Embassy", country="CN"),
     Participant(name="Jiang Zaidong", title="Ambassador", organization="Chinese Embassy", country="CN"), False),
    # Another state's office.
    (Participant(title="Minister for Foreign Affairs", organization="Indonesian Government", country="ID"),
     Participant(name="Alexander Downer", title="Minister for Foreign Affairs", country="AU"), False),
])
def test_an_unnamed_entry_that_restates_a_named_participant(unnamed: Participant, named: Participant,
                                                          expected: bool) -> None:
    assert stands_for(unnamed, named) is expected


def test_one_states_delegation_given_twice_is_one() -> None:
    assert same_state(Participant(organization="New Zealand", country="NZ"),
                      Participant(organization="New Zealand Government", country="NZ"))
    assert not same_state(Participant(organization="New Zealand", country="NZ"),
                          Participant(organization="New Zealand Police", country="NZ"))
