"""Sentences: where they end, the sentence around a span, and an article cut into numbered sentences.

Sentences end at '.', '!' or '?' followed by whitespace (or a closing quote, or the end of the text), at the
CJK marks '。！？' and at newlines. A full stop after a short capitalised abbreviation or an initial ("Mr.",
"Lt. Gen.", "Prof.", "U.S.", "С. Лавров") or before a lower-case word does not end one: a name cut from its
title would leave the title in one sentence and the person in the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END_ASCII = frozenset(".!?")
_SENTENCE_END_ALWAYS = frozenset("。！？\n")
_CLOSERS = frozenset("\"')]}’”»")
_UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
# Abbreviations that a full stop does not end a sentence after: titles and ranks before a name ("H.E. Prof.
# Amien Rais", "Lt. Gen."), months and common short forms. A short capitalised word that is not one ends the
# sentence: a name ("... and H.E. Dr Hamzah Haz. The Prime Minister ...", "met Lee.").
_LATIN_ABBREVIATIONS = ("Mr|Mrs|Ms|Messrs|Mme|Dr|Prof|Hon|Rev|Sr|Jr|St|Mt|Ft|No|Nos|Nr|Vol|Co|Corp|Inc|Ltd|Dept|"
                        "Gen|Lt|Col|Maj|Capt|Cpt|Sgt|Cpl|Pvt|Adm|Brig|Cmdr|Comdr|Cdr|Supt|Insp|Gov|Sen|Rep|Amb|Sec|"
                        "Assoc|Msgr|Esq|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Ave|Blvd|Mx")
# Cyrillic initials too ("С. Лавров", "Д.Ф. Мезенцев"); a lower-case Cyrillic letter is not one ("в 2014 г."
# ends sentences). A short capitalised Cyrillic word is taken for an abbreviation ("Ген.", "Им.").
_ABBREVIATION = re.compile(rf"(?:^|[\s(\"'])(?:(?:{_LATIN_ABBREVIATIONS})|[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]{{1,2}}|"
                           rf"[{_UPPER}](?:\.[{_UPPER}])*|[a-z])$")


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inward past whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _ends_sentence(text: str, i: int) -> bool:
    """Whether a sentence ends right after text[i]."""
    ch = text[i]
    if ch in _SENTENCE_END_ALWAYS:
        return True
    if ch not in _SENTENCE_END_ASCII:
        return False
    j = i + 1
    while j < len(text) and text[j] in _CLOSERS:
        j += 1
    if j < len(text) and not text[j].isspace():
        return False
    if ch == "." and _ABBREVIATION.search(text[max(0, i - 6):i]):
        return False
    k = j
    while k < len(text) and text[k] in " \t":
        k += 1
    return not (ch == "." and k < len(text) and text[k].islower())


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets ``(s, e)`` of the sentence(s) containing ``text[start:end]``, trimmed of whitespace.

    Sentences end at '.', '!' or '?' followed by whitespace (or a closing quote, or the end of the text),
    at the CJK marks '。！？' and at newlines. A span crossing a sentence end gets every sentence it touches.
    Abbreviations such as "Lt. Gen." may end a sentence early; this is for showing evidence, not parsing.
    """
    n = len(text)
    start = min(max(start, 0), n)
    end = min(max(end, start), n)
    s = 0
    for i in range(start - 1, -1, -1):
        if _ends_sentence(text, i):
            s = i + 1
            break
    e = n
    for i in range(max(start, end - 1), n):
        if text[i] == "\n":
            e = i
            break
        if _ends_sentence(text, i):
            e = i + 1
            while e < n and text[e] in _CLOSERS:
                e += 1
            break
    return trim_whitespace(text, s, e)



@dataclass(frozen=True)
class Sentence:
    """One sentence of a text: ``text[start:end]``, numbered from 1 in the whole article."""

    number: int
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Every non-empty sentence of ``text``, in order, trimmed of surrounding whitespace."""
    sentences: list[Sentence] = []
    start = 0
    n = len(text)
    i = 0
    while i < n:
        if text[i] == "\n" or _ends_sentence(text, i):
            end = i + 1 if text[i] != "\n" else i
            while end < n and text[end] in _CLOSERS:
                end += 1
            s, e = trim_whitespace(text, start, end)
            if e > s:
                sentences.append(Sentence(len(sentences) + 1, s, e))
            start = max(end, i + 1)
            i = start
            continue
        i += 1
    s, e = trim_whitespace(text, start, n)
    if e > s:
        sentences.append(Sentence(len(sentences) + 1, s, e))
    return sentences


# A headline is short and ends without a full stop; a first line that does either is the lead paragraph.
_HEADLINE_CHARS = 200


def in_headline(text: str, at: int) -> bool:
    """Whether ``text[at]`` is on the article's headline: its first non-blank line, when it reads as one."""
    lead = len(text) - len(text.lstrip())
    first_line = text[lead:].split("\n", 1)[0].rstrip()
    if len(first_line) > _HEADLINE_CHARS or first_line.endswith((".", "。", "!", "?", "！", "？")):
        return False
    return at < lead + len(first_line)
