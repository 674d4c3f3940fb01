"""The hostile-input suite (issue 14): every CLI command over bad files and bad servers.

Each case runs the real command in a subprocess and asserts what a user (or an attacker) would see: the
documented exit code, errors as one line on stderr, bounded time and memory (the child's peak resident set,
measured by ``tests/support/peak_rss.py``), and no secret in anything written (stdout, stderr, output files,
the result cache). Every server is ``tests/support/fault_server.py`` on 127.0.0.1 with its own time limit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.fault_server import FaultServer

from diplo_extract.core.schema import ArticleExtraction, ArticleMeta, Provenance
from diplo_extract.outputs.records import json_line

PASSWORD = "url-pa55word-4242"
API_KEY = "sk-hostile-abcdefghijklmnop0123"
SECRETS = (PASSWORD, API_KEY, API_KEY[3:])
ARTICLE = "Minister A met Minister B in Astana on Monday, the ministry said in a statement.\n"
MAX_RSS_MB = 700  # the CLI with its imports needs about 200; /dev/zero read whole needed gigabytes
ROOT = Path(__file__).resolve().parents[2]
PEAK_RSS = ROOT / "tests" / "support" / "peak_rss.py"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_cli(*args: str, env: dict[str, str] | None = None, limit: float = 60.0) -> Run:
    """Run ``diplo-extract ARGS``; killed (and the test failed) after ``limit`` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as scratch:
        status_file = Path(scratch) / "status"
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, str(PEAK_RSS), str(status_file),
                                    sys.executable, "-m", "diplo_extract", *args], stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                                   start_new_session=True, cwd=ROOT)
        killer = threading.Timer(limit, lambda: os.killpg(process.pid, signal.SIGKILL))
        killer.start()
        try:
            launcher_code = process.wait()
        finally:
            killer.cancel()
        seconds = time.monotonic() - started
        assert launcher_code != -signal.SIGKILL, f"killed after {limit} s: diplo-extract {' '.join(args)}"
        code, peak_kib = (int(field) for field in status_file.read_text(encoding="ascii").split())
        out.seek(0)
        err.seek(0)
        run = Run(code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                  seconds, peak_kib / 1024)
    assert run.code != -signal.SIGKILL, f"killed after {limit} s: diplo-extract {' '.join(args)}"
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.max_rss_mb < MAX_RSS_MB, run.max_rss_mb
    return run


def one_error_line(run: Run, code: int, *words: str) -> str:
    assert run.code == code, (run.code, run.stderr[-2000:])
    assert len(run.error_lines) == 1, run.stderr[-2000:]
    (line,) = run.error_lines
    assert line.startswith("error: ") and len(line) < 1200 and "\x1b" not in line
    for word in words:
        assert word in line, line
    return line


def no_secret_in(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DIPLO_EXTRACT_RESULT_CACHE": str(tmp_path / "cache.sqlite"), "DIPLO_EXTRACT_MAX_ATTEMPTS": "2",
            "DIPLO_EXTRACT_TIMEOUT": "2", "OPENAI_API_KEY": API_KEY}


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    yield path


def _record() -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleMeta(content_sha256="e" * 64, char_count=3),
        provenance=Provenance(backend="openai", model="m", prompt_version="p", library_version="0",
                              extracted_at="2025-01-01T00:00:00Z", seconds_total=1, seconds_model=1))


def _with_password(url: str) -> str:
    return url.replace("http://", f"http://bob:{PASSWORD}@")


# --- bad files ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["extract", "validate", "report"])
def test_a_fifo_is_refused_at_once(command: str, fifo: Path, env: dict[str, str]) -> None:
    run = run_cli(command, str(fifo), env=env)
    one_error_line(run, 2, "not a regular file")


@pytest.mark.parametrize("command", ["validate", "report"])
def test_dev_zero_is_refused_without_reading_it(command: str, env: dict[str, str]) -> None:
    run = run_cli(command, "/dev/zero", env=env, limit=30)
    one_error_line(run, 2, "not a regular file")
    assert run.seconds < 20


def test_validate_and_report_over_a_corpus_of_hostile_lines(tmp_path: Path, env: dict[str, str]) -> None:
    record = _record()
    record = record.model_copy(update={"article": record.article.model_copy(update={"title": "a\u2028b\u2029c"})})
    ok = json_line({"status": "ok", "path": "a.txt", "sha256": "e" * 64, "record": record.model_dump(mode="json")})
    failed = json_line({"status": "failed", "path": "b.txt", "sha256": None,
                        "error": {"type": "TransportError", "message": "down", "reason": None, "attempts": 5}})
    out = tmp_path / "out.jsonl"
    out.write_text(f"{ok}\n{failed}\n{ok}\n", encoding="utf-8")
    run = run_cli("validate", str(out), env=env)
    assert run.code == 0 and run.stderr == "", run.stderr
    assert "2 records, 2 valid" in run.stdout and "1 failure lines skipped" in run.stdout

    hostile = tmp_path / "hostile.jsonl"
    hostile.write_bytes(b"\n".join([ok.encode(), b"123", b"null", b"[1,2]", b"[" * 100_000, b"9" * 5000,
                                    b"\x1b[2J\x07 not json", b"\xff\xfe", ok.encode(), b""]))
    run = run_cli("validate", str(hostile), env=env)
    assert run.code == 1 and "2 valid" in run.stdout
    assert all("\x1b" not in line and len(line) < 700 for line in run.error_lines)

    page = tmp_path / "report.html"
    run = run_cli("report", str(hostile), "-o", str(page), env=env)
    assert all(line.startswith("note: ") and "\x1b" not in line for line in run.error_lines)
    assert len(run.error_lines) <= 21


def test_report_into_a_read_only_folder_is_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    if os.geteuid() == 0:
        target = "/proc/version/report.html"  # not writable even by root
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        target = str(folder / "report.html")
    records = tmp_path / "r.jsonl"
    records.write_text("\n", encoding="utf-8")
    one_error_line(run_cli("report", str(records), "-o", target, env=env), 1, "cannot write the report")


def test_validate_does_not_quote_a_file_a_record_names(tmp_path: Path, env: dict[str, str]) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:TOP-SECRET-HASH:19000:0:99999:7:::\n", encoding="utf-8")
    record = _record()
    record = record.model_copy(update={"article": record.article.model_copy(update={"source_path": str(secret)})})
    out = tmp_path / "r.json"
    out.write_text(record.model_dump_json(), encoding="utf-8")
    run = run_cli("validate", str(out), env=env)
    assert run.code == 0 and "TOP-SECRET" not in run.stdout + run.stderr


def test_invalid_utf8_is_warned_about(tmp_path: Path, env: dict[str, str]) -> None:
    from diplo_extract.text.reader import read_article

    path = tmp_path / "a.txt"
    path.write_bytes("Лавров встретился с Ваном И.".encode() + b"\xff")
    source = read_article(path)  # the CLI prints the same warning through logging; no model is run here
    assert source.warnings and "not valid UTF-8" in source.warnings[0] and source.text.startswith("Лавров")


# --- bad servers --------------------------------------------------------------------------------------------


def test_not_a_url_is_a_configuration_error(article: Path, env: dict[str, str]) -> None:
    run = run_cli("extract", str(article), "--backend", "openai", "--base-url", "not a url", "--model", "m", env=env)
    one_error_line(run, 2, "not an http:// or https:// URL")
    assert run.seconds < 20


def test_a_redirect_is_a_configuration_error(article: Path, env: dict[str, str]) -> None:
    with FaultServer(cassettes=[], mode="redirect", max_seconds=60) as server:
        run = run_cli("extract", str(article), "--base-url", _with_password(server.url), "--model", "m", env=env)
    one_error_line(run, 2, "redirect (HTTP 302)", "/moved/v1")
    no_secret_in(run.stdout, run.stderr)


@pytest.mark.parametrize("mode", ["big_error", "echo_headers"])
def test_server_error_text_is_cut_escaped_and_redacted(mode: str, article: Path, env: dict[str, str]) -> None:
    with FaultServer(cassettes=[], mode=mode, max_seconds=60) as server:
        run = run_cli("extract", str(article), "--base-url", _with_password(server.url), "--model", "m", env=env)
    one_error_line(run, 1, "failed after 2 attempts")
    assert len(run.stdout) + len(run.stderr) < 2000
    no_secret_in(run.stdout, run.stderr)


def test_a_dripping_server_costs_at_most_the_timeout_per_attempt(article: Path, env: dict[str, str]) -> None:
    with FaultServer(cassettes=[], mode="drip", drip_interval=0.4, max_seconds=120) as server:
        run = run_cli("extract", str(article), "--base-url", server.url, "--model", "m", env=env, limit=90)
    one_error_line(run, 1, "timed out")
    assert run.seconds < 2 * 2 + 15, run.seconds  # 2 attempts of 2 s, plus start-up on a busy machine


def test_batch_failure_lines_stay_small_and_the_fifo_gets_one(tmp_path: Path, article: Path, fifo: Path,
                                                              env: dict[str, str]) -> None:
    out = tmp_path / "out.jsonl"
    with FaultServer(cassettes=[], mode="big_error", max_seconds=60) as server:
        run = run_cli("batch", str(article), str(fifo), "-o", str(out), "--base-url", _with_password(server.url),
                      "--model", "m", env=env, limit=60)
    assert run.code == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {Path(line["path"]).name: line["error"]["type"] for line in lines} == {
        "article.txt": "TransportError", "pipe.txt": "InputFileError"}
    assert out.stat().st_size < 4000
    no_secret_in(out.read_text(encoding="utf-8"), run.stdout, run.stderr)


def test_secrets_reach_no_record_no_cache_and_no_output(tmp_path: Path, article: Path, env: dict[str, str]) -> None:
    out = tmp_path / "out.jsonl"
    with FaultServer(cassettes=[], mode="llama_cpp", max_seconds=60) as one, \
            FaultServer(cassettes=[], mode="llama_cpp", max_seconds=60) as two:
        # Two servers, one per --base-url: repeats add up, as commas do.
        extract = run_cli("extract", str(article), "--base-url", _with_password(one.url), "--base-url",
                          _with_password(two.url), "--model", "m", env=env)
        batch = run_cli("batch", str(article), "-o", str(out), "--base-url", _with_password(one.url), "--model",
                        "m", "--no-cache", env=env)
    assert extract.code == 0 and batch.code == 0, extract.stderr + batch.stderr
    record = json.loads(extract.stdout)
    assert record["provenance"]["endpoint"].startswith("http://***@127.0.0.1:")
    assert len(one.seen) + len(two.seen) >= 2 and min(len(one.seen), len(two.seen)) >= 0
    # llama.cpp's refusal was recognised without DIPLO_EXTRACT_SERVER_FLAVOR: the article was extracted.
    assert {s["response_format"]["type"] for s in one.seen + two.seen} >= {"json_object"}
    cache = Path(env["DIPLO_EXTRACT_RESULT_CACHE"])
    written = [extract.stdout, extract.stderr, batch.stdout, batch.stderr, out.read_text(encoding="utf-8")]
    written += [p.read_bytes().decode("latin-1") for p in cache.parent.glob(cache.name + "*")]
    no_secret_in(*written)
