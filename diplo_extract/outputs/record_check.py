"""Checking anyone's records: the schema, and that evidence offsets point at the quoted words.

Used by ``diplo-extract validate`` and by the tests over cassette outputs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from rapidfuzz import fuzz

from diplo_extract.core.schema import ArticleExtraction, MatchMethod, Span
from diplo_extract.errors import OutputValidationError
from diplo_extract.outputs.records import read_records
from diplo_extract.text.grounding import fold
from diplo_extract.text.reader import read_article


def parse_record(raw: str | bytes) -> ArticleExtraction:
    """Parse and validate one JSON record.

    Raises:
        OutputValidationError: not JSON, or not a valid ``ArticleExtraction``.
    """
    try:
        return ArticleExtraction.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {"msg": str(exc), "loc": ()}
        where = ".".join(str(part) for part in first["loc"]) or "the record"
        raise OutputValidationError(
            f"not a valid record: {exc.error_count()} errors, first at {where}: {first['msg']}", original=exc
        ) from exc


def span_problem(span: Span, text: str) -> str | None:
    """Why a grounded span does not point at its quote in ``text``, or None when it does."""
    if not span.grounded:
        return None
    assert span.start is not None and span.end is not None  # guaranteed by Span's validator
    if span.end > len(text):
        return f"offsets {span.start}:{span.end} beyond the text ({len(text)} characters)"
    located = text[span.start:span.end]
    if span.match is MatchMethod.EXACT and located != span.quote.strip():
        return f"exact span {span.start}:{span.end} is {located!r}, not the quote {span.quote!r}"
    if span.match is MatchMethod.NORMALIZED and fold(located) != fold(span.quote) and \
            fuzz.ratio(fold(located), fold(span.quote)) < 95:
        return f"normalized span {span.start}:{span.end} is {located!r}, not the quote {span.quote!r}"
    if span.match is MatchMethod.FUZZY and fuzz.partial_ratio(fold(span.quote), fold(located)) < 70:
        return f"fuzzy span {span.start}:{span.end} ({located!r}) does not resemble the quote {span.quote!r}"
    return None


def record_problems(record: ArticleExtraction, text: str) -> list[str]:
    """Every evidence problem of a record against its article text."""
    problems = []
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != record.article.content_sha256:
        problems.append("article text does not match the record's content_sha256")
    for path, span in record.iter_spans():
        problem = span_problem(span, text)
        if problem:
            problems.append(f"{path}: {problem}")
    return problems


@dataclass
class ValidationReport:
    """What ``validate_file`` found."""

    records: int = 0
    valid: int = 0
    spans_checked: int = 0
    problems: list[str] = field(default_factory=list)


def validate_file(path: Path, *, article_path: Path | None = None) -> ValidationReport:
    """Validate a JSON record or a JSONL file of records (batch failure lines are skipped)."""
    report = ValidationReport()
    for entry in read_records(path):
        if entry.failure is not None:
            continue
        report.records += 1
        if entry.record is None:
            report.problems.append(f"{entry.where}: {entry.problem}")
            continue
        record = entry.record
        report.valid += 1
        text_path = article_path or (Path(record.article.source_path) if record.article.source_path else None)
        if text_path is not None and text_path.is_file():
            text = read_article(text_path).text
            report.spans_checked += len(record.iter_spans())
            report.problems.extend(f"{entry.where}: {problem}" for problem in record_problems(record, text))
    return report
