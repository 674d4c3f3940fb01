"""Flat tables of records, as CSV (pandas, spreadsheets) or Parquet (DuckDB, pandas, Spark).

A record is a tree (article > meetings > participants, agreements, threats); analysts want flat tables
they can filter and join. :func:`write_tables` writes four:

- ``meetings``: one row per meeting, with the article's title, date and path;
- ``participants``, ``agreements``, ``threats``: one row per item, with its meeting's key.

``article_id`` is the article's content SHA-256 and ``meeting_id`` is ``<article_id[:12]>-<index>``, so
``pandas.read_csv("participants.csv").merge(meetings, on="meeting_id")`` joins them. Every row carries its
evidence: the quote and, when located, ``evidence_start``/``evidence_end`` into the article text. CSV files
are UTF-8 with a byte-order mark, which spreadsheet programs need to show non-ASCII names and pandas ignores;
lists (``cooperation_areas``, ``parties``) are joined with "; ". Parquet files have the same columns with
their types (:data:`PARQUET_TYPES`): dates as dates, offsets and indexes as integers, lists as lists.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from diplo_extract.core.schema import ArticleExtraction, Meeting, Span

__all__ = ["PARQUET_TYPES", "TABLES", "TABLE_FORMATS", "meeting_id", "table_rows", "write_tables"]

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
_LIST_COLUMNS = frozenset({"cooperation_areas", "parties"})
TABLE_FORMATS = ("csv", "parquet")
# Arrow type names by column (every other column is a string), so an empty table has the same schema as a
# full one and DuckDB or pandas never has to guess.
PARQUET_TYPES: dict[str, str] = {
    "meeting_index": "int32", "participant_index": "int32", "agreement_index": "int32", "threat_index": "int32",
    "participant_count": "int32", "evidence_start": "int64", "evidence_end": "int64", "evidence_grounded": "bool",
    "published": "date32", "date": "date32", "cooperation_areas": "list<string>", "parties": "list<string>",
}


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
        "cooperation_areas": list(meeting.cooperation_areas), "summary": meeting.summary,
        **_evidence(meeting.evidence),
    }
    for i, p in enumerate(meeting.participants):
        yield "participants", {**keys, "participant_index": i, "name": p.name, "name_key": p.name_key,
                               "title": p.title, "organization": p.organization, "country": p.country,
                               **_evidence(p.evidence)}
    for i, a in enumerate(meeting.agreements):
        yield "agreements", {**keys, "agreement_index": i, "summary": a.summary, "status": a.status.value,
                             "parties": list(a.parties), **_evidence(a.evidence)}
    for i, t in enumerate(meeting.threats):
        yield "threats", {**keys, "threat_index": i, "category": t.category.value, "description": t.description,
                          "detected_by": t.detected_by, **_evidence(t.evidence)}


def table_rows(records: Iterable[ArticleExtraction], *, join_lists: bool = True) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table; an article seen twice (same content, two paths) is listed once.

    ``join_lists`` joins list cells with "; " as the CSV files have them; False keeps them as lists.
    """
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    seen: set[str] = set()
    for record in records:
        if record.article.content_sha256 in seen:
            continue
        seen.add(record.article.content_sha256)
        for index, meeting in enumerate(record.meetings):
            for table, row in _meeting_rows(record, index, meeting):
                if join_lists:
                    row = {k: _LIST_SEPARATOR.join(v) if k in _LIST_COLUMNS else v for k, v in row.items()}
                tables[table].append(row)
    return tables


def _arrow_type(pa: Any, name: str) -> Any:
    kind = PARQUET_TYPES.get(name, "string")
    return pa.list_(pa.string()) if kind == "list<string>" else pa.type_for_alias(kind)


def _write_parquet(pa: Any, pq: Any, rows: list[dict[str, Any]], columns: list[str], partial: Path) -> None:
    schema = pa.schema([pa.field(name, _arrow_type(pa, name)) for name in columns])
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, partial, compression="zstd")


def write_tables(records: Iterable[ArticleExtraction], folder: str | os.PathLike[str],
                 table_format: str = "csv") -> dict[str, Path]:
    """Write the four tables into ``folder`` (created if needed); returns their paths by table name.

    ``table_format`` is "csv" (``<table>.csv``) or "parquet" (``<table>.parquet``, needs pyarrow). Each file
    is written to a temporary name and renamed, so a reader never sees half a table.

    Raises:
        ValueError: an unknown format. ImportError: parquet without pyarrow.
    """
    if table_format not in TABLE_FORMATS:
        raise ValueError(f"table format {table_format!r} unknown; use one of {', '.join(TABLE_FORMATS)}")
    pa = pq = None
    if table_format == "parquet":
        try:
            # pyarrow is optional (the ``data`` and ``ray`` extras): only Parquet output pays for importing it.
            import pyarrow
            import pyarrow.parquet
        except ImportError as exc:
            raise ImportError("Parquet tables need pyarrow: pip install 'diplo-extract[data]'") from exc
        pa, pq = pyarrow, pyarrow.parquet
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, rows in table_rows(records, join_lists=pa is None).items():
        path = target / f"{name}.{table_format}"
        partial = path.with_name(path.name + ".partial")
        if pa is not None:
            _write_parquet(pa, pq, rows, TABLES[name], partial)
        else:
            with partial.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=TABLES[name])
                writer.writeheader()
                # None is an empty cell; dates and booleans take their usual text form.
                writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
        os.replace(partial, path)
        written[name] = path
    return written
