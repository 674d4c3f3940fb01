"""``diplo-extract batch --engine ray`` on a real local Ray (2 CPUs), against the fault server's recorded answers."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support.fault_server import EXAMPLE_DIR, FaultServer, cassettes_or_skip, copy_line, write_copies

from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.runs.ray_batch import split_inputs

pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' (CI installs it)")
pa = pytest.importorskip("pyarrow", reason="pyarrow comes with ray[data]: pip install -e '.[ray]'")
pq = pytest.importorskip("pyarrow.parquet")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _start(args: list[str], server: FaultServer, cache: Path) -> subprocess.Popen[str]:
    # A session of its own, so the helpers Ray starts for it can be ended with it (see _end_group).
    env = {**os.environ, "DIPLO_EXTRACT_SERVER_FLAVOR": "llama_cpp", "PYTHONUNBUFFERED": "1",
           "DIPLO_EXTRACT_RESULT_CACHE": str(cache), "RAY_NUM_CPUS": "2"}
    command = [sys.executable, "-m", "diplo_extract", "batch", *args, "--engine", "ray", "--actors", "2", "-j", "1",
               "--backend", "openai", "--base-url", server.url, "--model", "fault-server", "--no-cache"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)


def _end_group(process: subprocess.Popen[str]) -> None:
    """Ray's helpers of a killed driver exit by themselves within seconds; do not leave them to chance."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _wait_for_lines(path: Path, count: int, process: subprocess.Popen[str], limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"the batch wrote fewer than {count} lines in {limit}s (exit {process.poll()})")


def _inputs(folder: Path) -> tuple[dict[str, str], set[str]]:
    """Article copies, a JSONL and a Parquet file of articles, two bad files: label by line path, bad paths."""
    copies = write_copies(folder / "articles", copies=3)
    labels = {str(path): label for path, label in copies.items()}
    examples = sorted(EXAMPLE_DIR.glob("*.txt"))
    rows = []
    for n, source in enumerate(examples[:2]):
        label = f"jsonl-{n}"
        rows.append({"id": label, "published": "2021-06-08",
                     "text": f"{source.read_text(encoding='utf-8').rstrip()}\n\n{copy_line(label)}\n"})
        labels[label] = label
    (folder / "more.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    table = pa.table({"id": [f"pq-{n}" for n in range(2)],
                      "text": [f"{p.read_text(encoding='utf-8').rstrip()}\n\n{copy_line(f'pq-{n}')}\n"
                               for n, p in enumerate(examples[2:4])]})
    pq.write_table(table, folder / "more.parquet")
    labels.update({f"pq-{n}": f"pq-{n}" for n in range(2)})
    (folder / "articles" / "empty.txt").write_bytes(b"")
    (folder / "articles" / "binary.txt").write_bytes(bytes(range(256)) * 8)
    return labels, {str(folder / "articles" / "empty.txt"), str(folder / "articles" / "binary.txt")}


def test_split_inputs_sends_jsonl_and_parquet_to_ray_readers(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.jsonl").write_text("{}\n")
    (tmp_path / "c.parquet").write_bytes(b"")
    articles, datasets = split_inputs([tmp_path / "a.txt", tmp_path / "b.jsonl", tmp_path / "c.parquet",
                                       tmp_path / "missing.jsonl"])
    assert articles == [tmp_path / "a.txt", tmp_path / "missing.jsonl"]  # a missing file gets a failure line
    assert datasets == {"json": [str(tmp_path / "b.jsonl")], "parquet": [str(tmp_path / "c.parquet")]}


def test_ray_cli_sigkill_then_resume_each_article_exactly_once(tmp_path: Path) -> None:
    cassettes = cassettes_or_skip()
    labels, bad = _inputs(tmp_path / "in")
    inputs = [str(tmp_path / "in" / "articles"), str(tmp_path / "in" / "more.jsonl"),
              str(tmp_path / "in" / "more.parquet")]
    out = tmp_path / "out.jsonl"
    total = len(labels) + len(bad)
    with FaultServer(cassettes, latency=0.3) as server:
        first = _start([*inputs, "--out", str(out)], server, tmp_path / "cache.db")
        _wait_for_lines(out, 5, first)
        first.send_signal(signal.SIGKILL)  # the driver, mid-run: no chance to compact or shut Ray down
        first.wait(30)
        _end_group(first)
        killed = _lines(out)
        assert 5 <= len(killed) < total
        done = {line["path"] for line in killed if line["status"] == "ok"}
        with out.open("ab") as fh:  # as if the kill had landed in the middle of a write
            fh.write(b'{"status": "ok", "path": "half a li')
        server.reset_counts()
        second = _start([*inputs, "--out", str(out)], server, tmp_path / "cache.db")
        _, stderr = second.communicate(timeout=240)
        resent = {label: n for label, n in server.per_article.items() if label in {labels[p] for p in done}}
        assert server.stats()["unmatched"] == 0
    assert second.returncode == 1, stderr  # the two bad files failed
    lines = _lines(out)
    paths = [line["path"] for line in lines]
    assert sorted(paths) == sorted([*labels, *bad])  # each article exactly once
    assert resent == {}, f"articles already done were sent again: {resent}"
    for line in lines:
        if line["path"] in bad:
            assert line["status"] == "failed" and line["error"]["type"] == "InputFileError"
            continue
        assert line["status"] == "ok", line
        record = ArticleExtraction.model_validate(line["record"])
        assert record.article.content_sha256 == line["sha256"] and record.article.source_path == line["path"]
    summary = stderr.strip().splitlines()[-1]
    assert summary.startswith(f"done {len(labels) - len(done)}, failed 2, skipped (resume) {len(done)}, cached 0, ")
    assert "tokens " in summary
    print(f"\nray resume: killed after {len(killed)} of {total} lines; resumed: {summary}")
