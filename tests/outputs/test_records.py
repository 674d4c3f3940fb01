from __future__ import annotations

import json
from pathlib import Path

from test_tables import _record

from diplo_extract.outputs.records import records_in


def test_records_in_reads_batch_and_extract_outputs(tmp_path: Path) -> None:
    record = _record("e" * 64, [])
    journal = tmp_path / "out.jsonl"
    journal.write_text("\n".join([
        json.dumps({"status": "ok", "path": "a.txt", "sha256": "e" * 64, "record": record.model_dump(mode="json")}),
        json.dumps({"status": "failed", "path": "b.txt", "sha256": None, "error": {"type": "InputFileError"}}),
        record.model_dump_json(),
        "",
        '{"status": "ok", "path": "cut',
    ]), encoding="utf-8")
    assert list(records_in(journal)) == [record, record]
