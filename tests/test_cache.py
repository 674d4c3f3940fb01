"""The result cache: hits cost no request and say so; any change of prompt, model or options misses."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.fault_server import EXAMPLE_DIR, FaultServer, cassettes_or_skip, use_fast_openai, write_copies
from typer.testing import CliRunner

from diplo_extract import api
from diplo_extract.api import extract_file, extract_text
from diplo_extract.cache import ResultCache, cache_key, default_cache_path, open_cache
from diplo_extract.cli.app import app
from diplo_extract.core.schema import ArticleExtraction, ArticleMeta, Provenance
from diplo_extract.pipeline import prompts

ARTICLE = EXAMPLE_DIR / "000_e11c53e7fe71c602.txt"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    cassettes = cassettes_or_skip()
    use_fast_openai(monkeypatch)
    with FaultServer(cassettes) as running:
        monkeypatch.setenv("OPENAI_BASE_URL", running.url)
        monkeypatch.setenv("DIPLO_EXTRACT_BACKEND", "openai")
        yield running


def _record(sha: str = "a" * 64) -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleMeta(content_sha256=sha, char_count=3),
        provenance=Provenance(backend="openai", model="m", prompt_version="p", library_version="0",
                              extracted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), seconds_total=1,
                              seconds_model=1))


def test_second_extraction_makes_no_request_and_is_marked_cached(server: FaultServer) -> None:
    first = extract_file(ARTICLE)
    asked = server.requests
    assert asked >= 1 and not first.provenance.cached
    second = extract_file(ARTICLE)
    assert server.requests == asked
    assert second.provenance.cached
    assert second.meetings == first.meetings and second.article == first.article
    assert extract_text(ARTICLE.read_text(encoding="utf-8")).provenance.cached  # same text, via extract_text
    assert server.requests == asked


def test_another_prompt_version_model_or_option_misses(server: FaultServer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    extract_file(ARTICLE)
    asked = server.requests
    extract_file(ARTICLE, model="another-model")
    assert server.requests == 2 * asked
    extract_file(ARTICLE, drop_ungrounded=True)
    assert server.requests == 3 * asked
    monkeypatch.setattr(prompts, "prompt_version", lambda: "0123456789ab")
    record = extract_file(ARTICLE)
    assert server.requests == 4 * asked and not record.provenance.cached
    monkeypatch.setattr(api, "code_version", lambda: "edited-code")  # the library changed since
    extract_file(ARTICLE)
    assert server.requests == 5 * asked
    assert extract_file(ARTICLE).provenance.cached


def test_use_cache_false_asks_the_model_and_a_copy_elsewhere_is_named_by_its_own_path(
        server: FaultServer, tmp_path: Path) -> None:
    extract_file(ARTICLE)
    asked = server.requests
    assert not extract_file(ARTICLE, use_cache=False).provenance.cached
    assert server.requests == 2 * asked
    copy = tmp_path / "copy.txt"
    copy.write_bytes(ARTICLE.read_bytes())
    record = extract_file(copy)
    assert record.provenance.cached and record.article.source_path == str(copy)


@pytest.mark.parametrize("value", ["off", "0", "False"])
def test_the_environment_can_turn_the_cache_off(server: FaultServer, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path, value: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIPLO_EXTRACT_RESULT_CACHE", value)
    extract_file(ARTICLE)
    asked = server.requests
    assert not extract_file(ARTICLE).provenance.cached
    assert server.requests == 2 * asked
    assert not (tmp_path / value).exists()  # no cache file named after the switch


def test_batch_shares_the_cache(server: FaultServer, tmp_path: Path) -> None:
    from diplo_extract.runs.batch import extract_files

    articles = write_copies(tmp_path / "in", copies=1)
    first = list(extract_files([tmp_path / "in"]))
    asked = server.requests
    second = list(extract_files([tmp_path / "in"], out=tmp_path / "out.jsonl"))
    assert server.requests == asked
    assert [o.cached for o in first] == [False] * 5 and [o.cached for o in second] == [True] * 5
    assert extract_file(next(iter(articles))).provenance.cached


def test_cache_key_covers_every_part() -> None:
    base = {"backend": "openai", "model": "m", "prompt_version": "p", "schema_version": "1.0"}
    key = cache_key("t", **base)
    assert len(key) == 64 and key == cache_key("t", **base)
    for change in ({"backend": "embedded"}, {"model": "n"}, {"prompt_version": "q"}, {"schema_version": "2"},
                   {"code": "c"}):
        assert cache_key("t", **{**base, **change}) != key
    assert cache_key("u", **base) != key
    assert cache_key("t", **base, options=(("drop_ungrounded", "True"),)) != key


def test_cache_file_is_sqlite_in_wal_mode_and_follows_the_environment(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIPLO_EXTRACT_RESULT_CACHE", str(tmp_path / "r.db"))
    cache = open_cache()
    assert cache.path == tmp_path / "r.db" and open_cache() is cache
    cache.put("k", _record())
    with sqlite3.connect(tmp_path / "r.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    monkeypatch.delenv("DIPLO_EXTRACT_RESULT_CACHE")
    monkeypatch.setenv("DIPLO_EXTRACT_CACHE_DIR", str(tmp_path / "home"))
    assert default_cache_path() == tmp_path / "home" / "results.sqlite"


def test_cache_is_thread_safe(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "threads.db")
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(40):
                key = f"{worker}-{i}"
                cache.put(key, _record(f"{worker:032x}{i:032x}"))
                hit = cache.get(key)
                assert hit is not None and hit.provenance.cached
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.info().entries == 320


def test_a_corrupt_cache_file_is_reported_once_and_extraction_goes_on(
        server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("DIPLO_EXTRACT_RESULT_CACHE", str(bad))
    with caplog.at_level(logging.WARNING, logger="diplo_extract.cache"):
        first = extract_file(ARTICLE)
        second = extract_file(ARTICLE)
    assert not first.provenance.cached and not second.provenance.cached
    assert len([r for r in caplog.records if "going on without it" in r.getMessage()]) == 1
    result = CliRunner().invoke(app, ["cache", "info"])
    assert result.exit_code == 1 and "not readable" in result.output


def test_cli_cache_info_clear_and_extract_no_cache(server: FaultServer) -> None:
    runner = CliRunner()
    info = json.loads(runner.invoke(app, ["cache", "info"]).output)
    assert info == {"path": str(default_cache_path().absolute()), "exists": False, "entries": 0, "size_bytes": 0}
    assert runner.invoke(app, ["extract", str(ARTICLE)]).exit_code == 0
    asked = server.requests
    result = runner.invoke(app, ["extract", str(ARTICLE), "--format", "jsonl"])
    assert json.loads(result.output)["provenance"]["cached"] is True and server.requests == asked
    result = runner.invoke(app, ["extract", str(ARTICLE), "--format", "jsonl", "--no-cache"])
    assert json.loads(result.output)["provenance"]["cached"] is False and server.requests == 2 * asked
    info = json.loads(runner.invoke(app, ["cache", "info"]).output)
    assert info["exists"] and info["entries"] == 1 and info["size_bytes"] > 0
    assert "removed 1 records" in runner.invoke(app, ["cache", "clear"]).output
    assert json.loads(runner.invoke(app, ["cache", "info"]).output)["entries"] == 0
