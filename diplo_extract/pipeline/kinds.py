"""What kind each reported interaction is, and how many there are: settled from the article's words.

A 1.5B model's labels are checked against the reporting words (a "meeting" held "by phone" is a phone call),
and a phone call it reported with three countries is split into the bilateral calls the article means.
"""

from __future__ import annotations

import re

from diplo_extract.core.llm_schema import LLMMeeting, LLMMeetingStatus
from diplo_extract.core.schema import MeetingKind
from diplo_extract.pipeline.people import participant_country

_BILATERAL_KINDS = (MeetingKind.PHONE_CALL,)
# The words of a report settle a call's medium better than a 1.5B model's label does ("held phone
# conversations" labelled "meeting" happens often); other kinds have no such unambiguous words.
_KIND_WORDS = (
    (MeetingKind.VIDEO_CALL, re.compile(r"video[- ]?(?:conferenc|call|link|format)|videoconferenc|via video",
                                        re.IGNORECASE)),
    (MeetingKind.PHONE_CALL, re.compile(r"\b(?:tele)?phone\b", re.IGNORECASE)),
    (MeetingKind.RECEPTION, re.compile(r"\breception\b|\b(?:received|receives|hosted)\b", re.IGNORECASE)),
)
# A plain "meeting" of three or more countries' representatives is what the annotation scheme calls a
# conference (steering committees, working groups, ministerial sessions).
_MULTILATERAL = 3


def kind_from_report(meeting: LLMMeeting) -> LLMMeeting:
    """The meeting with its kind set from the reporting words (call, video call, reception) or its size."""
    for kind, words in _KIND_WORDS:
        if words.search(meeting.quote):
            return meeting if meeting.kind == kind else meeting.model_copy(update={"kind": kind})
    if meeting.kind == MeetingKind.MEETING:
        countries = {participant_country(p.country, p.title, p.organization) for p in meeting.participants}
        if len(countries - {None}) >= _MULTILATERAL:
            return meeting.model_copy(update={"kind": MeetingKind.CONFERENCE})
    return meeting


def split_bilateral_calls(meeting: LLMMeeting) -> list[LLMMeeting]:
    """Split a phone call the model reported with three or more countries into one call per counterpart.

    "X held phone conversations respectively with A and with B" is two calls, but a small model tends to
    report one call with three people. Calls are bilateral unless the article says otherwise, so a call
    whose named people represent three or more countries becomes one call between the first-named person
    (the one the article is about) and each counterpart of another country.
    """
    if meeting.kind not in _BILATERAL_KINDS:
        return [meeting]
    named = [p for p in meeting.participants if p.name.strip()]
    codes = [participant_country(p.country, p.title, p.organization) for p in named]
    if len(named) < 3 or None in codes or len(set(codes)) < 3:
        return [meeting]
    host, host_code = named[0], codes[0]
    counterparts = [p for p, code in zip(named[1:], codes[1:], strict=True) if code != host_code]
    companions = [p for p, code in zip(named[1:], codes[1:], strict=True) if code == host_code]
    return [meeting.model_copy(update={"participants": [host, *companions, other]}) for other in counterparts]


# A small model marks reports of past interactions "planned" when the sentence opens with "Earlier" or names
# no date. An English sentence that reports with a past-tense verb and has no word for the future reports
# something that took place.
_PAST_REPORT = re.compile(r"\b(?:held|met|received|hosted|signed|attended|chaired|co-chaired|spoke|visited|"
                          r"talked|took part|called on|paid (?:a|an) (?:official |working |state )?visit)\b",
                          re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|would|is to|are to|plans? to|planned|planning|expected to|scheduled|"
                     r"invited to|next (?:week|month|year)|upcoming|to be held)\b", re.IGNORECASE)


def status_from_report(meeting: LLMMeeting) -> LLMMeeting:
    """The meeting marked held when its sentence reports it in the past tense and speaks of no future."""
    if meeting.status not in (LLMMeetingStatus.PLANNED, LLMMeetingStatus.PROPOSED):
        return meeting
    if _PAST_REPORT.search(meeting.quote) and not _FUTURE.search(meeting.quote):
        return meeting.model_copy(update={"status": LLMMeetingStatus.HELD})
    return meeting
