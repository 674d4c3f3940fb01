"""Deterministic normalisation of country and intergovernmental-organisation mentions.

News copy names a state in many ways: the ISO short name ("Viet Nam"), the everyday form
("Vietnam"), a demonym ("Vietnamese"), the capital standing for the government ("Hanoi"), an
acronym ("UAE", "U.S.") or a local spelling ("Qazaqstan", "Türkiye"). This module folds all of them
to ISO 3166-1 alpha-2 codes, with "EU" for the European Union and its bodies, and recognises the
intergovernmental organisations that turn up in Eurasian security reporting.

Two sources are merged once, at import: pycountry (names, official names, common names) and the
maintained table ``country_aliases.json`` next to this module (demonyms, capitals, local spellings,
organisations, and phrases such as "Latin America" that contain a country word but name no country).

Matching works on tokens, so "Indiana" never matches "India", and is leftmost-longest, so
"Guinea-Bissau" is not "Guinea" and "South Sudan" is not "Sudan". Aliases written entirely in capitals
in the table ("US", "UN", "CIS") match only capitalised text inside a phrase, so "told us" is not the
United States; a text that consists of nothing but the alias matches in any case.

Names in Chinese, Russian, Kazakh and Vietnamese come from CLDR (through babel) and pycountry's
translations, below the English names in precedence, plus a per-language section of the table. Russian
names are declined and Kazakh names take their case suffixes ("России", "Ресейдің", "Қазақстан
Республикасының"), generated from the dictionary form. Chinese is written without spaces, so every Han
character is a token of its own and "中国公安部" contains "中国". Vietnamese names are plain Latin words
("Mỹ", "Nga", "Đức"), so they match only with their diacritics, and inside a phrase only when its last
word is capitalised: "my" in English is not the United States.

When a phrase mentions both a country and an organisation, the first mention names the entity:
"Permanent Representative of Kazakhstan to the UN" is Kazakh, "UNODC Programme Office in
Kazakhstan" is an organisation.
"""

from __future__ import annotations

import gettext
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final, Literal

import babel
import pycountry

from diplo_extract.text.folding import caseless, fold_letters

__all__ = ["canonical_organization", "countries_in", "country_named_exactly", "is_intergovernmental",
           "organizations_in", "to_country_code"]

_DATA_FILE: Final = "country_aliases.json"

# Precedence when two sources disagree about an alias: the maintained table beats pycountry's own
# names, which beat names in other languages (CLDR, pycountry's translations), which beat the fragments
# this module derives from pycountry's "Korea, Republic of" style names and the declined forms it generates.
_LEVEL_DERIVED: Final = 0
_LEVEL_TRANSLATED: Final = 1
_LEVEL_PYCOUNTRY: Final = 2
_LEVEL_TABLE: Final = 3

# The languages whose country names are loaded: CLDR locale and pycountry gettext locales for each.
_LANGUAGES: Final = {
    "zh": (("zh", "zh_Hant"), ("zh_CN", "zh_TW", "zh_HK")),
    "ru": (("ru",), ("ru",)),
    "kk": (("kk",), ("kk",)),
    "vi": (("vi",), ("vi",)),
}


@dataclass(frozen=True, slots=True)
class _Target:
    """What an alias names: a country, an organisation, or nothing (a phrase that only looks like one)."""

    kind: Literal["country", "org", "none"]
    code: str | None
    org: str | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    target: _Target
    # Exact original-case tokens required inside a phrase; None when any case will do.
    surface: tuple[str, ...] | None
    # Caseless tokens with their diacritics, required everywhere (Vietnamese names); None when folding will do.
    accented: tuple[str, ...] | None = None


_Tokens = tuple[tuple[str, ...], tuple[str, ...]]

# ---------------------------------------------------------------------------------------------------
# Tokenising and folding
# ---------------------------------------------------------------------------------------------------

_APOSTROPHES: Final = str.maketrans(dict.fromkeys("’‘ʼʻ`´′", "'"))
# "U.S." and "U.A.E." must meet the alias "US"/"UAE" as one capitalised token, not as single letters.
_DOTTED_ACRONYM: Final = re.compile(r"(?<!\w)((?:[A-Z]\.)+[A-Z])\.?(?!\w)")
# Combining marks are not \w, so a decomposed "Việt" would otherwise split into pieces.
_COMBINING: Final = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN: Final = re.compile(rf"(?:[^\W_]|[{_COMBINING}])+")
# Scripts written without spaces between words: each character is a token, so names are found inside runs.
_CJK: Final = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK_OR_WORD: Final = re.compile(rf"[{_CJK}]|[^{_CJK}]+")
_HAS_CJK: Final = re.compile(rf"[{_CJK}]")


def _tokenize(text: str) -> _Tokens:
    """Split text into (original-case tokens, folded tokens) of equal length."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(1).replace(".", ""), text)
    surfaces: list[str] = []
    folded: list[str] = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        for token in _CJK_OR_WORD.findall(word) if _HAS_CJK.search(word) else (word,):
            key = fold_letters(token)
            if key:
                surfaces.append(token)
                folded.append(key)
    return tuple(surfaces), tuple(folded)


def _accents(surfaces: Sequence[str]) -> tuple[str, ...]:
    """Tokens caseless but with their diacritics, for names that differ from other words only by them."""
    return tuple(unicodedata.normalize("NFC", caseless(token)) for token in surfaces)


def _drop_leading_the(tokens: _Tokens) -> _Tokens:
    surfaces, folded = tokens
    start = 0
    while start < len(folded) and folded[start] == "the":
        start += 1
    return surfaces[start:], folded[start:]


# ---------------------------------------------------------------------------------------------------
# Lookup tables, built once at import
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Table:
    """One block of the alias table: the English top level, or one language's section."""

    countries: dict[str, list[str]]
    orgs: dict[str, tuple[str | None, list[str]]]
    not_countries: list[str]


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{_DATA_FILE}: {where} must be a list of strings")
    return [str(item) for item in value]


def _load_table() -> tuple[_Table, dict[str, _Table]]:
    """The English table and, per language code, that language's section (organisations named by key)."""
    raw = json.loads((resources.files("diplo_extract.text") / _DATA_FILE).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{_DATA_FILE}: top level must be an object")

    countries_raw = raw.get("countries")
    orgs_raw = raw.get("organizations")
    if not isinstance(countries_raw, dict) or not isinstance(orgs_raw, dict):
        raise ValueError(f"{_DATA_FILE}: 'countries' and 'organizations' must be objects")
    countries = {str(code): _strings(names, f"countries.{code}") for code, names in countries_raw.items()}
    orgs: dict[str, tuple[str | None, list[str]]] = {}
    for name, spec in orgs_raw.items():
        if not isinstance(spec, dict):
            raise ValueError(f"{_DATA_FILE}: organizations.{name} must be an object")
        country = spec.get("country")
        if country is not None and not isinstance(country, str):
            raise ValueError(f"{_DATA_FILE}: organizations.{name}.country must be a string or null")
        orgs[str(name)] = (country, _strings(spec.get("aliases"), f"organizations.{name}.aliases"))
    english = _Table(countries, orgs, _strings(raw.get("not_countries"), "not_countries"))

    sections: dict[str, _Table] = {}
    languages_raw = raw.get("languages", {})
    if not isinstance(languages_raw, dict):
        raise ValueError(f"{_DATA_FILE}: 'languages' must be an object")
    for language, section in languages_raw.items():
        where = f"languages.{language}"
        if language not in _LANGUAGES or not isinstance(section, dict):
            raise ValueError(f"{_DATA_FILE}: {where} must be an object for one of {sorted(_LANGUAGES)}")
        lang_countries = section.get("countries", {})
        lang_orgs = section.get("organizations", {})
        if not isinstance(lang_countries, dict) or not isinstance(lang_orgs, dict):
            raise ValueError(f"{_DATA_FILE}: {where}: 'countries' and 'organizations' must be objects")
        named_orgs: dict[str, tuple[str | None, list[str]]] = {}
        for name, aliases in lang_orgs.items():
            if name not in orgs:
                raise ValueError(f"{_DATA_FILE}: {where}.organizations.{name} is not an organisation of the table")
            named_orgs[str(name)] = (orgs[name][0], _strings(aliases, f"{where}.organizations.{name}"))
        sections[str(language)] = _Table(
            {str(code): _strings(names, f"{where}.countries.{code}") for code, names in lang_countries.items()},
            named_orgs,
            _strings(section.get("not_countries", []), f"{where}.not_countries"),
        )
    return english, sections


def _pycountry_names(country: object) -> tuple[list[str], list[str]]:
    """(names pycountry states outright, fragments derived from them) for one pycountry record."""
    direct: list[str] = []
    derived: list[str] = []
    for attr in ("name", "official_name", "common_name"):
        value = getattr(country, attr, None)
        if not isinstance(value, str) or not value:
            continue
        direct_one, derived_one = _split_name(value)
        direct.extend(direct_one)
        derived.extend(derived_one)
    return direct, derived


def _split_name(value: str) -> tuple[list[str], list[str]]:
    """A name as written in a list ("Korea, Republic of", "Holy See (Vatican City State)") and its fragments."""
    derived: list[str] = []
    # "Holy See (Vatican City State)": both halves name the country, the whole never appears in text.
    # CLDR writes full-width brackets in Chinese: "刚果（金）".
    paren = re.fullmatch(r"(.*?)\s*[(（](.*)[)）]", value)
    if paren:
        derived.extend((paren.group(1), paren.group(2)))
        value = paren.group(1)
    # "Korea, Republic of" -> "Republic of Korea" and the bare "Korea" (dropped later if ambiguous).
    if ", " in value:
        head, tail = value.split(", ", 1)
        derived.extend((f"{tail} {head}", head))
    return ([value] if value else []), [part for part in derived if part]


def _translated_names(code: str, language: str) -> set[str]:
    """What CLDR and pycountry's translations call a country in one language."""
    cldr_locales, gettext_locales = _LANGUAGES[language]
    names: set[str] = set()
    for locale in cldr_locales:
        name = _CLDR[locale].get(code)
        if name:
            names.add(name)
    record = pycountry.countries.get(alpha_2=code)
    for locale in gettext_locales:
        translate = _GETTEXT[locale]
        for attr in ("name", "official_name", "common_name"):
            value = getattr(record, attr, None)
            translated = translate(value) if isinstance(value, str) and value else None
            if translated and translated != value:
                names.add(translated)
    return names


def _load_gettext(locale: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
    except OSError:  # a pycountry release without this locale: CLDR still has the names
        return gettext.NullTranslations()


_CLDR: Final = {
    locale: dict(babel.Locale.parse(locale).territories) for cldr, _ in _LANGUAGES.values() for locale in cldr
}
_GETTEXT: Final = {
    locale: _load_gettext(locale).gettext for _, locales in _LANGUAGES.values() for locale in locales
}

# ---------------------------------------------------------------------------------------------------
# Declined forms: Russian and Kazakh write a name's case on the word itself
# ---------------------------------------------------------------------------------------------------

# Russian endings by case (nominative, genitive, dative, accusative, instrumental, prepositional); a name of
# several words declines up to and including its first noun ("Российской Федерации", "Республики
# Казахстан", "Соединённых Штатов Америки"), the words after it stay as they are.
_RU_ADJECTIVE: Final = {
    "ий": (("ий", "ого", "ому", "ий", "им", "ом"), ("ая", "ой", "ой", "ую", "ой", "ой"),
           ("ое", "ого", "ому", "ое", "им", "ом"), ("ие", "их", "им", "ие", "ими", "их")),
    "ый": (("ый", "ого", "ому", "ый", "ым", "ом"), ("ая", "ой", "ой", "ую", "ой", "ой"),
           ("ое", "ого", "ому", "ое", "ым", "ом"), ("ые", "ых", "ым", "ые", "ыми", "ых")),
}  # fmt: skip
_RU_ADJECTIVE_ENDINGS: Final = ("ий", "ый", "ая", "ое", "ые", "ие")
_SOFT_STEM: Final = frozenset("кгхжшчщ")
_RU_VOWELS: Final = frozenset("аеёиоуыэюя")


def _ru_adjective(word: str, *, all_genders: bool) -> list[tuple[str, ...]] | None:
    if len(word) < 5 or not word.endswith(_RU_ADJECTIVE_ENDINGS):
        return None
    stem = word[:-2]
    genders = _RU_ADJECTIVE["ий" if stem[-1] in _SOFT_STEM else "ый"]
    if all_genders:
        # "российско-иранский": the compound form of a demonym stands for the country too.
        return [tuple(stem + ending for ending in gender) for gender in genders] + [(stem + "о",) * 6]
    ending = word[-2:]
    chosen = [g for g in genders if g[0] == ending or (ending in ("ий", "ый") and g[0] in ("ий", "ый"))]
    return [tuple(stem + e for e in gender) for gender in chosen] or None


def _ru_noun(word: str) -> list[tuple[str, ...]]:
    """Case forms of a Russian noun, one tuple per declension it may follow."""
    if len(word) < 3 or word[-1] in "оеуюэ" or word.isupper():
        return [(word,) * 6]  # "Марокко", "Душанбе", "Перу", acronyms: indeclinable
    if word.endswith("ия"):
        stem = word[:-2]
        return [tuple(stem + e for e in ("ия", "ии", "ии", "ию", "ией", "ии"))]
    if word.endswith("а"):
        stem = word[:-1]
        plural = "и" if stem[-1] in _SOFT_STEM else "ы"
        return [tuple(stem + e for e in ("а", plural, "е", "у", "ой", "е"))]
    if word.endswith("я"):
        stem = word[:-1]
        return [tuple(stem + e for e in ("я", "и", "е", "ю", "ей", "е"))]
    if word.endswith("й"):
        stem = word[:-1]
        return [tuple(stem + e for e in ("й", "я", "ю", "й", "ем", "е"))]
    if word.endswith("ь"):
        stem = word[:-1]
        return [tuple(stem + e for e in ("ь", "я", "ю", "ь", "ем", "е")),
                tuple(stem + e for e in ("ь", "и", "и", "ь", "ью", "и"))]
    if word.endswith(("ы", "и")) and len(word) > 4:
        stem = word[:-1]
        return [tuple(stem + e for e in (word[-1], "ов", "ам", word[-1], "ами", "ах"))]
    if word[-1] in _RU_VOWELS:
        return [(word,) * 6]
    return [tuple(word + e for e in ("", "а", "у", "", "ом", "е"))]


def _russian_forms(words: Sequence[str]) -> set[tuple[str, ...]]:
    """Every case form of a Russian name, as lowercase word tuples."""
    words = [word.lower() for word in words]
    per_word: list[list[tuple[str, ...]]] = []
    declining = True
    for word in words:
        if not declining or not re.fullmatch(r"[а-яё]+", word):
            per_word.append([(word,) * 6])
            continue
        adjective = _ru_adjective(word, all_genders=len(words) == 1)
        if adjective is not None:
            per_word.append(adjective)
            continue
        per_word.append(_ru_noun(word))
        declining = False  # the head noun: what follows it is in apposition or a genitive
    forms: set[tuple[str, ...]] = set()
    for paradigm in itertools.product(*per_word):
        for case in range(6):
            forms.add(tuple(word[case] for word in paradigm))
    return forms


# Kazakh case endings, in every vowel-harmony and consonant variant: a name takes them on its last word
# ("Қазақстан Республикасының", "Ресейге", "Мароккоға"), and the adjective endings make demonyms
# ("ресейлік", "қытайлық"). Variants that a given word cannot take produce no real word, so they cost nothing.
_KK_SUFFIXES: Final = (
    "ның", "нің", "дың", "дің", "тың", "тің",
    "ға", "ге", "қа", "ке", "на", "не", "а", "е",
    "ны", "ні", "ды", "ді", "ты", "ті", "н",
    "да", "де", "та", "те", "нда", "нде",
    "дан", "ден", "тан", "тен", "нан", "нен", "ндан", "нден",
    "мен", "бен", "пен",
    "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі",
    "лық", "лік", "дық", "дік", "тық", "тік",
)  # fmt: skip


_KK_FOLDED_SUFFIXES: Final = tuple(dict.fromkeys(fold_letters(suffix) for suffix in _KK_SUFFIXES))


def _kazakh_forms(surfaces: Sequence[str], folded: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Folded keys of a Kazakh name with each case suffix on its last word (folding is letter by letter)."""
    if not surfaces or not re.fullmatch(r"[а-яёәғқңөұүһі]+", surfaces[-1].lower()):
        return []
    head, last = folded[:-1], folded[-1]
    return [(*head, last + suffix) for suffix in _KK_FOLDED_SUFFIXES]


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return fold_letters(char)


def _fold_word(word: str) -> str:
    # Folding works letter by letter, so the tens of thousands of declined forms fold from a per-letter
    # cache instead of a full Unicode normalisation each, which kept imports seconds long.
    return "".join(map(_fold_char, word))


# ---------------------------------------------------------------------------------------------------
# Building the index
# ---------------------------------------------------------------------------------------------------

def _is_capitalised_acronym(alias: str) -> bool:
    collapsed = _DOTTED_ACRONYM.sub(lambda m: m.group(1).replace(".", ""), alias)
    return collapsed.isupper()


@dataclass(frozen=True, slots=True)
class _Tables:
    index: dict[tuple[str, ...], _Entry]
    # First token of an alias -> most tokens any alias starting with it has, to bound the scan.
    longest_from: dict[str, int]
    alpha2: frozenset[str]
    alpha3: dict[str, str]
    # (code, folded name tokens) for every pycountry name, for the guarded fuzzy fallback.
    names: list[tuple[str, tuple[str, ...]]]


_Seen = tuple[tuple[str, ...] | None, tuple[str, ...] | None]


def _build_tables() -> _Tables:
    english, sections = _load_table()

    # key -> level -> target -> (surface, accented) seen; a None means "some alias for it did not need one"
    candidates: dict[tuple[str, ...], dict[int, dict[_Target, set[_Seen]]]] = {}

    def put(folded: tuple[str, ...], target: _Target, level: int, seen: _Seen) -> None:
        by_level = candidates.setdefault(folded, {})
        by_level.setdefault(level, {}).setdefault(target, set()).add(seen)

    def add(alias: str, target: _Target, level: int, language: str | None = None) -> None:
        surfaces, folded = _drop_leading_the(_tokenize(alias))
        if not folded:
            raise ValueError(f"{_DATA_FILE}: alias {alias!r} has no letters")
        surface = surfaces if level == _LEVEL_TABLE and _is_capitalised_acronym(alias) else None
        accented = _accents(surfaces) if language == "vi" else None
        put(folded, target, level, (surface, accented))
        if surface is not None:
            return  # acronyms do not decline ("США", "ҚХР-дың" splits at the hyphen)
        if language == "kk":
            keys = _kazakh_forms(surfaces, folded)
        elif language == "ru":
            keys = [tuple(_fold_word(word) for word in form) for form in _russian_forms(surfaces)]
        else:
            keys = []
        for key in keys:
            if key != folded:
                put(key, target, _LEVEL_DERIVED, (None, None))

    alpha3: dict[str, str] = {}
    names_for_fuzzy: list[tuple[str, tuple[str, ...]]] = []
    for record in pycountry.countries:
        code = str(record.alpha_2)
        alpha3[str(record.alpha_3)] = code
        target = _Target("country", code)
        direct, derived = _pycountry_names(record)
        for name in direct:
            add(name, target, _LEVEL_PYCOUNTRY)
        for name in derived:
            add(name, target, _LEVEL_DERIVED)
        for name in direct + derived:
            names_for_fuzzy.append((code, _drop_leading_the(_tokenize(name))[1]))
        for language in _LANGUAGES:
            for translated in _translated_names(code, language):
                whole, parts = _split_name(translated)
                for name in whole:
                    add(name, target, _LEVEL_TRANSLATED, language)
                for name in parts:
                    add(name, target, _LEVEL_DERIVED, language)

    valid_codes = frozenset(alpha3.values())
    sources: list[tuple[str | None, _Table]] = [(None, english), *sections.items()]
    for source_language, table in sources:
        for code, aliases in table.countries.items():
            if code not in valid_codes:
                raise ValueError(f"{_DATA_FILE}: {code!r} is not an ISO 3166-1 alpha-2 code")
            for alias in aliases:
                add(alias, _Target("country", code), _LEVEL_TABLE, source_language)
        for name, (country, aliases) in table.orgs.items():
            if country is not None and country != "EU" and country not in valid_codes:
                raise ValueError(f"{_DATA_FILE}: organisation {name!r} has unknown country {country!r}")
            for alias in [name, *aliases] if source_language is None else aliases:
                add(alias, _Target("org", country, name), _LEVEL_TABLE, source_language)
        for phrase in table.not_countries:
            add(phrase, _Target("none", None), _LEVEL_TABLE, source_language)

    index: dict[tuple[str, ...], _Entry] = {}
    for key, by_level in candidates.items():
        level = max(by_level)
        targets = by_level[level]
        if len(targets) > 1:
            if level == _LEVEL_TABLE:
                raise ValueError(f"{_DATA_FILE}: {' '.join(key)!r} is listed for several entries")
            # Two names share this form ("Korea", "Virgin Islands"): it decides nothing.
            continue
        [(target, seen)] = targets.items()
        surfaces = [surface for surface, _ in seen]
        accents = [accented for _, accented in seen]
        surface = None if None in surfaces else min(s for s in surfaces if s is not None)
        accented = None if None in accents else min(a for a in accents if a is not None)
        index[key] = _Entry(target, surface, accented)

    longest: dict[str, int] = {}
    for key in index:
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return _Tables(index, longest, valid_codes, alpha3, names_for_fuzzy)


_TABLES: Final = _build_tables()
_INDEX: Final = _TABLES.index
_LONGEST_FROM: Final = _TABLES.longest_from
_ALPHA2: Final = _TABLES.alpha2
_ALPHA3: Final = _TABLES.alpha3
_FUZZY_NAMES: Final = _TABLES.names
_MAX_ALIAS_TOKENS: Final = max(_LONGEST_FROM.values())

# Words that describe a form of state rather than a state; a name's distinctive head comes after them.
_STATE_FORM_WORDS: Final = frozenset(
    {
        "the", "of", "and", "s", "republic", "kingdom", "federal", "federative", "federated", "federation",
        "democratic", "people", "islamic", "arab", "socialist", "united", "state", "states", "eastern",
        "hashemite", "sultanate", "grand", "duchy", "principality", "commonwealth", "independent",
        "plurinational", "bolivarian", "union",
    }
)  # fmt: skip
# Heads of real country names that are far likelier to be something else when they stand alone.
_FUZZY_DENYLIST: Final = frozenset(
    {
        "cook",
        "christmas",
        "heard",
        "marshall",
        "solomon",
        "costa",
        "wallis",
        "isle",
        "central",
        "western",
        "northern",
        # Syllables of Vietnamese personal names ("Lương Tam Quang", "Mạnh Hồng Vỹ", "Nguyễn Việt Thắng"):
        # folded, they begin "Hong Kong" and "Viet Nam".
        "hong",
        "viet",
    }
)


def _fuzzy_heads() -> dict[str, frozenset[tuple[str, tuple[str, ...]]]]:
    """Prefix of a name's head token -> (code, name tokens from the head on)."""
    heads: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
    for code, tokens in _FUZZY_NAMES:
        start = 0
        while start < len(tokens) and tokens[start] in _STATE_FORM_WORDS:
            start += 1
        if start == len(tokens) or tokens[start] in _FUZZY_DENYLIST:
            continue
        head = tokens[start]
        # A prefix must carry two thirds of the word: "Czech" may stand for "Czechia", "Martin" is
        # not "Martinique".
        for end in range(max(4, -(-2 * len(head) // 3)), len(head) + 1):
            heads.setdefault(head[:end], set()).add((code, tokens[start:]))
    return {prefix: frozenset(found) for prefix, found in heads.items()}


_FUZZY_HEADS: Final = _fuzzy_heads()

# ---------------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------------


def _surface_fits(entry: _Entry, surfaces: Sequence[str], *, whole: bool, accented_text: bool = True) -> bool:
    """Whether the words as written meet an alias's case and diacritics requirements.

    Inside a phrase an acronym must be in capitals, and a Vietnamese name must end in a capitalised word
    ("Bộ Nội vụ Nga", not "thẩm mỹ") of a text that writes diacritics at all (``accented_text``): "Nga" in
    "Nguyen Thi Nga" of an English text is a given name. A text that is nothing but the alias only needs
    the alias's own diacritics.
    """
    if entry.surface is not None and not whole and tuple(surfaces) != entry.surface:
        return False
    if entry.accented is not None:
        if _accents(surfaces) != entry.accented:
            return False
        if not whole and not (accented_text and surfaces[-1][:1].isupper()):
            return False
    return True


def _scan(tokens: _Tokens) -> Iterator[_Target]:
    """Leftmost-longest alias matches, in text order (including "not a country" phrases)."""
    surfaces, folded = tokens
    i, count = 0, len(folded)
    accented_text = not all(surface.isascii() for surface in surfaces)
    while i < count:
        longest = _LONGEST_FROM.get(folded[i])
        if longest is None:
            i += 1
            continue
        for size in range(min(longest, count - i), 0, -1):
            entry = _INDEX.get(folded[i : i + size])
            if entry is not None and _surface_fits(entry, surfaces[i : i + size], whole=False,
                                                   accented_text=accented_text):
                yield entry.target
                i += size
                break
        else:
            i += 1


def _matches_name(query: Sequence[str], name: Sequence[str]) -> bool:
    if len(query) > len(name):
        return False
    return all(
        word.startswith(part) and len(part) * 3 >= len(word) * 2
        for part, word in zip(query, name, strict=False)
    )


@lru_cache(maxsize=2048)
def _fuzzy(folded: tuple[str, ...]) -> str | None:
    """Last-resort match of a short text against the distinctive part of pycountry names."""
    if not 1 <= len(folded) <= 3 or any(word in _STATE_FORM_WORDS for word in folded):
        return None
    # Guard first: only a text that starts a country name's distinctive head, for exactly one
    # country, ever reaches pycountry; so "Minister", "Interior" or "Kingdom" never map to a country.
    codes = {code for code, name in _FUZZY_HEADS.get(folded[0], ()) if _matches_name(folded, name)}
    if len(codes) != 1:
        return None
    [code] = codes
    try:
        found = pycountry.countries.search_fuzzy(" ".join(folded))
    except LookupError:
        return None
    # search_fuzzy also matches subdivisions; keep its answer only when it agrees on the country.
    return code if found and str(found[0].alpha_2) == code else None


def _primary(text: str | None) -> _Target | None:
    """Find the entity a text names: its first country or organisation mention, else a whole-text match."""
    if not isinstance(text, str) or not text:
        return None
    tokens = _tokenize(text)
    saw_non_country = False
    for target in _scan(tokens):
        if target.kind != "none":
            return target
        saw_non_country = True
    if saw_non_country:
        return None
    surfaces, folded = _drop_leading_the(tokens)
    if not folded or len(folded) > _MAX_ALIAS_TOKENS:
        return None
    # An ISO alpha-2 code in capitals is that country, before any alias it folds to ("AO" is Angola, not the
    # Vietnamese "Áo", Austria).
    if len(surfaces) == 1 and surfaces[0].isascii() and surfaces[0].isupper() and surfaces[0] in _ALPHA2:
        return _Target("country", surfaces[0])
    # The whole text is one alias in the wrong case ("uae", "Sco"): nothing else to confuse it with.
    entry = _INDEX.get(folded)
    if entry is not None and _surface_fits(entry, surfaces, whole=True):
        return entry.target if entry.target.kind != "none" else None
    if len(surfaces) == 1 and surfaces[0].isascii() and surfaces[0].isupper():
        code = _ALPHA3.get(surfaces[0])
        if code in _ALPHA2:
            return _Target("country", code)
    code = _fuzzy(folded)
    return _Target("country", code) if code else None


# Chinese writes a bilateral relation with one character per country ("中缅执法安全合作", "中哈关系").
# Those characters are ordinary words on their own (美 "beautiful", 日 "day", 中 "in"), so a pair counts only
# when it starts with 中 and is followed by a word that such a pair qualifies.
_ZH_ABBREVIATIONS: Final = {
    "中": "CN", "美": "US", "俄": "RU", "缅": "MM", "緬": "MM", "哈": "KZ", "吉": "KG", "塔": "TJ", "越": "VN",
    "老": "LA", "柬": "KH", "泰": "TH", "蒙": "MN", "朝": "KP", "韩": "KR", "韓": "KR", "日": "JP", "印": "IN",
    "英": "GB", "法": "FR", "德": "DE", "欧": "EU", "歐": "EU", "土": "TR", "伊": "IR", "阿": "AF",
}  # fmt: skip
_ZH_PAIR_FOLLOWERS: Final = (
    "两国|兩國|双方|雙方|关系|關係|合作|执法|執法|边境|邊境|第|友好|睦邻|睦鄰|战略|戰略|联合|聯合|双边|雙邊|"
    "元首|领导人|領導人|外长|外長|总理|總理|警务|警務|禁毒|反恐|安全|经贸|經貿|人文|建交|政府|务实|務實|会谈|會談|会晤|會晤"
)
_ZH_PAIR: Final = re.compile(
    rf"(?P<pair>中[{''.join(c for c in _ZH_ABBREVIATIONS if c != '中')}]{{1,4}})(?:{_ZH_PAIR_FOLLOWERS})"
)

# ---------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------


def to_country_code(text: str | None) -> str | None:
    """Return the ISO 3166-1 alpha-2 code of the country a text names.

    Accepts a country name, short or official form, demonym, capital used for the government or
    local spelling, in any case and with surrounding punctuation, a leading "the" or a possessive
    ("Kazakhstan's"); an all-capitals alpha-2 or alpha-3 code is accepted too. The European Union and
    its bodies (Europol, European Commission, ...) give "EU". Returns None when the text names no
    country or names an intergovernmental organisation ("SCO", "UN"); a national body named with its
    country ("Ministry of Public Security of China") gives that country. Never raises.
    """
    target = _primary(text)
    return target.code if target is not None else None


def canonical_organization(text: str | None) -> str | None:
    """Return the canonical short name of the first intergovernmental organisation a text mentions.

    "Shanghai Cooperation Organisation" gives "SCO"; other names include "CSTO", "CICA", "UN",
    "UNODC", "CIS", "Interpol", "ASEAN", "UNRCCA", "OSCE", "NATO", "EU", "Europol" and "BOMCA".
    Returns None when no such organisation is mentioned. Never raises.
    """
    if not isinstance(text, str) or not text:
        return None
    for target in _scan(_tokenize(text)):
        if target.kind == "org":
            return target.org
    whole = _primary(text)
    return whole.org if whole is not None and whole.kind == "org" else None


def is_intergovernmental(text: str | None) -> bool:
    """Return True when the entity a text names is an intergovernmental body.

    Officials of such a body get country None, except European Union bodies, which get "EU". A
    national office that merely mentions an organisation ("Permanent Representative of Kazakhstan to
    the UN") is not intergovernmental: the first mention names the entity.
    """
    target = _primary(text)
    return target is not None and target.kind == "org"


def countries_in(text: str) -> list[str]:
    """Return the distinct country codes a free-text phrase mentions, in order of first mention.

    "China-Kazakhstan partnership" gives ["CN", "KZ"]. European Union bodies count as "EU"; other
    intergovernmental organisations are skipped. Never raises.
    """
    if not isinstance(text, str) or not text:
        return []
    found: list[str] = []
    for target in _scan(_tokenize(text)):
        if target.code is not None and target.code not in found:
            found.append(target.code)
    for pair in _ZH_PAIR.finditer(text):
        for char in pair.group("pair"):
            if _ZH_ABBREVIATIONS[char] not in found:
                found.append(_ZH_ABBREVIATIONS[char])
    if not found:
        whole = to_country_code(text)
        if whole is not None:
            found.append(whole)
    return found


def organizations_in(text: str) -> list[str]:
    """The canonical short names of the organisations (SCO, CSTO, UN, EU bodies ...) a phrase mentions, in order."""
    if not isinstance(text, str) or not text:
        return []
    return list(dict.fromkeys(t.org for t in _scan(_tokenize(text)) if t.kind == "org" and t.org))


def country_named_exactly(text: str) -> str | None:
    """The code of the country ``text`` is a name of, word for word ("Trung Quốc", "Kazakhstan"), else None.

    Stricter than :func:`to_country_code`, which finds the country a longer phrase is about: "Kazakhstan Nurlan"
    is about Kazakhstan but is no name of it.
    """
    surfaces, folded = _drop_leading_the(_tokenize(text))
    entry = _INDEX.get(folded) if folded else None
    if entry is None or entry.target.kind != "country" or not _surface_fits(entry, surfaces, whole=True):
        return None
    return entry.target.code
