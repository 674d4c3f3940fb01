"""The one reader of record files over hostile files: typed errors or problems, bounded, never a traceback."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_tables import _record

from diplo_extract.errors import InputFileError
from diplo_extract.outputs.records import json_line, read_records, records_in

RECORD = _record("e" * 64, [])
OK_LINE = json_line({"status": "ok", "path": "a.txt", "sha256": "e" * 64, "record": RECORD.model_dump(mode="json")})


@pytest.mark.parametrize("bad", [
    b"123", b"null", b"[1,2]", b'"text"', b"[" * 100_000, b"9" * 5000, b'{"a": ' + b"1" * 5000 + b"}", b"\xff\xfe",
    b'{"status": "ok", "record": [1]}', b'{"status": 5}', b"{" * 50 + b"}" * 50, b"\x00" * 10,
], ids=lambda b: repr(b[:12]))
def test_bad_lines_become_problems_and_good_lines_still_read(tmp_path: Path, bad: bytes) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes((OK_LINE + "\n").encode() + bad + b"\n" + (OK_LINE + "\n").encode())
    entries = list(read_records(path))
    assert [e.record for e in entries if e.record is not None] == [RECORD, RECORD]
    assert all(e.problem or e.failure or e.record for e in entries)


def test_line_separators_inside_strings_do_not_split_records(tmp_path: Path) -> None:
    record = RECORD.model_copy(update={"article": RECORD.article.model_copy(update={"title": "a\u2028b\u2029c\x85d"})})
    line = json_line({"status": "ok", "path": "x", "sha256": "e" * 64, "record": record.model_dump(mode="json")})
    assert "\u2028" not in line and "\u2029" not in line and "\x85" not in line
    assert len(line.splitlines()) == 1
    path = tmp_path / "out.jsonl"
    # Written raw by another tool, too: the reader splits on \n only.
    raw = json.dumps({"status": "ok", "record": record.model_dump(mode="json")}, ensure_ascii=False)
    path.write_text(line + "\n" + raw + "\n", encoding="utf-8")
    assert list(records_in(path)) == [record, record]


def test_jsonl_in_a_file_named_json_reads_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text(OK_LINE + "\n" + OK_LINE + "\n", encoding="utf-8")
    assert list(records_in(path)) == [RECORD, RECORD]


def test_one_deeply_nested_json_document_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    (entry,) = read_records(path)
    assert entry.problem is not None and entry.problem.startswith("not JSON")


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "directory"])
def test_special_files_are_refused_at_once(tmp_path: Path, special: str) -> None:
    if special == "fifo":
        path = tmp_path / "out.jsonl"
        os.mkfifo(path)
    elif special == "directory":
        path = tmp_path
    else:
        path = Path(special)
    started = time.monotonic()
    with pytest.raises(InputFileError) as info:
        list(read_records(path))
    assert info.value.reason == ("directory" if special == "directory" else "not_regular")
    assert time.monotonic() - started < 5


def test_an_overlong_line_is_skipped_without_holding_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from diplo_extract.outputs import records

    monkeypatch.setattr(records, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "out.jsonl"
    path.write_text("x" * 5000 + "\n" + OK_LINE[:900] + "\n", encoding="utf-8")
    entries = list(read_records(path))
    assert entries[0].problem is not None and "over 1,000 bytes" in entries[0].problem
    assert entries[0].where == "line 1" and entries[1].where == "line 2"


@given(st.lists(st.binary(max_size=200), max_size=8))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_bytes_never_raise(tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"\n".join(lines))
    for entry in read_records(path):
        assert entry.record is not None or entry.problem or entry.failure
