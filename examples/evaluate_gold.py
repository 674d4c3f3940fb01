"""Score the extractor against a folder of gold annotations (<id>.txt + <id>.gold.json pairs).

Run from the repository root:  python examples/evaluate_gold.py [GOLD_DIR] [REPORT.json]
(default eval/dev). The same as `diplo-extract eval`, written out so you can swap in your own extractor:
anything taking (article_text, article_id) and returning an ArticleExtraction can be scored. Gold files
reviewed in an HTML report (`diplo-extract report`, review mode) drop into such a folder as they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from diplo_extract.api import extract_source
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.eval.evaluate import render_report, run_eval, write_report_json
from diplo_extract.text.reader import article_from_text

gold_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("eval/dev")


def extract(text: str, article_id: str) -> ArticleExtraction:
    # The path is only a label carried into the record; offsets refer to `text` exactly as given.
    return extract_source(article_from_text(text, path=str(gold_dir / f"{article_id}.txt")))


def progress(article_id: str, score: object, error: Exception | None) -> None:
    print(f"{article_id}: {'failed: ' + str(error) if error else 'scored'}", file=sys.stderr)


report = run_eval(gold_dir, extract, on_article=progress)
render_report(report, Console())
if len(sys.argv) > 2:
    write_report_json(report, Path(sys.argv[2]))
    print(f"full report written to {sys.argv[2]}")
