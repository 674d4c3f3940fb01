"""Validate records (JSON or JSONL) against the published schema and check their evidence offsets.

Run from the repository root:  python examples/validate_outputs.py out.jsonl [more files...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from diplo_extract.outputs.record_check import validate_file

paths = [Path(arg) for arg in sys.argv[1:]] or sorted(Path(".").glob("*.json"))
if not paths:
    sys.exit("give JSON or JSONL files of records (e.g. the output of examples/extract_one.py)")
bad = 0
for path in paths:
    report = validate_file(path)
    print(f"{path}: {report.records} records, {report.valid} valid, {report.spans_checked} evidence spans checked")
    for problem in report.problems:
        print(f"  {problem}")
    bad += len(report.problems)
sys.exit(1 if bad else 0)
