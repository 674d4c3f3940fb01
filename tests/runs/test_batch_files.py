"""Batch files in rounds: requests chain through a fake provider, ids are stable, bodies are the live ones.

The provider is a small deterministic fake (no model): for each request it reads the numbered sentences in
the prompt and answers every pass with valid JSON (an event at the first sentence naming two people, with those
two people; no further interaction in other sentences; an agreement in that sentence), so the follow-up and
agreements questions really depend on earlier
answers. The live comparison runs the real openai backend against the same fake behind an httpx transport.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming
from pydantic import BaseModel, ConfigDict, TypeAdapter
from support.fault_server import EXAMPLE_DIR
from typer.testing import CliRunner

from diplo_extract.backends.base import GenerationSettings
from diplo_extract.backends.batch_results import body_digest
from diplo_extract.backends.embedded import LLAMA_CPP_EXTRAS
from diplo_extract.backends.openai_compat import OpenAICompatibleBackend
from diplo_extract.cli.batch_files_cmd import batch_files_app
from diplo_extract.core.options import ExtractOptions
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.runs.batch_files import EMPTY_ANSWERS, EmitReport, emit_requests, ingest_results
from diplo_extract.text.reader import read_article

ARTICLES = sorted(EXAMPLE_DIR.glob("*.txt"))
OPENAI: dict[str, Any] = {"model": "gpt-4o-mini", "server_flavor": "openai", "extra_body": {}}
LLAMA: dict[str, Any] = {"model": "qwen2.5-coder-1.5b-instruct-q4_k_m", "server_flavor": "llama_cpp",
                         "extra_body": dict(LLAMA_CPP_EXTRAS)}
SETTINGS = {"openai": OPENAI, "llama_cpp": LLAMA}
CUSTOM_ID = re.compile(r"^([0-9a-f]{64}):(events|sentence|agreements|threats):([0-9a-f]{16})$")
NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")
NUMBERED = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)


class BatchLine(BaseModel):
    """One line of an OpenAI Batch API (and vllm run-batch) input file."""

    model_config = ConfigDict(extra="forbid")
    custom_id: str
    method: Literal["POST"]
    url: Literal["/v1/chat/completions"]
    body: dict[str, Any]


# --- the fake provider ---------------------------------------------------------------------------------------

def _schema_title(body: dict[str, Any]) -> str:
    fmt = body["response_format"]
    return str((fmt.get("json_schema") or fmt)["schema"]["title"])


def _named_sentence(prompt: str) -> tuple[int, list[str]]:
    """The first numbered sentence naming two people-like names, and those names (1, [] if none)."""
    for number, sentence in NUMBERED.findall(prompt):
        names = list(dict.fromkeys(NAME.findall(sentence)))
        if len(names) >= 2:
            return int(number), names[:2]
    return 1, []


def fake_content(body: dict[str, Any]) -> str:
    """A valid answer to any pass's question, deterministic in the request."""
    prompt = body["messages"][1]["content"]
    number, names = _named_sentence(prompt)
    title = _schema_title(body)
    people = [{"name": n, "title": "", "organization": "", "country": ""} for n in names]
    if title == "LLMEventList":
        event = {"sentence": number, "kind": "meeting", "status": "held", "date_text": "", "city": "",
                 "participants": people}
        answer: dict[str, Any] = {"events": [event] if names else []}
    elif title == "LLMSentenceReport":
        # Follow-up questions about other sentences: they report nothing more.
        answer = {"reports_interaction": False, "kind": "other", "status": "background", "date_text": "",
                  "participants": []}
    elif title == "LLMAgreementList":
        answer = {"agreements": [{"sentence": number, "summary": "closer cooperation", "status": "agreed"}]}
    else:
        answer = {"threats": []}
    return json.dumps(answer)


def completion(content: str) -> dict[str, Any]:
    """The chat completion a provider answers with."""
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "provider-model-2026",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 40, "completion_tokens": 7, "total_tokens": 47}}


Content = Callable[[dict[str, Any]], str]


def run_batch(requests: Path, out: Path, content: Content = fake_content,
              fail: Callable[[dict[str, Any]], bool] = lambda _line: False) -> int:
    """Answer a request file as a provider does (output format of the OpenAI Batch API / vllm run-batch)."""
    lines = _read(requests)
    with out.open("w", encoding="utf-8") as fh:
        for number, line in enumerate(lines):
            result: dict[str, Any] = {"id": f"batch_req_{number}", "custom_id": line["custom_id"], "error": None,
                                      "response": {"status_code": 200, "request_id": f"req_{number}",
                                                   "body": completion(content(line["body"]))}}
            if fail(line):
                result.update(response=None, error={"code": "server_error", "message": "the model crashed"})
            fh.write(json.dumps(result) + "\n")
    return len(lines)


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def rounds(articles: Sequence[Path], folder: Path, settings: dict[str, Any], content: Content = fake_content,
           options: ExtractOptions | None = None) -> tuple[list[EmitReport], list[list[dict[str, Any]]], list[Path]]:
    """Emit, run, emit again with every results file so far... until a round writes nothing."""
    reports: list[EmitReport] = []
    requests: list[list[dict[str, Any]]] = []
    results: list[Path] = []
    for number in range(1, 10):
        out = folder / f"requests{number}.jsonl"
        reports.append(emit_requests(articles, out, results=results, options=options, **settings))
        requests.append(_read(out))
        if not requests[-1]:
            return reports, requests, results
        results.append(folder / f"results{number}.jsonl")
        run_batch(out, results[-1], content)
    raise AssertionError("the rounds never ended")


def live(article: Path, settings: dict[str, Any], content: Content = fake_content,
         options: ExtractOptions | None = None) -> tuple[ArticleExtraction, list[dict[str, Any]]]:
    """A live extraction against the fake provider as a server, and the request bodies it sent."""
    sent: list[dict[str, Any]] = []

    def serve(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=completion(content(sent[-1])))

    backend = OpenAICompatibleBackend(model=settings["model"], base_url="http://fake.test/v1",
                                      http_client=httpx.Client(transport=httpx.MockTransport(serve)),
                                      server_flavor=settings["server_flavor"],
                                      settings=GenerationSettings(extra_body=dict(settings["extra_body"])))
    try:
        return Extractor(backend, options).extract(read_article(article)), sent
    finally:
        backend.close()


def _ordered(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False)  # key order kept: equal text means the same body as sent


# --- the tests -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flavor", ["openai", "llama_cpp"])
def test_rounds_chain_and_ingest_into_the_live_records(tmp_path: Path, flavor: str) -> None:
    settings = SETTINGS[flavor]
    quiet = tmp_path / "quiet.txt"  # no sentence names anybody: the fake finds no event
    quiet.write_text("the weather in the capital was mild this week.\nmarkets were calm and nothing else "
                     "happened.\n", encoding="utf-8")
    articles = [*ARTICLES, quiet]
    reports, requests, results = rounds(articles, tmp_path, settings)
    passes = [sorted({line["custom_id"].split(":")[1] for line in lines}) for lines in requests]
    # Each round asks what the last one called for: pass 1, then its follow-ups and the agreements.
    assert passes[0] == ["events"] and "agreements" in passes[1] and set(passes[1]) <= {"agreements", "sentence"}
    assert passes[-1] == []
    assert reports[0].requests == len(articles) and reports[-1].done
    assert sorted(reports[-1].complete) == sorted(map(str, articles)) and reports[-1].answered == sum(
        r.requests for r in reports)
    assert reports[1].complete == [str(quiet)]  # no events: complete after round 1
    ingested = ingest_results(results, articles, tmp_path / "records.jsonl", server_flavor=settings["server_flavor"],
                              extra_body=settings["extra_body"])
    assert (ingested.ok, ingested.failed, ingested.unused, ingested.unknown, ingested.bad_lines) == (6, [], 0, 0, 0)
    records = {line["path"]: ArticleExtraction.model_validate(line["record"])
               for line in _read(tmp_path / "records.jsonl")}
    emitted = [line for lines in requests for line in lines]
    with_people = 0
    for article in articles:
        record, sent = live(article, settings)
        mine = [line["body"] for line in emitted if line["custom_id"].startswith(record.article.content_sha256)]
        # Every body the live run sent was emitted, byte for byte, and nothing else was.
        assert sorted(map(_ordered, mine)) == sorted(map(_ordered, sent)), article.name
        ours = records[str(article)]
        assert (ours.meetings, ours.warnings, ours.article) == (record.meetings, record.warnings, record.article)
        assert ours.provenance.usage == record.provenance.usage
        assert ours.provenance.model_calls == record.provenance.model_calls == len(sent)
        assert (ours.provenance.backend, ours.provenance.model) == ("openai-batch", "provider-model-2026")
        assert ours.provenance.endpoint == "batch:results1.jsonl"
        with_people += any(m.participants for m in ours.meetings)
    assert with_people >= 2  # the chain reached the agreements round for real meetings
    for line in emitted:
        assert CUSTOM_ID.match(BatchLine.model_validate(line).custom_id)
        TypeAdapter(CompletionCreateParamsNonStreaming).validate_python(line["body"])
        assert line["body"]["model"] == settings["model"]


def test_custom_ids_name_the_request_and_stay_the_same_across_rounds(tmp_path: Path) -> None:
    first = emit_requests(ARTICLES, tmp_path / "a.jsonl", **OPENAI)
    again = emit_requests(ARTICLES, tmp_path / "b.jsonl", **OPENAI)
    assert first.requests == again.requests == 5
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    shas = {read_article(a).sha256 for a in ARTICLES}
    for line in _read(tmp_path / "a.jsonl"):
        match = CUSTOM_ID.match(line["custom_id"])
        assert match and match.group(1) in shas and match.group(3) == body_digest(line["body"])
    # The model is not part of the id (providers rename it); what shapes the answer is.
    other_model = emit_requests(ARTICLES, tmp_path / "c.jsonl", **{**OPENAI, "model": "gpt-4.1-mini"})
    assert other_model.requests == 5
    round1_ids = [x["custom_id"] for x in _read(tmp_path / "a.jsonl")]
    assert [x["custom_id"] for x in _read(tmp_path / "c.jsonl")] == round1_ids
    emit_requests(ARTICLES, tmp_path / "d.jsonl", **{**OPENAI, "extra_body": {"top_p": 0.5}})
    assert not {x["custom_id"] for x in _read(tmp_path / "d.jsonl")} & set(round1_ids)

    # Round 2 asks only new questions; emitted twice, or with the results given twice, it is the same file.
    run_batch(tmp_path / "a.jsonl", tmp_path / "r1.jsonl")
    round2 = emit_requests(ARTICLES, tmp_path / "p.jsonl", results=[tmp_path / "r1.jsonl"], **OPENAI)
    emit_requests(ARTICLES, tmp_path / "q.jsonl", results=[tmp_path / "r1.jsonl"] * 2, **OPENAI)
    assert (tmp_path / "p.jsonl").read_bytes() == (tmp_path / "q.jsonl").read_bytes() and round2.requests > 0
    assert not set(round1_ids) & {x["custom_id"] for x in _read(tmp_path / "p.jsonl")}
    assert round2.answered == 5

    # The same question in round 3 (a provider failure asked again) keeps its id.
    run_batch(tmp_path / "p.jsonl", tmp_path / "r2.jsonl", fail=lambda _line: True)
    round3 = emit_requests(ARTICLES, tmp_path / "s.jsonl", results=[tmp_path / "r1.jsonl", tmp_path / "r2.jsonl"],
                           **OPENAI)
    assert round3.retried == round2.requests
    assert (tmp_path / "s.jsonl").read_bytes() == (tmp_path / "p.jsonl").read_bytes()


def test_an_answer_that_does_not_validate_is_re_asked_in_the_next_round(tmp_path: Path) -> None:
    article = ARTICLES[0]
    seen: set[str] = set()

    def once_broken(body: dict[str, Any]) -> str:
        # The first events question of the article is answered with prose; its re-ask gets a real answer.
        if _schema_title(body) == "LLMEventList" and len(body["messages"]) == 2 and "events" not in seen:
            seen.add("events")
            return "I cannot help with that."
        return fake_content(body)

    _, requests, results = rounds([article], tmp_path, OPENAI, once_broken)
    assert [len(lines) for lines in requests][:2] == [1, 1]
    reask = requests[1][0]
    assert reask["custom_id"].split(":")[1] == "events" and len(reask["body"]["messages"]) > 2
    assert reask["body"]["messages"][2] == {"role": "assistant", "content": "I cannot help with that."}
    ingested = ingest_results(results, [article], tmp_path / "records.jsonl", **{
        k: OPENAI[k] for k in ("server_flavor", "extra_body")})
    record = ArticleExtraction.model_validate(_read(tmp_path / "records.jsonl")[0]["record"])
    seen.clear()
    expected, sent = live(article, OPENAI, once_broken)
    assert ingested.ok == 1 and record.provenance.validation_retries == expected.provenance.validation_retries == 1
    assert record.meetings == expected.meetings and len(sent) == sum(map(len, requests))


def test_missing_and_failed_answers_fail_the_article_and_name_the_request(tmp_path: Path) -> None:
    emit_requests(ARTICLES, tmp_path / "r1.jsonl", **OPENAI)
    run_batch(tmp_path / "r1.jsonl", tmp_path / "out1.jsonl")
    emit_requests(ARTICLES, tmp_path / "r2.jsonl", results=[tmp_path / "out1.jsonl"], **OPENAI)
    round2 = _read(tmp_path / "r2.jsonl")
    crashed = round2[0]["custom_id"]
    run_batch(tmp_path / "r2.jsonl", tmp_path / "out2.jsonl", fail=lambda line: line["custom_id"] == crashed)
    with (tmp_path / "out2.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"custom_id": "f" * 64 + ":events:" + "0" * 16,
                             "response": {"status_code": 200, "body": completion("{}")}}) + "\nnot json\n")
    settings = {k: OPENAI[k] for k in ("server_flavor", "extra_body")}

    # Only round 1 answered: every article with events misses a round-2 answer, named by its id.
    early = ingest_results(tmp_path / "out1.jsonl", ARTICLES, tmp_path / "early.jsonl", **settings)
    assert early.failed and early.ok == len(ARTICLES) - len(early.failed)
    assert {e.custom_id for e in early.failed} <= {line["custom_id"] for line in round2}
    assert {e.error_type for e in early.failed} == {"MissingBatchResultError"}
    assert all("emit again" in e.error_message for e in early.failed)

    # Rounds 1 and 2, one request failed by the provider: that article fails, named by that request.
    report = ingest_results([tmp_path / "out1.jsonl", tmp_path / "out2.jsonl"], ARTICLES, tmp_path / "rec.jsonl",
                            **settings)
    failed = [e for e in report.failed if e.custom_id == crashed]
    assert len(failed) == 1 and failed[0].error_type == "MissingBatchResultError"
    assert "crashed" in failed[0].error_message and failed[0].raw_data["sha256"] == crashed.split(":")[0]
    assert (report.unknown, report.bad_lines) == (1, 1)
    out = {line["path"]: line for line in _read(tmp_path / "rec.jsonl")}
    assert len(out) == len(ARTICLES)
    assert out[failed[0].raw_data["path"]]["error"]["custom_id"] == crashed
    assert failed[0].raw_data["path"] in report.rerun_paths

    # Emit asks the failed request again, with the same id, and tells which articles still wait.
    again = emit_requests(ARTICLES, tmp_path / "r3.jsonl", results=[tmp_path / "out1.jsonl", tmp_path / "out2.jsonl"],
                          **OPENAI)
    assert again.retried == 1 and crashed in {line["custom_id"] for line in _read(tmp_path / "r3.jsonl")}
    assert failed[0].raw_data["path"] in again.pending and again.bad_lines == 1


def test_duplicate_texts_are_asked_once_and_unreadable_inputs_reported(tmp_path: Path) -> None:
    (tmp_path / "copy.txt").write_bytes(ARTICLES[0].read_bytes())
    inputs = [*ARTICLES, tmp_path / "copy.txt", tmp_path / "missing.txt"]
    reports, requests, results = rounds(inputs, tmp_path, OPENAI)
    assert reports[0].duplicates == [str(tmp_path / "copy.txt")] and list(reports[0].failed) == [
        str(tmp_path / "missing.txt")]
    ids = [line["custom_id"] for lines in requests for line in lines]
    assert len(ids) == len(set(ids)) and reports[0].articles == 5
    ingested = ingest_results(results, inputs, tmp_path / "records.jsonl", **{
        k: OPENAI[k] for k in ("server_flavor", "extra_body")})
    lines = {line["path"]: line for line in _read(tmp_path / "records.jsonl")}
    assert ingested.ok == 6 and lines[str(tmp_path / "copy.txt")]["record"]["meetings"] == lines[
        str(ARTICLES[0])]["record"]["meetings"]
    assert [e.raw_data["path"] for e in ingested.failed] == [str(tmp_path / "missing.txt")]


def test_empty_answers_ask_nothing_further() -> None:
    assert EMPTY_ANSWERS == {"events": {"events": []}, "agreements": {"agreements": []}, "threats": {"threats": []},
                             "sentence": {"reports_interaction": False, "kind": "other", "status": "background",
                                          "date_text": "", "participants": []}}


def test_the_threat_pass_is_asked_with_the_agreements(tmp_path: Path) -> None:
    options = ExtractOptions(threat_pass=True)
    _, requests, results = rounds(ARTICLES[:2], tmp_path, OPENAI, options=options)
    passes = [sorted({line["custom_id"].split(":")[1] for line in lines}) for lines in requests]
    assert passes[0] == ["events"] and {"agreements", "threats"} <= set(passes[1]) and passes[-1] == []
    ingested = ingest_results(results, ARTICLES[:2], tmp_path / "records.jsonl", options=options,
                              **{k: OPENAI[k] for k in ("server_flavor", "extra_body")})
    assert ingested.ok == 2 and ingested.unused == 0


def test_the_command_line_says_whether_another_round_is_needed(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["emit", *map(str, ARTICLES[:2]), "-m", "gpt-4o-mini", "--server-flavor", "openai"]
    first = runner.invoke(batch_files_app, [*args, "-o", str(tmp_path / "r1.jsonl")])
    assert first.exit_code == 0, first.output
    assert "2 requests for 2 of 2 articles" in first.output and "emit again with --results" in first.output
    results: list[str] = []
    for number in range(1, 6):
        run_batch(tmp_path / f"r{number}.jsonl", tmp_path / f"out{number}.jsonl")
        results += ["--results", str(tmp_path / f"out{number}.jsonl")]
        step = runner.invoke(batch_files_app, [*args, *results, "-o", str(tmp_path / f"r{number + 1}.jsonl")])
        assert step.exit_code == 0, step.output
        if "all answered: ingest" in step.output:
            break
    else:
        raise AssertionError("emit never said all answered")
    assert not _read(tmp_path / f"r{number + 1}.jsonl")
    ingest = runner.invoke(batch_files_app, ["ingest", *results[1::2], "--articles", str(ARTICLES[0]), "--articles",
                                             str(ARTICLES[1]), "-o", str(tmp_path / "rec.jsonl"),
                                             "--server-flavor", "openai"])
    assert ingest.exit_code == 0, ingest.output
    assert ingest.output.startswith("2 records, 0 to re-run live")


def test_ingest_with_other_settings_than_emit_says_so(tmp_path: Path) -> None:
    emit_requests(ARTICLES[:1], tmp_path / "r1.jsonl", **OPENAI)
    run_batch(tmp_path / "r1.jsonl", tmp_path / "out1.jsonl")
    report = ingest_results(tmp_path / "out1.jsonl", ARTICLES[:1], tmp_path / "rec.jsonl", server_flavor="llama_cpp",
                            extra_body={})
    assert [e.error_type for e in report.failed] == ["MissingBatchResultError"]
    assert "server flavor given to emit" in report.failed[0].error_message and report.unused == 1
