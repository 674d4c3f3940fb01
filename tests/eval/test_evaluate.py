"""The evaluation report as printed: rich tables on a terminal, full Markdown tables when piped."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from test_scoring import DEV, from_gold_file

from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import InputFileError
from diplo_extract.eval.evaluate import render_report, run_eval


def test_piped_report_has_full_markdown_tables() -> None:
    report = run_eval(DEV, from_gold_file)
    piped = Console(file=io.StringIO(), width=80)  # what `diplo-extract eval ... > report.txt` gets
    render_report(report, piped)
    text = piped.file.getvalue()  # type: ignore[attr-defined]
    assert "…" not in text and "\x1b[" not in text  # nothing cut, no terminal colours
    lines = text.splitlines()
    assert "## per article" in lines and any(len(line) > 80 for line in lines)
    header = next(line for line in lines if line.startswith("| article"))
    assert header.split("|")[2].strip() == "meetings pred/gold" and "seconds" in header
    for row in report.rows:  # every article, its whole id, in a Markdown row
        assert any(line.startswith(f"| {row.article_id} ") for line in lines), row.article_id
    assert lines[-1].startswith(f"articles {len(report.rows)}, failed 0")


def test_terminal_report_keeps_rich_tables() -> None:
    report = run_eval(DEV, from_gold_file)
    terminal = Console(file=io.StringIO(), width=100, force_terminal=True)
    render_report(report, terminal)
    text = terminal.file.getvalue()  # type: ignore[attr-defined]
    assert "┏" in text and "## per article" not in text


def test_a_malformed_gold_file_stops_the_run_before_any_extraction(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text("The ministers met on Monday.", encoding="utf-8")
    (tmp_path / "a.gold.json").write_text(json.dumps({"meetings": []}), encoding="utf-8")
    (tmp_path / "b.gold.json").write_text("{not json", encoding="utf-8")
    asked: list[str] = []

    def extract(text: str, article_id: str) -> ArticleExtraction:
        asked.append(article_id)
        raise AssertionError("no extraction may run before every gold file is read")

    with pytest.raises(InputFileError):
        run_eval(tmp_path, extract)
    assert asked == []
