"""Splitting long articles into overlapping chunks on paragraph boundaries.

A chunk keeps its character offset into the full text, so quotes found in a chunk can be grounded against
the whole article. Consecutive chunks share their boundary paragraph, so a meeting reported across a
paragraph break is seen whole at least once; :mod:`diplo_extract.pipeline.merge` removes the resulting duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Chunk:
    """A slice of the article: ``text == article[start:start + len(text)]``."""

    start: int
    text: str


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if match.start() > position:
            spans.append((position, match.start()))
        position = match.end()
    if position < len(text):
        spans.append((position, len(text)))
    return spans


def _split_oversized(start: int, end: int, text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut a paragraph longer than a chunk at sentence ends (or hard, as a last resort)."""
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        window = text[start:start + max_chars]
        cut = max(window.rfind(". "), window.rfind("\n"))
        cut = cut + 1 if cut > max_chars // 2 else max_chars
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, end))
    return pieces


def split_into_chunks(text: str, *, max_tokens: int, count_tokens: Callable[[str], int],
                      overlap_paragraphs: int = 1) -> list[Chunk]:
    """Chunks of at most about ``max_tokens`` tokens each; a short article is one chunk."""
    if count_tokens(text) <= max_tokens:
        return [Chunk(0, text)]
    chars_per_token = max(1.0, len(text) / max(1, count_tokens(text)))
    max_chars = int(max_tokens * chars_per_token)
    paragraphs: list[tuple[int, int]] = []
    for start, end in _paragraph_spans(text):
        paragraphs.extend(_split_oversized(start, end, text, max_chars))
    chunks: list[Chunk] = []
    first = 0
    while first < len(paragraphs):
        last = first
        while last + 1 < len(paragraphs) and paragraphs[last + 1][1] - paragraphs[first][0] <= max_chars:
            last += 1
        start, end = paragraphs[first][0], paragraphs[last][1]
        chunks.append(Chunk(start, text[start:end]))
        if last + 1 >= len(paragraphs):
            break
        first = max(first + 1, last + 1 - overlap_paragraphs)
    return chunks
