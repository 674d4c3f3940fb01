"""Batch journals over hostile lines and inputs: resume and compaction lose nothing and never crash (issue 14)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.fault_server import FaultServer

from diplo_extract import api
from diplo_extract.errors import ConfigurationError
from diplo_extract.outputs.records import records_in
from diplo_extract.runs.batch import expand_inputs, extract_files

ARTICLE = "Minister A met Minister B in Astana on Monday.\n"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    monkeypatch.setattr(api, "_extractors", {})
    with FaultServer(cassettes=[], mode="empty", max_seconds=120) as running:
        yield running


def _run(paths: list[Path], out: Path, server: FaultServer) -> list[str]:
    return [o.status for o in extract_files(paths, out=out, backend="openai", base_url=server.url, model="m",
                                            use_cache=False, concurrency=2)]


@pytest.mark.parametrize("foreign", ["123", "null", "[1,2]", '"x"', "[" * 5000, "9" * 5000, '{"path": [1]}'])
def test_resume_and_compaction_keep_lines_that_are_not_objects(tmp_path: Path, server: FaultServer,
                                                              foreign: str) -> None:
    articles = [tmp_path / f"{n}.txt" for n in range(2)]
    for n, path in enumerate(articles):
        path.write_text(ARTICLE + f"[copy {n}]\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert _run(articles[:1], out, server) == ["ok"]
    with out.open("a", encoding="utf-8") as fh:
        fh.write(foreign + "\n")
        fh.write(json.dumps({"status": "failed", "path": str(articles[1]), "sha256": None, "error": {}}) + "\n")
    assert sorted(_run(articles, out, server)) == ["ok", "skipped"]
    assert _run(articles, out, server) == ["skipped", "skipped"]  # every later resume too
    lines = out.read_text(encoding="utf-8").split("\n")
    assert foreign in lines  # not ours, not lost
    assert len(list(records_in(out))) == 2
    assert not any(line.startswith('{"status": "failed"') for line in lines)  # superseded by the ok line


def test_line_separators_in_a_record_survive_the_round_trip(tmp_path: Path, server: FaultServer) -> None:
    article = tmp_path / "a.json"
    article.write_text(json.dumps({"title": "Talks\u2028in\u2029Astana\x85today", "text": ARTICLE}), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert _run([article], out, server) == ["ok"]
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1  # even str.splitlines() sees one line
    (record,) = records_in(out)
    assert record.article.title == "Talks\u2028in\u2029Astana\x85today"


def test_a_fifo_among_the_inputs_gets_a_failure_line_and_the_batch_ends(tmp_path: Path,
                                                                        server: FaultServer) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    assert folder / "pipe.txt" in expand_inputs([folder])  # not skipped silently
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    outcomes = list(extract_files([folder], out=out, backend="openai", base_url=server.url, model="m",
                                  use_cache=False))
    assert time.monotonic() - started < 30
    by_path = {Path(o.path).name: o for o in outcomes}
    assert by_path["a.txt"].status == "ok"
    assert by_path["pipe.txt"].status == "failed" and by_path["pipe.txt"].error["reason"] == "not_regular"


def test_an_output_that_is_not_a_regular_file_is_refused(tmp_path: Path, server: FaultServer) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    fifo = tmp_path / "out.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(ConfigurationError, match="not a regular file"):
        _run([article], fifo, server)
