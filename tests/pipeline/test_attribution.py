from __future__ import annotations

from diplo_extract.core.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.pipeline.attribution import MeetingLocator

TEXT = ("Zhao Kezhi held a phone call with Sheikh Saif bin Zayed. They agreed to fight terrorism. "
        "Zhao then spoke with Yerlan Turgumbayev. They discussed terrorism and telecom fraud.")


def _call(*names: str) -> LLMMeeting:
    return LLMMeeting(quote="phone call", kind="phone_call", status="held", date_text="", city="",
                      participants=[LLMParticipant(name=n, title="", organization="", country="") for n in names])


def test_a_passage_belongs_to_the_meeting_whose_distinctive_name_precedes_it() -> None:
    locator = MeetingLocator(TEXT, [_call("Zhao Kezhi", "Sheikh Saif bin Zayed"),
                                    _call("Zhao Kezhi", "Yerlan Turgumbayev")])
    assert locator.owners_at(TEXT.index("fight terrorism")) == {0}
    assert locator.owners_at(TEXT.index("telecom fraud")) == {1}
    # Before any distinctive name, with nothing to tell which was reported first: every meeting.
    assert locator.owners_at(0) == {0, 1}


def test_the_lead_paragraph_before_any_distinctive_name_is_about_the_meeting_reported_first() -> None:
    text = ("During the SCO ministers' meeting, Rai called for action against terrorism. Rai also met Pulat "
            "Bobojonov. Later James Stephen called on Rai.")
    conference = _call("Nityanand Rai").model_copy(update={"sentence": 1})
    bilateral = _call("Nityanand Rai", "Pulat Bobojonov").model_copy(update={"sentence": 2})
    call = _call("Nityanand Rai", "James Stephen").model_copy(update={"sentence": 3})
    locator = MeetingLocator(text, [bilateral, conference, call])
    assert locator.owners_at(text.index("terrorism")) == {1}


def test_words_that_recur_concern_every_meeting_they_follow() -> None:
    locator = MeetingLocator(TEXT, [_call("Zhao Kezhi", "Sheikh Saif bin Zayed"),
                                    _call("Zhao Kezhi", "Yerlan Turgumbayev")])
    assert locator.owners_of("terrorism", TEXT, None) == {0, 1}
    assert locator.owners_of("not in the text", TEXT, None) == {0, 1}
    assert locator.owners_of("not in the text", TEXT, TEXT.index("telecom")) == {1}


def test_with_one_meeting_everything_is_its_own() -> None:
    locator = MeetingLocator(TEXT, [_call("Zhao Kezhi", "Yerlan Turgumbayev")])
    assert locator.owners_at(0) == {0} and locator.owners_of("fraud", TEXT, None) == {0}


def test_what_follows_a_sentence_naming_several_meetings_is_about_each_of_them() -> None:
    text = ("The minister held separate talks with Zhao Kezhi, Huang Ming and Wang Yi in Beijing. The two sides "
            "agreed to fight terrorism.")
    meetings = [LLMMeeting(quote="", kind="meeting", status="held",
                           participants=[LLMParticipant(name="Tô Lâm"), LLMParticipant(name=guest)])
                for guest in ("Zhao Kezhi", "Huang Ming", "Wang Yi")]
    locator = MeetingLocator(text, meetings)
    assert locator.owners_at(text.index("fight terrorism")) == {0, 1, 2}
    assert locator.owners_at(text.index("Wang Yi") + 2) == {2}  # inside the sentence: the meeting named last


def test_a_courtesy_call_reported_in_one_sentence_keeps_only_its_sentence() -> None:
    text = ("The meeting of SCO security council secretaries was attended by Nikolai Patrushev and Rajinder Khanna. "
            "The delegation leaders met with President Xi Jinping.\n\n"
            "The officials discussed their cooperation against terrorism and separatism.")
    conference = _call("Nikolai Patrushev", "Rajinder Khanna").model_copy(update={"sentence": 1})
    courtesy = _call("Xi Jinping").model_copy(update={"sentence": 2})
    locator = MeetingLocator(text, [conference, courtesy])
    assert locator.owners_at(text.index("terrorism")) == {0}
    assert locator.owners_at(text.index("Jinping")) == {1}
    # A call whose one named person the story names again is no aside: what follows is its own.
    again = text + " Xi Jinping stressed the fight against extremism."
    assert MeetingLocator(again, [conference, courtesy]).owners_at(again.index("extremism")) == {1}
