"""CSV export: four flat tables joined by article_id and meeting_id, with evidence offsets."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from support.fault_server import EXAMPLE_DIR, FaultServer, cassettes_or_skip, use_fast_openai

from diplo_extract.core.schema import (
    ArticleExtraction,
    ArticleMeta,
    Meeting,
    MeetingKind,
    Participant,
    Provenance,
    Span,
)
from diplo_extract.outputs.tables import TABLES, meeting_id, table_rows, write_tables
from diplo_extract.runs.batch import extract_files
from diplo_extract.text.reader import read_article


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _record(sha: str, meetings: list[Meeting]) -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleMeta(content_sha256=sha, char_count=40, source_path="a.txt", title="Ministers meet"),
        meetings=meetings,
        provenance=Provenance(backend="openai", model="m", prompt_version="p", library_version="0",
                              extracted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), seconds_total=1,
                              seconds_model=1))


def test_batch_csv_folder_has_four_joinable_tables_with_offsets(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cassettes = cassettes_or_skip()
    use_fast_openai(monkeypatch)
    with FaultServer(cassettes) as server:
        outcomes = list(extract_files([EXAMPLE_DIR], out=tmp_path / "tables", output_format="csv",
                                      backend="openai", base_url=server.url))
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == [
        "agreements.csv", "meetings.csv", "participants.csv", "records.jsonl", "threats.csv"]
    tables = {name: _read(tmp_path / "tables" / f"{name}.csv") for name in TABLES}
    for name in TABLES:
        with (tmp_path / "tables" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            assert next(csv.reader(fh)) == TABLES[name]
    records = {o.sha256: o.record for o in outcomes if o.record is not None}
    assert {row["article_id"] for row in tables["meetings"]} <= set(records)
    assert len(tables["meetings"]) == sum(len(r.meetings) for r in records.values())
    meetings = {row["meeting_id"]: row for row in tables["meetings"]}
    assert len(meetings) == len(tables["meetings"])  # the key is unique
    for row in tables["meetings"]:
        assert row["meeting_id"] == meeting_id(row["article_id"], int(row["meeting_index"]))
    texts = {sha: read_article(str(r.article.source_path)).text for sha, r in records.items()}
    located = 0
    for name in ("participants", "agreements", "threats", "meetings"):
        for row in tables[name]:
            assert meetings[row["meeting_id"]]["article_id"] == row["article_id"]
            if row["evidence_match"] == "exact":
                start, end = int(row["evidence_start"]), int(row["evidence_end"])
                assert texts[row["article_id"]][start:end] == row["evidence_quote"]
                located += 1
            elif row["evidence_grounded"] != "True":
                assert row["evidence_start"] == row["evidence_end"] == ""
    assert located > 0
    assert len(tables["participants"]) == sum(len(m.participants) for r in records.values() for m in r.meetings)


def test_rows_flatten_lists_and_list_an_article_once() -> None:
    sha = "b" * 64
    meeting = Meeting(kind=MeetingKind.MEETING, date=dt.date(2025, 2, 25), cooperation_areas=["a", "b"],
                      participants=[Participant(name="Tô Lâm", country="VN",
                                                evidence=Span(quote="Tô Lâm", start=3, end=9, grounded=True,
                                                              match="exact", score=100))])
    record = _record(sha, [meeting])
    rows = table_rows([record, record])
    assert len(rows["meetings"]) == 1 and rows["agreements"] == [] and rows["threats"] == []
    assert rows["meetings"][0]["cooperation_areas"] == "a; b"
    expected = {"name": "Tô Lâm", "meeting_id": f"{sha[:12]}-0", "evidence_start": 3, "evidence_match": "exact"}
    assert expected.items() <= rows["participants"][0].items()


def test_written_csv_reads_back_with_unicode_and_empty_cells(tmp_path: Path) -> None:
    meeting = Meeting(kind=MeetingKind.PHONE_CALL, participants=[Participant(name="Zhao Kezhi, “Mr”")])
    write_tables([_record("c" * 64, [meeting]), _record("d" * 64, [])], tmp_path)
    assert (tmp_path / "meetings.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for spreadsheets
    people = _read(tmp_path / "participants.csv")
    assert people == [{**dict.fromkeys(TABLES["participants"], ""), "article_id": "c" * 64,
                       "meeting_id": "cccccccccccc-0", "participant_index": "0", "name": "Zhao Kezhi, “Mr”"}]
    assert _read(tmp_path / "threats.csv") == []
    assert (tmp_path / "threats.csv").read_text(encoding="utf-8-sig").startswith("article_id,meeting_id,")
    assert not list(tmp_path.glob("*.partial"))
