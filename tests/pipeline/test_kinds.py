from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMMeeting, LLMMeetingStatus
from diplo_extract.pipeline.kinds import status_from_report


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
