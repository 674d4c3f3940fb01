"""Flat CSV tables of records, for pandas and spreadsheets.

A record is a tree (article > meetings > participants, agreements, threats); analysts want flat tables
they can filter and join. :func:`write_tables` writes four:

- ``meetings.csv``: one row per meeting, with the article's title, date and path;
- ``participants.csv``, ``agreements.csv``, ``threats.csv``: one row per item, with its meeting's key.

``article_id`` is the article's content SHA-256 and ``meeting_id`` is ``<article_id[:12]>-<index>``, so
``pandas.read_csv("participants.csv").merge(meetings, on="meeting_id")`` joins them. Every row carries its
evidence: the quote and, when located, ``evidence_start``/``evidence_end`` into the article text. Files are
UTF-8 with a byte-order mark, which spreadsheet programs need to show non-ASCII names and pandas ignores.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from diplo_extract.core.schema import ArticleExtraction, Meeting, Span

__all__ = ["TABLES", "meeting_id", "table_rows", "write_tables"]

_EVIDENCE = ["evidence_quote", "evidence_start", "evidence_end", "evidence_grounded", "evidence_match"]
_KEYS = ["article_id", "meeting_id"]
TABLES: dict[str, list[str]] = {
    "meetings": [*_KEYS, "meeting_index", "source_path", "title", "published", "kind", "status", "date",
                 "date_text", "city", "country", "participant_count", "cooperation_areas", "summary",
                 *_EVIDENCE],
    "participants": [*_KEYS, "participant_index", "name", "name_key", "title", "organization", "country",
                     *_EVIDENCE],
    "agreements": [*_KEYS, "agreement_index", "summary", "status", "parties", *_EVIDENCE],
    "threats": [*_KEYS, "threat_index", "category", "description", "detected_by", *_EVIDENCE],
}
_LIST_SEPARATOR = "; "


def meeting_id(article_id: str, index: int) -> str:
    """The key joining a meeting's rows across tables."""
    return f"{article_id[:12]}-{index}"


def _evidence(span: Span | None) -> dict[str, Any]:
    if span is None:
        return dict.fromkeys(_EVIDENCE)
    return {"evidence_quote": span.quote, "evidence_start": span.start, "evidence_end": span.end,
            "evidence_grounded": span.grounded, "evidence_match": span.match.value}


def _meeting_rows(record: ArticleExtraction, index: int, meeting: Meeting) -> Iterator[tuple[str, dict[str, Any]]]:
    article = record.article
    keys = {"article_id": article.content_sha256, "meeting_id": meeting_id(article.content_sha256, index)}
    yield "meetings", {
        **keys, "meeting_index": index, "source_path": article.source_path, "title": article.title,
        "published": article.published, "kind": meeting.kind.value, "status": meeting.status.value,
        "date": meeting.date, "date_text": meeting.date_text, "city": meeting.location.city,
        "country": meeting.location.country, "participant_count": len(meeting.participants),
        "cooperation_areas": _LIST_SEPARATOR.join(meeting.cooperation_areas), "summary": meeting.summary,
        **_evidence(meeting.evidence),
    }
    for i, p in enumerate(meeting.participants):
        yield "participants", {**keys, "participant_index": i, "name": p.name, "name_key": p.name_key,
                               "title": p.title, "organization": p.organization, "country": p.country,
                               **_evidence(p.evidence)}
    for i, a in enumerate(meeting.agreements):
        yield "agreements", {**keys, "agreement_index": i, "summary": a.summary, "status": a.status.value,
                             "parties": _LIST_SEPARATOR.join(a.parties), **_evidence(a.evidence)}
    for i, t in enumerate(meeting.threats):
        yield "threats", {**keys, "threat_index": i, "category": t.category.value, "description": t.description,
                          "detected_by": t.detected_by, **_evidence(t.evidence)}


def table_rows(records: Iterable[ArticleExtraction]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table; an article seen twice (same content, two paths) is listed once."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    seen: set[str] = set()
    for record in records:
        if record.article.content_sha256 in seen:
            continue
        seen.add(record.article.content_sha256)
        for index, meeting in enumerate(record.meetings):
            for table, row in _meeting_rows(record, index, meeting):
                tables[table].append(row)
    return tables


def write_tables(records: Iterable[ArticleExtraction], folder: str | os.PathLike[str]) -> dict[str, Path]:
    """Write the four CSV files into ``folder`` (created if needed); returns their paths by table name.

    Each file is written to a temporary name and renamed, so a reader never sees half a table.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, rows in table_rows(records).items():
        path = target / f"{name}.csv"
        partial = path.with_suffix(".csv.partial")
        with partial.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=TABLES[name])
            writer.writeheader()
            # None is an empty cell; dates and booleans take their usual text form.
            writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
        os.replace(partial, path)
        written[name] = path
    return written
