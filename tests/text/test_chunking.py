"""Long articles: overlapping paragraph chunks, and meetings merged across them."""

from __future__ import annotations

import itertools

from conftest import DEV_SET

from diplo_extract.text.chunking import split_into_chunks


def _words(text: str) -> int:
    return len(text.split())


def _long_article() -> str:
    return "\n\n".join(path.read_text(encoding="utf-8").strip() for path in sorted(DEV_SET.glob("*.txt")))


def test_a_short_article_is_one_chunk() -> None:
    text = "One paragraph.\n\nAnother one."
    assert [(c.start, c.text) for c in split_into_chunks(text, max_tokens=100, count_tokens=_words)] == [(0, text)]


def test_concatenated_real_articles_split_into_overlapping_chunks_that_cover_the_text() -> None:
    text = _long_article()
    chunks = split_into_chunks(text, max_tokens=600, count_tokens=_words)
    assert len(chunks) >= 8
    for chunk in chunks:
        assert text[chunk.start:chunk.start + len(chunk.text)] == chunk.text
        assert _words(chunk.text) <= 700  # the budget, give or take the words-per-character estimate
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.start + len(chunk.text)))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    for first, second in itertools.pairwise(chunks):
        assert second.start < first.start + len(first.text), "consecutive chunks share a paragraph"


def test_a_paragraph_longer_than_a_chunk_is_cut_at_sentence_ends() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(400))
    chunks = split_into_chunks(text, max_tokens=200, count_tokens=_words)
    assert len(chunks) > 1
    assert all(c.text.rstrip().endswith(".") for c in chunks[:-1])
