"""Attendance sentences: the people a list names join the meeting it belongs to."""

from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.pipeline.attendance import attendance_lists, with_attendees
from diplo_extract.text.sentences import split_sentences


def _listed(text: str) -> list[tuple[str, str]]:
    found = attendance_lists(text, split_sentences(text))
    return [(p.name, p.country) for a in found for p in a.people]


@pytest.mark.parametrize(("text", "expected"), [
    ("The talks were attended by Kyrgyz Interior Minister Ulan Niyazbekov, Jane Doe from the Ministry of Justice "
     "of Mongolia and the Opening Ceremony guests.",
     [("Ulan Niyazbekov", "KG"), ("Jane Doe", "MN")]),
    ("Also present were Deputy Minister John Smith and New Zealand Foreign Minister.", [("John Smith", "")]),
    ("В заседании приняли участие министр внутренних дел Казахстана Ерлан Тургумбаев и посол России Алексей "
     "Бородавкин.", [("Ерлан Тургумбаев", "KZ"), ("Алексей Бородавкин", "RU")]),
    ("Жиынға Қырғыз Республикасының Ішкі істер министрі Қ. Сейітов, Ресей Федерациясының Бас прокуроры "
     "И. Краснов қатысты.", [("Қ. Сейітов", "KG"), ("И. Краснов", "RU")]),
    ("公安部副部长王一、外交部部长助理李二、新疆维吾尔自治区副主席、公安厅厅长张三参加会谈。",
     [("王一", ""), ("李二", ""), ("张三", "")]),
])
def test_attendees_are_read_from_the_list_with_their_countries(text: str, expected: list[tuple[str, str]]) -> None:
    assert _listed(text) == expected


@pytest.mark.parametrize("text", [
    "The minister met Interior Minister Ulan Niyazbekov in Bishkek.",  # a report, not a list of attendees
    "The ceremony was attended by officials and students.",  # nobody named
])
def test_sentences_that_list_no_named_attendee_add_nobody(text: str) -> None:
    assert _listed(text) == []


def test_attendees_join_the_meeting_reported_before_them_on_the_host_side_in_chinese_lists() -> None:
    text = ("郭某在北京会见了美国国土安全部长约翰。郭某在北京会见了土耳其警察总监穆罕默德。"
            "公安部副部长王一、外交部部长助理李二参加会见。")
    first = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="郭某", country="中国"), LLMParticipant(name="约翰", country="美国")])
    second = first.model_copy(update={"sentence": 2, "participants": [
        LLMParticipant(name="郭某", country="中国"), LLMParticipant(name="穆罕默德", country="土耳其")]})
    sentences = split_sentences(text)
    kept, joined = with_attendees([first, second], attendance_lists(text, sentences), sentences)
    assert kept == first
    assert [(p.name, p.country) for p in joined.participants[2:]] == [("王一", "CN"), ("李二", "CN")]


def test_a_person_already_in_the_meeting_is_not_added_twice() -> None:
    text = "Minister Kim met Minister Lee. The meeting was attended by Deputy Minister Park Sung and Minister Lee Jun."
    meeting = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="Kim Min"), LLMParticipant(name="Lee Jun")])
    sentences = split_sentences(text)
    (joined,) = with_attendees([meeting], attendance_lists(text, sentences), sentences)
    assert [p.name for p in joined.participants] == ["Kim Min", "Lee Jun", "Park Sung"]


def test_a_list_far_from_the_meeting_belongs_to_something_else() -> None:
    text = ("Minister Kim met Minister Lee. " + "The ministry published its annual report on crime. " * 40
            + "The ceremony was attended by Deputy Minister Park Sung.")
    meeting = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="Kim Min"), LLMParticipant(name="Lee Jun")])
    sentences = split_sentences(text)
    assert with_attendees([meeting], attendance_lists(text, sentences), sentences) == [meeting]


def test_a_listed_person_already_in_the_meeting_gets_the_country_of_the_list_item() -> None:
    text = "Minister Kim met Minister Lee. The meeting was attended by Mongolian Justice Minister Bat Erdene."
    meeting = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="Kim Min", country="Korea"), LLMParticipant(name="Bat Erdene")])
    sentences = split_sentences(text)
    (joined,) = with_attendees([meeting], attendance_lists(text, sentences), sentences)
    assert [(p.name, p.country) for p in joined.participants] == [("Kim Min", "Korea"), ("Bat Erdene", "MN")]
