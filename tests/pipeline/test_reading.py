from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.pipeline.reading import _missed, _of_the_sentence
from diplo_extract.text.sentences import split_sentences

ARTICLE = (
    "Minister met with the Head of the EU Delegation, Ambassadors of Armenia and Iran\n\n"
    "The Minister held an introductory meeting with the Head of the EU Delegation, Pawel Herczynski. "
    "During the meeting, the parties discussed cooperation with Frontex and Europol in Poland. "
    "The Minister also held an introductory meeting with the Ambassador of Iran, Mahmud Adib. "
    "Besides, the Minister held an introductory meeting with the Ambassador of Armenia Ashot Smbatyan."
)


def _meeting(sentence: int, *names: str) -> LLMMeeting:
    return LLMMeeting(quote="", kind="meeting", status="held", sentence=sentence,
                      participants=[LLMParticipant(name=name) for name in names])


def test_follow_ups_go_first_to_sentences_naming_someone_new_and_last_to_the_headline() -> None:
    sentences = split_sentences(ARTICLE)
    found = [_meeting(2, "Vakhtang Gomelauri", "Pawel Herczynski")]
    order = [s.number for s in _missed(ARTICLE, sentences, {2}, found)]
    # Adib's and Smbatyan's sentences name new people; the one naming only new countries and bodies comes
    # after them, and the headline's summary last.
    assert order[:2] == [4, 5]
    assert order.index(3) > 1 and order[-1] == 1


def test_people_known_only_from_the_headline_still_make_the_body_sentence_worth_asking() -> None:
    sentences = split_sentences(ARTICLE)
    headline = _meeting(1, "Pawel Herczynski", "Mahmud Adib", "Ashot Smbatyan")
    body = _meeting(2, "Vakhtang Gomelauri", "Pawel Herczynski")
    assert {4, 5} <= {s.number for s in _missed(ARTICLE, sentences, {1, 2}, [headline, body])}


CALLS = ("Prime Minister Howard met President Megawati and the Vice President, H.E. Dr Hamzah Haz. The Prime "
         "Minister called on H.E. Prof. Amien Rais and H.E. Akbar Tandjung. In addition, the Prime Minister met "
         "H.E. Dr Hassan Wirajuda, Minister for Foreign Affairs, H.E. Rini Soewandi, Minister for Trade and Industry, "
         "and H.E. Sri Mulyani, Minister for Finance.")


def test_the_sentence_naming_the_most_people_nobody_named_yet_is_asked_first() -> None:
    sentences = split_sentences(CALLS)
    order = [s.number for s in _missed(CALLS, sentences, {1}, [_meeting(1, "John Howard", "Megawati")])]
    # The courtesy calls of sentence 2 are a list that code reads whole: no question is spent on it.
    assert order == [3]
    uncalled = CALLS.replace("called on", "met")
    assert [s.number for s in _missed(uncalled, split_sentences(uncalled), {1}, [_meeting(1, "John Howard")])] == [
        3, 2]


@pytest.mark.parametrize(("sentence", "expected"), [
    # The subject is a title: the first person the sentence does not name stands for it.
    ("The Prime Minister called on H.E. Prof. Amien Rais and H.E. Akbar Tandjung.",
     ["Prime Minister John Howard", "H.E. Prof. Amien Rais", "H.E. Akbar Tandjung"]),
    ("He also met Amien Rais.", ["Prime Minister John Howard", "H.E. Prof. Amien Rais"]),
    # The subject is named: nobody the sentence does not name is kept.
    ("Prime Minister Howard met the Vice President, Amien Rais.", ["Prime Minister John Howard",
                                                                   "H.E. Prof. Amien Rais"]),
])
def test_an_answer_about_one_sentence_keeps_the_people_it_names_and_its_subject(sentence: str,
                                                                              expected: list[str]) -> None:
    answer = [LLMParticipant(name=name) for name in (
        "Prime Minister John Howard", "President Megawati Soekarnoputri", "H.E. Prof. Amien Rais",
        "H.E. Akbar Tandjung", "H.E. Boediono")]
    assert [p.name for p in _of_the_sentence(answer, sentence)] == [
        name for name in expected if name in {p.name for p in answer}]
