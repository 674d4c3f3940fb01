"""Checking anyone's records: the schema, and that evidence offsets point at the quoted words.

Used by ``diplo-extract validate`` and by the tests over cassette outputs.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from rapidfuzz import fuzz

from diplo_extract.errors import InputFileError, OutputValidationError
from diplo_extract.schema import ArticleExtraction, MatchMethod, Span

_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


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
    if span.match is MatchMethod.NORMALIZED and _fold(located) != _fold(span.quote) and \
            fuzz.ratio(_fold(located), _fold(span.quote)) < 95:
        return f"normalized span {span.start}:{span.end} is {located!r}, not the quote {span.quote!r}"
    if span.match is MatchMethod.FUZZY and fuzz.partial_ratio(_fold(span.quote), _fold(located)) < 70:
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


def _records_in(path: Path) -> list[tuple[str, str]]:
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputFileError(f"{path}: no such file", path=str(path), reason="missing", original=exc) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read it as UTF-8 text ({exc})", path=str(path),
                             reason="unreadable", original=exc) from exc
    stripped = content.strip()
    if stripped.startswith("{") and path.suffix != ".jsonl":
        return [("record", stripped)]
    return [(f"line {i}", line) for i, line in enumerate(content.splitlines(), 1) if line.strip()]


def validate_file(path: Path, *, article_path: Path | None = None) -> ValidationReport:
    """Validate a JSON record or a JSONL file of records (batch failure lines are skipped)."""
    report = ValidationReport()
    for where, raw in _records_in(path):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            report.records += 1
            report.problems.append(f"{where}: not JSON ({exc.msg})")
            continue
        if isinstance(data, dict) and "record" in data and "article" not in data:
            data = data["record"]  # a batch line wrapping its record
        if data is None:
            continue
        report.records += 1
        try:
            record = ArticleExtraction.model_validate(data)
        except ValidationError as exc:
            report.problems.append(f"{where}: {exc.error_count()} schema errors: {exc.errors()[0]['msg']} "
                                   f"at {'.'.join(str(p) for p in exc.errors()[0]['loc'])}")
            continue
        report.valid += 1
        text_path = article_path or (Path(record.article.source_path) if record.article.source_path else None)
        if text_path is not None and text_path.is_file():
            from diplo_extract.reader import read_article

            text = read_article(text_path).text
            report.spans_checked += len(record.iter_spans())
            report.problems.extend(f"{where}: {problem}" for problem in record_problems(record, text))
    return report
