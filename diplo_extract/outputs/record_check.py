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
from diplo_extract.outputs.records import load_article_text, read_records
from diplo_extract.text.grounding import fold
from diplo_extract.text.reader import read_article

_EXCERPT_CHARS = 80


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


def _excerpt(text: str) -> str:
    # Problems are printed one a line: quotes and located passages are shown escaped and short.
    return repr(text) if len(text) <= _EXCERPT_CHARS else repr(text[:_EXCERPT_CHARS]) + "..."


def span_problem(span: Span, text: str) -> str | None:
    """Why a grounded span does not point at its quote in ``text``, or None when it does."""
    if not span.grounded:
        return None
    assert span.start is not None and span.end is not None  # guaranteed by Span's validator
    if span.end > len(text):
        return f"offsets {span.start}:{span.end} beyond the text ({len(text)} characters)"
    located = text[span.start:span.end]
    shown = f"{span.start}:{span.end} is {_excerpt(located)}, not the quote {_excerpt(span.quote)}"
    if span.match is MatchMethod.NONE:
        # A grounded span says how it was located; "none" with offsets is a contradiction, and its offsets
        # would otherwise pass unchecked.
        return f"span {span.start}:{span.end} is marked grounded with match 'none'"
    if span.match is MatchMethod.EXACT and located != span.quote.strip():
        return f"exact span {shown}"
    if span.match is MatchMethod.NORMALIZED and fold(located) != fold(span.quote) and \
            fuzz.ratio(fold(located), fold(span.quote)) < 95:
        return f"normalized span {shown}"
    if span.match is MatchMethod.FUZZY and fuzz.partial_ratio(fold(span.quote), fold(located)) < 70:
        return (f"fuzzy span {span.start}:{span.end} ({_excerpt(located)}) does not resemble the quote "
                f"{_excerpt(span.quote)}")
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
    failures: int = 0  # batch lines of articles that failed: no record, not a problem of the file
    unchecked: int = 0  # valid records whose article text was not available (or changed): offsets unchecked
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: records, valid, spans checked, skipped and unchecked, problems."""
        extra = "".join([f", {self.failures} failure lines skipped" if self.failures else "",
                         f", {self.unchecked} records without their article text (offsets not checked)"
                         if self.unchecked else ""])
        return (f"{self.records} records, {self.valid} valid, {self.spans_checked} spans checked{extra}, "
                f"{len(self.problems)} problems")


def validate_file(path: Path, *, article_path: Path | None = None) -> ValidationReport:
    """Validate a JSON record or a JSONL file of records (batch failure lines are skipped).

    Offsets are checked against ``article_path`` when given, else against the file a record names in
    ``article.source_path``, but only when that file's text has the record's ``content_sha256``: the path
    comes from the record, which may be anyone's, so nothing of a file it names is read into a message
    unless the file is the article the record was made from.

    Raises:
        InputFileError: ``path`` or ``article_path`` cannot be read as records / an article.
    """
    report = ValidationReport()
    given_text = read_article(article_path).text if article_path is not None else None
    for entry in read_records(path):
        if entry.failure is not None:
            report.failures += 1
            continue
        report.records += 1
        if entry.record is None:
            report.problems.append(f"{entry.where}: {entry.problem}")
            continue
        record = entry.record
        report.valid += 1
        text = given_text if given_text is not None else load_article_text(record)[0]
        if text is None:
            if record.iter_spans():
                report.unchecked += 1
            continue
        report.spans_checked += len(record.iter_spans())
        report.problems.extend(f"{entry.where}: {problem}" for problem in record_problems(record, text))
    return report
