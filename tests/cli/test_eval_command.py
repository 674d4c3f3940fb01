"""``diplo-extract eval`` end to end: the example articles' recorded answers replayed by a loopback server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.fault_server import FaultServer, cassettes_or_skip

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "eval" / "dev"
ARTICLES = ("000_e11c53e7fe71c602", "002_2dc1c5029a882417", "003_46b9469aa1065f21")


def test_eval_scores_every_article_with_several_at_once_and_writes_the_report(tmp_path: Path) -> None:
    cassettes = cassettes_or_skip()
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for stem in ARTICLES:
        for suffix in (".txt", ".gold.json"):
            shutil.copy(DEV / f"{stem}{suffix}", gold_dir / f"{stem}{suffix}")
    env = {**os.environ, "DIPLO_EXTRACT_SERVER_FLAVOR": "llama_cpp",
           "DIPLO_EXTRACT_RESULT_CACHE": str(tmp_path / "cache.sqlite")}
    with FaultServer(cassettes) as server:
        run = subprocess.run([sys.executable, "-m", "diplo_extract", "eval", str(gold_dir), "-j", "3",
                              "--backend", "openai", "--base-url", server.url, "--model", "fault-server",
                              "--report", str(tmp_path / "report.json")],
                             capture_output=True, text=True, env=env, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [row["article_id"] for row in report["rows"]] == list(ARTICLES)  # the folder's order, not finish order
    assert not any(row["error"] for row in report["rows"])
    meetings = report["score"]["fields"]["meetings"]
    assert meetings["tp"] >= 3, meetings  # each example's meetings were found in its recorded answers
    assert "overall" in run.stdout and all(stem in run.stdout for stem in ARTICLES)
