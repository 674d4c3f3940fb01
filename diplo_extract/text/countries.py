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

When a phrase mentions both a country and an organisation, the first mention names the entity:
"Permanent Representative of Kazakhstan to the UN" is Kazakh, "UNODC Programme Office in
Kazakhstan" is an organisation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final, Literal

import pycountry

from diplo_extract.text.folding import fold_letters

__all__ = ["canonical_organization", "countries_in", "is_intergovernmental", "to_country_code"]

_DATA_FILE: Final = "country_aliases.json"

# Precedence when two sources disagree about an alias: the maintained table beats pycountry's own
# names, which beat the fragments this module derives from pycountry's "Korea, Republic of" style names.
_LEVEL_DERIVED: Final = 0
_LEVEL_PYCOUNTRY: Final = 1
_LEVEL_TABLE: Final = 2


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


def _tokenize(text: str) -> _Tokens:
    """Split text into (original-case tokens, folded tokens) of equal length."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(1).replace(".", ""), text)
    surfaces: list[str] = []
    folded: list[str] = []
    for match in _TOKEN.finditer(text):
        key = fold_letters(match.group())
        if key:
            surfaces.append(match.group())
            folded.append(key)
    return tuple(surfaces), tuple(folded)


def _drop_leading_the(tokens: _Tokens) -> _Tokens:
    surfaces, folded = tokens
    start = 0
    while start < len(folded) and folded[start] == "the":
        start += 1
    return surfaces[start:], folded[start:]


# ---------------------------------------------------------------------------------------------------
# Lookup tables, built once at import
# ---------------------------------------------------------------------------------------------------


def _load_table() -> tuple[dict[str, list[str]], dict[str, tuple[str | None, list[str]]], list[str]]:
    raw = json.loads((resources.files("diplo_extract.text") / _DATA_FILE).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{_DATA_FILE}: top level must be an object")

    def strings(value: object, where: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"{_DATA_FILE}: {where} must be a list of strings")
        return [str(item) for item in value]

    countries_raw = raw.get("countries")
    orgs_raw = raw.get("organizations")
    if not isinstance(countries_raw, dict) or not isinstance(orgs_raw, dict):
        raise ValueError(f"{_DATA_FILE}: 'countries' and 'organizations' must be objects")
    countries = {str(code): strings(names, f"countries.{code}") for code, names in countries_raw.items()}
    orgs: dict[str, tuple[str | None, list[str]]] = {}
    for name, spec in orgs_raw.items():
        if not isinstance(spec, dict):
            raise ValueError(f"{_DATA_FILE}: organizations.{name} must be an object")
        country = spec.get("country")
        if country is not None and not isinstance(country, str):
            raise ValueError(f"{_DATA_FILE}: organizations.{name}.country must be a string or null")
        orgs[str(name)] = (country, strings(spec.get("aliases"), f"organizations.{name}.aliases"))
    return countries, orgs, strings(raw.get("not_countries"), "not_countries")


def _pycountry_names(country: object) -> tuple[list[str], list[str]]:
    """(names pycountry states outright, fragments derived from them) for one pycountry record."""
    direct: list[str] = []
    derived: list[str] = []
    for attr in ("name", "official_name", "common_name"):
        value = getattr(country, attr, None)
        if not isinstance(value, str) or not value:
            continue
        # "Holy See (Vatican City State)": both halves name the country, the whole never appears in text.
        paren = re.fullmatch(r"(.*?)\s*\((.*)\)", value)
        if paren:
            derived.extend((paren.group(1), paren.group(2)))
            value = paren.group(1)
        direct.append(value)
        # "Korea, Republic of" -> "Republic of Korea" and the bare "Korea" (dropped later if ambiguous).
        if ", " in value:
            head, tail = value.split(", ", 1)
            derived.extend((f"{tail} {head}", head))
    return direct, derived


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


def _build_tables() -> _Tables:
    countries, orgs, not_countries = _load_table()

    # key -> level -> target -> surfaces seen (None means "some alias for it was not an acronym")
    candidates: dict[tuple[str, ...], dict[int, dict[_Target, set[tuple[str, ...] | None]]]] = {}

    def add(alias: str, target: _Target, level: int) -> None:
        surfaces, folded = _drop_leading_the(_tokenize(alias))
        if not folded:
            raise ValueError(f"{_DATA_FILE}: alias {alias!r} has no letters")
        surface = surfaces if level == _LEVEL_TABLE and _is_capitalised_acronym(alias) else None
        by_level = candidates.setdefault(folded, {})
        by_level.setdefault(level, {}).setdefault(target, set()).add(surface)

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

    valid_codes = frozenset(alpha3.values())
    for code, aliases in countries.items():
        if code not in valid_codes:
            raise ValueError(f"{_DATA_FILE}: {code!r} is not an ISO 3166-1 alpha-2 code")
        for alias in aliases:
            add(alias, _Target("country", code), _LEVEL_TABLE)
    for name, (country, aliases) in orgs.items():
        if country is not None and country != "EU" and country not in valid_codes:
            raise ValueError(f"{_DATA_FILE}: organisation {name!r} has unknown country {country!r}")
        for alias in [name, *aliases]:
            add(alias, _Target("org", country, name), _LEVEL_TABLE)
    for phrase in not_countries:
        add(phrase, _Target("none", None), _LEVEL_TABLE)

    index: dict[tuple[str, ...], _Entry] = {}
    for key, by_level in candidates.items():
        level = max(by_level)
        targets = by_level[level]
        if len(targets) > 1:
            if level == _LEVEL_TABLE:
                raise ValueError(f"{_DATA_FILE}: {' '.join(key)!r} is listed for several entries")
            # Two pycountry names share this form ("Korea", "Virgin Islands"): it decides nothing.
            continue
        [(target, surfaces)] = targets.items()
        surface = None if None in surfaces else min(s for s in surfaces if s is not None)
        index[key] = _Entry(target, surface)

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


def _scan(tokens: _Tokens) -> Iterator[_Target]:
    """Leftmost-longest alias matches, in text order (including "not a country" phrases)."""
    surfaces, folded = tokens
    i, count = 0, len(folded)
    while i < count:
        longest = _LONGEST_FROM.get(folded[i])
        if longest is None:
            i += 1
            continue
        for size in range(min(longest, count - i), 0, -1):
            entry = _INDEX.get(folded[i : i + size])
            if entry is not None and (entry.surface is None or surfaces[i : i + size] == entry.surface):
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
    # The whole text is one alias in the wrong case ("uae", "Sco"): nothing else to confuse it with.
    entry = _INDEX.get(folded)
    if entry is not None:
        return entry.target if entry.target.kind != "none" else None
    if len(surfaces) == 1 and surfaces[0].isascii() and surfaces[0].isupper():
        code = surfaces[0] if len(surfaces[0]) == 2 else _ALPHA3.get(surfaces[0])
        if code in _ALPHA2:
            return _Target("country", code)
    code = _fuzzy(folded)
    return _Target("country", code) if code else None


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
    if not found:
        code = to_country_code(text)
        if code is not None:
            found.append(code)
    return found
