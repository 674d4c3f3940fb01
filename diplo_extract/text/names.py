"""Person-name keys, for recognising the same official across records and articles.

Articles write the same person many ways: with or without honorifics and ranks ("H.E. Sheikh ...",
"Colonel-General ...", "Thượng tướng ..."), with or without diacritics, with hyphens or spaces, with
transliteration variants ("Tokayev"/"Tokaev"). :func:`name_key` reduces a name to a plain lowercase key and
:func:`same_person` compares two names through their keys.

Keys are for matching, not display. Cyrillic (Russian and Kazakh letters) is transliterated to Latin with a
small BGN/PCGN-style table, so "Сергей Лавров" keys as "sergey lavrov" and matches "Sergei Lavrov" when an
article gives both; Chinese names, written without spaces, stay one token in their own script ("王小洪"), with
titles glued to them ("部长王小洪", "郭声琨国务委员") removed.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from diplo_extract.text.folding import fold_letters

__all__ = ["HONORIFICS", "HONORIFIC_WORDS", "kazakh_nominative", "name_key", "same_person"]

#: Honorifics, ranks and titles removed from the front of a name by :func:`name_key` (matched after the same
#: folding as names, so case, dots, hyphens and diacritics do not matter: "Lt.Gen." is "Lt. Gen.").
#: Deliberately left out because they also begin real names: Sultan, Amir, Emir, Sri, Sayed, Tun (Myanmar),
#: Pak (Korea).
#: The courtesy titles among them: a person's, written next to the name, never part of an office.
COURTESY_TITLES: frozenset[str] = frozenset({
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Madam", "Madame", "Mme", "Dr", "Prof", "Professor",
    "Assoc. Prof.", "Sir", "Dame", "Lord", "Lady", "H.E.", "His Excellency", "Her Excellency",
    "Excellency", "Hon.", "Honorable", "Honourable", "The Honourable", "The Honorable", "Rt. Hon.",
    "The Rt. Hon.", "Comrade", "Rev.", "Father", "Mister",
})
HONORIFICS: frozenset[str] = COURTESY_TITLES | frozenset(
    {
        # royal and traditional
        "Sheikh", "Shaikh", "Shaykh", "Sheikha", "Shaikha", "Prince", "Princess", "Crown Prince", "King",
        "Queen", "Emperor", "Sayyid", "Sayyida", "Haji", "Hajji", "Hajja", "Datuk", "Dato", "Dato'",
        "Datuk Seri", "Dato' Sri", "Dato Sri", "Dato Seri", "Dato' Seri", "Datuk Sri", "Datin", "Datin Seri",
        "Tan Sri", "Puan Sri", "Toh Puan", "Pehin",
        "Samdech", "Samdech Techo", "Shri", "Shrimati", "Smt.", "Bapak", "Ibu",
        # military and police ranks
        "General", "Gen.", "Army General", "General of the Army", "Colonel-General", "Colonel General",
        "Lieutenant General", "Lieutenant-General", "Lt. Gen.", "Lt Gen", "Lt.-Gen.", "Major General",
        "Major-General", "Maj. Gen.", "Maj Gen", "Brigadier General", "Brigadier-General", "Brig. Gen.",
        "Brigadier", "Colonel", "Col.", "Lieutenant Colonel", "Lieutenant-Colonel", "Lt. Col.",
        "Major", "Maj.", "Captain", "Capt.", "Lieutenant", "Lt.", "Admiral", "Adm.", "Vice Admiral",
        "Vice-Admiral", "Rear Admiral", "Rear-Admiral", "Air Marshal", "Air Chief Marshal", "Marshal",
        "Field Marshal", "Commodore", "Police General", "Police Lieutenant General", "Police Major General",
        "Police Colonel", "Police Colonel-General", "Pol. Gen.", "Pol. Lt. Gen.", "Pol. Maj. Gen.",
        "Pol. Col.", "Senior Lieutenant General", "Senior General", "Commissioner", "Inspector General",
        # offices often written in front of names
        "Senator", "Sen.", "Ambassador", "Amb.", "President", "Vice President", "Vice-President",
        "Prime Minister", "Deputy Prime Minister", "Minister", "Deputy Minister", "Vice Minister",
        "Foreign Minister", "State Councilor", "State Councillor", "Secretary", "Secretary-General",
        "Secretary General", "General Secretary", "Secretary of State", "Chairman", "Chairwoman",
        "Chairperson", "Governor",
        "Gov.", "Mayor", "Judge", "Justice", "Chief Justice", "Representative", "Rep.", "Deputy",
        # Vietnamese
        "Ông", "Bà", "Đồng chí", "Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng", "Đại tá",
        "Thượng tá", "Trung tá", "Thiếu tá", "Bộ trưởng", "Thứ trưởng", "Chủ tịch", "Phó Chủ tịch",
        "Thủ tướng", "Phó Thủ tướng", "Tổng Bí thư", "Chủ tịch nước", "Đại sứ", "Tiến sĩ",
        # Russian / Kazakh
        "Господин", "Госпожа", "Г-н", "Г-жа", "Генерал", "Генерал армии", "Генерал-полковник",
        "Генерал-лейтенант", "Генерал-майор", "Полковник", "Подполковник", "Министр", "Посол", "Президент",
        "Мырза", "Ханым",
    }
)

# Apostrophes vanish ("Dato'", "O'Brien" -> "obrien") rather than split a token in two.
_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`´]")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[\W_]+")

# Per-token similarity below which two differing tokens are not spelling variants of each other
# ("Yi"/"Yu", "A"/"B"); stops token_sort_ratio from merging people who differ in one short given name.
_TOKEN_VARIANT_MIN = 60.0


# BGN/PCGN-style romanisation, Kazakh letters included; one table for both cases, applied before folding
# (which would otherwise turn "й" into "и" and "ё" into "е" first).
_CYRILLIC_LATIN: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i", "ў": "u", "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u", "є": "ye", "ї": "yi", "ґ": "g",
}  # fmt: skip
_ROMANISE = str.maketrans({**_CYRILLIC_LATIN, **{k.upper(): v for k, v in _CYRILLIC_LATIN.items()}})

# Chinese titles written onto a name without a space: "部长王小洪", "习近平主席". Longest first.
_CJK_TITLES: tuple[str, ...] = tuple(sorted({
    "国务委员", "國務委員", "公安部部长", "公安部部長", "部长", "部長", "副部长", "副部長", "主席", "国家主席",
    "國家主席", "总统", "總統", "总理", "總理", "副总理", "副總理", "外长", "外長", "大使", "秘书长", "秘書長",
    "书记", "書記", "先生", "女士", "同志", "将军", "將軍", "局长", "局長", "厅长", "廳長", "主任", "委员", "委員",
    "总书记", "總書記",
}, key=len, reverse=True))  # fmt: skip
_CJK_NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
#: Every word of :data:`HONORIFICS`, case-folded without dots ("lt", "gen", "minister"): a word that never
#: sets one person apart from another.
HONORIFIC_WORDS: frozenset[str] = frozenset(word.casefold().strip(".") for phrase in HONORIFICS
                                            for word in phrase.split())
#: Post-nominal letters after a name ("Alexander Downer MP", "K Shanmugam, SC"), no part of it.
POSTNOMINALS = re.compile(r"(?:,?\s+(?:MP|AO|AC|AM|QC|KC|SC|CSC|OBE|MBE|CBE|KBE|PhD))+$")
#: The courtesy titles a person's name follows, never an office's words: what stands before one in a model's
#: name is the title ("Minister for Law Mr K Shanmugam").
ADDRESS_WORDS: frozenset[str] = frozenset({"mr", "mrs", "ms", "madam", "mdm", "mister", "miss", "h.e"})
#: The words of :data:`COURTESY_TITLES`, folded the same way ("dr", "mrs", "excellency").
COURTESY_WORDS: frozenset[str] = frozenset(word.casefold().strip(".") for phrase in COURTESY_TITLES
                                           for word in phrase.split())


def _strip_cjk_titles(token: str) -> str:
    """Remove titles glued to the front or back of a Chinese name, keeping at least two characters."""
    if not _CJK_NAME.match(token):
        return token
    rest = token
    while rest:
        title = next((t for t in _CJK_TITLES if rest.startswith(t)), None)
        if title is None:
            break
        rest = rest[len(title):]
    if not rest:
        return ""  # nothing but titles ("国务委员" before "、公安部部长王小洪")
    changed = True
    while changed:
        changed = False
        for title in _CJK_TITLES:
            if token.startswith(title) and len(token) - len(title) >= 2:
                token, changed = token[len(title):], True
            elif token.endswith(title) and len(token) - len(title) >= 2:
                token, changed = token[: -len(title)], True
    return token


def _fold(text: str) -> list[str]:
    """Case-folded, diacritic-free, punctuation-free tokens of ``text``, Cyrillic written in Latin letters."""
    text = _BRACKETED.sub(" ", text)
    text = _APOSTROPHES.sub("", text).translate(_ROMANISE)
    # Folding may uncover a Cyrillic letter the table romanises ("Ӛ" folds to "ә"): romanise once more after it.
    folded = fold_letters(text).translate(_ROMANISE)
    tokens = (_strip_cjk_titles(token) for token in _NON_WORD.sub(" ", folded).split())
    return [token for token in tokens if token]


# Longest first, so "Police Major General" is removed whole rather than leaving "major general" to chance.
_HONORIFIC_TOKENS: tuple[tuple[str, ...], ...] = tuple(
    sorted({tuple(_fold(h)) for h in HONORIFICS if _fold(h)}, key=len, reverse=True)
)


def _strip_honorifics(tokens: list[str]) -> list[str]:
    # Only leading ones, repeatedly ("H.E. Sheikh ...", "Police Major General ..."); a title word inside a
    # name is more likely part of it. Never strips the last token: a bare "General" stays "general".
    changed = True
    while changed:
        changed = False
        for honorific in _HONORIFIC_TOKENS:
            n = len(honorific)
            if len(tokens) > n and tuple(tokens[:n]) == honorific:
                tokens = tokens[n:]
                changed = True
                break
    return tokens


def name_key(name: str) -> str:
    """Normalised key for matching a person across records.

    Leading honorifics, ranks and titles (:data:`HONORIFICS`) are removed, diacritics stripped (NFKD, plus
    đ -> d and a few other stroked letters), case folded, bracketed notes, punctuation and apostrophes removed
    and whitespace collapsed. Returns "" for a name with no letters or digits.

    >>> name_key("Sheikh Saif bin Zayed Al Nahyan")
    'saif bin zayed al nahyan'
    >>> name_key("General Lương Tam Quang")
    'luong tam quang'
    >>> name_key("Colonel-General Vilayat Eyvazov")
    'vilayat eyvazov'
    """
    return " ".join(_strip_honorifics(_fold(name)))


def _is_sub_multiset(small: list[str], large: list[str]) -> bool:
    pool = list(large)
    for token in small:
        if token not in pool:
            return False
        pool.remove(token)
    return True


def _variant_tokens(a: str, b: str) -> bool:
    """Whether two differing tokens may be spellings of one name part.

    Similar enough ("jomart"/"zhomart"), and not one inside the other with a syllable more: "qiang" and
    "keqiang" are different given names (Li Qiang, Li Keqiang), "abdulla"/"abdullah" are one.
    """
    if fuzz.ratio(a, b) < _TOKEN_VARIANT_MIN:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return not (len(long) - len(short) >= 2 and short in long)


def _pair_tokens(a: list[str], b: list[str]) -> tuple[list[str], bool]:
    """Reorder b's tokens to line up with a's, and say whether every differing token has a close partner.

    Shared tokens pair with themselves; each remaining token of a takes its most similar remaining token of
    b. Leftover tokens of the longer side go at the end.
    """
    paired: list[str | None] = [None] * len(a)
    pool = list(b)
    for i, token in enumerate(a):
        if token in pool:
            paired[i] = token
            pool.remove(token)
    variants = True
    for i, token in enumerate(a):
        if paired[i] is not None:
            continue
        if not pool:
            break  # extra tokens on a's side only; the overall ratio judges their weight
        best = max(pool, key=lambda other: fuzz.ratio(token, other))
        if not _variant_tokens(token, best):
            variants = False
        paired[i] = best
        pool.remove(best)
    return [t for t in paired if t is not None] + pool, variants


def _close_token(a: str, b: str) -> bool:
    """Spelling variants of one name part: "sergei"/"sergey", "tokayev"/"tokaev"."""
    if a == b:
        return True
    shortest = min(len(a), len(b))
    allowed = 2 if shortest >= 8 else 1 if shortest >= 4 else 0
    return Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed


def _is_fuzzy_sub_multiset(small: list[str], large: list[str]) -> bool:
    pool = list(large)
    for token in small:
        match = next((other for other in pool if _close_token(token, other)), None)
        if match is None:
            return False
        pool.remove(match)
    return True


def named_in(name: str, words: str) -> bool:
    """Whether ``words`` name the person: the name as written, or its last word of four or more letters ("Грызлова")."""
    folded, name = words.casefold(), name.strip().casefold()
    last = name.split()[-1] if name.split() else ""
    return bool(name) and (name in folded or (len(last) >= 4 and last in folded))


def same_person(a: str, b: str, *, threshold: float = 85.0) -> bool:
    """Whether two written names plausibly refer to the same person.

    Compares :func:`name_key` keys. True when the keys are equal; when one key's tokens are all in the other
    and it has at least two ("Saif bin Zayed" vs "Saif bin Zayed Al Nahyan"), also allowing one-letter
    spelling variants per token ("Sergei Lavrov" vs "Sergey Viktorovich Lavrov"); when a one-token key equals
    the other's first or last token ("Zhao" vs "Zhao Kezhi", "Lavrov" vs "Sergey Lavrov"); or when
    rapidfuzz ``token_sort_ratio`` (or the ratio with tokens paired up by similarity, for variants that sort
    differently) reaches ``threshold`` and every differing token has a close counterpart (so "Wang Yi" and
    "Wang Yu" stay apart). The surname rule cannot know whether a surname is unique in the
    article: callers should apply it only among the people of one article or meeting.
    """
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    # The token pairing is greedy, so it is tried both ways round to keep the answer symmetric.
    return _same_keys(ka, kb, threshold) or _same_keys(kb, ka, threshold)


def _same_keys(ka: str, kb: str, threshold: float) -> bool:
    if ka == kb or ka.replace(" ", "") == kb.replace(" ", ""):
        return True
    ta, tb = ka.split(), kb.split()
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if len(small) >= 2 and len(small) < len(large) and (
        _is_sub_multiset(small, large) or _is_fuzzy_sub_multiset(small, large)
    ):
        return True
    if len(small) == 1 and len(large) >= 2 and len(small[0]) >= 2 and small[0] in (large[0], large[-1]):
        return True
    aligned, variants = _pair_tokens(ta, tb)
    if not variants:
        return False
    # token_sort_ratio misjudges variants that sort differently ("Jomart"/"Zhomart"); comparing with b's
    # tokens lined up against a's catches those.
    score = max(fuzz.token_sort_ratio(ka, kb), fuzz.ratio(ka, " ".join(aligned)))
    return score >= threshold


# Kazakh declines names; a meeting report puts the counterpart in the comitative ("Уахбимен", "with Ouahbi")
# and owners in the genitive ("Тоқаевтың"). Only these endings: they never end a personal name, where the
# shorter dative and accusative endings do ("Асылова", "Ақорда").
_KAZAKH_NAME_ENDINGS = re.compile(r"(?<=\w\w\w)(?:мен|бен|пен|ның|нің|дың|дің|тың|тің)$")


def kazakh_nominative(name: str) -> str:
    """A Kazakh-language name with the case ending of its last word removed: "Абдель Латиф Уахбимен" -> "... Уахби"."""
    head, _, last = name.strip().rpartition(" ")
    bare = _KAZAKH_NAME_ENDINGS.sub("", last)
    return f"{head} {bare}".strip() if head else bare
