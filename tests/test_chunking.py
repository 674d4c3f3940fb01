"""Long articles: overlapping paragraph chunks, and meetings merged across them."""

from __future__ import annotations

import itertools

from conftest import DEV_SET
from fake_backend import QueuedBackend

from diplo_extract.chunking import split_into_chunks
from diplo_extract.extractor import ExtractOptions, Extractor
from diplo_extract.llm_schema import LLMCommitments, LLMMeeting, LLMMeetingList, LLMParticipant
from diplo_extract.merge import merge_meetings
from diplo_extract.reader import article_from_text


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


def _meeting(*names: str, date: str = "on Monday") -> LLMMeeting:
    return LLMMeeting(quote="held talks", kind="meeting", status="held", date_text=date, city="",
                      participants=[LLMParticipant(name=n, title="", organization="", country="") for n in names])


def test_the_same_meeting_seen_in_two_chunks_is_merged_with_all_its_people() -> None:
    merged = merge_meetings([_meeting("Vilayat Eyvazov", "Ali Yerlikaya"), _meeting("Ali Yerlikaya"),
                             _meeting("Eyvazov", "Ali Yerlikaya", "Hakan Fidan")])
    assert len(merged) == 1
    assert [p.name for p in merged[0].participants] == ["Vilayat Eyvazov", "Ali Yerlikaya", "Hakan Fidan"]


def test_different_people_or_dates_stay_separate_meetings() -> None:
    merged = merge_meetings([_meeting("Zhao Kezhi", "Saif bin Zayed"), _meeting("Zhao Kezhi", "Yerlan Turgumbayev"),
                             _meeting("Zhao Kezhi", "Saif bin Zayed", date="on Friday")])
    assert len(merged) == 3


def test_pipeline_reads_every_chunk_and_merges_across_them() -> None:
    text = _long_article()
    chunks = split_into_chunks(text, max_tokens=1500, count_tokens=lambda t: max(1, len(t) // 4))
    assert len(chunks) >= 4
    # Each chunk reports the Eyvazov-Yerlikaya meeting (the overlap); the fake answers say so every time.
    answers: list[object] = []
    for _ in chunks:
        answers += [LLMMeetingList(meetings=[_meeting("Vilayat Eyvazov", "Ali Yerlikaya", date="on September 7")]),
                    LLMCommitments()]
    backend = QueuedBackend(*answers)  # type: ignore[arg-type]
    record = Extractor(backend, ExtractOptions(chunk_tokens=1500)).extract(article_from_text(text))
    assert record.provenance.chunks == len(chunks)
    assert len(backend.prompts) == 2 * len(chunks)  # meetings and commitments; no threat pass by default
    assert len(record.meetings) == 1
    assert {p.name for p in record.meetings[0].participants} == {"Vilayat Eyvazov", "Ali Yerlikaya"}
