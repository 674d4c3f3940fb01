"""The command line: one clear line and a non-zero exit for every deliberate error, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diplo_extract.cli.app import app

runner = CliRunner()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "diplo_extract", *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize(("make", "reason"), [
    (lambda d: d / "missing.txt", "does not exist"),
    (lambda d: d, "directory"),
    (lambda d: ((d / "empty.txt").write_text("") and d / "empty.txt") or d / "empty.txt", "empty"),
    (lambda d: (d / "bin.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50) and d / "bin.txt", "binary"),
])
def test_bad_input_files_give_one_line_and_exit_2(tmp_path: Path, make: object, reason: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    result = _run("extract", str(path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert reason in lines[0].lower()


def test_unreachable_endpoint_is_a_runtime_error_exit_1(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Minister A met Minister B in Astana on Monday.")
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    result = subprocess.run(
        [sys.executable, "-m", "diplo_extract", "extract", str(article), "--backend", "openai",
         "--base-url", "http://127.0.0.1:9/v1", "--model", "m"],
        capture_output=True, text=True, timeout=300, check=False,
        env={**__import__("os").environ, "DIPLO_EXTRACT_MAX_ATTEMPTS": "2"},
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and "127.0.0.1:9" in result.stderr


def test_unknown_backend_is_a_configuration_error(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Minister A met Minister B.")
    result = runner.invoke(app, ["extract", str(article), "--backend", "carrier-pigeon"])
    assert result.exit_code == 2
    assert "unknown backend 'carrier-pigeon'" in result.output


def test_schema_prints_the_published_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "ArticleExtraction"
    assert {"article", "meetings", "provenance"} <= set(schema["properties"])


def test_validate_reports_schema_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"article": {"content_sha256": "zz", "char_count": -1}, "provenance": {}}\nnot json\n')
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "2 records, 0 valid" in result.output


def test_model_info_reports_the_expected_checksum() -> None:
    result = runner.invoke(app, ["model", "info"])
    assert result.exit_code == 0
    info = json.loads(result.output)
    assert info["expected_sha256"] == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
