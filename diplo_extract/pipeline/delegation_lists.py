"""Delegations a document lists line by line, read by code: "Australian Delegation" and a name on each line.

Joint statements and ministry releases list each side's delegation in a block of its own, often in an annex far
from the sentence that reports the meeting ("The Indonesian and Australian delegations are at Annex A"):

    Australian Delegation

    The Hon Alexander Downer MP, Minister for Foreign Affairs (Co-Chair)
    Senator the Hon Chris Ellison, Minister for Justice and Customs

A small model shown such a document names the heads of delegation and stops; the block is regular enough for
code: the heading gives the country, each line a name and a title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from diplo_extract.core.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.pipeline.people import reads_as_name, same_participant
from diplo_extract.text.countries import countries_in
from diplo_extract.text.names import POSTNOMINALS

# A heading that opens a delegation's list: "Australian Delegation", "Delegation of the Republic of Kazakhstan:",
# "Делегация Республики Казахстан".
_HEADING = re.compile(r"^(?:the\s+)?(?:(?P<before>[^\W\d][\w .'’-]{1,60}?)\s+delegation|delegation of\s+"
                      r"(?P<after>[\w .'’-]{2,60}?)|делегация\s+(?P<ru>[\w .'’-]{2,60}?))\s*:?$", re.IGNORECASE)
# A line of the list: a name, then its title after a comma or a dash.
_ITEM = re.compile(r"^(?P<name>[^,–—]{3,80}?)\s*(?:,|\s[–—-]\s)\s*(?P<title>\S.{2,200})$")
# Honorifics before the name, which are no part of it.
_BEFORE_NAME = re.compile(r"^(?:(?:the|hon\.?|honourable|honorable|he|h\.\s?e\.|dr\.?|mr\.?|mrs\.?|ms\.?|senator|"
                          r"prof\.?|professor|sir|dame|г-н|г-жа)\s+)+", re.IGNORECASE)
# A list line is short: longer paragraphs are prose, where the list has ended.
_ITEM_WORDS = 30


@dataclass(frozen=True)
class DelegationList:
    """One block of a document that lists a delegation, with its people (country from the heading)."""

    people: list[LLMParticipant]


def _listed_person(line: str, country: str) -> LLMParticipant | None:
    found = _ITEM.match(line)
    if found is None or len(line.split()) > _ITEM_WORDS:
        return None
    name = POSTNOMINALS.sub("", _BEFORE_NAME.sub("", found.group("name").strip())).strip()
    if len(name.split()) < 2 or not reads_as_name(name) or countries_in(name):
        return None
    return LLMParticipant(name=name, title=found.group("title").strip()[:120], country=country)


def delegation_lists(text: str) -> list[DelegationList]:
    """Every delegation block of ``text``: a heading naming one country, then one person per line."""
    blocks: list[DelegationList] = []
    current: DelegationList | None = None
    country = ""
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        heading = _HEADING.match(line)
        named = countries_in(next(g for g in heading.groups() if g)) if heading else []
        if heading and len(set(named)) == 1:
            country = named[0]
            current = DelegationList([])
            blocks.append(current)
            continue
        person = _listed_person(line, country) if current is not None else None
        if person is None:
            current = None
        elif current is not None:
            current.people.append(person)
    return [block for block in blocks if block.people]


def with_delegation_lists(meetings: list[LLMMeeting], lists: Sequence[DelegationList]) -> list[LLMMeeting]:
    """``meetings`` with each listed delegation added to the meeting it belongs to.

    That is the meeting that already has one of the list's people (the head of delegation the report names), else
    the document's first meeting: a document lists the delegations of the meeting it is about.
    """
    result = list(meetings)
    for block in lists:
        if not result:
            break
        owner = next((i for i, m in enumerate(result) if any(
            same_participant(p.name, "", listed.name, "") for p in m.participants if p.name.strip()
            for listed in block.people)), 0)
        people = list(result[owner].participants)
        for listed in block.people:
            if not any(p.name.strip() and same_participant(p.name, "", listed.name, "") for p in people):
                people.append(listed)
        result[owner] = result[owner].model_copy(update={"participants": people})
    return result
