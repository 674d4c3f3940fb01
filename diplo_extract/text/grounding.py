"""Locate the model's proposed quotes in the exact article text.

The model is asked for verbatim quotes, but small models paraphrase, change case, swap typographic quotes for
ASCII ones, re-flow whitespace or drop diacritics. :func:`locate` tries progressively looser matches and
always reports offsets into the text *exactly as given* (Python ``str`` indices, i.e. code points):

1. exact substring                                   -> ``MatchMethod.EXACT``, score 100;
2. case-, whitespace- and typography-insensitive,
   also treating precomposed and combining diacritics
   (and compatibility forms) as equal                -> ``MatchMethod.NORMALIZED``, score 100;
3. fuzzy (rapidfuzz), diacritic-insensitive, with the
   span snapped outward to whole words               -> ``MatchMethod.FUZZY``, the score;
4. otherwise an ungrounded span carrying the best fuzzy score seen.

The text itself is never normalised in place: stages 2 and 3 search a folded copy built together with a map
from every folded character back to the original characters it came from.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from diplo_extract.core.schema import MatchMethod, Span
from diplo_extract.text.folding import STROKE_LETTERS, caseless
from diplo_extract.text.sentences import trim_whitespace

__all__ = ["MIN_FUZZY_CHARS", "fold", "locate", "locate_all"]

#: Quotes shorter than this (after stripping) are only grounded by an exact whole-word match: at two
#: characters almost anything "fuzzily" matches somewhere in a long article.
MIN_FUZZY_CHARS = 3

# Typographic punctuation the model tends to replace with ASCII (or the other way round).
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-",
    }
)

# Letters that carry a "diacritic" which NFKD does not decompose; folded only for fuzzy matching, where
# diacritics are ignored altogether (Vietnamese đ is the one that matters most).

_MARK_CATEGORIES = frozenset({"Mn", "Mc", "Me"})

# A '.', '!' or '?' ends a sentence only when followed by whitespace, a closing quote/bracket or the end,
# so "3.5" or "e.g.x" do not split; CJK full stops and newlines always end one.

# Word snapping never walks further than this, so a pathological run of letters cannot blow up a span.
_MAX_SNAP = 200


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in _MARK_CATEGORIES


def _is_scriptio_continua(ch: str) -> bool:
    """Tell whether ch is in a script written without spaces (each character is its own word)."""
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x9FFF  # CJK ext. A, CJK unified (also kana/bopomofo blocks in between)
        or 0x3040 <= cp <= 0x30FF  # hiragana, katakana
        or 0xF900 <= cp <= 0xFAFF  # CJK compatibility ideographs
        or 0x20000 <= cp <= 0x3FFFF  # CJK ext. B and later
        or 0xFF66 <= cp <= 0xFF9F  # half-width katakana
        or 0x0E00 <= cp <= 0x0EFF  # Thai, Lao
        or 0x1000 <= cp <= 0x109F  # Myanmar
        or 0x1780 <= cp <= 0x17FF  # Khmer
    )


def _is_word_char(ch: str) -> bool:
    if _is_scriptio_continua(ch):
        return False
    return ch.isalnum() or ch == "_" or _is_mark(ch)


@lru_cache(maxsize=4096)
def _fold_cluster(cluster: str) -> str:
    """Caseless, compatibility-folded form of one base character plus its combining marks."""
    return caseless(cluster.translate(_TYPOGRAPHIC))


@dataclass(frozen=True)
class _Folded:
    """A folded copy of a text plus, per folded character, the original [start, end) it came from."""

    text: str
    starts: list[int]
    ends: list[int]

    def to_original(self, i: int, j: int) -> tuple[int, int]:
        """Original offsets covering folded characters [i, j) (j > i)."""
        return self.starts[i], self.ends[j - 1]

    def index_at_or_after(self, original_offset: int) -> int:
        """First folded index whose original character starts at or after ``original_offset``."""
        return bisect.bisect_left(self.starts, original_offset)

    def cuts_cluster(self, i: int, j: int) -> bool:
        """Whether folded range [i, j) starts or ends inside one original character cluster."""
        n = len(self.text)
        return (0 < i < n and self.starts[i - 1] == self.starts[i]) or (
            0 < j < n and self.starts[j - 1] == self.starts[j]
        )


def _clusters(text: str) -> list[tuple[int, int]]:
    """Split text into [start, end) clusters: a base character followed by its combining marks."""
    bounds: list[tuple[int, int]] = []
    start = 0
    prev_space = True  # a mark after whitespace (or at the start) stands alone: it has no base to join
    for i, ch in enumerate(text):
        if i == 0:
            prev_space = ch.isspace()
            continue
        # ASCII is never a combining mark; skip the unicodedata lookup for the common case.
        if ord(ch) >= 0x80 and not prev_space and _is_mark(ch):
            continue
        bounds.append((start, i))
        start = i
        prev_space = ch.isspace()
    if text:
        bounds.append((start, len(text)))
    return bounds


@dataclass(frozen=True)
class _Index:
    """Both folded views of a text: ``norm`` keeps diacritics, ``loose`` drops them (for fuzzy search)."""

    norm: _Folded
    loose: _Folded


def _build_index(text: str) -> _Index:
    n_chars: list[str] = []
    n_starts: list[int] = []
    n_ends: list[int] = []
    l_chars: list[str] = []
    l_starts: list[int] = []
    l_ends: list[int] = []
    last_space = True  # drop leading whitespace and collapse runs to a single space
    for cs, ce in _clusters(text):
        cluster = text[cs:ce]
        first = cluster[0]
        if first.isspace():
            if not last_space:
                n_chars.append(" ")
                n_starts.append(cs)
                n_ends.append(ce)
                l_chars.append(" ")
                l_starts.append(cs)
                l_ends.append(ce)
                last_space = True
            continue
        if len(cluster) == 1 and ord(first) < 0x80:
            folded = first.lower()
        elif len(cluster) == 1 and unicodedata.category(first) == "Cf":
            continue  # soft hyphens, zero-width spaces, BOMs: invisible, so never part of a quote
        else:
            folded = _fold_cluster(cluster)
        for fc in folded:
            n_chars.append(fc)
            n_starts.append(cs)
            n_ends.append(ce)
            if ord(fc) >= 0x80:
                if _is_mark(fc):
                    continue
                fc = STROKE_LETTERS.get(fc, fc)
            l_chars.append(fc)
            l_starts.append(cs)
            l_ends.append(ce)
        last_space = False
    if n_chars and n_chars[-1] == " ":
        for lst in (n_chars, n_starts, n_ends):
            lst.pop()
    if l_chars and l_chars[-1] == " ":
        for lst in (l_chars, l_starts, l_ends):
            lst.pop()
    return _Index(
        norm=_Folded("".join(n_chars), n_starts, n_ends),
        loose=_Folded("".join(l_chars), l_starts, l_ends),
    )


# Cached because locate_all() and the assembly step ground many quotes against the same article; quotes
# are folded with the uncached builder so they cannot evict articles from the cache.
_index = lru_cache(maxsize=8)(_build_index)




def _is_word_match(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is not glued to letters on either side (CJK characters never glue)."""
    left_ok = start == 0 or not (_is_word_char(text[start - 1]) and _is_word_char(text[start]))
    right_ok = end >= len(text) or not (_is_word_char(text[end - 1]) and _is_word_char(text[end]))
    return left_ok and right_ok


def _find_exact(q: str, text: str, search_from: int, *, whole_word: bool) -> int:
    """Offset of the first acceptable occurrence at/after search_from, else the first anywhere; -1 if none."""
    for begin in (search_from, 0):
        pos = text.find(q, begin)
        while pos != -1:
            if not whole_word or _is_word_match(text, pos, pos + len(q)):
                return pos
            pos = text.find(q, pos + 1)
    return -1


def _find_folded(fq: str, folded: _Folded, search_from: int) -> tuple[int, int] | None:
    """Folded-text match of fq that does not split an original character cluster."""
    begin_at = folded.index_at_or_after(search_from)
    for begin in (begin_at, 0):
        pos = folded.text.find(fq, begin)
        while pos != -1:
            if not folded.cuts_cluster(pos, pos + len(fq)):
                return pos, pos + len(fq)
            pos = folded.text.find(fq, pos + 1)
    return None


def _fold_quote(quote: str) -> tuple[str, str]:
    index = _build_index(quote)
    return index.norm.text, index.loose.text


def fold(text: str, *, keep_diacritics: bool = True) -> str:
    """Return text in the folded form :func:`locate` compares in, to check spans the same way.

    With ``keep_diacritics`` (the NORMALIZED stage): case-folded, compatibility-decomposed (so precomposed
    and combining diacritics are equal), typographic quotes and dashes made ASCII, invisible format
    characters dropped, whitespace collapsed and trimmed. Without it (the FUZZY stage): also diacritics
    removed and đ -> d. Two strings NORMALIZED-match exactly when their folds are equal.
    """
    index = _build_index(text)
    return index.norm.text if keep_diacritics else index.loose.text


def _fuzzy_window(fq: str, hay: str, search_from: int) -> tuple[float, int, int]:
    """Best fuzzy alignment of fq in hay: (score, start, end) in hay indices.

    A match at or after ``search_from`` wins when it scores as well as the best match anywhere.
    """
    if len(fq) >= len(hay):
        # partial_ratio would swap the arguments and find the *text* inside the quote, which proves nothing
        # about the quote; compare the whole strings instead.
        return float(fuzz.ratio(fq, hay)), 0, len(hay)
    best = fuzz.partial_ratio_alignment(fq, hay)
    if best is None:  # only happens with a score_cutoff, but the stubs allow it
        return 0.0, 0, 0
    score, start, end = float(best.score), best.dest_start, best.dest_end
    if 0 < search_from < len(hay) - len(fq):
        tail = fuzz.partial_ratio_alignment(fq, hay[search_from:], score_cutoff=score)
        if tail is not None and tail.score >= score:
            start, end = tail.dest_start + search_from, tail.dest_end + search_from
    return score, start, end


def _refine(fq: str, hay: str, start: int, end: int) -> tuple[int, int]:
    """Move an alignment window's ends to the nearby word boundaries that best fit the quote.

    partial_ratio aligns a window as long as the quote, so when the model inserted or dropped words the
    window is slightly off; trying word starts/ends near each edge fixes that cheaply.
    """
    slack = min(40, max(3, len(fq) // 8))
    n = len(hay)

    def word(i: int) -> bool:
        return _is_word_char(hay[i])

    starts = [s for s in range(max(0, start - slack), min(n, start + slack + 1))
              if hay[s] != " " and (s == 0 or not (word(s - 1) and word(s)))]
    ends = [e for e in range(max(1, end - slack), min(n, end + slack) + 1)
            if hay[e - 1] != " " and (e == n or not (word(e - 1) and word(e)))]
    # Only the boundaries nearest each edge: in CJK text every position is one, and the pairs are squared.
    starts = sorted(starts, key=lambda s: abs(s - start))[:12]
    ends = sorted(ends, key=lambda e: abs(e - end))[:12]
    best = (-1.0, 0, start, end)
    for s in starts:
        for e in ends:
            if e <= s:
                continue
            score = fuzz.ratio(fq, hay[s:e])
            distance = abs(s - start) + abs(e - end)
            if score > best[0] or (score == best[0] and distance < best[1]):
                best = (score, distance, s, e)
    return best[2], best[3]


def _snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so it never begins or ends inside a word, then trim whitespace."""
    limit = max(0, start - _MAX_SNAP)
    while start > limit and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    limit = min(len(text), end + _MAX_SNAP)
    while end < limit and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
        end += 1
    return trim_whitespace(text, start, end)


def locate(quote: str, text: str, *, fuzzy_threshold: float = 85.0, search_from: int = 0) -> Span:
    """Find ``quote`` in ``text`` and return a :class:`~diplo_extract.core.schema.Span` with original offsets.

    Tries, in order: exact substring; case/whitespace/typography-insensitive (also equating precomposed and
    combining diacritics); fuzzy (diacritic-insensitive rapidfuzz ``partial_ratio`` accepting a score of at
    least ``fuzzy_threshold``, the span widened to whole words). When a passage occurs more than once, the
    first occurrence at or after ``search_from`` is preferred, else the first anywhere.

    When grounded, ``text[span.start:span.end]`` is the located passage with surrounding whitespace trimmed.
    Quotes shorter than :data:`MIN_FUZZY_CHARS` after stripping are grounded only by an exact whole-word
    match. An ungrounded span carries the best fuzzy score seen (0 when fuzzy matching was not tried).
    """
    q = quote.strip()
    search_from = min(max(search_from, 0), len(text))
    if not q or not text:
        return Span(quote=quote)

    if len(q) < MIN_FUZZY_CHARS:
        pos = _find_exact(q, text, search_from, whole_word=True)
        if pos == -1:
            return Span(quote=quote)
        return Span(quote=quote, start=pos, end=pos + len(q), grounded=True, match=MatchMethod.EXACT,
                    score=100.0)

    pos = _find_exact(q, text, search_from, whole_word=False)
    if pos != -1:
        return Span(quote=quote, start=pos, end=pos + len(q), grounded=True, match=MatchMethod.EXACT,
                    score=100.0)

    index = _index(text)
    norm_q, loose_q = _fold_quote(q)
    if not loose_q:
        return Span(quote=quote)  # nothing but invisible characters or marks: nothing to look for

    found = _find_folded(norm_q, index.norm, search_from) if norm_q else None
    if found is not None:
        start, end = trim_whitespace(text, *index.norm.to_original(*found))
        return Span(quote=quote, start=start, end=end, grounded=True, match=MatchMethod.NORMALIZED,
                    score=100.0)

    loose = index.loose
    if not loose.text:
        return Span(quote=quote)
    score, fs, fe = _fuzzy_window(loose_q, loose.text, loose.index_at_or_after(search_from))
    score = min(100.0, max(0.0, score))
    if score < fuzzy_threshold or fe <= fs:
        return Span(quote=quote, score=score)
    fs, fe = _refine(loose_q, loose.text, fs, fe)
    start, end = _snap_to_words(text, *loose.to_original(fs, fe))
    if end <= start:
        return Span(quote=quote, score=score)
    return Span(quote=quote, start=start, end=end, grounded=True, match=MatchMethod.FUZZY, score=score)


def locate_all(quotes: Sequence[str], text: str, **kw: Any) -> list[Span]:
    """Locate several quotes, assumed to be roughly in reading order.

    Each search prefers matches at or after the start of the previous grounded quote, which picks the right
    occurrence of a repeated phrase (e.g. a name) more often; out-of-order quotes are still found, since
    :func:`locate` falls back to the whole text. Keyword arguments are passed to :func:`locate`.
    """
    search_from = int(kw.pop("search_from", 0))
    spans: list[Span] = []
    for quote in quotes:
        span = locate(quote, text, search_from=search_from, **kw)
        if span.grounded and span.start is not None:
            search_from = span.start
        spans.append(span)
    return spans
