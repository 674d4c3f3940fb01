"""``validate`` over untrusted records: failure lines skipped, named files not quoted, every grounded span checked."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from test_tables import _record

from diplo_extract.core.schema import ArticleExtraction, MatchMethod, Span
from diplo_extract.outputs.record_check import span_problem, validate_file
from diplo_extract.outputs.records import json_line

TEXT = "Minister A met Minister B in Astana on Monday."


def _with_source(path: Path | None, text: str = TEXT) -> ArticleExtraction:
    record = _record(hashlib.sha256(text.encode()).hexdigest(), [])
    return record.model_copy(update={"article": record.article.model_copy(
        update={"source_path": None if path is None else str(path), "char_count": len(text)})})


def test_failure_lines_of_a_batch_are_skipped_not_problems(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    ok = json_line({"status": "ok", "path": "a.txt", "sha256": "e" * 64,
                    "record": _with_source(None).model_dump(mode="json")})
    failed = json_line({"status": "failed", "path": "b.txt", "sha256": None,
                        "error": {"type": "TransportError", "message": "x", "reason": None, "attempts": 5}})
    out.write_text(f"{ok}\n{failed}\n", encoding="utf-8")
    report = validate_file(out)
    assert (report.records, report.valid, report.failures, report.problems) == (1, 1, 1, [])
    assert "1 failure lines skipped" in report.summary()


def test_a_named_file_whose_hash_differs_is_neither_checked_nor_quoted(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:TOP-SECRET-LINE:/root:/bin/bash\n" * 3, encoding="utf-8")
    record = _with_source(secret)
    span = Span(quote="Minister A", start=0, end=10, grounded=True, match=MatchMethod.EXACT, score=100)
    record = record.model_copy(update={"meetings": [_meeting(span)]})
    out = tmp_path / "r.json"
    out.write_text(record.model_dump_json(), encoding="utf-8")
    report = validate_file(out)
    assert report.problems == [] and report.unchecked == 1 and report.spans_checked == 0
    assert "TOP-SECRET" not in report.summary()


def test_an_unreadable_named_file_does_not_abort(tmp_path: Path) -> None:
    record = _with_source(Path("/dev/zero"))
    out = tmp_path / "r.jsonl"
    out.write_text(record.model_dump_json() + "\n" + record.model_dump_json() + "\n", encoding="utf-8")
    report = validate_file(out)
    assert report.valid == 2 and report.problems == []


def test_the_matching_named_file_is_checked(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    wrong = Span(quote="Minister A", start=15, end=25, grounded=True, match=MatchMethod.EXACT, score=100)
    out = tmp_path / "r.json"
    out.write_text(_with_source(article).model_copy(update={"meetings": [_meeting(wrong)]}).model_dump_json(),
                   encoding="utf-8")
    report = validate_file(out)
    assert report.spans_checked == 1 and len(report.problems) == 1


def test_grounded_with_match_none_is_a_problem() -> None:
    span = Span(quote="anything", start=0, end=5, grounded=True, match=MatchMethod.NONE, score=0)
    assert "match 'none'" in (span_problem(span, TEXT) or "")


def test_problem_excerpts_are_short() -> None:
    span = Span(quote="q" * 10_000, start=0, end=len(TEXT), grounded=True, match=MatchMethod.EXACT, score=100)
    problem = span_problem(span, TEXT) or ""
    assert 0 < len(problem) < 400


def _meeting(span: Span) -> object:
    from diplo_extract.core.schema import Meeting

    return Meeting.model_validate({"kind": "meeting", "status": "held", "evidence": json.loads(span.model_dump_json())})
