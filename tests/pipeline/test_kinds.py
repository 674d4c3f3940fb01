from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMMeeting, LLMMeetingStatus
from diplo_extract.pipeline.kinds import kind_from_report, status_from_report


def _reported(sentence: str, status: str) -> LLMMeeting:
    return LLMMeeting(quote=sentence, kind="phone_call", status=status)


@pytest.mark.parametrize(("sentence", "status", "expected"), [
    ("Earlier, Prince Abdulaziz held separate telephone talks with his Qatari counterpart.", "planned", "held"),
    ("The minister met his Kazakh counterpart in Astana.", "proposed", "held"),
    ("The minister will visit Beijing next week, where he met officials last year.", "planned", "planned"),
    ("The two sides plan to hold talks in Tashkent.", "planned", "planned"),
    ("The minister met his counterpart.", "background", "background"),
])
def test_a_past_tense_report_without_future_words_is_held(sentence: str, status: str, expected: str) -> None:
    assert status_from_report(_reported(sentence, status)).status is LLMMeetingStatus(expected)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The 13th meeting of SCO Security Council Secretaries will be held in Beijing on May 21-22, the "
     "spokesperson announced Wednesday.", "planned"),
    ("Заседание Совета министров внутренних дел СНГ состоится в Душанбе в мае.", "planned"),
    ("Hội nghị sẽ diễn ra tại Hà Nội vào tháng tới.", "planned"),
    ("上合组织安全会议秘书会议将于5月21日至22日在北京举行。", "planned"),
    ("Кездесу келесі айда Астанада өтеді.", "planned"),
    # Reported as held: a past-tense word wins over words about the future.
    ("The ministers met in Astana and said the next round will be held in Tashkent.", "held"),
    ("Министры провели встречу, следующая состоится в Минске.", "held"),
    ("Hai bên đã hội đàm và nhất trí sẽ tổ chức cuộc gặp tiếp theo.", "held"),
])
def test_a_held_report_that_only_announces_is_planned(sentence: str, expected: str) -> None:
    assert status_from_report(_reported(sentence, "held")).status is LLMMeetingStatus(expected)


@pytest.mark.parametrize(("sentence", "kind"), [
    ("Николай Патрушев провел телефонный разговор с Али Шамхани.", "phone_call"),
    ("王小洪与阿联酋副总理通电话。", "phone_call"),
    ("Bộ trưởng Tô Lâm điện đàm với Bộ trưởng Nội vụ Lào.", "phone_call"),
    ("Министры провели встречу в режиме видеосвязи.", "video_call"),
    ("Thứ trưởng Lê Quý Vương tiếp ông Matthew King.", "reception"),
    ("Эмомали Рахмон принял участников совещания.", "reception"),
    ("郭声琨在内比都会见缅甸内政部部长觉瑞。", "meeting"),
    ("Hai bộ trưởng hội đàm và thống nhất tiếp tục hợp tác.", "meeting"),  # tiếp tục: "continue"
])
def test_reporting_words_of_every_source_language_settle_the_kind(sentence: str, kind: str) -> None:
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held")
    assert kind_from_report(meeting).kind.value == kind
