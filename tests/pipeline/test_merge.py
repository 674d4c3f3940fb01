from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.pipeline.merge import merge_meetings, without_copied_people, without_headline_summaries


def _meeting(*names: str, date: str = "on Monday") -> LLMMeeting:
    return LLMMeeting(quote="held talks", kind="meeting", status="held", date_text=date, city="",
                      participants=[LLMParticipant(name=n, title="", organization="", country="") for n in names])


def test_the_same_meeting_seen_in_two_chunks_is_merged_with_all_its_people() -> None:
    merged = merge_meetings([_meeting("Vilayat Eyvazov", "Ali Yerlikaya"), _meeting("Ali Yerlikaya"),
                             _meeting("Eyvazov", "Ali Yerlikaya", "Hakan Fidan")])
    assert len(merged) == 1
    assert [p.name for p in merged[0].participants] == ["Vilayat Eyvazov", "Ali Yerlikaya", "Hakan Fidan"]


def test_different_people_or_dates_stay_separate_meetings() -> None:
    merged = merge_meetings([_meeting("Zhao Kezhi", "Saif bin Zayed"), _meeting("Zhao Kezhi", "Yerlan Turgumbayev"),
                             _meeting("Zhao Kezhi", "Saif bin Zayed", date="on Friday")])
    assert len(merged) == 3


def test_the_same_day_written_two_ways_is_one_meeting() -> None:
    merged = merge_meetings([_meeting("Zhao Kezhi", "Saif bin Zayed", date="on Monday"),
                             _meeting("Zhao Kezhi", "Saif bin Zayed", date="Monday")])
    assert len(merged) == 1


def _of_kind(kind: str, *names: str) -> LLMMeeting:
    return LLMMeeting.model_validate({**_meeting(*names).model_dump(), "kind": kind})


def test_one_gathering_reported_under_two_kinds_is_one_conference() -> None:
    ministers = ("Yerlan Turgumbayev", "Ramazon Rahimzoda", "Pulat Bobojonov")
    merged = merge_meetings([_of_kind("reception", *ministers),
                             _of_kind("conference", *ministers, "Aziz Dolosbayev")])
    assert len(merged) == 1 and merged[0].kind.value == "conference"
    assert len(merged[0].participants) == 4


def test_two_people_meeting_then_calling_stay_two_interactions() -> None:
    # Two named people only: a meeting and a call between the same two are separate interactions.
    merged = merge_meetings([_of_kind("meeting", "Zhao Kezhi", "Saif bin Zayed"),
                             _of_kind("phone_call", "Zhao Kezhi", "Saif bin Zayed")])
    assert len(merged) == 2
    three = ("Wang Yi", "Sergey Lavrov", "Mukhtar Tileuberdi")
    other = merge_meetings([_of_kind("conference", *three), _of_kind("reception", "Xi Jinping", *three[:2])])
    assert len(other) == 2  # a reception with someone the conference did not have is its own meeting


def test_two_lists_of_one_gathering_merge_when_most_of_the_people_agree() -> None:
    delegates = ["Satya Pradhan", "Liang Yun", "Kirill Smurov", "Rashid Minhas", "Nurlan Turusbekov"]
    first = LLMMeeting(quote="The meeting is attended by ...", kind="conference", status="held",
                       participants=[LLMParticipant(name=n) for n in [*delegates, "Ruslan Mirzayev"]])
    second = LLMMeeting(quote="Heads of drug control agencies met.", kind="conference", status="held",
                        participants=[LLMParticipant(name=n) for n in [*delegates, "Zhang Ming"]])
    (merged,) = merge_meetings([first, second])
    assert {p.name for p in merged.participants} == {*delegates, "Ruslan Mirzayev", "Zhang Ming"}


def test_a_conference_reported_by_its_chair_alone_is_the_conference_its_attendees_report() -> None:
    attendees = LLMMeeting(quote="The session was attended by ...", kind="conference", status="held",
                           participants=[LLMParticipant(name=n) for n in ["A One", "B Two", "C Three", "D Four"]])
    chair = LLMMeeting(quote="Kyrgyzstan chairs the 5th meeting of the council.", kind="conference", status="held",
                       participants=[LLMParticipant(name="Kanat Usenov")])
    (merged,) = merge_meetings([attendees, chair])
    assert [p.name for p in merged.participants] == ["A One", "B Two", "C Three", "D Four", "Kanat Usenov"]
    # A conference on another stated day, or a two-person meeting with its chair, stays apart.
    other_day = chair.model_copy(update={"date_text": "last year"})
    assert len(merge_meetings([attendees.model_copy(update={"date_text": "on Monday"}), other_day])) == 2
    bilateral = chair.model_copy(update={"kind": "meeting"})
    assert len(merge_meetings([attendees, bilateral])) == 2


def test_two_meetings_sharing_three_of_many_people_stay_two() -> None:
    first = LLMMeeting(quote="a", kind="conference", status="held",
                       participants=[LLMParticipant(name=n) for n in ["A One", "B Two", "C Three", "D Four", "E Five"]])
    second = LLMMeeting(quote="b", kind="conference", status="held",
                        participants=[LLMParticipant(name=n) for n in ["A One", "B Two", "C Three", "F Six", "G Seven",
                                                                       "H Eight"]])
    assert len(merge_meetings([first, second])) == 2


def _reported(quote: str, *names: str) -> LLMMeeting:
    return _meeting(*names).model_copy(update={"quote": quote})


def test_a_later_event_whose_sentence_names_none_of_an_earlier_meetings_people_is_a_copy() -> None:
    main = _reported("Ajit Doval chaired the meeting of national security advisers.", "Ajit Doval", "Marat Imankulov")
    other = _reported("Similar suggestions were made at the UN Counter-Terrorism Committee meeting held in Mumbai.",
                      "Ajit Doval")
    reception = _reported("A reception was given in honour of the delegations.", "Marat Imankulov", "Ajit Doval")
    kept, copied = without_copied_people([main, other, reception])
    assert kept == [main]
    assert copied == [other, reception]


def test_later_meetings_that_name_their_people_or_bring_new_ones_are_kept() -> None:
    main = _reported("Rai attended the SCO interior ministers meeting in Tashkent.", "Nityanand Rai", "Pulat Bobojonov")
    # Its sentence names Bobojonov by surname.
    named = _reported("Rai also called on Uzbek Interior Minister Bobojonov.", "Nityanand Rai", "Pulat Bobojonov")
    # Its sentence names nobody, but one of its people is new: not a copy.
    new_person = _reported("He also received the Tajik minister.", "Nityanand Rai", "Ramazon Rahimzoda")
    # The first meeting is kept even when its sentence names nobody.
    kept, copied = without_copied_people([main.model_copy(update={"quote": "The ministers met."}), named, new_person])
    assert len(kept) == 3
    assert copied == []


def test_the_headlines_gathering_of_people_the_body_meets_one_by_one_is_a_summary() -> None:
    def at(sentence: int, *names: str) -> LLMMeeting:
        return _meeting(*names).model_copy(update={"sentence": sentence})

    headline = at(1, "Pawel Herczynski", "Mahmud Adib", "Ashot Smbatyan")
    body = [at(3, "Vakhtang Gomelauri", "Pawel Herczynski"), at(6, "Vakhtang Gomelauri", "Mahmud Adib"),
            at(8, "Vakhtang Gomelauri", "Ashot Smbatyan")]
    kept, summaries = without_headline_summaries([headline, *body], {1})
    assert kept == body and summaries == [headline]
    # One of its people met in no body meeting: the headline holds something of its own and stays.
    kept, summaries = without_headline_summaries([headline, *body[:2]], {1})
    assert kept == [headline, *body[:2]] and summaries == []


def test_a_second_merge_keeps_apart_what_code_split_from_one_sentence() -> None:
    people = ("Guo Shengkun", "Kyaw Swe", "Hong Liang", "Li Wei")
    met = _of_kind("meeting", *people).model_copy(update={"sentence": 4})
    session = _of_kind("conference", *people).model_copy(update={"sentence": 4})
    assert len(merge_meetings([met, session], split_by_code=True)) == 2
    # Reports of two sentences that attendance lists show to be one gathering merge.
    listed = _of_kind("meeting", *people).model_copy(update={"sentence": 7})
    assert len(merge_meetings([session, listed], split_by_code=True)) == 1


@pytest.mark.parametrize(("quote", "merged"), [
    # The gathering's chair, whom a small model reports as a meeting of his own.
    ("Welcoming the participants of the meeting, Olim Narzullayev noted the drug situation.", True),
    ("Opening the session, the chairman Ivan Petrov called for closer cooperation.", True),
    # Meeting or receiving the delegates, or a meeting on the sidelines, is a meeting of its own.
    ("The delegation leaders met with President Xi Jinping.", False),
    ("会前,哈萨克斯坦总统纳扎尔巴耶夫集体会见各国代表团团长。", False),
    ("On the sidelines of the session, Ivan Petrov spoke with the press.", False),
])
def test_a_lone_person_beside_a_conference_is_its_part_unless_met_on_their_own(quote: str, merged: bool) -> None:
    delegates = [LLMParticipant(name=n) for n in ("Satya Pradhan", "Liang Yun", "Kirill Smurov")]
    conference = LLMMeeting(quote="The 12th meeting of the heads of agencies was held.", kind="conference",
                            status="held", participants=delegates)
    lone = LLMMeeting(quote=quote, kind="meeting", status="held", participants=[LLMParticipant(name="Ivan Petrov")])
    assert len(merge_meetings([conference, lone])) == (1 if merged else 2)
