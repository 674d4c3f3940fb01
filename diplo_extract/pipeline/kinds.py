"""What kind each reported interaction is, and how many there are: settled from the article's words.

A 1.5B model's labels are checked against the reporting words (a "meeting" held "by phone" is a phone call),
and a phone call it reported with three countries is split into the bilateral calls the article means.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from diplo_extract.core.llm_schema import LLMMeeting, LLMMeetingStatus, LLMParticipant
from diplo_extract.core.schema import MeetingKind
from diplo_extract.pipeline.attendance import listed_people
from diplo_extract.pipeline.people import is_title_token, participant_country, same_participant
from diplo_extract.text.countries import countries_in, organizations_in
from diplo_extract.text.lexicon import reports_interaction
from diplo_extract.text.names import named_in
from diplo_extract.text.sentences import Sentence

_BILATERAL_KINDS = (MeetingKind.PHONE_CALL,)
# The words of a report settle a call's medium better than a 1.5B model's label does ("held phone
# conversations" labelled "meeting" happens often); other kinds have no such unambiguous words.
# In the other languages of the sources: видеосвязь/видеоконференция, бейнеконференция, 视频, trực tuyến
# (video); телефон, 电话/通话, điện đàm (phone); принял, қабылдады, tiếp ông/đoàn/... (received; tiếp alone
# also means "next" and "continue"). Chinese 会见 is not one: the press writes it for a host receiving a guest
# and for a visiting minister meeting his counterpart alike.
_KIND_WORDS = (
    (MeetingKind.VIDEO_CALL, re.compile(r"video[- ]?(?:conferenc|call|link|format)|videoconferenc|via video|"
                                        r"видеосвяз|видеоконференц|видеоформат|бейнеконференц|бейнебайланыс|视频|"
                                        r"trực tuyến", re.IGNORECASE)),
    (MeetingKind.PHONE_CALL, re.compile(r"\b(?:tele)?phone\b|телефон|电话|通话|điện đàm|điện thoại",
                                        re.IGNORECASE)),
    (MeetingKind.RECEPTION, re.compile(r"\breception\b|\b(?:received|receives|(?<!co-)hosted)\b|\bпринял\b|"
                                       r"\bпринимал\b|қабылдады|"
                                       r"\btiếp (?:ông|bà|đoàn|Đại sứ|Bộ trưởng|Thứ trưởng|Phó|xã giao|đón)",
                                       re.IGNORECASE)),
)
# A plain "meeting" of three or more countries' representatives is what the annotation scheme calls a
# conference (steering committees, working groups, ministerial sessions).
_MULTILATERAL = 3


# A numbered session of an organisation's body ("the 12th meeting of the SCO Security Council Secretaries",
# 上海合作组织...第十二次会议) is a conference; a bilateral on its sidelines is not.
# Numbered: a body's regular session ("the 12th meeting", "第十二次会议", "XII заседание", "lần thứ 5").
_SESSION = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                      r"eleventh|twelfth|\w+teenth|\w+tieth)\s+(?:\w+\s+){0,2}(?:meeting|session|conference|summit)\b|"
                      r"第[一二三四五六七八九十百\d]+次[^。，,]{0,20}(?:会议|会晤|峰会)|"
                      r"\b[XVI]+\b\s*(?:заседани|совещани)|\d+-?(?:е|й|го)\s+(?:заседани|совещани)|"
                      r"\d+-(?:ші|шы)\s+(?:отырыс|жиын)|(?:hội nghị|phiên họp)[^.]{0,40}lần thứ|"
                      # A body's session named by the body ("Secretaries Committee Session of the CSTO",
                      # "the session of the Council of Foreign Ministers"), numbered or not.
                      r"\b(?:committee|council|commission|board)\s+(?:session|plenary)\b|"
                      r"\b(?:session|plenary) of the (?:\w+ ){0,3}(?:committee|council|commission|board)\b|"
                      r"заседани\w* (?:\w+ ){0,2}(?:совета|комитета|комиссии)", re.IGNORECASE)
SIDELINES = re.compile(r"\bsidelines\b|\bmargins?\b|\bframework of\b|на полях|в рамках|bên lề|期间|期間|кезінде|"
                       r"аясында", re.IGNORECASE)


def kind_from_report(meeting: LLMMeeting) -> LLMMeeting:
    """The meeting with its kind set from the reporting words (call, video call, reception) or its size.

    A "meeting" is a conference when its people represent three or more countries, or when its sentence
    reports a session of an intergovernmental organisation (not its sidelines) and names one side only: the
    session itself, reported by the delegation that took part.
    """
    for kind, words in _KIND_WORDS:
        if words.search(meeting.quote):
            return meeting if meeting.kind == kind else meeting.model_copy(update={"kind": kind})
    if meeting.kind == MeetingKind.MEETING:
        countries = {participant_country(p.country, p.title, p.organization) for p in meeting.participants}
        if len(countries - {None}) >= _MULTILATERAL:
            return meeting.model_copy(update={"kind": MeetingKind.CONFERENCE})
        named_sides = {participant_country(p.country, p.title, p.organization)
                       for p in meeting.participants if p.name.strip()}
        if (len(named_sides) <= 1 and _SESSION.search(meeting.quote) and organizations_in(meeting.quote)
                and not SIDELINES.search(meeting.quote)):
            return meeting.model_copy(update={"kind": MeetingKind.CONFERENCE})
    return meeting


# "Met ... and co-chaired the fifth meeting of ...", "会见...并共同主持...会议": one sentence, two interactions.
_MET_AND_COCHAIRED = re.compile(
    r"\b(?:met|meets|held talks|received)\b[^.;]*\bco-?chair(?:ed|s)?\b|(?:会见|会谈|会晤)[^。；]*共同主持|"
    r"(?:встретил|встреча|переговор|принял)[^.;]*сопредседательств|(?:hội đàm|hội kiến|tiếp|gặp)[^.;]*đồng chủ trì|"
    r"(?:кездес|қабылда)[^.;]*бірлесіп төрағалық", re.IGNORECASE)


def with_cochaired_sessions(meetings: list[LLMMeeting]) -> list[LLMMeeting]:
    """Each meeting whose sentence also reports that its people co-chaired a session, followed by that session.

    The session is a conference of the same people on the same day: a mechanism's meeting (joint commission,
    working group, law-enforcement cooperation meeting) that the two principals chaired after meeting.
    """
    result: list[LLMMeeting] = []
    for meeting in meetings:
        result.append(meeting)
        if (meeting.kind not in (MeetingKind.CONFERENCE, MeetingKind.SUMMIT)
                and meeting.status is LLMMeetingStatus.HELD and _MET_AND_COCHAIRED.search(meeting.quote)):
            result.append(meeting.model_copy(update={"kind": MeetingKind.CONFERENCE}))
    return result


# Words that say one sentence reports several interactions, one per counterpart: "met separately with",
# 分别会见, "các cuộc hội đàm với" (the talks with), "lần lượt"
# (in turn), "отдельные встречи", "поочерёдно", "жеке-жеке" (one by one). A courtesy call is paid on one
# office-holder at a time: "called on A, the Chairman of X and B, the Speaker of Y" is two calls ("called on
# the parties to ..." urges, and is not one).
_SEPARATE = re.compile(r"\bseparately\b|\bseparate (?:meetings|talks|bilateral|calls|telephone|phone)|"
                       r"\b(?:called|calls|calling) on\b(?![^.;]*\bto (?-i:[a-z]))|\bcourtesy calls? on\b|"
                       r"\bbilateral (?:meetings|talks)\b|"
                       r"\b(?:held|had|holds|has held) (?:a series of |several |a number of )?(?:separate |bilateral )?"
                       r"meetings with\b|пров[её]л[аи]? (?:ряд )?встречи с|кездесулер өткізді|"
                       r"\bone-on-one meetings\b|分别|"
                       r"\bcác cuộc (?:hội đàm|gặp|hội kiến|tiếp|làm việc|điện đàm)|\blần lượt\b|\briêng rẽ\b|"
                       r"отдельн\w+ (?:встреч|переговор|бесед)|по отдельности|поочер[её]дно|"
                       r"двусторонн\w+ встреч|ряд (?:двусторонних )?встреч|жеке-жеке|кезек-кезек|"
                       r"екіжақты кездесулер", re.IGNORECASE)


# A sentence that goes on about the meetings, plural, of the one before ("Minister Shanmugam met with A and B.
# During the meetings, ..."): that sentence reported separate meetings. "Talks" is plural for one meeting too.
_MEETINGS_FOLLOW = re.compile(r"^\W*(?:during|at|in) (?:the|these|those|both) meetings\b|^\W*в ходе встреч\b|"
                              r"^\W*(?:tại|trong) các cuộc (?:gặp|hội đàm|tiếp)|^\W*кездесулер", re.IGNORECASE)
# The word of a sentence that reports meeting someone: what comes before it is the host.
MEETING_VERB = re.compile(r"\b(?:met|meets|(?:held|had) (?:\w+ ){0,2}(?:talks|meetings?|consultations)(?: with)?|"
                          r"called on|received)\b|встретил|встречи с|gặp|hội đàm|кездесті", re.IGNORECASE)


def host_of_separate_meetings(meeting: LLMMeeting, following: str,
                              known: Sequence[LLMParticipant]) -> LLMMeeting | None:
    """The meeting, host first, when the sentence after it speaks of "the meetings": else None.

    The host is the person named before the word for meeting; when the model left them out, the person of the
    article's other meetings (``known``) whose name stands there. :func:`split_bilateral_calls` given the result
    with ``separate=True`` gives each counterpart a meeting.
    """
    verb = MEETING_VERB.search(meeting.quote)
    if verb is None or not _MEETINGS_FOLLOW.search(following):
        return None
    subject = meeting.quote[:verb.start()]
    people = list(meeting.participants)
    if not any(named_in(p.name, subject) for p in people):
        host = next((p for p in known if named_in(p.name, subject)), None)
        if host is None:
            return None
        people.insert(0, host)
    people.sort(key=lambda p: not named_in(p.name, subject))
    return meeting.model_copy(update={"participants": people})


# Words that make a list of people met one gathering or one side: a delegation and its leader, people met
# together, a gathering's name.
_TOGETHER = re.compile(r"\bdelegations?\b|\b(?:led|headed|accompanied) by\b|\btogether\b|\bjoint(?:ly)?\b|"
                       r"\bco-?chair|\bsummit\b|\bconference\b|\bforum\b|\bsession\b|\bround ?table\b|"
                       r"\bgroup\b|\btrilateral\b|\bparticipants\b|\battend", re.IGNORECASE)
# A round of calls names three or more people, each with an office of their own.
_ROUND = 3


def round_of_calls(sentence: str) -> re.Match[str] | None:
    """The word for meeting of a sentence that lists a round of calls, else None.

    "In addition, the Prime Minister met A, Coordinating Minister for ..., B, Minister for Foreign Affairs, and
    C, Minister for Finance"; "the minister received A, B and C, the ministers of ...": a visitor's programme
    or a host's day of guests, written as one list, is one meeting with each person. Two people met may be met
    together (a minister and his deputy), and a delegation, a gathering or people met together are one meeting.
    """
    verb = MEETING_VERB.search(sentence)
    if verb is None or verb.group(0).casefold().startswith(("held", "had")) or _TOGETHER.search(sentence):
        return None
    after = verb.end()
    met = [p for p in listed_people(sentence)[0] if _located(p.name, sentence) >= after and introduced(p, sentence)]
    return verb if len(met) >= _ROUND else None


def _located(name: str, quote: str) -> int:
    at = quote.find(name)
    return at if at >= 0 else quote.find(name.split()[-1]) if name.split() else -1


# The words of a title that a report uses for its holder alone: "the Prime Minister called on ...".
_TITLE_SUBJECT = re.compile(r"(?:^|\b[Tt]he\s+)((?:[A-Z][\w'’-]*\s+)*[A-Z][\w'’-]*)\s*$")


def titled_subject(words: str, known: Sequence[LLMParticipant]) -> LLMParticipant | None:
    """The one person of ``known`` that ``words`` (what a sentence says before its word for meeting) name.

    By name, or by the title a report uses for the person it is about ("In addition, the Prime Minister met
    ..." after "John Howard, Prime Minister of Australia"): the person whose title begins with those words,
    when exactly one does; or by their country alone ("the head of the Turkmen delegation"), when the article
    knows one person of it.
    """
    named = [p for p in known if named_in(p.name, words)]
    if named:
        return named[0]
    # The verb's own words ("paid", "had") stand between the subject and the word for meeting.
    found = _TITLE_SUBJECT.search(re.sub(r"(?:\s+[a-z]+)+\s*$", "", words.strip()))
    if found is not None:
        head = found.group(1).casefold().removeprefix("the ")
        holders = {p.name.strip().casefold(): p for p in known
                   if p.name.strip() and p.title.casefold().lstrip().removeprefix("the ").startswith(head)}
        if len(holders) == 1:
            return next(iter(holders.values()))
    # A side's head described by the country alone: "the head of the Turkmen delegation held meetings with".
    sides = set(countries_in(words))
    if len(sides) != 1:
        return None
    of_side = {p.name.strip().casefold(): p for p in known if p.name.strip()
               and participant_country(p.country, p.title, p.organization) in sides}
    return next(iter(of_side.values())) if len(of_side) == 1 else None


def split_bilateral_calls(meeting: LLMMeeting, *, separate: bool = False,
                          known: Sequence[LLMParticipant] = ()) -> list[LLMMeeting]:
    """Split one reported interaction into the bilateral ones the article means.

    A small model tends to report "X held phone conversations with A and with B" or "X met separately with A
    and B" as one interaction with three people. Two classes of report are split:
    - a phone call whose named people represent three or more countries (calls are bilateral unless the
      article says otherwise): one call between the first-named person (with companions of the same
      country) and each counterpart of another country;
    - any interaction whose sentence says the interactions were separate (:data:`_SEPARATE`): the people are
      the model's and those code reads from the sentence's list (a model stops after a few names of a long
      list); the host is the model's first-named person unless the sentence names them after the words for
      separate meetings, among those met ("bilateral meetings were held with A, B, C": no host).
      One interaction per counterpart country when every counterpart's country is known and they differ,
      else one per counterpart. ``separate``: the article says so after the sentence
      (:func:`host_of_separate_meetings`), and the word for meeting marks where the host's part ends.
      ``known``: the article's people, for a host the sentence names (or titles) but the model left out.
    """
    named = [p for p in meeting.participants if p.name.strip()]
    codes = [participant_country(p.country, p.title, p.organization) for p in named]
    if (meeting.kind in _BILATERAL_KINDS and len(named) >= 3 and None not in codes and len(set(codes)) >= 3):
        host, host_code = named[0], codes[0]
        companions = [p for p, code in zip(named[1:], codes[1:], strict=True) if code == host_code]
        return [meeting.model_copy(update={"participants": [host, *companions, other]})
                for other, code in zip(named[1:], codes[1:], strict=True) if code != host_code]
    marker = (_SEPARATE.search(meeting.quote) or (MEETING_VERB.search(meeting.quote) if separate else None)
              or round_of_calls(meeting.quote))
    if marker is None:
        return [meeting]
    if not any(_located(p.name, meeting.quote) < marker.start() for p in named):
        subject = titled_subject(meeting.quote[:marker.start()], known)
        named = named if subject is None else [subject, *named]
    return _separate_parts(meeting, named, marker.start())


def _separate_parts(meeting: LLMMeeting, named: list[LLMParticipant], marker: int) -> list[LLMMeeting]:
    """The interactions of a sentence that says they were separate; ``marker`` is where it says so."""
    people = list(named)
    for person in listed_people(meeting.quote)[0]:
        if not any(same_participant(person.name, "", other.name, "") for other in people) \
                and introduced(person, meeting.quote):
            people.append(person)
    country = {id(p): participant_country(p.country, p.title, p.organization) for p in people}
    # The model's first person hosts unless the sentence lists them among those met (it may name the host
    # only in an earlier sentence: "the head of the delegation held meetings with ...").
    subject = named[0] if named and _located(named[0].name, meeting.quote) < marker else None
    host_code = country[id(subject)] if subject is not None else None
    # A companion comes with the host: of the host's country and not among those the sentence says were met.
    companions = [p for p in people[1:] if host_code is not None and country[id(p)] == host_code
                  and _located(p.name, meeting.quote) < marker]
    counterparts = sorted((p for p in people if p is not subject and p not in companions),
                          key=lambda p: _located(p.name, meeting.quote))  # in the order the sentence names them
    if len(counterparts) < 2:
        return [meeting]
    # A list read by code gives a person no country where the title stands after the name ("A, Coordinating
    # Minister for Economy"); when every other counterpart the list names is of one country, so is this one.
    # With none of them of a known country, the one country the sentence names besides the host's is theirs
    # ("called on A, the Chairman of ..., and B, the Speaker of the House of the Republic of Indonesia").
    shared = {country[id(p)] for p in counterparts} - {None}
    named_countries = set(countries_in(meeting.quote)) - {host_code}
    if not shared and len(named_countries) == 1:
        shared = set(named_countries)
    elif sum(1 for p in counterparts if country[id(p)] is not None) < 2:
        shared = set()
    if len(shared) == 1:
        for person in counterparts:
            country[id(person)] = country[id(person)] or next(iter(shared))
    sides: dict[str | None, list[LLMParticipant]] = {}
    for person in counterparts:
        sides.setdefault(country[id(person)], []).append(person)
    # Counterparts of the host's own country are not one side met together: each is their own interaction.
    by_person = None in sides or len(sides) < 2 or (host_code is not None and host_code in sides)
    groups = [[person] for person in counterparts] if by_person else list(sides.values())
    hosts = [subject, *companions] if subject is not None else []
    # Each part is a bilateral meeting, whatever the size of the whole made :func:`kind_from_report` call it.
    kind = MeetingKind.MEETING if meeting.kind in (MeetingKind.CONFERENCE, MeetingKind.SUMMIT) else meeting.kind
    return [meeting.model_copy(update={"participants": [*hosts, *(_with_country(p, country[id(p)]) for p in group)],
                                       "kind": kind}) for group in groups]


def _with_country(person: LLMParticipant, code: str | None) -> LLMParticipant:
    return person if person.country.strip() or code is None else person.model_copy(update={"country": code})


# A small model marks reports of past interactions "planned" when the sentence opens with "Earlier" or names
# no date. An English sentence that reports with a past-tense verb and has no word for the future reports
# something that took place.
_PAST_REPORT = re.compile(r"\b(?:held|met|received|hosted|signed|attended|chaired|co-chaired|spoke|visited|"
                          r"talked|took part|called on|"
                          r"paid (?:a |an )?(?:official |working |state |courtesy )?(?:visit|calls?))\b",
                          re.IGNORECASE)
# A visit under way is taking place, not planned: "X is now in Kazakhstan for a state visit", "is on an official
# visit to", "is visiting", "находится с официальным визитом", "đang thăm", "正在...访问".
_UNDER_WAY = re.compile(r"\b(?:is|are) (?:now |currently )?(?:visiting\b|(?:in [A-Z][\w-]+(?: [A-Z][\w-]+)? )?"
                        r"(?:on|for) (?:an? |his |her |their )?(?:[\w-]+ ){0,2}(?:visit|tour|trip)\b)|"
                        r"находи(?:тся|лся) (?:\S+ ){0,3}с (?:\S+ )?визитом|\bđang (?:có chuyến )?(?:thăm|công tác)\b|"
                        r"正在.{0,12}(?:访问|进行.{0,6}访问)", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|would|is to|are to|plans? to|planned|planning|expected to|scheduled|"
                     r"invited to|next (?:week|month|year)|upcoming|to be held)\b", re.IGNORECASE)
# An announcement: the sentence speaks only of the future (English, Russian, Kazakh, Vietnamese, Chinese).
_ANNOUNCED = re.compile(r"\b(?:will be held|will take place|is to be held|are to be held|is scheduled|"
                        r"are scheduled|will meet|will visit|will hold|will attend)\b|"
                        r"состоится|пройд[её]т|будет проведен|планируется провести|намечен|"
                        r"өтеді|өткізіледі|өтпек|sẽ diễn ra|sẽ tổ chức|dự kiến diễn ra|将于|将在|即将举行|"
                        # An agreement to meet is not a meeting: "agreed to hold annual talks".
                        r"\bagreed to (?:hold|meet|convene)\b|договорились (?:о проведении|провести|встретиться)|"
                        r"thống nhất tổ chức|同意举行|商定举行",
                        re.IGNORECASE)
_PAST_ANY = re.compile(r"состоял|прош(?:ла|ел|ёл|ли)\b|провел|провёл|встретил|принял|обсудил|"
                       r"өтті|кездесті|қабылдады|талқылады|өткізді|\bđã\b|了", re.IGNORECASE)


# A sentence that recalls what the press reported before is background, not this article's news: "Earlier,
# TASS reported that ...", "Ранее News.ru писал, что ...", "Как сообщалось, ...", "Напомним, ...", "据此前报道",
# "Như đã đưa tin", "Бұған дейін ... хабарлаған". The source's name may hold a dot ("News.ru").
_EARLIER_REPORT = re.compile(
    r"^\W*(?:(?:earlier|previously)\b[^;]{0,60}\b(?:reported|wrote|said|announced)\b|as (?:was |previously |earlier )?"
    r"reported\b|ранее\b[^;]{0,60}(?:писал|сообщал|информировал|передавал)|как (?:ранее )?сообщал|напомним|"
    r"бұған дейін\b[^;]{0,60}(?:хабарла|жазған)|еске сала кетейік|(?:据)?此前(?:有)?报道|"
    r"như (?:đã|chúng tôi đã) đưa tin|trước đó,?[^;]{0,60}đưa tin)", re.IGNORECASE)


def status_from_report(meeting: LLMMeeting) -> LLMMeeting:
    """The status the sentence's tense settles, where it does.

    Background when the sentence recalls an earlier report (:data:`_EARLIER_REPORT`); held when it reports in
    the past tense, or a visit under way, and speaks of no future; planned when the model said held but the
    sentence only announces it ("will be held", "состоится", "sẽ diễn ra", "将于") with no word reporting
    something that took place.
    """
    if _EARLIER_REPORT.search(meeting.quote):
        return meeting.model_copy(update={"status": LLMMeetingStatus.BACKGROUND})
    if meeting.status in (LLMMeetingStatus.PLANNED, LLMMeetingStatus.PROPOSED):
        took_place = _PAST_REPORT.search(meeting.quote) or _UNDER_WAY.search(meeting.quote)
        if took_place and not _FUTURE.search(meeting.quote):
            return meeting.model_copy(update={"status": LLMMeetingStatus.HELD})
        return meeting
    if meeting.status is LLMMeetingStatus.HELD and _ANNOUNCED.search(meeting.quote):
        rest = _ANNOUNCED.sub(" ", meeting.quote)  # "will be held" holds "held": not a report of the past
        if not (_PAST_REPORT.search(rest) or _PAST_ANY.search(rest)):
            return meeting.model_copy(update={"status": LLMMeetingStatus.PLANNED})
    return meeting


def _names_in(people: list[LLMParticipant], words: str) -> int:
    """How many of ``people`` a sentence names."""
    return sum(1 for person in people if named_in(person.name, words))


def anchored_to_report(meeting: LLMMeeting, text: str, sentences: Sequence[Sentence]) -> LLMMeeting:
    """The meeting moved to the sentence that reports it, when the model chose one that does not.

    A small model often gives a headline or a summary ("МВД и ФБР договорились о взаимодействии") as the
    sentence of a meeting whose report is further on ("в пятницу состоялся телефонный разговор министра
    Грызлова с директором ФБР Мюллером"). When the chosen sentence has no word for an interaction, the first
    sentence that has one and names the meeting's people (two, or the one it has) becomes its sentence: its
    words then settle the kind, status and date.
    """
    named = [p for p in meeting.participants if p.name.strip()]
    if not named or (reports_interaction(meeting.quote) and (
            len(named) < 2 or _names_in(named, meeting.quote) or not listed_people(meeting.quote)[0])):
        return meeting
    # A sentence that reports an interaction of other people and names none of the two or more the model gave
    # it ("Security Councils delegations ... and Secretary-General Bordyuzha participated in the session" for
    # Gevorgyan and Patrushev's meeting) is another interaction's: the meeting moves to the sentence that names
    # them all. A sentence naming nobody (a headline, "the two leaders met") may well be theirs.
    needed = min(2, len(named)) if not reports_interaction(meeting.quote) else len(named)
    for sentence in sentences:
        words = text[sentence.start:sentence.end]
        if reports_interaction(words) and _names_in(named, words) >= needed:
            return meeting.model_copy(update={"quote": words, "sentence": sentence.number})
    return meeting


def unasked_separate_meetings(text: str, sentences: Sequence[Sentence], answered: set[int]) -> list[LLMMeeting]:
    """The meetings of sentences that list separate interactions by name, which the model was not asked about.

    "Bilateral meetings were also held with Angola's Minister of Justice A, Afghanistan Minister of Justice B,
    ..." in a long document may fall outside the few follow-up questions a chunk gets; the sentence says that
    each person it lists after those words was met on their own, in the past tense, and the list is read by code
    (:func:`_separate_parts` then gives each person a meeting). Only sentences that report the past and name
    two or more people after the words for separate meetings qualify.
    """
    return [LLMMeeting(quote=text[s.start:s.end], kind=MeetingKind.MEETING, status=LLMMeetingStatus.HELD,
                       sentence=s.number)
            for s in sentences if s.number not in answered and lists_separate_meetings(text[s.start:s.end])]


# What introduces a person in a list: a title or an honorific right before the name ("H.E. Prof. Amien Rais",
# "Minister of Justice Ana Rojas"), or a title right after it ("A, the Chairman of ...", "A, Minister for ...").
_HONORIFIC_BEFORE = re.compile(r"(?:\b(?:H\.\s?E|Prof|Dr|Mr|Mrs|Ms|Madam|Dato'?|Datuk|Sheikh|Tun|Hon)\.?|"
                               r"Excellency)\s*$", re.IGNORECASE)
_TITLE_AFTER = re.compile(r"^\s*,\s*(?:the\s+)?[A-Z]")


def introduced(person: LLMParticipant, words: str) -> bool:
    """Whether a list read by code introduces ``person`` as a person: with a title or an honorific.

    Capitals a list reader takes for a name may be a place ("called on Prime Minister A, here at his Model
    Town residence"): a person met is introduced by an office or a form of address.
    """
    at = words.find(person.name)
    if at < 0:
        return bool(person.title.strip())
    before = words[max(0, at - 40):at].rstrip()
    # The words of the person's own list item before the name ("Vanuatu Minister of Justice and Community
    # Services Don Ken Stephen"): back to the comma or semicolon that ends the item before.
    item = re.split(r"[,;]", words[:at])[-1]
    return (bool(person.title.strip()) or bool(_HONORIFIC_BEFORE.search(before))
            or any(is_title_token(word) for word in item.split() if word[:1].isupper())
            or bool(_TITLE_AFTER.match(words[at + len(person.name):])))


def lists_separate_meetings(words: str) -> bool:
    """Whether a sentence reports, in the past, separate meetings with two or more people it names after saying so.

    Code reads such a list whole (:func:`unasked_separate_meetings`); no question need be spent on it.
    """
    marker = _SEPARATE.search(words)
    if marker is None or _FUTURE.search(words) or not (_PAST_REPORT.search(words) or _PAST_ANY.search(words)):
        return False
    return sum(1 for p in listed_people(words)[0]
               if _located(p.name, words) > marker.start() and introduced(p, words)) >= 2
