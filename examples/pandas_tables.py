"""Load records into pandas: flat CSV tables of meetings, participants, agreements and threats.

Run from the repository root:  python examples/pandas_tables.py batch.jsonl [TABLES_DIR]
(the JSONL of examples/batch_folder.py or `diplo-extract extract --format jsonl`; tables go to
TABLES_DIR, default "tables"). Needs pandas, which diplo_extract itself does not: pip install pandas.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    import pandas as pd
except ImportError:
    sys.exit("this example needs pandas, which diplo_extract does not install: pip install pandas")

from diplo_extract.outputs.records import records_in
from diplo_extract.outputs.tables import write_tables

if len(sys.argv) < 2:
    sys.exit(__doc__)
paths = write_tables(records_in(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path("tables"))
meetings = pd.read_csv(paths["meetings"])
participants = pd.read_csv(paths["participants"])
threats = pd.read_csv(paths["threats"])
print(f"{len(meetings)} meetings, {len(participants)} participants, {len(threats)} threats "
      f"(tables in {paths['meetings'].parent})")
if meetings.empty:
    sys.exit(0)

print("\nmeetings by kind:")
print(meetings.groupby("kind").size().sort_values(ascending=False).to_string())
print("\nthreats discussed, by category:")
print(threats["category"].value_counts().to_string())

# meeting_id joins the tables: who met whom, when.
people = participants.merge(meetings[["meeting_id", "kind", "date"]], on="meeting_id")
print("\nmeetings per participant country:")
print(people.groupby("country")["meeting_id"].nunique().sort_values(ascending=False).to_string())
print("\nevidence located in the text: "
      f"{participants['evidence_grounded'].fillna(False).astype(bool).mean():.0%} of participants")
