"""Parquet tables: typed columns, the CSV tables' rows, read back by DuckDB and pandas."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from support.fault_server import EXAMPLE_DIR, FaultServer, cassettes_or_skip, use_fast_openai

from diplo_extract.core.schema import (
    Agreement,
    ArticleExtraction,
    ArticleMeta,
    Location,
    Meeting,
    MeetingKind,
    Participant,
    Provenance,
    Span,
)
from diplo_extract.outputs.records import records_in
from diplo_extract.outputs.tables import TABLES, write_tables
from diplo_extract.runs.batch import extract_files

pa = pytest.importorskip("pyarrow", reason="pyarrow: pip install -e '.[data]' (CI installs it)")
pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb", reason="duckdb: pip install -e '.[data]' (CI installs it)")


def _record(sha: str, *, published: dt.date | None, meetings: list[Meeting]) -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleMeta(content_sha256=sha, char_count=40, source_path="a.txt", title="Ministers meet",
                            published=published),
        meetings=meetings,
        provenance=Provenance(backend="openai", model="m", prompt_version="p", library_version="0",
                              extracted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), seconds_total=1, seconds_model=1))


def test_parquet_columns_have_types_and_the_csv_columns(tmp_path: Path) -> None:
    span = Span(quote="met", start=3, end=6, grounded=True, match="exact", score=100)
    meeting = Meeting(kind=MeetingKind.MEETING, date=dt.date(2023, 2, 25), cooperation_areas=["energy", "trade"],
                      location=Location(city="Astana", country="KZ"), evidence=span,
                      participants=[Participant(name="Wang Yi", country="CN", evidence=span)],
                      agreements=[Agreement(summary="a plan", status="agreed", parties=["CN", "KZ"])])
    empty = _record("b" * 64, published=None, meetings=[Meeting(kind=MeetingKind.PHONE_CALL)])
    paths = write_tables([_record("a" * 64, published=dt.date(2023, 2, 26), meetings=[meeting]), empty],
                         tmp_path, "parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.parquet" for name in TABLES)
    meetings = pq.read_table(paths["meetings"])
    assert meetings.column_names == TABLES["meetings"]
    assert meetings.schema.field("date").type == pa.date32()
    assert meetings.schema.field("evidence_start").type == pa.int64()
    assert meetings.schema.field("cooperation_areas").type == pa.list_(pa.string())
    assert meetings.column("date").to_pylist() == [dt.date(2023, 2, 25), None]
    assert meetings.column("cooperation_areas").to_pylist() == [["energy", "trade"], []]
    assert meetings.column("evidence_grounded").to_pylist() == [True, None]
    assert pq.read_table(paths["agreements"]).column("parties").to_pylist() == [["CN", "KZ"]]
    threats = pq.read_table(paths["threats"])  # no rows, the same typed schema
    assert threats.num_rows == 0 and threats.column_names == TABLES["threats"]
    assert threats.schema.field("threat_index").type == pa.int32()
    frame = pq.read_table(paths["participants"]).to_pandas()
    assert frame.loc[0, "name"] == "Wang Yi" and frame.loc[0, "evidence_end"] == 6


def test_batch_parquet_round_trips_through_duckdb_with_the_csv_row_counts(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cassettes = cassettes_or_skip()
    use_fast_openai(monkeypatch)
    with FaultServer(cassettes) as server:
        list(extract_files([EXAMPLE_DIR], out=tmp_path / "pq", output_format="parquet", backend="openai",
                           base_url=server.url))
    write_tables(records_in(tmp_path / "pq" / "records.jsonl"), tmp_path / "csv", "csv")
    con = duckdb.connect()
    counts = {}
    for name in TABLES:
        with (tmp_path / "csv" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            csv_rows = sum(1 for _ in csv.DictReader(fh))
        parquet = str(tmp_path / "pq" / f"{name}.parquet")
        (rows,) = con.execute("SELECT count(*) FROM read_parquet(?)", [parquet]).fetchone()  # type: ignore[misc]
        assert rows == csv_rows, name
        counts[name] = rows
    assert counts["meetings"] > 0 and counts["participants"] > 0
    # The README's question: which country pairs met most often, on which threats.
    folder = str(tmp_path / "pq")
    pairs = con.execute(f"""
        WITH sides AS (SELECT DISTINCT meeting_id, country FROM '{folder}/participants.parquet'
                       WHERE country IS NOT NULL)
        SELECT a.country || '-' || b.country AS pair, count(DISTINCT a.meeting_id) AS meetings,
               list(DISTINCT t.category) FILTER (WHERE t.category IS NOT NULL) AS threats
        FROM sides a JOIN sides b ON a.meeting_id = b.meeting_id AND a.country < b.country
        LEFT JOIN '{folder}/threats.parquet' t ON t.meeting_id = a.meeting_id
        GROUP BY pair ORDER BY meetings DESC, pair""").fetchall()
    assert pairs and all(count >= 1 for _, count, _ in pairs)
    types = dict(con.execute(f"DESCRIBE SELECT * FROM '{folder}/meetings.parquet'").fetchall()[i][:2]
                 for i in range(len(TABLES["meetings"])))
    assert types["date"] == "DATE" and types["published"] == "DATE" and types["cooperation_areas"] == "VARCHAR[]"
    assert types["evidence_start"] == "BIGINT"
    print(f"\nparquet rows: {counts}; top pairs: {pairs[:3]}")
