"""Extract one example article with the embedded model and print a short summary and the JSON record.

Run from the repository root:  python examples/extract_one.py [path/to/article.txt]
"""

from __future__ import annotations

import sys
from pathlib import Path

from diplo_extract import extract_file

article = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "articles" / "000_e11c53e7fe71c602.txt"
record = extract_file(article)

for meeting in record.meetings:
    people = ", ".join(f"{p.name or p.organization} ({p.country or '-'})" for p in meeting.participants)
    threats = ", ".join(t.category.value for t in meeting.threats) or "none"
    print(f"{meeting.kind.value} on {meeting.date or 'unknown date'}: {people}; threats: {threats}")
print(f"{record.provenance.seconds_total:.0f}s, {record.provenance.usage.total_tokens} tokens, "
      f"{record.grounded_share():.0%} of evidence grounded")

out = Path(article.stem + ".json")
out.write_text(record.model_dump_json(indent=2), encoding="utf-8")
print(f"record written to {out}")
