"""Folding text for comparison: one rule for names, country names and quotes.

Compatibility caseless folding (Unicode D146: NFKD, casefold, NFKD) makes precomposed and combining
diacritics, and compatibility forms, compare equal; ``fold_letters`` also drops the diacritics and writes the
letters that carry a stroke rather than a mark (Vietnamese đ above all) as the base letter people type.
"""

from __future__ import annotations

import unicodedata
from typing import Final

# Letters NFKD leaves alone but people routinely write without their stroke; one letter for one letter, so
# the quote locator can keep its offsets.
STROKE_LETTERS: Final = {"đ": "d", "ð": "d", "ł": "l", "ø": "o", "ħ": "h", "ı": "i", "ŀ": "l", "ŧ": "t"}
_LETTER_FOLDS: Final = str.maketrans({**STROKE_LETTERS, "æ": "ae", "œ": "oe", "þ": "th"})


def caseless(text: str) -> str:
    """Compatibility caseless form: case and the encoding of diacritics no longer matter."""
    return unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())


def fold_letters(text: str) -> str:
    """Caseless, without diacritics, stroke letters and ligatures written as plain letters ("Đặng" -> "dang")."""
    if text.isascii():
        return text.lower()
    # Every mark goes, not just those with a combining class: a mark left in would split a token at \W.
    stripped = "".join(ch for ch in caseless(text) if not unicodedata.category(ch).startswith("M"))
    return stripped.translate(_LETTER_FOLDS)
