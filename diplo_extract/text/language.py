"""Which language an article is written in, as an ISO 639-1 code.

The sources publish in English, Chinese, Russian, Vietnamese and Kazakh, and every language-aware normaliser
(dates, threat lexicon, country names) keys on this answer, so it must be stable and explainable rather than
merely likely. The script decides first, from letters only it uses: Han characters without kana or hangul are
Chinese; Cyrillic with the Kazakh letters ә ұ қ ғ һ (which Russian never writes) is Kazakh; Latin text dense
in the letters Vietnamese alone stacks marks on (ơ ư ă đ ạ ố ...) is Vietnamese. Only what the script leaves
open goes to py3langid (a naive Bayes model over byte n-grams, deterministic), restricted to the languages of
that script so that a short English headline cannot come back as Latin or Javanese.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from typing import Final

from py3langid.langid import MODEL_FILE, LanguageIdentifier

__all__ = ["detect_language"]

# Letters that only some Cyrillic languages write; the first group is Kazakh's own (Kyrgyz and Mongolian
# share ң ө ү with it but not these).
_KAZAKH_ONLY: Final = frozenset("әұқғһӘҰҚҒҺ")
_KYRGYZ_MONGOLIAN: Final = frozenset("ңөүҢӨҮ")
_TAJIK_ONLY: Final = frozenset("ҷӣӯҶӢӮ")
_UZBEK_ONLY: Final = frozenset("ўҳЎҲ")
_UKRAINIAN_ONLY: Final = frozenset("їєґЇЄҐ")
# Base letters Vietnamese writes with a breve, horn or stroke, and the marks only it stacks on vowels (dot
# below, hook above); Latin-1 accents (é, à, ô) are shared with French and Portuguese and do not count.
_VIETNAMESE_BASES: Final = frozenset("ăơưđĂƠƯĐ")
_VIETNAMESE_MARKS: Final = frozenset("\u0323\u0309")

# Share of a text's letters, in its dominant script, that marks it as the language in question. A Kazakh text
# writes ә/қ/ұ/ғ in roughly one word in three, a Russian one never; Vietnamese articles run at 12-16% of letters
# (dev set), while an English sentence quoting "Lương Tam Quang" and "Hà Nội" reaches about 3%.
_KAZAKH_SHARE: Final = 0.004
_VIETNAMESE_SHARE: Final = 0.06
# Below this many letters byte n-grams say little ("Hello" scores as Italian); a short Latin-script snippet in
# these sources is English.
_SHORT_LATIN: Final = 40

# What py3langid may answer per script: the languages these sources and their neighbours write in it.
_LATIN_LANGUAGES: Final = ("en", "vi", "fr", "de", "es", "pt", "it", "nl", "tr", "id", "ms", "uz", "tk", "az", "pl",
                           "ro", "cs", "sv")
_CYRILLIC_LANGUAGES: Final = ("ru", "kk", "ky", "uk", "be", "bg", "sr", "mk", "mn", "tg", "tt", "ba")
_ARABIC_LANGUAGES: Final = ("ar", "fa", "ur", "ps", "ug")


def _script(char: str) -> str | None:
    """Coarse script of a letter: the first word of its Unicode name, or None for non-letters."""
    if not char.isalpha():
        return None
    code = ord(char)
    if 0x3040 <= code <= 0x30FF:
        return "KANA"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "HANGUL"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F:
        return "HAN"
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else None


@functools.cache
def _identifier() -> LanguageIdentifier:
    # Loading the model takes about a second; only texts the script leaves open need it.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# The identifier is shared, and restricting its languages changes it in place: batches extract several
# articles at once in threads, and one thread's restriction must not meet another's classification.
_IDENTIFIER_LOCK = threading.Lock()


def _classify(text: str, languages: tuple[str, ...]) -> str | None:
    identifier = _identifier()
    with _IDENTIFIER_LOCK:
        identifier.set_languages(list(languages))
        try:
            label, _ = identifier.classify(text)
        finally:
            identifier.set_languages(None)
    return str(label) if label in languages else None


def _vietnamese_letters(text: str) -> int:
    def marked(char: str) -> bool:
        return char.isalpha() and any(mark in _VIETNAMESE_MARKS for mark in unicodedata.normalize("NFD", char))

    return sum(char in _VIETNAMESE_BASES or marked(char) for char in text)


def _cyrillic(text: str, letters: int) -> str | None:
    def share(alphabet: frozenset[str]) -> float:
        return sum(char in alphabet for char in text) / letters

    if share(_TAJIK_ONLY) >= _KAZAKH_SHARE:
        return "tg"
    if share(_UZBEK_ONLY) >= _KAZAKH_SHARE:
        return "uz"
    if share(_KAZAKH_ONLY) >= _KAZAKH_SHARE:
        return "kk"
    if share(_UKRAINIAN_ONLY) >= _KAZAKH_SHARE:
        return "uk"
    if share(_KYRGYZ_MONGOLIAN) >= _KAZAKH_SHARE:
        return _classify(text, ("ky", "mn", "kk")) or "ky"
    # Russian is the default Cyrillic language of these sources; the model only has to rule out its neighbours.
    return _classify(text, _CYRILLIC_LANGUAGES) or "ru"


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of the language ``text`` is written in ("en", "zh", "ru", "vi", "kk", ...), or None.

    None for a text without letters. Deterministic: the same text always gives the same answer. Traditional
    and simplified Chinese are both "zh".
    """
    if not text:
        return None
    counts: dict[str, int] = {}
    for char in text:
        script = _script(char)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    cjk = counts.get("HAN", 0) + counts.get("KANA", 0) + counts.get("HANGUL", 0)
    # A Chinese character stands for a word, a Latin letter for a fraction of one: weigh them so that an
    # English text quoting a Chinese name stays English and a Chinese text with "SCO" in it stays Chinese.
    weighted = {script: count for script, count in counts.items() if script not in ("HAN", "KANA", "HANGUL")}
    weighted["CJK"] = cjk * 3
    dominant = max(sorted(weighted), key=lambda script: weighted[script])
    if dominant == "CJK":
        if counts.get("KANA", 0) * 20 >= cjk:
            return "ja"
        if counts.get("HANGUL", 0) > counts.get("HAN", 0):
            return "ko"
        return "zh"
    letters = counts[dominant]
    if dominant == "CYRILLIC":
        return _cyrillic(text, letters)
    if dominant == "LATIN":
        if _vietnamese_letters(text) / letters >= _VIETNAMESE_SHARE:
            return "vi"
        if letters < _SHORT_LATIN:
            return "en"
        return _classify(text, _LATIN_LANGUAGES) or "en"
    if dominant == "ARABIC":
        return _classify(text, _ARABIC_LANGUAGES)
    return _classify(text, tuple(label for label in _identifier().labels if len(label) == 2))
