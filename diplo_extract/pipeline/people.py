"""Cleaning the people a small model lists: titles written into names, and countries listed as people.

"Kazakh Deputy Prime Minister and Foreign Minister Mukhtar Tileuberdi" as a name is a title followed by a
name; "Kyrgyzstan" or "UNRCCA" as a name is a delegation. Both are frequent in a 1.5B model's answers and
both are fixed by looking at the words, not by asking again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from diplo_extract.core.llm_schema import LLMParticipant
from diplo_extract.text.countries import (
    canonical_organization,
    countries_in,
    country_named_exactly,
    is_intergovernmental,
    to_country_code,
)
from diplo_extract.text.names import ADDRESS_WORDS, POSTNOMINALS, same_person

# Words that begin titles in these articles; a name never starts with them.
_TITLE_WORDS = frozenset([
    "minister", "ministers", "deputy", "prime", "foreign", "interior", "internal", "affairs", "president", "vice",
    "secretary", "general", "chairman", "chair", "head", "chief", "director", "ambassador", "commander", "state",
    "councilor", "councillor", "security", "council", "national", "adviser", "advisor", "first", "of", "the", "and",
    "for", "public", "justice", "defence", "defense", "home", "the", "senior", "officer", "commissioner", "governor",
    "permanent", "representative", "special", "envoy", "spokesman", "spokesperson", "acting", "assistant",
    "undersecretary", "under", "federal", "royal", "highness", "excellency", "his", "her", "mr", "mrs", "ms", "dr",
    "lieutenant", "colonel", "brigadier", "admiral", "marshal", "major", "captain", "police", "inspector",
    "attorney", "solicitor", "prosecutor", "mayor", "senator", "premier", "chancellor", "consul", "coordinator",
    "spokeswoman", "homeland", "intelligence", "customs", "border", "immigration", "narcotics", "cabinet",
    "counterterrorism", "counter-terrorism", "parliamentary", "union", "counsel", "speaker", "coordinating",
    # Russian: the words of ministers', secretaries' and generals' titles.
    "министр", "заместитель", "первый", "председатель", "глава", "секретарь", "президент", "премьер-министр",
    "генеральный", "генерал", "генерал-лейтенант", "генерал-майор", "генерал-полковник", "полковник", "прокурор",
    "посол", "директор", "начальник", "руководитель", "помощник", "советник", "внутренних", "иностранных", "дел",
    "безопасности", "обороны", "юстиции", "совета", "государственный", "госсекретарь", "господин", "г-н",
    "министра", "министерства", "заместителя", "главы", "председателя", "секретаря",
    # Kazakh: title words, genitive forms included ("Сыртқы істер министрі", "Бас прокурор").
    "бас", "министрі", "орынбасары", "төраға", "төрағасы", "хатшы", "хатшысы", "президенті",
    "премьер-министрі", "басшысы", "елшісі", "әділет", "ішкі", "істер", "сыртқы", "қорғаныс", "қауіпсіздік",
    "кеңесінің", "мемлекет", "мемлекеттік", "бірінші",
    # Vietnamese: the syllables of titles and ranks ("Đại tướng", "Bộ trưởng Bộ Công an", "Thứ trưởng").
    "bộ", "trưởng", "thứ", "đại", "tướng", "thượng", "thiếu", "chủ", "tịch", "phó", "thủ", "tổng", "bí", "thư",
    "ủy", "viên", "sứ", "giám", "đốc", "cục", "đồng", "chí", "ông", "bà", "công",
])
# Lower-case words that belong to personal names (Arabic, European and Turkic patronymic particles).
_NAME_PARTICLES = frozenset(["bin", "bint", "ibn", "al", "el", "ad", "as", "ash", "de", "da", "del", "der", "den",
                             "van", "von", "la", "le", "du", "dos", "das", "di", "ben", "ould", "y", "e", "ul", "ud",
                             "ur", "оглы", "кызы", "ұлы", "қызы", "ибн", "бин", "аль", "ван", "фон", "де"])
_TOKEN = re.compile(r"[^\s,]+")


def is_title_token(token: str) -> bool:
    """Whether a word opens titles ("Deputy", "Minister", a demonym), never a name."""
    folded = token.casefold().strip(".,'’()")
    if folded in _TITLE_WORDS or ("-" in folded and all(part in _TITLE_WORDS for part in folded.split("-"))):
        return True  # "Attorney-General", "Secretary-General" too
    # Demonyms and country names open titles too ("Kazakh Deputy Prime Minister ...").
    return bool(to_country_code(token.strip(".,'’()"))) and not token[:1].islower()


_OPEN_ENDED = frozenset(["of", "for", "in"])


def past_title_complement(tokens: Sequence[str], cut: int) -> int:
    """Where the name begins when the title words before ``cut`` end in a preposition.

    "Vice Mayor of Shenzhen Wang Lixin": the title's run of title words stops at the place it governs, which
    is the title's, not the name's. One word moves, and only where two or more are left for the name.
    """
    if cut > 0 and tokens[cut - 1].casefold() in _OPEN_ENDED and len(tokens) - cut >= 3:
        return cut + 1
    return cut


def split_title_from_name(name: str) -> tuple[str, str]:
    """Split leading title words off a name: ("Kazakh Foreign Minister Mukhtar Tileuberdi") -> (title, name).

    Returns ("", name) when the name does not start with title words, and leaves at least one word.
    """
    tokens = _TOKEN.findall(name)
    cut = 0
    while cut < len(tokens) - 1 and is_title_token(tokens[cut]):
        cut += 1
    cut = past_title_complement(tokens, cut)
    # Only a run of at least two title words is a title; one word may be an honorific the record keeps
    # ("General", "Sheikh"). A country alone before a name of two words is the person's country ("Lào X Y").
    alone_country = cut == 1 and len(tokens) >= 3 and to_country_code(tokens[0].strip(".,'’()")) is not None
    if cut < 2 and not alone_country:
        return "", name.strip()
    return " ".join(tokens[:cut]), " ".join(tokens[cut:])


_AROUND_A_WORD = ".,'’()\"«»"  # punctuation a model's name keeps around a word


def _is_name_word(token: str) -> bool:
    bare = token.strip(_AROUND_A_WORD)
    if not bare or not bare[0].islower():  # capitalised, or a script without case (Chinese)
        return True
    folded = bare.casefold()
    return folded in _NAME_PARTICLES or folded.split("-")[0] in _NAME_PARTICLES


def _trailing_name(words: str) -> str:
    """The name at the end of words that open with a title: two or more capitalised words, no title words.

    Words that open with a body's name ("Đồn Biên phòng ... Móng Cái", a border post) end in a place, not a name.
    """
    tokens = _TOKEN.findall(words)
    if not tokens or not is_title_token(tokens[0]):
        return ""
    run: list[str] = []
    for token in reversed(tokens):
        bare = token.strip(_AROUND_A_WORD)
        if not _is_name_word(token) or is_title_token(token) or is_acronym(bare) or _BODY_WORD.fullmatch(bare):
            break
        run.insert(0, token)
    if len(run) < 2 or not words.rstrip().endswith(run[-1]) or to_country_code(" ".join(run)):
        return ""
    return " ".join(run)


def _with_title(person: LLMParticipant, name: str) -> LLMParticipant:
    """The person named ``name``, the words before it in the model's name kept as the title."""
    written = person.name.strip()
    head = written[: len(written) - len(name)].strip(" ,")
    return person.model_copy(update={"name": name, "title": person.title or head})


def reads_as_name(name: str) -> bool:
    """Whether words read as a person's name: in scripts with capitals, every word but a particle capitalised.

    "Tổng Cục cảnh sát" (a police department), "Министр внутренних дел Таджикистана" (a title) are not names;
    "Saif bin Zayed al Nahyan", "Ильхам Гейдар оглы Алиев", "王小洪" are.
    """
    return all(_is_name_word(token) for token in _TOKEN.findall(name))


_COUNTRY_NAME_WORDS = frozenset([
    "the", "of", "united", "arab", "republic", "kingdom", "states", "federation", "islamic", "people's",
    "democratic", "socialist", "delegation", "side", "government",
    # The same state-form words in Russian, Kazakh and Vietnamese ("Королевство Марокко", "Марокко
    # Корольдігі", "Қазақстан Республикасы", "Vương quốc Campuchia").
    "королевство", "королевства", "республика", "республики", "федерация", "федерации", "корольдігі",
    "республикасы", "республикасының", "федерациясы", "vương", "quốc", "cộng", "hòa", "hoà", "liên", "bang",
])


def _is_country_word(token: str) -> bool:
    bare = token.strip(".,'’()")
    return bare.casefold() in _COUNTRY_NAME_WORDS or to_country_code(bare) is not None


# A body, never a person: a name that ends in a body noun ("the Kazakh delegation", "Interior Ministry"), that
# is "<body noun> of ..." ("Department of the Treasury", "Federal Bureau of Investigation"), that opens with
# one in languages that put it first ("Министерство внутренних дел", "Bộ Công an") or ends with one in
# Chinese ("公安部"), or an all-capitals acronym ("FBI", "UNODC"). "Police Major General X" stays a person.
BODY_NOUN = (r"(?:ministry|department|office|bureau|agency|administration|directorate|committee|commission|"
         r"council|service|secretariat|police|forces?|government|embassy|delegation|organi[sz]ation|assembly|"
         r"parliament|senate|structure|dialogue|forum|division|unit|section|branch)")
_BODY_NAME = re.compile(
    rf"(?:\b{BODY_NOUN}(?:\s+(?:[IVX]+|\d+))?$|\b{BODY_NOUN} of\b|"
    r"^(?:министерств|ведомств|служб|комитет|управлени|посольств|делегаци|"
    r"правительств|министрлі|комитеті|Bộ |Cục |Sở |Ban )|(?:[部局署厅委院]|会议|组织|代表团|政府|警方|大使馆)$)",
    re.IGNORECASE)
_BODY_WORD = re.compile(BODY_NOUN, re.IGNORECASE)
# Kazakh puts the body noun last and declines it ("Ішкі істер министрлігінің", "Бас прокуратура").
_KAZAKH_BODY = re.compile(r"(?:министрлі|комитет|департамент|басқарма|қызмет|агенттіг|прокуратур)\w*$",
                          re.IGNORECASE)


def is_acronym(word: str) -> bool:
    """Whether a word is an acronym: two or more capitals, any script ("FBI", "UNODC", "МВД", "ШЫҰ")."""
    return len(word) >= 2 and word.isalpha() and word.isupper()


def _is_body(name: str) -> bool:
    # "International Criminal Police Organization (ICPO)": the body's name without its bracketed acronym.
    bare = re.sub(r"\s*\([^)]*\)$", "", name.strip()).rstrip(".")
    return bool(is_acronym(bare) or _BODY_NAME.search(bare) or _KAZAKH_BODY.search(bare))


_HAN = "\u4e00-\u9fff"
# Chinese titles glued before a name ("国务委员、公安部长郭声琨", "哈萨克斯坦总统纳扎尔巴耶夫"): the name is what
# follows the last character that ends a title (长, 使, 席, 理, 任, 记, 员, 官, 监, 令, 统).
HAN_TITLED_NAME = re.compile(rf"^([{_HAN}、·]*[长長使席理任记記员員官监監令统統])([{_HAN}·]{{2,8}})$")


_HAN_BODY_END = re.compile(r"(?:[部局署厅廳委院室处處会會所队隊组組]|会议|中心|机构)$|会议")


def _han_split(person: LLMParticipant) -> LLMParticipant:
    """A Chinese name (or an unnamed entry's body) written with its titles: the titles go to ``title``."""
    named = bool(person.name.strip())
    written = person.name.strip() if named else person.organization.strip()
    found = HAN_TITLED_NAME.match(written) if len(written) > 4 else None
    # "国家禁毒委员会办公室" ends in an office, not a name: a body's last character is never a name's.
    if found is None or _HAN_BODY_END.search(found.group(2)):
        return person
    return person.model_copy(update={"name": found.group(2), "title": person.title or found.group(1),
                                     "organization": person.organization if named else ""})


def _cites_a_source(name: str) -> bool:
    # "Theo TTXVN" (according to VNA), "MIA AzizDolosbayev": an acronym of three or more capitals inside a
    # name is an agency or a body, never a person's name.
    return any(len(bare) >= 3 and is_acronym(bare) for bare in (t.strip(_AROUND_A_WORD) for t in _TOKEN.findall(name)))


def as_delegation(person: LLMParticipant) -> LLMParticipant:
    """A "person" whose name is a country, capital or organisation becomes an unnamed delegation."""
    person = _han_split(person)
    name = person.name.strip()
    if not name:
        return person
    if _is_body(name):
        trailing = _trailing_name(name)  # "Secretary of the Security Council of Kazakhstan Nurlan Yermekbayev"
        if trailing:
            return _with_title(person, trailing)
        return person.model_copy(update={"name": "", "organization": person.organization or name})
    if _cites_a_source(name) and len(_TOKEN.findall(name)) > 1:
        return person.model_copy(update={"name": ""})
    organization = canonical_organization(name)
    if organization is not None and organization.casefold() == name.casefold():
        return person.model_copy(update={"name": "", "organization": person.organization or name})
    code = to_country_code(name)
    # "Kazakh", "Russia's" word by word; "New Zealand" or "Trung Quốc" as a whole name of a country.
    if code is not None and (country_named_exactly(name) is not None
                             or all(_is_country_word(token) for token in _TOKEN.findall(name))):
        return person.model_copy(update={"name": "", "organization": person.organization or name,
                                         "country": person.country or name})
    return person


def clean_participant(person: LLMParticipant) -> LLMParticipant:
    """Delegations recognised and titles moved out of names.

    A role without a name ("Minister for Home Affairs") is no participant: the person holding it is named
    elsewhere or not at all, and an office is not a delegation.
    """
    person = as_delegation(person)
    if not person.name.strip():
        return _person_in_organization(person)
    if "," in person.name:  # "Name, Title of Country": the title written after the name
        head, tail = (part.strip() for part in person.name.split(",", 1))
        if head and reads_as_name(head):
            person = person.model_copy(update={"name": head, "title": person.title or tail})
    person = _addressed(person)
    if all(is_title_token(token) for token in _TOKEN.findall(person.name)):
        return person.model_copy(update={"name": "", "organization": ""})
    title, name = split_title_from_name(person.name)
    if not reads_as_name(name):
        trailing = _trailing_name(person.name)
        if trailing:
            # A title with its complement before the name ("Thứ trưởng Bộ Công an Mạnh Hồng Vỹ",
            # "Заместитель министра внутренних дел России Игорь Зубов").
            return _with_title(person, trailing)
        # Lower-case words inside: a body's proper name ("Tổng Cục cảnh sát") or, opening lower-case, a
        # description ("near-border departments of the two countries"); neither is a person.
        body = person.name.strip() if person.name.strip()[:1].isupper() else ""
        return person.model_copy(update={"name": "", "organization": person.organization or body})
    if not title:
        return person
    return person.model_copy(update={"name": name, "title": person.title or title})


def _person_in_organization(person: LLMParticipant) -> LLMParticipant:
    """An unnamed entry whose "organisation" is a titled person: the name after the title.

    "Azad Jammu and Kashmir Prime Minister Chaudhry Anwaar ul Haq" is Chaudhry Anwaar ul Haq. The name is the
    run after the last word of an office (a demonym or a place opens titles too, but alone leaves a body:
    "Chinese Communist Party"), of two or more words that read as a name and name no state.
    """
    tokens = _TOKEN.findall(person.organization)
    office = [i for i, token in enumerate(tokens) if token.casefold().strip(".,'’()") in _TITLE_WORDS]
    if not office or office[-1] >= len(tokens) - 2:
        return person
    rest = tokens[office[-1] + 1:]
    name = " ".join(rest)
    if (not reads_as_name(name) or any(is_title_token(t) or is_acronym(t) or _BODY_WORD.fullmatch(t) for t in rest)
            or countries_in(name)):
        return person
    return person.model_copy(update={"name": name, "title": person.title or " ".join(tokens[:office[-1] + 1]),
                                     "organization": ""})


def _addressed(person: LLMParticipant) -> LLMParticipant:
    """The name after a courtesy title inside it, the words before it the title; post-nominal letters dropped.

    "Minister for Home Affairs and Minister for Law Mr K Shanmugam, SC" is the minister K Shanmugam.
    """
    name = POSTNOMINALS.sub("", person.name.strip())
    tokens = name.split()
    inside = next((i for i in range(1, len(tokens) - 1) if tokens[i].strip(".").casefold() in ADDRESS_WORDS), None)
    if inside is not None:
        head = " ".join(tokens[:inside]).strip(" ,")
        return person.model_copy(update={"name": " ".join(tokens[inside + 1:]), "title": person.title or head})
    return person.model_copy(update={"name": name}) if name != person.name.strip() else person


def names_a_person(people: list[LLMParticipant]) -> bool:
    """Whether any participant is a named person (not an unnamed delegation or body)."""
    return any(person.name.strip() for person in people)


def serves_intergovernmental_body(title: str | None, organization: str | None) -> bool:
    """Whether the title or body is an intergovernmental body's and names no country ("ШЫҰ Бас хатшысы").

    A title that is a country's office ("First Deputy Minister of Foreign Affairs of the Republic of Kazakhstan")
    outweighs the body a small model gave as the organisation (the meeting's host, "UNODC ROCA").
    """
    if title and countries_in(title) and not is_intergovernmental(title):
        return False
    if organization and is_intergovernmental(organization) and not to_country_code(organization):
        return True
    return bool(title and is_intergovernmental(title) and not countries_in(title))


# An envoy's title names the state that sends them, then the one they are posted to: "Ambassador of Iran to
# Georgia", "Head of the EU Delegation to Georgia", "посол России в Казахстане", "Đại sứ Trung Quốc tại Việt
# Nam", "中国驻缅甸大使".
_ENVOY = re.compile(r"\b(?:ambassador|envoy|charg[ée] d.affaires|consul|high commissioner|head of (?:the )?\w+ "
                    r"delegation)\b|посол|посланник|консул|елшісі|đại sứ|大使|公使|领事", re.IGNORECASE)
_POSTED_TO = re.compile(r"\s(?:to|in|в|во|tại|ở)\s|驻")


def _envoy_sides(title: str) -> tuple[list[str], list[str]] | None:
    """The countries an envoy's title names for the sending state and for the post, or None for no envoy."""
    if not _ENVOY.search(title):
        return None
    parts = _POSTED_TO.split(title, maxsplit=1)
    return (countries_in(parts[0]), countries_in(parts[1])) if len(parts) == 2 else None


def participant_country(country: str, title: str | None, organization: str | None) -> str | None:
    """ISO code of the country a participant represents, from the model's country name, else the title.

    An official of an intergovernmental body has none, whatever country the model gives (the SCO's secretary
    general is no Kazakh official for being reported from Astana). An envoy represents the state that sends
    them: a small model gives the one their title names them posted to.
    """
    if serves_intergovernmental_body(title, organization):
        return None
    code = to_country_code(country) if country.strip() else None
    sides = _envoy_sides(title) if title else None
    sender = sides[0][0] if sides is not None and len(sides[0]) == 1 else None
    if code:
        return sender if sender is not None and sides is not None and code in sides[1] else code
    # The model often leaves country empty when the title says it ("Kazakh minister of internal affairs").
    if sender is not None:
        return sender
    for phrase in (title, organization):
        if phrase:
            found = countries_in(phrase)
            if len(found) == 1:
                return found[0]
    return None


def same_participant(name_a: str | None, organization_a: str | None, name_b: str | None,
                     organization_b: str | None) -> bool:
    """True when two participant entries are one participant: the same person, or the same unnamed delegation."""
    if name_a and name_b:
        return same_person(name_a, name_b)
    if not name_a and not name_b and organization_a and organization_b:
        return organization_a.casefold() == organization_b.casefold()
    return False
