"""Reading records back: a JSON record, a JSON list of records, or JSONL of records or batch lines.

One reader for every command that takes records (``validate``, ``report``, the tables, the overview), so a
file reads the same everywhere. Batch lines are ``{"status": "ok", "record": {...}}`` or a failure line
(``"status": "failed"``), which carries no record and is not a problem of the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import InputFileError
from diplo_extract.text.reader import read_article


@dataclass(frozen=True)
class RecordEntry:
    """One entry of a records file: a record, a batch failure line, or something that is not a record."""

    where: str  # "record", "line 3", "line 3[1]"
    record: ArticleExtraction | None = None
    failure: str | None = None  # a batch line for an article that failed: its error
    problem: str | None = None  # why this entry is not a record (not JSON, not valid)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "missing" if isinstance(exc, FileNotFoundError) else "unreadable"
        raise InputFileError(f"{path}: cannot read records ({exc})", path=str(path), reason=reason,
                             original=exc) from exc


def _raw_entries(path: Path, content: str) -> list[tuple[str, str]]:
    stripped = content.strip()
    if stripped.startswith(("{", "[")) and path.suffix != ".jsonl":
        return [("record", stripped)]
    # Split on newlines only: JSON text may hold U+2028 and other characters str.splitlines() splits on.
    return [(f"line {i}", line) for i, line in enumerate(content.split("\n"), 1) if line.strip()]


def _entry(where: str, data: Any) -> RecordEntry:
    if isinstance(data, dict) and ("record" in data or "status" in data) and "article" not in data:
        if not isinstance(data.get("record"), dict):
            error = data.get("error")
            if isinstance(error, dict):
                error = f"{error.get('type', 'error')}: {error.get('message', '')}"
            return RecordEntry(where, failure=f"{data.get('path') or 'an article'} {data.get('status')}: "
                                              f"{error or 'no record'}")
        data = data["record"]
    try:
        return RecordEntry(where, record=ArticleExtraction.model_validate(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(p) for p in first["loc"]) or "the top level"
        return RecordEntry(where, problem=f"not a valid record ({exc.error_count()} schema errors; "
                                          f"{first['msg']} at {location})")


def read_records(path: str | os.PathLike[str]) -> Iterator[RecordEntry]:
    """Every entry of a records file, in order.

    Raises:
        InputFileError: the file is missing or cannot be read as UTF-8 text.
    """
    p = Path(path)
    for where, raw in _raw_entries(p, _read_text(p)):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield RecordEntry(where, problem=f"not JSON ({exc.msg})")
            continue
        if isinstance(data, list):
            yield from (_entry(f"{where}[{n}]", item) for n, item in enumerate(data))
        else:
            yield _entry(where, data)


def records_in(path: str | os.PathLike[str]) -> Iterator[ArticleExtraction]:
    """The valid records of a file; failure lines and entries that are not records are passed over."""
    return (entry.record for entry in read_records(path) if entry.record is not None)


def article_id_of(record: ArticleExtraction) -> str:
    """The article's id: its file name without extension, else a prefix of its content hash."""
    if record.article.source_path:
        return Path(record.article.source_path).stem
    return "sha-" + record.article.content_sha256[:12]


def load_article_text(record: ArticleExtraction) -> tuple[str | None, str | None]:
    """Read the text a record's offsets refer to from ``article.source_path``: ``(text, problem)``.

    ``problem`` says why the text is None: no source path, the file cannot be read, or its text no longer
    matches the record's ``content_sha256`` (offsets into a changed text would point at the wrong words).
    """
    path = record.article.source_path
    if not path:
        return None, "the record has no article.source_path"
    try:
        text = read_article(path).text
    except InputFileError as exc:
        return None, f"article text not available: {exc}"
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != record.article.content_sha256:
        return None, f"{path} changed since extraction (content_sha256 differs)"
    return text, None
