"""Render records as one self-contained HTML page: evidence highlighted in each article beside its record.

Run from the repository root:  python examples/html_report.py batch.jsonl [report.html]
(a JSONL of records or batch lines, or one JSON record). Article texts are read from each record's
article.source_path; records whose text is missing or changed are listed at the top of the page. Open the page
in any browser, offline; its review mode downloads <article_id>.gold.json files for `diplo-extract eval`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from diplo_extract.outputs.plover import events_csv
from diplo_extract.outputs.report_html import load_report_items, write_report

if len(sys.argv) < 2:
    sys.exit(__doc__)
source = Path(sys.argv[1])
out = Path(sys.argv[2]) if len(sys.argv) > 2 else source.with_suffix(".html")

result = write_report(source, out)
for note in result.notes:
    print(f"note: {note}")
print(f"{out}: {result.articles} articles")

# The same records as PLOVER events, one row per event with its evidence sentence.
items, _ = load_report_items(source)
rows = events_csv(items, out.with_suffix(".events.csv"))
print(f"{out.with_suffix('.events.csv')}: {rows} events")
