from __future__ import annotations

from diplo_extract.core.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.pipeline.reading import _missed
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
