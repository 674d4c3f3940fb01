"""Batch extraction under faults, kills and bad inputs, against the fault server's recorded answers."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support.fault_server import FaultServer, cassettes_or_skip, use_fast_openai, write_copies
from typer.testing import CliRunner

from diplo_extract.backends.embedded import default_sequences
from diplo_extract.cli.app import app
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import AuthenticationError, ConfigurationError
from diplo_extract.runs.batch import BatchSummary, effective_concurrency, expand_inputs, extract_files

OPENAI = {"backend": "openai", "model": "fault-server"}


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _start_batch(args: list[str], server: FaultServer) -> subprocess.Popen[str]:
    env = {**os.environ, "DIPLO_EXTRACT_SERVER_FLAVOR": "llama_cpp", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "diplo_extract", "batch", *args, "--backend", "openai",
               "--base-url", server.url, "--model", "fault-server"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for_lines(path: Path, count: int, process: subprocess.Popen[str], limit: float = 90.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"the batch wrote fewer than {count} lines in {limit}s (exit {process.poll()})")


def test_thirty_percent_faults_every_article_extracted_or_failed_exactly_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassettes = cassettes_or_skip()
    use_fast_openai(monkeypatch, timeout=1.0)
    articles = write_copies(tmp_path / "in", copies=10)
    out = tmp_path / "out.jsonl"
    with FaultServer(cassettes) as clean:
        baseline = {o.path: o.record for o in extract_files(sorted(articles)[::10], base_url=clean.url,
                                                            use_cache=False, **OPENAI)}
    assert all(record is not None for record in baseline.values())
    summary = BatchSummary()
    with FaultServer(cassettes, fault_rate=0.3, seed=5, slow_seconds=1.5) as server:
        outcomes = list(extract_files([tmp_path / "in"], out=out, concurrency=4, base_url=server.url,
                                      use_cache=False, progress=summary.add, **OPENAI))
        stats = server.stats()
    lines = _lines(out)
    assert len(lines) == len(outcomes) == 50
    assert sorted(line["path"] for line in lines) == sorted(str(p) for p in articles)  # none missing or twice
    assert stats["unmatched"] == 0
    assert len(stats["faults"]) >= 5 and stats["faults_total"] >= 0.2 * stats["requests"]
    retries = reasks = 0
    for line in lines:
        if line["status"] == "failed":
            assert line["error"]["type"] and line["error"]["message"]
            continue
        record = ArticleExtraction.model_validate(line["record"])
        assert record.article.content_sha256 == line["sha256"]
        retries += record.provenance.transport_retries
        reasks += record.provenance.validation_retries
        original = baseline[str(tmp_path / "in" / (Path(line["path"]).stem[:-3] + "-00.txt"))]
        assert original is not None
        # Faults never change a result silently: a refinement whose every answer was spoilt (a question about
        # one sentence, the agreement pass) is dropped and the record says so; the rest is the clean result.
        lost = {w.code for w in record.warnings} & {"follow_up_failed", "agreement_pass_failed"}
        assert record.meetings == original.meetings or lost, (line["path"], record.warnings)
    print(f"\nfault run: {stats}; in the records: {retries} transport retries, {reasks} re-asks; "
          f"ok {summary.done}, failed {summary.failed}")
    assert summary.done + summary.failed == 50 and summary.done >= 45


def test_sigkill_then_resume_finishes_each_article_once_without_asking_again(tmp_path: Path) -> None:
    cassettes = cassettes_or_skip()
    articles = write_copies(tmp_path / "in", copies=4)
    out = tmp_path / "out.jsonl"
    with FaultServer(cassettes, latency=0.2) as server:
        first = _start_batch([str(tmp_path / "in"), "--out", str(out), "-j", "2", "--no-cache"], server)
        _wait_for_lines(out, 6, first)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        done = {line["path"] for line in _lines(out) if line["status"] == "ok"}
        with out.open("ab") as fh:  # as if the kill had landed in the middle of a write
            fh.write(b'{"status": "ok", "path": "half a li')
        before = server.stats()["requests"]
        server.reset_counts()
        second = _start_batch([str(tmp_path / "in"), "--out", str(out), "-j", "2", "--no-cache"], server)
        _, stderr = second.communicate(timeout=120)
        resent = {label: n for label, n in server.per_article.items()
                  if any(articles[Path(p)] == label for p in done)}
        after = server.stats()["requests"]
    assert second.returncode == 0, stderr
    lines = _lines(out)
    assert sorted(line["path"] for line in lines) == sorted(str(p) for p in articles)
    assert all(line["status"] == "ok" for line in lines)
    assert resent == {}, f"articles already done were sent again: {resent}"
    assert f"skipped (resume) {len(done)}" in stderr
    print(f"\nresume run: killed after {len(done)} of {len(articles)} articles ({before} requests); "
          f"resumed with {after} requests for the other {len(articles) - len(done)}")


def test_ctrl_c_finishes_running_articles_leaves_valid_output_and_exits_130(tmp_path: Path) -> None:
    cassettes = cassettes_or_skip()
    # 50 articles at 2 x 0.5 s each over 3 workers take about 17 s: the interrupt always lands mid-batch,
    # even on a loaded machine.
    write_copies(tmp_path / "in", copies=10)
    out = tmp_path / "out.jsonl"
    with FaultServer(cassettes, latency=0.5) as server:
        process = _start_batch([str(tmp_path / "in"), "--out", str(out), "-j", "3", "--no-cache"], server)
        _wait_for_lines(out, 2, process)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted: done" in stderr and "Traceback" not in stderr
    assert out.read_bytes().endswith(b"\n")
    lines = _lines(out)
    assert 2 <= len(lines) < 50 and len({line["path"] for line in lines}) == len(lines)


def test_bad_files_become_failure_lines_with_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassettes = cassettes_or_skip()
    use_fast_openai(monkeypatch)
    folder = tmp_path / "in"
    good = write_copies(folder, copies=1, articles=sorted((Path(__file__).parents[2] / "examples" / "articles")
                                                          .glob("00[01]*.txt")))
    (folder / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    # Invalid UTF-8 that no legacy encoding decodes cleanly (as in test_reader).
    (folder / "legacy.txt").write_bytes(bytes([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC,
                                               0x81]) * 20)
    with (folder / "huge.txt").open("wb") as fh:
        fh.write(b"All work and no play. " * (50 * 1024 * 1024 // 22))
    out = tmp_path / "out.jsonl"
    with FaultServer(cassettes) as server:
        list(extract_files([folder, tmp_path / "missing.txt"], out=out, base_url=server.url, **OPENAI))
    by_name = {Path(line["path"]).name: line for line in _lines(out)}
    assert {name for name, line in by_name.items() if line["status"] == "ok"} == {p.name for p in good}
    reasons = {name: line["error"]["reason"] for name, line in by_name.items() if line["status"] == "failed"}
    assert reasons == {"binary.txt": "binary", "empty.txt": "empty", "legacy.txt": "undecodable",
                       "huge.txt": "too_large", "missing.txt": "missing"}
    for name in reasons:
        assert by_name[name]["error"]["type"] == "InputFileError" and name in by_name[name]["error"]["message"]
        assert by_name[name]["sha256"] is None


def test_resume_retries_failed_articles_and_keeps_one_line_each(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cassettes = cassettes_or_skip()
    use_fast_openai(monkeypatch, attempts=2)
    articles = write_copies(tmp_path / "in", copies=1)
    out = tmp_path / "out.jsonl"
    with FaultServer(cassettes, fault_rate=1.0, faults=["503"]) as down:
        list(extract_files([tmp_path / "in"], out=out, base_url=down.url, **OPENAI))
    assert [line["error"]["type"] for line in _lines(out)] == ["TransportError"] * 5
    assert all(line["error"]["attempts"] == 2 for line in _lines(out))
    with FaultServer(cassettes) as server:
        outcomes = list(extract_files([tmp_path / "in"], out=out, base_url=server.url, **OPENAI))
    assert [o.status for o in outcomes] == ["ok"] * 5
    lines = _lines(out)
    assert sorted(line["path"] for line in lines) == sorted(str(p) for p in articles)
    assert {line["status"] for line in lines} == {"ok"}
    again = list(extract_files([tmp_path / "in"], out=out, base_url="http://127.0.0.1:9/v1", **OPENAI))
    assert [o.status for o in again] == ["skipped"] * 5 and len(_lines(out)) == 5


def test_expand_inputs_recurses_filters_dedupes_and_reads_stdin(tmp_path: Path) -> None:
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / "a" / ".hidden").mkdir()
    for name in ("a/one.txt", "a/deep/two.html", "a/deep/three.json", "a/skip.pdf", "a/.hidden/x.txt",
                 "a/.dot.txt", "b.md"):
        (tmp_path / name).write_text("x")
    found = expand_inputs([tmp_path / "a", tmp_path / "a" / "one.txt", tmp_path / "nope.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/deep/three.json", "a/deep/two.html", "a/one.txt", "nope.txt"]
    assert expand_inputs([tmp_path / "a"], globs=["*.html"]) == [tmp_path / "a" / "deep" / "two.html"]
    piped = expand_inputs(["-"], stdin=io.StringIO(f"{tmp_path / 'b.md'}\n\n{tmp_path / 'a' / 'deep'}\n"))
    assert piped == [tmp_path / "b.md", tmp_path / "a" / "deep" / "three.json", tmp_path / "a" / "deep" / "two.html"]


def test_configuration_errors_stop_before_the_output_is_touched(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    out = tmp_path / "out.jsonl"
    with pytest.raises(ConfigurationError):
        list(extract_files([tmp_path], out=out, backend="openai"))
    assert not out.exists()
    with pytest.raises(ConfigurationError, match="csv"):
        list(extract_files([tmp_path], output_format="csv", base_url="http://127.0.0.1:9/v1", **OPENAI))


def test_embedded_backend_decodes_several_articles_together_and_says_how_many(tmp_path: Path) -> None:
    assert effective_concurrency("embedded", 16) == 8  # sequences of one model, bounded
    assert effective_concurrency("embedded", 3) == 3
    assert effective_concurrency("embedded", None) == default_sequences()
    assert default_sequences(1) == 1 and default_sequences(2) == 4 and default_sequences(64) == 4
    assert effective_concurrency("openai", None) == 4 and effective_concurrency("openai", 16) == 16
    (tmp_path / "empty-folder").mkdir()
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "empty-folder"), "--backend", "embedded", "-j", "3"])
    assert result.exit_code == 0, result.output
    assert "3 articles decoded together" in result.output and "done 0, failed 0" in result.output
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "empty-folder"), "--backend", "embedded"])
    assert f"{default_sequences()} articles decoded together in one model (the default for" in result.output \
        or "one article at a time" in result.output


def test_cli_batch_without_out_prints_lines_and_exits_1_on_failures(tmp_path: Path) -> None:
    cassettes = cassettes_or_skip()
    write_copies(tmp_path / "in", copies=1)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    with FaultServer(cassettes) as server:
        process = _start_batch([str(tmp_path / "in")], server)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert sorted(line["status"] for line in lines) == ["failed"] + ["ok"] * 5
    assert "[6/6]" in stderr and "done 5, failed 1, skipped (resume) 0, cached 0" in stderr


def test_an_error_every_article_would_hit_stops_the_batch_and_keeps_what_was_done(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from diplo_extract import api

    write_copies(tmp_path / "in", copies=2)
    calls: list[str] = []

    def extract_source(source: Any, **_: Any) -> ArticleExtraction:
        calls.append(str(source.path))
        if len(calls) == 3:
            raise AuthenticationError("the endpoint rejected the credentials (HTTP 401)")
        return ArticleExtraction.model_validate({
            "article": {"content_sha256": source.sha256, "char_count": len(source.text)},
            "provenance": {"backend": "openai", "model": "m", "prompt_version": "p", "library_version": "0",
                           "extracted_at": "2025-01-01T00:00:00Z", "seconds_total": 0, "seconds_model": 0}})

    monkeypatch.setattr(api, "extract_source", extract_source)
    out = tmp_path / "out.jsonl"
    with pytest.raises(AuthenticationError):
        list(extract_files([tmp_path / "in"], out=out, concurrency=1, base_url="http://127.0.0.1:9/v1", **OPENAI))
    # The article queued behind the failing one may have started before the batch stopped: it is finished
    # and written; nothing later is started.
    assert len(calls) in (3, 4)
    assert [line["path"] for line in _lines(out)] == [path for path in calls if path != calls[2]]


def test_a_catch_all_glob_never_reads_the_output_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassettes = cassettes_or_skip()
    use_fast_openai(monkeypatch)
    write_copies(tmp_path / "in", copies=1)
    for out, output_format in ((tmp_path / "in" / "out.jsonl", "jsonl"), (tmp_path / "in" / "tables", "csv")):
        with FaultServer(cassettes) as server:
            for status in ("ok", "skipped"):  # the second time, the output is there to be found
                outcomes = list(extract_files(expand_inputs([tmp_path / "in"], globs=["*"]), out=out,
                                              output_format=output_format, base_url=server.url, **OPENAI))
                assert [Path(o.path).parent.name for o in outcomes] == ["in"] * 5
                assert {o.status for o in outcomes} == {status}
        (tmp_path / "in" / "out.jsonl").unlink(missing_ok=True)


def test_fault_server_replays_by_content_and_injects_each_fault(tmp_path: Path) -> None:
    import httpx
    import yaml

    asked = {"messages": [{"role": "system", "content": "List."}, {"role": "user", "content": "Article:\nText."}],
             "response_format": {"type": "json_object"}, "model": "recorded"}
    answer = json.dumps({"choices": [{"message": {"role": "assistant", "content": "{}"}}]})
    cassette = tmp_path / "one.yaml"
    cassette.write_text(yaml.safe_dump({"version": 1, "interactions": [{
        "request": {"method": "POST", "uri": "http://x/v1/chat/completions", "body": json.dumps(asked)},
        "response": {"status": {"code": 200, "message": "OK"}, "body": {"string": answer}}}]}))
    copy = {**asked, "model": "other", "messages": [asked["messages"][0], {
        "role": "user", "content": "Article:\nText.\n\n[copy t-07]"}]}
    with FaultServer([cassette], max_requests=3) as server:
        url = f"{server.url}/chat/completions"
        assert httpx.post(url, json=copy).text == answer  # the copy line and the model name are ignored
        other = {**asked, "messages": [asked["messages"][0], {"role": "user", "content": "Other."}]}
        assert httpx.post(url, json=other).status_code == 400
        assert httpx.post(url, json=asked).status_code == 200
        assert httpx.post(url, json=asked).status_code == 503  # past max_requests
        assert server.stats() == {"requests": 4, "answered": 2, "unmatched": 1, "faults": {"503": 1},
                                  "faults_total": 1}
        assert server.per_article["t-07"] == 1
    checks = {
        "429": lambda r: r.status_code == 429 and r.headers["retry-after"] == "0.01",
        "500": lambda r: r.status_code == 500,
        "503": lambda r: r.status_code == 503,
        "truncated": lambda r: r.status_code == 200 and not r.text.endswith("}"),
        "non_json": lambda r: "sorry" in r.json()["choices"][0]["message"]["content"],
    }
    for kind in ("429", "500", "503", "truncated", "non_json", "drop", "slow"):
        with FaultServer([cassette], fault_rate=1.0, faults=[kind], slow_seconds=1.0) as server:
            try:
                response = httpx.post(f"{server.url}/chat/completions", json=asked, timeout=0.3)
            except httpx.RemoteProtocolError:
                assert kind == "drop"
            except httpx.ReadTimeout:
                assert kind == "slow"
            else:
                assert checks[kind](response), kind
            assert server.stats()["faults"] == {kind: 1}
    with FaultServer([cassette], max_seconds=0.2) as server:
        time.sleep(0.5)
        with pytest.raises(httpx.ConnectError):  # it stopped itself
            httpx.post(f"{server.url}/chat/completions", json=asked, timeout=1.0)
