"""The evaluation report as printed: rich tables on a terminal, full Markdown tables when piped."""

from __future__ import annotations

import io

from rich.console import Console
from test_scoring import DEV, from_gold_file

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
