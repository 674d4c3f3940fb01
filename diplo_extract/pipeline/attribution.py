"""Which meeting a passage of the article is about, so threats and agreements land on the right meeting.

Threats and agreements are extracted once per article (one small pass each, not one per meeting); code then
attributes each to meetings by where its words stand. A meeting is marked in the text by the names of the
participants that set it apart from the other meetings (Saif for one call, Turgumbayev for the other); a
passage belongs to the meeting whose marker last precedes it. With one meeting, everything is its own.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from diplo_extract.core.llm_schema import LLMMeeting
from diplo_extract.text.names import HONORIFIC_WORDS, name_key
from diplo_extract.text.sentences import sentence_around

_PARTICLES = frozenset({"bin", "ibn", "bint", "al", "el", "de", "da", "van", "von", "der", "del", "la", "le"})


def _marker_words(meeting: LLMMeeting) -> set[str]:
    """Full names and their distinctive words ("Saif" for "Sheikh Saif bin Zayed"), as written."""
    words = set()
    for person in meeting.participants:
        name = person.name.strip()
        if not name:
            continue
        words.add(name)
        for token in re.split(r"[\s,]+", name):
            token = token.strip(".,'’()")
            folded = token.casefold()
            if len(token) >= 3 and folded not in _PARTICLES and folded not in HONORIFIC_WORDS:
                words.add(token)
    return words


class MeetingLocator:
    """Maps character positions of an article to the meetings they are about."""

    def __init__(self, text: str, meetings: Sequence[LLMMeeting]):
        self.count = len(meetings)
        self._text = text
        # The story's lead meeting: the one reported first. What the article says before any meeting's own
        # people are named (the lead paragraph) is about it.
        reported_at = [m.sentence for m in meetings]
        self._lead = {i for i, at in enumerate(reported_at) if at == min(reported_at)} if meetings else set()
        words = [_marker_words(m) for m in meetings]
        keys = [{name_key(w) for w in ws} for ws in words]
        markers: list[tuple[int, int]] = []
        for index, own in enumerate(words):
            others = set().union(*(k for j, k in enumerate(keys) if j != index)) if self.count > 1 else set()
            for word in own:
                if name_key(word) in others:
                    continue
                for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                    markers.append((match.start(), index))
        markers.sort()
        self._positions = [position for position, _ in markers]
        self._owners = [owner for _, owner in markers]
        # A courtesy call inside a larger story ("The delegation leaders met with President Xi Jinping."): one
        # named person, named in one sentence only. What the story says after that sentence goes on about the
        # meeting before it, not about the call.
        self._aside = {index for index, meeting in enumerate(meetings)
                       if self.count > 1 and len([p for p in meeting.participants if p.name.strip()]) == 1
                       and len({sentence_around(text, position, position + 1)
                                for position, owner in markers if owner == index}) == 1}

    def owners_at(self, position: int) -> set[int]:
        """Meetings a passage starting at ``position`` is about (the lead meeting before any marker).

        When the last marker before it stands in a sentence that names several meetings' people ("held
        separate talks with A; B and C"), what follows about "the two sides" is about each of them.
        """
        if self.count <= 1:
            return set(range(self.count))
        at = bisect.bisect_right(self._positions, position) - 1
        if at < 0:
            return set(self._lead)
        start, end = sentence_around(self._text, self._positions[at], self._positions[at] + 1)
        if end > position:  # the passage is inside that sentence: only the meeting named last is its own
            return {self._owners[at]}
        while at >= 0 and self._owners[at] in self._aside:
            at -= 1
        if at < 0:
            return set(self._lead - self._aside) or set(self._lead)
        start, _ = sentence_around(self._text, self._positions[at], self._positions[at] + 1)
        first = bisect.bisect_left(self._positions, start)
        return set(self._owners[first:at + 1]) - self._aside or {self._owners[at]}

    def owners_within(self, start: int, end: int) -> set[int]:
        """Meetings a passage ``[start, end)`` is about: those it names, else the one named last before it."""
        first = bisect.bisect_left(self._positions, start)
        last = bisect.bisect_left(self._positions, end)
        named = set(self._owners[first:last])
        return named or self.owners_at(start)

    def owners_of(self, quote: str, text: str, fallback: int | None) -> set[int]:
        """Meetings concerned by every occurrence of ``quote`` (case-insensitive) in the text.

        The same words often recur for several meetings ("terrorism and extremism" in each of two calls),
        so every occurrence counts; a whole sentence that names a meeting's people is about that meeting.
        ``fallback`` is the located position when the quote is not verbatim, and a quote found nowhere
        concerns every meeting.
        """
        if self.count <= 1:
            return set(range(self.count))
        owners: set[int] = set()
        needle = quote.strip()
        if needle:
            for match in re.finditer(re.escape(needle), text, flags=re.IGNORECASE):
                owners |= self.owners_within(match.start(), match.end())
        if not owners:
            # Words that cannot be placed (an ungrounded quote) concern the article as a whole.
            owners = self.owners_at(fallback) if fallback is not None else set(range(self.count))
        return owners
