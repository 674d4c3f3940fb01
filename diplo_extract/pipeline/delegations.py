"""Unnamed delegations (organisation-only participants): those an article reports, read by code.

A report names the principals and sums up the rest of those present as groups: "senior officials of the
Chinese Embassy were also present", "The meeting was attended by representatives of the central office of the
Ministry of Internal Affairs of Russia", "brought together representatives from ... in Kazakhstan, Kyrgyzstan,
Tajikistan", "Security Councils delegations of the all CSTO member-states participated". A small model asked
who took part names the people and drops the groups; the phrases are regular enough for code, and each group
joins the meeting its sentence belongs to, as attendance lists do.

A ministry's own release reports its rounds in the passive ("Bilateral meetings were also held with A, B and
C, where we reaffirmed ..."): the side that held them is the ministry that writes, named in the headline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence, Set

from diplo_extract.core.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.core.schema import Participant
from diplo_extract.pipeline.attendance import Attendance
from diplo_extract.pipeline.people import BODY_NOUN, participant_country
from diplo_extract.text.countries import countries_in, country_named_exactly
from diplo_extract.text.sentences import Sentence

# A group of unnamed people said to attend: the group's words, "of" or "from", then whom they came from.
_GROUP = re.compile(
    r"\b(?P<group>(?:(?:[A-Z][\w'’-]*|senior|other|high-ranking|national)"
    r"(?: (?!(?:of|the|and|by|from|to|in|at|were|was)\b)[a-z][\w'’-]*)? ){0,3}"
    r"(?i:officials|representatives|delegates|delegations|counterparts|ministers|members of the delegations?))"
    r"\s+(?:of|from)\s+(?P<whom>[^.;:]{3,400})")
# Words that say the group was there; a group that is only discussed ("the role of representatives of civil
# society") is no participant.
_ATTENDS = re.compile(r"\b(?:attended|participated|took part|(?:were|was) (?:also )?present|brought together|"
                      r"bringing together|joined)\b", re.IGNORECASE)
# Where the group's "of" phrase ends: the verb that says they attended, or the next clause.
_WHOM_END = re.compile(r"\s+(?:were|was|also|attended|participated|took|had|who|which|and "
                       r"(?=[A-Z][\w-]*[- ](?:General|Secretary|Minister|President)))\b|"
                       r",\s+(?:including|as well as|while|whereas)\b")
# The whole membership of a body: one delegation, however many states it has ("the all CSTO member-states").
_MEMBERSHIP = re.compile(r"\bmember[- ](?:states|countries)\b", re.IGNORECASE)
_BODY = re.compile(rf"\b{BODY_NOUN}\b", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:the|a|an|also)\s+", re.IGNORECASE)
# "Heads of delegation" are people, reported by name elsewhere; "representatives" of a state are a group.
_HEADS_OF = re.compile(r"\bheads?\s+of\s+(?:the\s+)?$", re.IGNORECASE)


# Groups that are the states' delegations themselves, whose heads the article names where it names any.
_DELEGATIONS = re.compile(r"\b(?:delegates|delegations|counterparts|ministers)$", re.IGNORECASE)


def _groups_in(words: str, represented: Set[str]) -> list[LLMParticipant]:
    """The unnamed delegations one sentence reports as attending, each with the country it names.

    "Delegates from India and Pakistan" are the delegations of states whose heads the article names:
    ``represented`` (the countries of the article's named participants) gets no second delegation from them.
    """
    if not _ATTENDS.search(words):
        return []
    found: list[LLMParticipant] = []
    for group in _GROUP.finditer(words):
        whom = _WHOM_END.split(group.group("whom"), maxsplit=1)[0].strip(" ,")
        if _HEADS_OF.search(words[:group.start()]):
            continue
        if _MEMBERSHIP.search(whom):
            label = _ARTICLE.sub("", f"{group.group('group')} of {whom.split(',')[0]}")
            found.append(LLMParticipant(name="", organization=label[:80]))
            continue
        codes = countries_in(whom)
        if len(codes) == 1 and _BODY.search(whom):
            body = _ARTICLE.sub("", whom)
            found.append(LLMParticipant(name="", organization=body[:80], country=codes[0]))
        elif len(codes) >= 2:
            # States listed one by one ("in Kazakhstan, Kyrgyzstan, Tajikistan"): one delegation each.
            heads_named = _DELEGATIONS.search(group.group("group")) is not None
            found.extend(LLMParticipant(name="", organization=written, country=code) for code in codes
                         if (written := _written(whom, code)) and not (heads_named and code in represented))
    return found


def _written(words: str, code: str) -> str:
    """The state as the sentence writes it ("Kyrgyzstan", "the Philippines"), for the record's evidence."""
    for part in re.split(r",\s*|\s+and\s+|\s+as well as\s+", words):
        tokens = part.split()
        # The state ends its item: "Kyrgyzstan", "the Philippines", "customs agencies in Georgia".
        for start in range(max(0, len(tokens) - 4), len(tokens)):
            written = " ".join(tokens[start:])
            if country_named_exactly(written) == code:
                return written
    return ""


def attending_groups(text: str, sentences: Sequence[Sentence], meetings: Sequence[LLMMeeting]) -> list[Attendance]:
    """The sentences of ``text`` that report unnamed groups attending, with one delegation per group or state."""
    represented = {code for meeting in meetings for p in meeting.participants if p.name.strip()
                   if (code := participant_country(p.country, p.title, p.organization))}
    found = []
    for sentence in sentences:
        groups = _groups_in(text[sentence.start:sentence.end], represented)
        if groups:
            found.append(Attendance(sentence.number, groups))
    return found


# A round reported in the passive, with nobody named as the side that held it.
_PASSIVE_ROUND = re.compile(r"\b(?:meetings?|talks|consultations|calls?) (?:was|were) (?:also )?held with\b",
                            re.IGNORECASE)
# The body a release's headline opens with: "Ministry of Law Strengthens Bilateral Ties ...".
_HEADLINE_BODY = re.compile(rf"^(?:The )?((?:[A-Z][\w'’-]* ){{0,3}}(?i:{BODY_NOUN}))(?: (?:of|for) (?:the )?"
                            r"(?P<portfolio>(?:[A-Z][\w'’-]*(?: and)? ?){1,4}))?")


def _publisher(text: str) -> str:
    """The body that opens the article's first line, when that line is a headline; else empty.

    A headline runs the body's name into its verb ("Ministry of Law Strengthens Bilateral Ties"): the body's
    portfolio is as many of the words after "of" as the body text writes after "of" or "for" too ("Minister for
    Law").
    """
    first, _, body = text.lstrip().partition("\n")
    first = first.strip()
    if not first or first.endswith(".") or len(first) > 200:
        return ""
    found = _HEADLINE_BODY.match(first)
    if found is None:
        return ""
    words = (found.group("portfolio") or "").split()
    for end in range(len(words), 0, -1):
        portfolio = " ".join(words[:end])
        if re.search(rf"\b(?:of|for) (?:the )?{re.escape(portfolio)}\b", body):
            return f"{found.group(1)} of {portfolio}"
    return found.group(1)


def with_publisher_hosts(meetings: list[LLMMeeting], text: str, sentences: Sequence[Sentence]) -> list[LLMMeeting]:
    """Passive rounds with their host: the body whose release it is, as an unnamed delegation.

    The body's country is the one most of the article's other meetings share; a release without a body in its
    headline, or a round whose meeting names someone of that country already, is left as it is.
    """
    publisher = _publisher(text)
    if not publisher:
        return meetings
    passive = {sentence.number for sentence in sentences
               if _PASSIVE_ROUND.search(text[sentence.start:sentence.end])}
    home = Counter(code for meeting in meetings if meeting.sentence not in passive
                   for person in meeting.participants if person.name.strip()
                   if (code := participant_country(person.country, person.title, person.organization)))
    country = home.most_common(1)[0][0] if home else (countries_in(publisher) or [""])[0]
    result = []
    for meeting in meetings:
        sides = {participant_country(p.country, p.title, p.organization) for p in meeting.participants}
        if meeting.sentence in passive and country and country not in sides:
            host = LLMParticipant(name="", organization=publisher, country=country)
            meeting = meeting.model_copy(update={"participants": [host, *meeting.participants]})
        result.append(meeting)
    return result


_WORD = re.compile(r"[^\W_]+")
_LINK_WORDS = frozenset(["of", "the", "and", "for", "to", "in", "at", "on"])
# A body that is the state itself: "Australian Government", "the Government of Indonesia", "New Zealand".
_STATE_BODY = re.compile(r"^(?:the )?(?:government(?: of)? )?(?P<state>.+?)(?: government)?$", re.IGNORECASE)


def _words(phrase: str | None) -> set[str]:
    return {w for w in _WORD.findall((phrase or "").casefold()) if w not in _LINK_WORDS}


def _is_state(organization: str | None) -> bool:
    found = _STATE_BODY.match((organization or "").strip())
    return found is not None and country_named_exactly(found.group("state")) is not None


def stands_for(unnamed: Participant, named: Participant) -> bool:
    """Whether an unnamed entry only restates a named participant of the same meeting.

    A small model writes the principal twice, once by name and once by office ("Minister for Foreign Affairs"
    of the "Australian Government" beside Alexander Downer, Minister for Foreign Affairs; "SCO Regional
    Anti-Terrorism Structure" beside its director, named): an entry whose title is part of a named participant's
    title and body, or whose body is part of their title, of the same country, is that person; so is an office
    of a state that the meeting names someone of. Officials "of the Chinese Embassy" beside the ambassador, who
    works there, are more people of that body, not the ambassador again.
    """
    if unnamed.country and named.country and unnamed.country != named.country:
        return False
    title, body = _words(unnamed.title), _words(unnamed.organization)
    held = _words(named.title) | _words(named.organization)
    # An office holder's entry (with a title) restates a person of that body; a group alone does so only
    # when the body is in the person's title.
    if title and (title <= held or (body and body <= held)):
        return True
    if body and body <= _words(named.title):
        return True
    return bool(unnamed.title) and _is_state(unnamed.organization) and unnamed.country == named.country


def same_state(unnamed: Participant, other: Participant) -> bool:
    """Whether two unnamed entries are one state's delegation twice ("New Zealand Government", "New Zealand")."""
    return (not other.name and unnamed.country is not None and unnamed.country == other.country
            and _is_state(unnamed.organization) and _is_state(other.organization))
