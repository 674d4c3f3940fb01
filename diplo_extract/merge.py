"""Merging meetings that are the same interaction: across chunks of a long article, or listed twice.

Two reports are one meeting when they are of the same kind, their dates do not conflict, and the named
people of one are all among the named people of the other. Two phone calls sharing one caller
({Zhao, Saif} and {Zhao, Turgumbayev}) are not merged: neither set contains the other.
"""

from __future__ import annotations

import re

from diplo_extract.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.names import same_person
from diplo_extract.people import participant_country
from diplo_extract.schema import MeetingKind

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


def _named(meeting: LLMMeeting) -> list[str]:
    return [p.name for p in meeting.participants if p.name.strip()]


def _covered(smaller: list[str], larger: list[str]) -> bool:
    return all(any(same_person(a, b) for b in larger) for a in smaller)


def same_meeting(a: LLMMeeting, b: LLMMeeting) -> bool:
    """True when ``a`` and ``b`` report the same interaction."""
    if a.kind != b.kind or a.status != b.status:
        return False
    if a.date_text and b.date_text and a.date_text.strip().casefold() != b.date_text.strip().casefold():
        return False
    names_a, names_b = _named(a), _named(b)
    if not names_a or not names_b:
        return bool(a.quote.strip()) and a.quote.strip() == b.quote.strip()
    if len(names_a) <= len(names_b):
        return _covered(names_a, names_b)
    return _covered(names_b, names_a)


def _union_participants(first: list[LLMParticipant], second: list[LLMParticipant]) -> list[LLMParticipant]:
    merged = list(first)
    for person in second:
        duplicate = any(
            (person.name and other.name and same_person(person.name, other.name))
            or (not person.name and not other.name and person.organization == other.organization)
            for other in merged
        )
        if not duplicate:
            merged.append(person)
    return merged


def merge_meetings(meetings: list[LLMMeeting]) -> list[LLMMeeting]:
    """Meetings in first-seen order, duplicates folded into the first report (participants unioned)."""
    result: list[LLMMeeting] = []
    for meeting in (part for reported in meetings for part in split_bilateral_calls(kind_from_report(reported))):
        for index, kept in enumerate(result):
            if same_meeting(kept, meeting):
                result[index] = kept.model_copy(update={
                    "participants": _union_participants(kept.participants, meeting.participants),
                    "date_text": kept.date_text or meeting.date_text,
                    "city": kept.city or meeting.city,
                })
                break
        else:
            result.append(meeting)
    return result


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
