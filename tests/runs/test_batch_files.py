"""Batch request files and their results: valid lines, live-identical bodies, records equal to the live replay."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

import httpx
from openai.types.chat import ChatCompletion
from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming
from pydantic import BaseModel, ConfigDict, TypeAdapter
from support.fault_server import EXAMPLE_DIR, FaultServer, cassettes_or_skip, load_answers, match_key

from diplo_extract.backends.base import GenerationSettings
from diplo_extract.backends.embedded import LLAMA_CPP_EXTRAS
from diplo_extract.backends.openai_compat import OpenAICompatibleBackend
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.runs.batch_files import emit_requests, ingest_results
from diplo_extract.text.reader import read_article

MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
ARTICLES = sorted(EXAMPLE_DIR.glob("*.txt"))
LLAMA: dict[str, Any] = {"model": MODEL, "server_flavor": "llama_cpp", "extra_body": dict(LLAMA_CPP_EXTRAS)}
CUSTOM_ID = re.compile(r"^[0-9a-f]{64}:(meetings|threats|commitments):\d+$")


class BatchLine(BaseModel):
    """One line of an OpenAI Batch API (and vllm run-batch) input file."""

    model_config = ConfigDict(extra="forbid")
    custom_id: str
    method: Literal["POST"]
    url: Literal["/v1/chat/completions"]
    body: dict[str, Any]


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _live(article: Path, server: FaultServer) -> tuple[ArticleExtraction, list[dict[str, Any]]]:
    """The live replay of one article, and the request bodies it sent."""
    sent: list[dict[str, Any]] = []
    client = httpx.Client(event_hooks={"request": [lambda request: sent.append(json.loads(request.content))]})
    backend = OpenAICompatibleBackend(model=MODEL, base_url=server.url, http_client=client, server_flavor="llama_cpp",
                                      settings=GenerationSettings(extra_body=dict(LLAMA_CPP_EXTRAS)))
    try:
        return Extractor(backend).extract(read_article(article)), sent
    finally:
        backend.close()


def test_emitted_lines_are_valid_batch_requests_with_unique_ids(tmp_path: Path) -> None:
    (tmp_path / "copy.txt").write_bytes(ARTICLES[0].read_bytes())  # same text: written once
    report = emit_requests([*ARTICLES, tmp_path / "copy.txt", tmp_path / "missing.txt"], tmp_path / "req.jsonl",
                           model="gpt-4o-mini", server_flavor="openai", extra_body={})
    lines = _read(tmp_path / "req.jsonl")
    assert (report.articles, report.requests, len(lines)) == (5, 10, 10)  # two passes (no threat pass), one chunk
    assert report.duplicates == [str(tmp_path / "copy.txt")] and list(report.failed) == [str(tmp_path / "missing.txt")]
    ids = [BatchLine.model_validate(line).custom_id for line in lines]
    assert len(set(ids)) == len(ids) and all(CUSTOM_ID.match(i) for i in ids)
    shas = {read_article(a).sha256 for a in ARTICLES}
    assert {i.split(":")[0] for i in ids} == shas
    params = TypeAdapter(CompletionCreateParamsNonStreaming)
    for line in lines:
        body = line["body"]
        params.validate_python(body)
        assert body["model"] == "gpt-4o-mini" and [m["role"] for m in body["messages"]] == ["system", "user"]
        assert body["response_format"]["type"] == "json_schema" and body["max_tokens"] > 0


def test_bodies_are_byte_for_byte_what_the_live_path_sends(tmp_path: Path) -> None:
    cassettes = cassettes_or_skip()
    emit_requests(ARTICLES, tmp_path / "req.jsonl", **LLAMA)
    emitted = {json.dumps(line["body"], sort_keys=True): line["custom_id"] for line in _read(tmp_path / "req.jsonl")}
    with FaultServer(cassettes) as server:
        for article in ARTICLES:
            record, sent = _live(article, server)
            first_asks = [json.dumps(body, sort_keys=True) for body in sent if len(body["messages"]) == 2]
            assert first_asks and all(body in emitted for body in first_asks), article.name  # re-asks aside
            mine = {body for body, custom_id in emitted.items() if custom_id.startswith(record.article.content_sha256)}
            if any(m.participants for m in record.meetings):
                assert mine == set(first_asks)


def _results_from_cassettes(requests: Path, cassettes: list[Path], out: Path) -> int:
    """The provider's output file, as if it had answered each request with the recorded model answer."""
    exact, _ = load_answers(cassettes)
    written = 0
    with out.open("w", encoding="utf-8") as fh:
        for number, line in enumerate(_read(requests)):
            answer = exact.get(match_key(line["body"], exact=True))
            if answer is None:  # a pass the live run never sent: the provider's answer would go unused
                continue
            body = ChatCompletion.model_validate_json(answer).model_dump(mode="json", exclude_none=True)
            fh.write(json.dumps({"id": f"batch_req_{number}", "custom_id": line["custom_id"],
                                 "response": {"status_code": 200, "request_id": f"req_{number}", "body": body},
                                 "error": None}) + "\n")
            written += 1
    return written


def test_results_built_from_the_recorded_answers_ingest_into_the_live_records(tmp_path: Path) -> None:
    cassettes = cassettes_or_skip()
    report = emit_requests(ARTICLES, tmp_path / "req.jsonl", **LLAMA)
    answered = _results_from_cassettes(tmp_path / "req.jsonl", cassettes, tmp_path / "results.jsonl")
    ingested = ingest_results(tmp_path / "results.jsonl", ARTICLES, tmp_path / "records.jsonl", model=MODEL)
    lines = {line["path"]: line for line in _read(tmp_path / "records.jsonl")}
    assert len(lines) == 5 and ingested.unknown == ingested.bad_lines == 0
    with FaultServer(cassettes) as server:
        for article in ARTICLES:
            live, _ = _live(article, server)
            line = lines[str(article)]
            if live.provenance.validation_retries:  # live re-asked: a batch cannot, so it is listed for a re-run
                assert line["status"] == "failed" and line["error"]["custom_id"]
                assert str(article) in ingested.rerun_paths
                continue
            record = ArticleExtraction.model_validate(line["record"])
            assert (record.meetings, record.warnings, record.article) == (live.meetings, live.warnings, live.article)
            assert record.provenance.usage == live.provenance.usage
            assert record.provenance.model_calls == live.provenance.model_calls
            assert record.provenance.backend == "openai-batch" and record.provenance.model == MODEL
    print(f"\nemit/ingest round trip: {report.articles} articles, {report.requests} request lines, "
          f"{answered} answered from the recordings, {ingested.ok} records, {len(ingested.failed)} to re-run live, "
          f"{ingested.unused} answers unused")


def test_answers_that_fail_or_are_missing_are_listed_for_a_live_rerun(tmp_path: Path) -> None:
    emit_requests(ARTICLES[:3], tmp_path / "req.jsonl", **LLAMA)
    requests = _read(tmp_path / "req.jsonl")
    good: dict[str, list[Any]] = {"meetings": [], "threats": [], "cooperation": [], "agreements": []}
    first, second, third = (i for i, line in enumerate(requests) if ":meetings:" in line["custom_id"])
    results = []
    for number, line in enumerate(requests):
        content = json.dumps(good)
        if number == first:
            content = "I cannot help with that."  # does not validate: live would re-ask
        message = {"role": "assistant", "content": content}
        body = {"id": "x", "object": "chat.completion", "created": 0, "model": MODEL,
                "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
        entry: dict[str, Any] = {"id": f"r{number}", "custom_id": line["custom_id"],
                                 "response": {"status_code": 200, "body": body}, "error": None}
        if number == second:
            entry = {"id": "r3", "custom_id": line["custom_id"], "response": None,
                     "error": {"code": "server_error", "message": "the model crashed"}}
        if number != third:  # the third article's pass 1 never came back
            results.append(entry)
    results.append({"custom_id": "f" * 64 + ":meetings:0", "response": {"status_code": 200, "body": {}}})
    (tmp_path / "results.jsonl").write_text("\n".join(json.dumps(r) for r in results) + "\nnot json\n")
    report = ingest_results(tmp_path / "results.jsonl", ARTICLES[:3], tmp_path / "records.jsonl")
    ids = [line["custom_id"] for line in requests]
    assert report.ok == 0 and [e.custom_id for e in report.failed] == [ids[first], ids[second], ids[third]]
    assert [e.error_type for e in report.failed] == ["ModelOutputError", "MissingBatchResultError",
                                                    "MissingBatchResultError"]
    assert "crashed" in report.failed[1].error_message and report.rerun_paths == [str(a) for a in ARTICLES[:3]]
    assert (report.unknown, report.bad_lines) == (1, 1)
    out = _read(tmp_path / "records.jsonl")
    assert [line["status"] for line in out] == ["failed"] * 3 and out[0]["error"]["custom_id"] == ids[0]
