"""Extract every article in a folder into one JSONL file; a second run skips what the first finished.

Run from the repository root:  python examples/batch_folder.py [FOLDER] [OUT.jsonl]
(defaults: examples/articles and batch.jsonl). Choose the backend as for any call: DIPLO_EXTRACT_BACKEND,
or OPENAI_BASE_URL / DIPLO_EXTRACT_MODEL for an OpenAI-compatible endpoint.
"""

from __future__ import annotations

import sys
from pathlib import Path

from diplo_extract.runs.batch import extract_files

folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "articles"
out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("batch.jsonl")

counts = {"ok": 0, "failed": 0, "skipped": 0}
# A generator: each article is written to `out` as it finishes, so an interrupted run loses at most one.
for outcome in extract_files([folder], out=out, resume=True):
    counts[outcome.status] += 1
    if outcome.record is not None:
        print(f"ok      {outcome.path}: {len(outcome.record.meetings)} meetings")
    elif outcome.status == "failed":
        error = outcome.error or {}
        print(f"failed  {outcome.path}: {error.get('type')}: {error.get('message')}")
print(f"{out}: {counts['ok']} extracted, {counts['failed']} failed, {counts['skipped']} already done")
print(f"next: python examples/html_report.py {out}   or   python examples/pandas_tables.py {out}")
