"""Reading records back: a JSON record, a JSON list of records, or JSONL of records or batch lines.

One reader for every command that takes records (``validate``, ``report``, the tables, the overview), so a
file reads the same everywhere. Batch lines are ``{"status": "ok", "record": {...}}`` or a failure line
(``"status": "failed"``), which carries no record and is not a problem of the file.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError

from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import InputFileError, safe_message
from diplo_extract.text.reader import open_regular, read_article

#: A JSON (not JSONL) records file is parsed whole, so it has a size limit; JSONL is read a line at a time.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
#: The longest line taken for a record (a record of a 2 MB article with every span is a few MB).
MAX_LINE_BYTES = 64 * 1024 * 1024
#: No limit in practice for JSONL, which streams; the regular-file check is what keeps /dev/zero out.
MAX_RECORDS_BYTES = 1 << 50


@dataclass(frozen=True)
class RecordEntry:
    """One entry of a records file: a record, a batch failure line, or something that is not a record."""

    where: str  # "record", "line 3", "line 3[1]"
    record: ArticleExtraction | None = None
    failure: str | None = None  # a batch line for an article that failed: its error
    problem: str | None = None  # why this entry is not a record (not JSON, not valid)


def _open(path: Path) -> BinaryIO:
    return open_regular(path, max_bytes=MAX_RECORDS_BYTES, what="Records file",
                        advice="split it into several files")


def _lines(fh: BinaryIO) -> Iterator[tuple[str, bytes | None]]:
    """``(where, line)`` for every non-blank line, split on newlines only; None for an over-long line."""
    # Binary lines split on b"\\n" alone: U+2028, U+0085 and the other separators str.splitlines() splits
    # on may stand inside a JSON string.
    for number in itertools.count(1):
        line = fh.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the line, a megabyte at a time
            yield f"line {number}", None
        elif line.strip():
            yield f"line {number}", line


def _parse(raw: bytes) -> tuple[Any, str | None]:
    """The JSON value of ``raw``, or why it is not JSON (never an exception: the file is untrusted)."""
    try:
        return json.loads(raw), None
    except RecursionError:
        return None, "not JSON (nested too deeply)"
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg})"
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        return None, f"not JSON ({safe_message(str(exc), 120)})"


def _values(path: Path, fh: BinaryIO) -> Iterator[tuple[str, Any, str | None]]:
    """``(where, value, problem)`` for the one JSON document, or for every line of a JSONL file."""
    head = fh.read(64).lstrip()
    fh.seek(0)
    size = os.fstat(fh.fileno()).st_size
    if head.startswith((b"{", b"[")) and path.suffix != ".jsonl" and size <= MAX_DOCUMENT_BYTES:
        data, problem = _parse(fh.read(MAX_DOCUMENT_BYTES + 1))
        # "Extra data": several JSON values, one a line, in a file not named .jsonl; read it as lines.
        if problem != "not JSON (Extra data)":
            yield "record", data, problem
            return
        fh.seek(0)
    for where, raw in _lines(fh):
        if raw is None:
            yield where, None, f"not a record (a line over {MAX_LINE_BYTES:,} bytes)"
        else:
            yield where, *_parse(raw)


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
    """Every entry of a records file, in order, read as a stream (a JSONL file may be larger than memory).

    Raises:
        InputFileError: the path is missing, not a regular file (a FIFO, a device), or cannot be read.
    """
    p = Path(path)
    with _open(p) as fh:
        try:
            for where, data, problem in _values(p, fh):
                if problem is not None:
                    yield RecordEntry(where, problem=problem)
                elif isinstance(data, list):
                    yield from (_entry(f"{where}[{n}]", item) for n, item in enumerate(data))
                else:
                    yield _entry(where, data)
        except OSError as exc:
            raise InputFileError(f"Records file {str(p)!r} cannot be read ({exc.strerror or exc})",
                                 path=str(p), reason="unreadable", original=exc) from exc


_LINE_BREAKING = {ord("\u2028"): "\\u2028", ord("\u2029"): "\\u2029", ord("\x85"): "\\u0085"}


def json_line(value: Any) -> str:
    """``value`` as one JSONL line (no newline at the end), readable back by any line splitter.

    UTF-8 is kept as is, but U+2028, U+2029 and U+0085, which ``json.dumps`` leaves raw and
    ``str.splitlines()`` (and JavaScript) break lines on, are escaped, as JSON allows.
    """
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKING)


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
