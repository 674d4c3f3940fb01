"""People an article lists as attending a meeting, read by code: "X, Y and Z also took part", "参加会见".

Reports name the principals in the sentence that reports a meeting and list the rest in a sentence of its own:
"The meeting was attended by A, B, C ...", "Also present were ...", "中国驻缅甸大使洪亮,公安部副部长李伟 ...
参加会见和会议", "В заседании приняли участие ...", "... Камилов қатысты", "Tham dự có ...". A small model
asked about the meeting lists two or three of them and stops; the list itself is regular enough for code: the
names are found in the sentence, titles split off, and the people join the meeting the sentence belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from diplo_extract.core.llm_schema import LLMMeeting, LLMMeetingStatus, LLMParticipant
from diplo_extract.core.schema import MeetingKind
from diplo_extract.pipeline.people import (
    BODY_NOUN,
    clean_participant,
    is_acronym,
    is_title_token,
    participant_country,
    past_title_complement,
    same_participant,
    serves_intergovernmental_body,
)
from diplo_extract.text.countries import countries_in, country_named_exactly
from diplo_extract.text.names import COURTESY_WORDS, HONORIFIC_WORDS, kazakh_nominative, named_in
from diplo_extract.text.sentences import Sentence

# Words that say a sentence lists who attended, in each language of the sources.
_ATTENDED = re.compile(
    r"\b(?:attended by|(?:were|was) (?:also )?present|also present were|accompanied by|took part in (?:the|this)|"
    # A list announced before it: "The following officials took part and spoke at the event: A; B; C".
    r"the following (?:\w+ ){0,2}(?:took part|participated|attended|were present)|"
    # Those who came with someone: "A, B and C accompanied Kerchove during the meeting".
    r"accompanied (?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+){0,2} (?:during|at|in|to) the "
    r"(?:meeting|talks|visit|call)|"
    r"participated in (?:the|this)|(?:delegation|delegations) (?:included|comprised|consisted)|"
    r"also (?:attended|participated|took part))\b|"
    r"(?:参加|出席|陪同)(?:了)?(?:会见|会谈|会议|会晤|上述活动|活动|签字仪式)|"
    r"(?:приняли|принял|принимали|принимал)\s+участие|\bв состав делегации\b|\bприсутствовал|"
    r"\bқатысты\b|\bқатысқан\b|"
    r"\b(?:tham dự|cùng dự|cùng tham dự|cùng đi|có mặt)\b",
    re.IGNORECASE)
_HAN = r"\u4e00-\u9fff"
# A Chinese list item: titles, then the name (two to four characters) right after the last character that
# ends a title (部长, 大使, 主席, 助理, 主任, 书记, 委员, 司令, 总监 ...).
_HAN_ITEM = re.compile(rf"^([{_HAN}、·]*[长使席理任记员官监令师])([{_HAN}·]{{2,4}})$")
_HAN_VERB = re.compile(r"(?:等)?(?:参加|出席|陪同)(?:了)?.*$")
_CAPITAL = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІĐÂÊÔƠƯ"
# Runs of capitalised words (with name particles and initials, "С. Лавров", "Д.Ф. Мезенцев") and the title
# words before them: what :func:`~diplo_extract.pipeline.people.clean_participant` splits into title and name.
# A name may end in a one-letter syllable that is no initial ("Ван И", Wang Yi in Cyrillic).
_WORDS = re.compile(
    rf"(?:[{_CAPITAL}][\w'’.-]*\s+|(?:bin|ibn|al|el|de|van|von)\s+)*"
    rf"(?:(?:[{_CAPITAL}]\.\s?){{1,2}}[{_CAPITAL}][\w'’-]+|[{_CAPITAL}][\w'’-]+|(?<=\w\s)[{_CAPITAL}](?![\w.]))")


# Capitalised words of bodies (the body nouns of :mod:`~diplo_extract.pipeline.people`, plurals too), events,
# documents and places that a run of capitals in a list of attendees may hold.
NOT_A_NAME = re.compile(
    rf"(?i:{BODY_NOUN}s?|forum|ceremony|"
    r"conference|meeting|session|summit|group|dialogue|partnership|statement|declaration|agreement|treaty|"
    r"memorandum|convention|initiative|strategy|framework|mechanism|study|report|plan|"
    r"cooperation|territory|republic|region|regional|province|city|"
    r"heads?|members?|officials?|representatives?|other|control|aide|presidential|programme|program|"
    r"centre|center|court|university|institute|international|mp|jr|"
    # Vietnamese capitalises every syllable of a body's name ("Đảng Cộng sản", "Ủy ban", "Học viện").
    r"đảng|ủy|uỷ|ban|viện|học|hội|tỉnh|thành|phố|quân|khu|đoàn)")


@dataclass(frozen=True)
class Attendance:
    """One sentence that lists attendees, and the people it names."""

    sentence: int
    people: list[LLMParticipant]
    # A Chinese list names its own government's officials by office alone ("公安部副部长李伟"): a person whose
    # title names no country is on the side of the meeting's first-named person.
    home_side: bool = False
    # The person the listed came with ("Khaleel was accompanied by A, B", "A and B accompanied Kerchove"): a
    # listed person whose item names no country is of that person's.
    companion_of: str = ""


def _han_people(words: str) -> list[LLMParticipant]:
    listed = _HAN_VERB.sub("", words.strip().rstrip("。"))
    people = []
    for item in re.split(r"[,，;；]", listed):
        # "、" joins a person's titles ("云南省副省长、公安厅厅长张太原") and people ("副部长陈智敏、副部长郑泽光"):
        # a part that ends in a name is a person, a part that does not is a title of the next one.
        titles = ""
        for part in item.strip().split("、"):
            found = _HAN_ITEM.match(part)
            if found:
                people.append(LLMParticipant(name=found.group(2), title=titles + found.group(1)))
                titles = ""
            else:
                titles += part + "、"
    return people


# Lower-case words inside a title: "Minister of Justice and Constitutional Affairs", "Head of the EU Delegation
# to Georgia", "Deputy Minister at the Prime Minister's Office".
_LINKS = frozenset(["of", "for", "and", "the", "to", "at", "in", "on", "a", "an", "de", "du", "des", "и", "по",
                    "và", "của"])


def _title_like(token: str) -> bool:
    bare = token.strip(".,'’()")
    return (is_title_token(bare) or is_acronym(bare) or bare.casefold() in HONORIFIC_WORDS
            or any(is_title_token(part) for part in bare.split("-") if part))


# What separates the items of a list of attendees.
_SEPARATOR = re.compile(r"[,;:]|\s(?:and|as well as|и|пен|мен|және|và)\s")


# What follows a name and still describes the person: "A from the Ministry of ... of India", "A (Kazakhstan)",
# "A, Minister of Foreign Affairs of Indonesia"; not what the sentence goes on to say ("A to discuss the Iranian
# attack").
_DESCRIBES = re.compile(r"\s*(?:[,(]|(?:from|of)\b)", re.IGNORECASE)


_OF_THE = re.compile(r"\bof(?: the)?\s+$", re.IGNORECASE)


def _item_around(words: str, start: int, end: int) -> str:
    """The list item holding ``words[start:end]``: from the separator before it to the one after it."""
    before = [m.end() for m in _SEPARATOR.finditer(words, 0, start)]
    after = _SEPARATOR.search(words, end)
    return words[before[-1] if before else 0:after.start() if after else len(words)]


def _leading_country(tokens: list[str]) -> tuple[int, str | None]:
    """How many tokens of a run are a country's name before a name ("Trung Quốc Mạnh Kiến Trụ"), and its code."""
    for size in range(min(4, len(tokens) - 1), 0, -1):
        code = country_named_exactly(" ".join(tokens[:size]))
        if code is not None:
            return size, code
    return 0, None


def _cased_people(words: str) -> list[LLMParticipant]:
    people = []
    previous_end = 0
    for run in _WORDS.finditer(words):
        tokens = run.group(0).strip(" .").split()
        cut, country = _leading_country(tokens)
        # Kazakh and Vietnamese capitalise the next person's country: "Қасым-Жомарт Тоқаев Ресейдің ...".
        while len(tokens) - cut > 2 and country_named_exactly(tokens[-1]) is not None:
            tokens.pop()
        while cut < len(tokens) - 1 and _title_like(tokens[cut]):
            cut += 1
        # The name follows the run's last title or body word: "(Minister of Justice and) Constitutional Affairs
        # Mrs Pholile Paulette Shakantu", "(Minister of Justice and) Community Services Don Ken Stephen".
        last_title = max((i for i in range(cut, len(tokens))
                          if _title_like(tokens[i]) or NOT_A_NAME.fullmatch(tokens[i].strip(".,"))), default=None)
        if last_title is not None and len(tokens) - last_title > 2:
            cut = last_title + 1
        name = " ".join(tokens[cut:])
        # One word is a surname at most ("Rai"): too little to tell a person from a place. A run with a title
        # or body word left inside ("New Zealand Foreign Minister", "Opening Ceremony") is no name.
        if (len(tokens) - cut < 2 and "." not in name) or any(_title_like(t) or NOT_A_NAME.fullmatch(t.strip(".,"))
                                                              for t in tokens[cut:]):
            continue
        # Capitals right after "of (the)" with no title before them name what the title is of ("Deputy Director
        # of the Central Political and Legal Affairs Commission"), not a person; with three or more, the first is
        # the place of the title ("Vice Mayor of Shenzhen Wang Lixin", read below).
        if cut == 0 and len(tokens) < 3 and _OF_THE.search(words, 0, run.start()):
            continue
        person = clean_participant(LLMParticipant(name=name))
        if not person.name.strip() or countries_in(person.name):  # a place ("Bắc Kinh", "Việt Nam")
            continue
        # The person's country and title are in their item of the list, before or after the name
        # ("Қазақстан Республикасының Сыртқы істер министрі А. Мусинов", "Liang Yun from the Ministry of
        # Public Security of China").
        item = _item_around(words, run.start(), run.end())
        before, _, after = item.partition(name)
        said = list(_ATTENDED.finditer(before))
        words_before = before[said[-1].end() if said else 0:].split()
        # The title begins at its first title word or country: "Кеше, яғни 8 қаңтарда Қазақстан президенті".
        while words_before and not (_title_like(words_before[0]) or countries_in(words_before[0])):
            words_before.pop(0)
        # A title has no verb in it: "the Prime Minister met H.E. A" gives A no title.
        clause = [i for i, word in enumerate(words_before) if word.isalpha() and word.islower()
                  and not _title_like(word) and word not in _LINKS]
        if clause:
            words_before = words_before[clause[-1] + 1:]
            while words_before and words_before[0] in _LINKS:  # "called on H.E. A": "on" is the verb's
                words_before.pop(0)
        while words_before and words_before[-1].strip(".,").casefold() in COURTESY_WORDS:
            words_before.pop()  # "Minister of Justice Dr": the honorific is the name's, not the title's
        name_words = person.name.split()
        moved = past_title_complement([*words_before, *name_words], len(words_before)) - len(words_before)
        if moved:  # "the Vice Mayor of Shenzhen Wang Lixin": the place is the title's
            words_before += name_words[:moved]
            person = person.model_copy(update={"name": " ".join(name_words[moved:])})
        title = " ".join(words_before)
        # The title before a name says whose official he is; "from the Ministry ... of India" after it.
        # A title with "and" in it ("Minister of Justice and Constitutional Affairs") spans two items: where the
        # item names no country, the words since the previous person's name are this person's too.
        found = ([country] if country else countries_in(before)[-1:]
                 or (countries_in(after)[:1] if _DESCRIBES.match(after) else [])
                 or countries_in(words[previous_end:run.start()])[-1:])
        people.append(person.model_copy(update={"title": title[:80], "country": found[0] if found else ""}))
        previous_end = run.end()
    return people


def listed_people(words: str) -> tuple[list[LLMParticipant], bool]:
    """The named people of a list in ``words``, titles split off, and whether it is a Chinese list.

    In a Chinese list a person whose title names no country is an official of the publisher's own government.
    """
    if re.search(f"[{_HAN}]{{6}}", words):
        return _han_people(words), True
    return _cased_people(words), False


def attendance_lists(text: str, sentences: Sequence[Sentence]) -> list[Attendance]:
    """The sentences of ``text`` that list attendees by name, with those people (titles split off)."""
    found = []
    for sentence in sentences:
        words = text[sentence.start:sentence.end]
        if not _ATTENDED.search(words):
            continue
        people, home_side = listed_people(words)
        with_whom = _ACCOMPANYING.search(words)
        companion = next((name for name in with_whom.groups() if name), "") if with_whom else ""
        people = [p for p in people if p.name != companion]
        if people:
            found.append(Attendance(sentence.number, people, home_side=home_side, companion_of=companion))
    return found


def lists_companions(words: str) -> bool:
    """Whether a sentence lists who came with someone ("A, B and C accompanied Kerchove during the meeting").

    Such a list is the meeting of the person accompanied, which :func:`attendance_lists` joins it to.
    """
    return bool(_ACCOMPANYING.search(words)) and bool(listed_people(words)[0])


# Whom the listed came with: "State Minister Khaleel was accompanied by", "... accompanied Kerchove during".
_ACCOMPANYING = re.compile(r"((?:[A-Z][\w'’-]+ ){0,2}[A-Z][\w'’-]+),? (?:was|were) accompanied by|"
                           r"accompanied ((?:[A-Z][\w'’-]+ ){0,2}[A-Z][\w'’-]+) (?:during|at|in|to) the")


# How far after a meeting's report its list of attendees may stand: a few paragraphs of the same story. A list
# further away belongs to something else of a long document.
_NEAR = 1500


def _owners(meetings: Sequence[LLMMeeting], number: int, starts: Mapping[int, int], *,
            held_only: bool = False) -> list[int]:
    """The meetings an attendance sentence belongs to: those of the last reporting sentence before it.

    A meeting and the session its people co-chaired share their sentence. A list that opens a story belongs to
    the first meeting reported after it; either only within :data:`_NEAR` characters. With ``held_only``, a
    meeting the article plans is passed over: "the meeting brought together representatives" is in the past,
    and in a story of one held meeting that meeting is the owner wherever the sentence stands.
    """
    eligible = [i for i, m in enumerate(meetings) if not held_only or m.status is LLMMeetingStatus.HELD]
    if held_only and len(eligible) == 1:
        return eligible  # a story of one meeting: its groups were there however far down they are listed
    at = starts.get(number, 0)
    before = [meetings[i].sentence for i in eligible if meetings[i].sentence <= number]
    if before:
        last = max(before)
        near = at - starts.get(last, 0) <= _NEAR
        return [i for i in eligible if meetings[i].sentence == last] if near else []
    after = [i for i in eligible if starts.get(meetings[i].sentence, 0) - at <= _NEAR]
    return after[:1]


def with_attendees(meetings: list[LLMMeeting], attendance: Sequence[Attendance],
                   sentences: Sequence[Sentence], *, held_only: bool = False) -> list[LLMMeeting]:
    """``meetings`` with the people of each attendance sentence added to the meeting it belongs to.

    A listed person's country is the one their list item names; else, in a list of the publisher's own
    officials (:attr:`Attendance.home_side`), the country of the meeting's first-named person.
    """
    starts = {sentence.number: sentence.start for sentence in sentences}
    result = list(meetings)
    for listed in attendance:
        for index in _owners(result, listed.sentence, starts, held_only=held_only):
            result[index] = _joined(result[index], listed)
    return result


def _joined(meeting: LLMMeeting, listed: Attendance) -> LLMMeeting:
    host = next((p for p in meeting.participants if p.name.strip()), None)
    host_country = participant_country(host.country, host.title, host.organization) if host else None
    companion = next((p for p in meeting.participants if named_in(p.name, listed.companion_of)), None)
    companion_country = (participant_country(companion.country, companion.title, companion.organization)
                         if companion else None)
    people = list(meeting.participants)
    for person in listed.people:
        named = countries_in(person.title)
        home = host_country if listed.home_side else companion_country
        country = person.country or (named[0] if named else home or "")
        same = [i for i, other in enumerate(people)
                if same_participant(person.name, person.organization, other.name, other.organization)]
        if not same:
            people.append(person.model_copy(update={"country": country}))
        elif country and (len(set(named)) == 1 or not participant_country(
                people[same[0]].country, people[same[0]].title, people[same[0]].organization)):
            # Listed already: the list item's title names the country ("Қытай ... министрі Ван И"), which
            # outweighs a country the model carried over from the person listed before; so does the title
            # itself, where the model's names none ("SCO Secretary-General" copied to the next delegate).
            update = {"country": country}
            if len(set(named)) == 1 and not countries_in(people[same[0]].title):
                update |= {"title": person.title, "organization": ""}
            people[same[0]] = people[same[0]].model_copy(update=update)
    return meeting.model_copy(update={"participants": people})


# The words between two people of one list that leave the second in the first one's side: a separator with at
# most a word or two before it ("Mạnh Kiến Trụ; Bộ trưởng ... Quách Thanh Côn", "А. Мусинов и ..."), and after
# it a title, not a clause ("..., đoàn đại biểu cấp cao Bộ Công an do Đại tướng Lê Hồng Anh").
_SHORT_JOIN = 2
_TITLE_MAX_WORDS = 6


@dataclass(frozen=True)
class _ListedCountry:
    code: str
    own: bool  # named by the person's own title, not carried over from the person listed before


def _list_countries(words: str, people: Sequence[LLMParticipant]) -> dict[str, _ListedCountry]:
    """The country each listed person's own title names, else the one of the person listed just before.

    Only the words between the previous person's name and this one's count as this one's title: "Chủ tịch Trung
    Quốc Tập Cận Bình tiếp Thượng tướng Tô Lâm" names no country for Tô Lâm. A person whose title names none
    and who follows the previous one across a bare separator is on the same side ("Bí thư ... Trung Quốc Mạnh
    Kiến Trụ; Bộ trưởng Bộ Công an Quách Thanh Côn và Thứ trưởng Mạnh Hồng Vỹ": all three Chinese).
    """
    placed = sorted((at, person.name) for person in people if (at := words.find(person.name)) >= 0)
    countries: dict[str, _ListedCountry] = {}
    previous_end, previous = 0, None
    for at, name in placed:
        between = words[previous_end:at]
        separators = list(_SEPARATOR.finditer(between))
        own_title = between[separators[-1].end():] if separators else between
        named = set(countries_in(own_title))
        found = None
        if len(named) == 1:
            found = _ListedCountry(named.pop(), own=True)
        elif (not named and separators and previous is not None and len(own_title.split()) <= _TITLE_MAX_WORDS
              and len(between[:separators[-1].start()].split()) <= _SHORT_JOIN):
            found = _ListedCountry(previous.code, own=False)
        if found is not None:
            countries[name] = found
        previous_end, previous = at + len(name), found
    return countries


def with_list_countries(meeting: LLMMeeting, *, language: str | None) -> LLMMeeting:
    """``meeting`` with each person's country as their item of the reporting sentence's list says.

    The title the sentence writes right before a name outweighs the model's country, which a small model often
    copies from the first person to all ("Việt Nam" for the Chinese ministers a Vietnamese minister met); a
    person carried over from the one listed before (:func:`_list_countries`) is of that one's country.
    """
    _, countries = _listed_with_countries(meeting.quote, language)
    people = list(meeting.participants)
    for name, listed_country in countries.items():
        index = next((i for i, p in enumerate(people) if p.name.strip()
                      and same_participant(p.name, p.organization, name, "")), None)
        if index is None or serves_intergovernmental_body(people[index].title, people[index].organization):
            continue
        people[index] = people[index].model_copy(update={"country": listed_country.code})
    return meeting.model_copy(update={"participants": people})


def with_other_end(meeting: LLMMeeting, *, language: str | None) -> LLMMeeting:
    """A phone call the model gave one named person, with the other titled people of its sentence.

    A call has two ends, and the model often keeps only the one the sentence names second; the others must have
    a title naming their country, so that a name merely cited in the sentence does not join.
    """
    named = [p for p in meeting.participants if p.name.strip()]
    if meeting.kind is not MeetingKind.PHONE_CALL or len(named) != 1:
        return meeting
    listed, countries = _listed_with_countries(meeting.quote, language)
    others = [p.model_copy(update={"country": countries[p.name].code}) for p in listed
              if p.name in countries and countries[p.name].own and not same_participant(p.name, "", named[0].name, "")]
    return meeting.model_copy(update={"participants": [*meeting.participants, *others]})


def _listed_with_countries(words: str, language: str | None) -> tuple[list[LLMParticipant],
                                                                        dict[str, _ListedCountry]]:
    listed, chinese = listed_people(words)
    if chinese:
        return [], {}
    if language == "kk":
        listed = [p.model_copy(update={"name": kazakh_nominative(p.name)}) for p in listed]
    return listed, _list_countries(words, listed)
