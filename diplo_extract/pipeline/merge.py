"""Merging meetings that are the same interaction: across chunks of a long article, or listed twice.

Two reports are one meeting when they are of the same kind, their dates do not conflict, and the named
people of one are all among the named people of the other. Two phone calls sharing one caller
({Zhao, Saif} and {Zhao, Turgumbayev}) are not merged: neither set contains the other. A gathering of three or
more named people is one interaction whatever each sentence calls it ("received the ministers", "the
meeting of ministers"): reports sharing most of its people merge, across kinds too, and the multilateral
kind wins.
"""

from __future__ import annotations

import re

from diplo_extract.core.llm_schema import LLMMeeting, LLMMeetingStatus, LLMParticipant
from diplo_extract.core.schema import MeetingKind
from diplo_extract.pipeline.kinds import MEETING_VERB, SIDELINES
from diplo_extract.pipeline.people import participant_country, same_participant
from diplo_extract.text.names import named_in, same_person


def _named(meeting: LLMMeeting) -> list[str]:
    return [p.name for p in meeting.participants if p.name.strip()]


def _when(date_text: str) -> str:
    return " ".join(w for w in re.findall(r"\w+", date_text.casefold()) if w not in ("on", "the", "of"))


def _same_when(a: str, b: str) -> bool:
    """Date phrases that do not conflict: one unstated, or one within the other ("Monday", "on Monday")."""
    first, second = _when(a), _when(b)
    return not first or not second or first in second or second in first


def _countries(meeting: LLMMeeting) -> set[str]:
    codes = {participant_country(p.country, p.title, p.organization) for p in meeting.participants}
    return {code for code in codes if code}


def _covered(smaller: list[str], larger: list[str]) -> bool:
    return all(any(same_person(a, b) for b in larger) for a in smaller)


_MULTILATERAL_KINDS = (MeetingKind.CONFERENCE, MeetingKind.SUMMIT)
_GATHERING = 3  # named people shared by two reports of one gathering


def _same_gathering(a: LLMMeeting, b: LLMMeeting) -> bool:
    """Two reports of one gathering: three or more named people shared, two thirds of the smaller report's.

    Two lists of a dozen delegates rarely agree name for name (one model answer stops early, another adds a
    body as a person), so a gathering is recognised by most of its people, not all.
    """
    names_a, names_b = _named(a), _named(b)
    smaller, larger = (names_a, names_b) if len(names_a) <= len(names_b) else (names_b, names_a)
    shared = sum(1 for name in smaller if any(same_person(name, other) for other in larger))
    return shared >= _GATHERING and 3 * shared >= 2 * len(smaller)


def _part_of_gathering(a: LLMMeeting, b: LLMMeeting) -> bool:
    """A "meeting" of one named person beside a conference is a part of its report, not a meeting of its own.

    "Welcoming the participants of the meeting, Olim Narzullayev ... noted": the chair of the gathering, whom a
    small model reports as a meeting of his own. A report from its sidelines, or of someone meeting or receiving
    its delegates, is a meeting of its own.
    """
    gathering, lone = (a, b) if a.kind in _MULTILATERAL_KINDS else (b, a)
    return (gathering.kind in _MULTILATERAL_KINDS and lone.kind is MeetingKind.MEETING and len(_named(lone)) <= 1
            and not SIDELINES.search(lone.quote) and not MEETING_VERB.search(lone.quote)
            and not _RECEIVES.search(lone.quote))


# A head of state receiving the delegations of a gathering meets them: "会前,哈萨克斯坦总统纳扎尔巴耶夫集体会见各国
# 代表团团长", "The delegation leaders met with President Xi Jinping".
_RECEIVES = re.compile(r"会见|接见|会晤|会谈|\b(?:hosted|welcomed) (?:the )?(?:heads|delegat)|принял|қабылдады|tiếp",
                       re.IGNORECASE)


def same_meeting(a: LLMMeeting, b: LLMMeeting) -> bool:
    """True when ``a`` and ``b`` report the same interaction."""
    if a.status != b.status:
        return False
    if a.kind != b.kind:
        return _same_when(a.date_text, b.date_text) and (_same_gathering(a, b) or _part_of_gathering(a, b))
    if not _same_when(a.date_text, b.date_text):
        return False
    names_a, names_b = _named(a), _named(b)
    if a.kind in _MULTILATERAL_KINDS and min(len(names_a), len(names_b)) <= 1:
        # A gathering reported once by its chair alone ("Uzbekistan chairs the 12th Meeting ...", Olim
        # Narzullayev welcoming the participants) and once by its list of attendees is one gathering: a
        # conference of one named person is a part of a report, not a second conference on the same day.
        return True
    if not names_a and not names_b:
        return bool(a.quote.strip()) and a.quote.strip() == b.quote.strip()
    if not names_a or not names_b:
        # A report that names nobody ("the two ministers met", a headline) is the same interaction as a
        # report of the same kind whose people represent every country it names.
        return _countries(a if not names_a else b) <= _countries(b if not names_a else a)
    if _same_gathering(a, b):
        return True
    if len(names_a) <= len(names_b):
        return _covered(names_a, names_b)
    return _covered(names_b, names_a)


def _union_participants(first: list[LLMParticipant], second: list[LLMParticipant]) -> list[LLMParticipant]:
    merged = list(first)
    for person in second:
        if not any(same_participant(person.name.strip(), person.organization.strip(), other.name.strip(),
                                    other.organization.strip()) for other in merged):
            merged.append(person)
    return merged


def merge_meetings(meetings: list[LLMMeeting], *, split_by_code: bool = False) -> list[LLMMeeting]:
    """Meetings in first-seen order, duplicates folded into the first report (participants unioned).

    ``split_by_code``: the meetings were already merged once, and code has since split some sentences into
    several interactions (a meeting and the session its people co-chaired): two meetings of one sentence stay
    apart.
    """
    result: list[LLMMeeting] = []
    for meeting in meetings:
        for index, kept in enumerate(result):
            if split_by_code and kept.sentence == meeting.sentence:
                continue
            if same_meeting(kept, meeting):
                kind = meeting.kind if meeting.kind in _MULTILATERAL_KINDS else kept.kind
                result[index] = kept.model_copy(update={
                    "kind": kind,
                    "participants": _union_participants(kept.participants, meeting.participants),
                    "date_text": kept.date_text or meeting.date_text,
                    "city": kept.city or meeting.city,
                })
                break
        else:
            result.append(meeting)
    return result


def without_copied_people(meetings: list[LLMMeeting]) -> tuple[list[LLMMeeting], list[LLMMeeting]]:
    """Meetings kept, and those whose people the model copied from an earlier meeting.

    A small model given a second event of the article ("Similar suggestions were made at the UN Counter-Terrorism
    Committee meeting held in Mumbai") fills it with the people of the meeting it read first. A later report whose
    own sentence names none of its named people, all of whom an earlier report has, holds nothing of its own: it
    is dropped (the caller warns), not kept as a second meeting of the same people.
    """
    kept: list[LLMMeeting] = []
    copied: list[LLMMeeting] = []
    for meeting in meetings:
        names = _named(meeting)
        if (names and not any(named_in(name, meeting.quote) for name in names)
                and any(_covered(names, _named(earlier)) for earlier in kept)):
            copied.append(meeting)
        else:
            kept.append(meeting)
    return kept, copied


def without_headline_summaries(meetings: list[LLMMeeting],
                               headline: set[int]) -> tuple[list[LLMMeeting], list[LLMMeeting]]:
    """Meetings kept, and those the headline reports whose people the body reports in meetings of their own.

    "Minister met with the Head of the EU Delegation, Ambassadors of Armenia and Iran" sums up three meetings
    that the body reports one by one; the headline's one gathering of everyone never took place. ``headline``
    holds the numbers of the headline's sentences.
    """
    # A planned meeting of the body's ("invited the President to visit Australia") is none of its own yet.
    body = [name for meeting in meetings if meeting.sentence not in headline
            and meeting.status is LLMMeetingStatus.HELD for name in _named(meeting)]
    summaries = [meeting for meeting in meetings
                 if meeting.sentence in headline and _named(meeting) and _covered(_named(meeting), body)]
    return [meeting for meeting in meetings if meeting not in summaries], summaries
