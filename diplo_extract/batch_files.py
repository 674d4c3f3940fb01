"""Offline batch inference: request files for the OpenAI Batch API or ``vllm run-batch``, and their results.

``emit_requests`` writes one request line per pass per chunk per article::

    {"custom_id": "<content sha256>:<pass>:<chunk>", "method": "POST", "url": "/v1/chat/completions",
     "body": {...exactly what a live extraction sends...}}

The bodies are not rebuilt here: the real openai backend runs the real extractor with an HTTP transport that
writes each request down instead of sending it, so messages, response_format, max_tokens, temperature and
extra parameters are byte for byte what ``diplo-extract extract --backend openai`` with the same settings
sends. Live, passes 2 (threats) and 3 (commitments) are only sent when pass 1 finds a meeting with
participants; a batch cannot wait for pass 1, so all three are written, and ``ingest_results`` ignores the
answers it does not need (they are paid for: about two small requests per article without meetings).

``ingest_results`` runs the same extractor again, now with a backend that answers each request from the
provider's output file, so the records are grounded, merged and validated exactly as live ones. There is no
second round in a batch: an answer that does not validate (live, it would be re-asked), a missing answer
or a provider error fails that article, and the report lists the result lines to re-run live.

``instructor.batch`` is used for the report of failed lines (``BatchError``). Its ``BatchRequest`` is not
used to write requests: it builds its own body (a strict ``json_schema``, its own temperature, no extra
parameters), which is not what the live path sends; nor is its result parser, which validates each line
alone, without the re-assembly, grounding and chunk merging a record needs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplo_extract.backends.base import Backend, GenerationSettings, Messages, ModelT, UsageMeter
from diplo_extract.batch import BatchOutcome, expand_inputs
from diplo_extract.errors import DiploExtractError, ExtractionRuntimeError
from diplo_extract.extractor import ExtractOptions, Extractor
from diplo_extract.llm_schema import LLMCommitments, LLMMeetingList, LLMThreatList
from diplo_extract.reader import read_article
from diplo_extract.retry import RetryPolicy, causes

__all__ = ["BATCH_URL", "EmitReport", "IngestReport", "MissingBatchResultError", "emit_requests", "ingest_results"]

BATCH_URL = "/v1/chat/completions"
_PASSES = {LLMMeetingList.__name__: "meetings", LLMThreatList.__name__: "threats",
           LLMCommitments.__name__: "commitments"}
# Pass 1 answered with a participant, so the extractor goes on to ask passes 2 and 3 of the same chunk.
_CANNED = {"meetings": {"meetings": [{"quote": "-", "kind": "meeting", "status": "held", "date_text": "", "city": "",
                                      "participants": [{"name": "-", "title": "", "organization": "",
                                                        "country": ""}]}]},
           "threats": {"threats": []}, "commitments": {"cooperation": [], "agreements": []}}


class MissingBatchResultError(ExtractionRuntimeError):
    """The results file has no usable answer for a request the extraction needs (absent, or an error)."""

    def __init__(self, message: str, *, custom_id: str):
        super().__init__(message, backend="openai-batch")
        self.custom_id = custom_id


def _pass_of(response_format: Any) -> str:
    """Which pass a request is, from the title of the schema it asks for (both server flavors carry it)."""
    fmt = response_format if isinstance(response_format, dict) else {}
    schema = fmt.get("schema") or fmt.get("json_schema", {}).get("schema") or {}
    return _PASSES[str(schema.get("title"))]


class _Numbering:
    """``<sha256>:<pass>:<chunk>`` for the requests of one article, in the order the extractor asks them."""

    def __init__(self) -> None:
        self.sha256 = ""
        self.chunk = -1

    def start(self, sha256: str) -> None:
        self.sha256, self.chunk = sha256, -1

    def custom_id(self, response_format: Any) -> str:
        name = _pass_of(response_format)
        if name == "meetings":  # pass 1 opens every chunk
            self.chunk += 1
        return f"{self.sha256}:{name}:{self.chunk}"


def _completion(content: str, model: str) -> dict[str, Any]:
    return {"id": "batch-capture", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}}


@dataclass
class EmitReport:
    """What ``emit_requests`` wrote: articles, request lines, and inputs left out."""

    articles: int = 0
    requests: int = 0
    duplicates: list[str] = field(default_factory=list)  # same text as an earlier input: same custom_ids
    failed: dict[str, str] = field(default_factory=dict)  # path -> "ErrorType: message" (unreadable inputs)


def emit_requests(paths: Iterable[str | os.PathLike[str]], out_jsonl: str | os.PathLike[str], *, model: str,
                  server_flavor: str | None = None, extra_body: dict[str, object] | None = None,
                  options: ExtractOptions | None = None) -> EmitReport:
    """Write the batch request file for ``paths`` (files, folders, ``-``); see the module docstring.

    Args:
        paths: the articles.
        out_jsonl: the request file (replaced); split it with ``split -l 50000`` for OpenAI's per-file limit.
        model: the model the provider runs, written into every body.
        server_flavor: as for the live openai backend (default ``DIPLO_EXTRACT_SERVER_FLAVOR``): "openai" for
            OpenAI and vLLM, "llama_cpp" for llama.cpp's server.
        extra_body: parameters added to every body, as live (default ``DIPLO_EXTRACT_EXTRA_BODY``).
        options: extraction options; chunking depends on them, so give ingest_results the same.
    """
    import httpx

    from diplo_extract.backends import openai_backend, resolve_config

    numbering = _Numbering()
    lines: list[dict[str, Any]] = []

    def capture(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        custom_id = numbering.custom_id(body.get("response_format"))
        lines.append({"custom_id": custom_id, "method": "POST", "url": BATCH_URL, "body": body})
        content = json.dumps(_CANNED[custom_id.split(":")[1]])
        return httpx.Response(200, json=_completion(content, model))

    config = resolve_config("openai", model=model, base_url="http://batch.invalid/v1", extra_body=extra_body,
                            server_flavor=server_flavor)
    backend = openai_backend(config, http_client=httpx.Client(transport=httpx.MockTransport(capture)))
    extractor = Extractor(backend, options)
    report = EmitReport()
    seen: set[str] = set()
    target = Path(out_jsonl)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            for path in expand_inputs(paths):
                try:
                    source = read_article(path)
                    if source.sha256 in seen:
                        report.duplicates.append(str(path))
                        continue
                    numbering.start(source.sha256)
                    lines.clear()
                    extractor.extract(source)  # the record is a by-product of canned answers: discarded
                except DiploExtractError as exc:
                    report.failed[str(path)] = f"{type(exc).__name__}: {exc}"
                    continue
                seen.add(source.sha256)
                out.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
                report.articles += 1
                report.requests += len(lines)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        backend.close()
    return report


class _ResultsBackend(Backend):
    """Answers each request from a provider's output file, by the custom_id the request would have had."""

    name = "openai-batch"

    def __init__(self, results: dict[str, dict[str, Any]], *, model: str, endpoint: str):
        # No re-asks and no transport retries: the file holds one answer per request.
        super().__init__(model=model, endpoint=endpoint, settings=GenerationSettings(max_reasks=0),
                         retry_policy=RetryPolicy(max_attempts=1))
        self.results = results
        self.numbering = _Numbering()
        self.used: set[str] = set()
        self.last_custom_id: str | None = None

    def _raw_create(self) -> Callable[..., Any]:
        from openai.types.chat import ChatCompletion

        def create(**kwargs: Any) -> Any:
            custom_id = self.numbering.custom_id(kwargs.get("response_format"))
            self.last_custom_id = custom_id
            line = self.results.get(custom_id)
            if line is None:
                raise MissingBatchResultError(f"no result line for {custom_id}", custom_id=custom_id)
            self.used.add(custom_id)
            response = line.get("response") or {}
            if line.get("error") or response.get("status_code") != 200:
                problem = line.get("error") or response.get("body") or response.get("status_code")
                raise MissingBatchResultError(f"the provider failed {custom_id}: {problem}", custom_id=custom_id)
            return ChatCompletion.model_validate(response["body"])

        return create

    def generate(self, messages: Messages, response_model: type[ModelT], *, max_tokens: int,
                 meter: UsageMeter) -> ModelT:
        """As :meth:`Backend.generate`, but a missing answer is reported as such, not as bad model output."""
        try:
            return super().generate(messages, response_model, max_tokens=max_tokens, meter=meter)
        except DiploExtractError as exc:
            missing = next((c for c in causes(exc) if isinstance(c, MissingBatchResultError)), None)
            if missing is None or missing is exc:
                raise
            raise missing from None


@dataclass
class IngestReport:
    """What ``ingest_results`` made: records, failures to re-run live, answers it did not need."""

    ok: int = 0
    failed: list[Any] = field(default_factory=list)  # instructor.batch.BatchError, raw_data: path, sha256
    unused: int = 0  # answers to passes 2 and 3 of chunks where pass 1 found nobody (see the module docstring)
    unknown: int = 0  # result lines whose custom_id matches no input article
    bad_lines: int = 0  # result lines that are not JSON objects with a custom_id

    @property
    def rerun_paths(self) -> list[str]:
        """The articles to extract live: ``diplo-extract batch PATHS -o OUT`` resumes and fills them in."""
        return list(dict.fromkeys(str(error.raw_data["path"]) for error in self.failed))


def _load_results(files: Sequence[Path], report: IngestReport) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for file in files:
        for raw in file.read_text(encoding="utf-8").splitlines():
            try:
                line = json.loads(raw) if raw.strip() else None
            except ValueError:
                line = None
            if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
                report.bad_lines += bool(raw.strip())
                continue
            previous = results.get(line["custom_id"])
            if previous is None or previous.get("error") or not line.get("error"):  # an answer beats an error
                results[line["custom_id"]] = line
    return results


def ingest_results(results_jsonl: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
                   inputs: Iterable[str | os.PathLike[str]], out_jsonl: str | os.PathLike[str], *,
                   model: str | None = None, options: ExtractOptions | None = None) -> IngestReport:
    """Turn a provider's output file(s) into records, one line per input as ``diplo-extract batch`` writes.

    Args:
        results_jsonl: the output file, or several (OpenAI writes failed requests to a separate error file).
        inputs: the articles the requests were emitted for (files, folders, ``-``).
        out_jsonl: the records (replaced): ``{"status": "ok", "path", "sha256", "record"}`` or a failed line
            whose error names the ``custom_id``.
        model: recorded in provenance; default the model the provider reported.
        options: the extraction options given to ``emit_requests``.
    """
    from instructor.batch import BatchError

    files = [Path(results_jsonl)] if isinstance(results_jsonl, str | os.PathLike) else [Path(f) for f in results_jsonl]
    report = IngestReport()
    results = _load_results(files, report)
    reported = next((line["response"]["body"].get("model") for line in results.values()
                     if isinstance((line.get("response") or {}).get("body"), dict)), None)
    backend = _ResultsBackend(results, model=model or reported or "unknown", endpoint=f"batch:{files[0].name}")
    extractor = Extractor(backend, options)
    shas: set[str] = set()
    target = Path(out_jsonl)
    partial = target.with_name(target.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for path in expand_inputs(inputs):
            sha256: str | None = None
            backend.last_custom_id = None
            try:
                source = read_article(path)
                sha256 = source.sha256
                shas.add(sha256)
                backend.numbering.start(sha256)
                outcome = BatchOutcome(str(path), "ok", sha256, record=extractor.extract(source))
                report.ok += 1
            except DiploExtractError as exc:
                kind, message = type(exc).__name__, str(exc)
                error = {"type": kind, "message": message, "reason": getattr(exc, "reason", None),
                         "attempts": getattr(exc, "attempts", None), "custom_id": backend.last_custom_id}
                outcome = BatchOutcome(str(path), "failed", sha256, error=error)
                report.failed.append(BatchError(custom_id=backend.last_custom_id or "", error_type=kind,
                                                error_message=message, raw_data={"path": str(path), "sha256": sha256}))
            out.write(json.dumps(outcome.to_line(), ensure_ascii=False) + "\n")
    os.replace(partial, target)
    for custom_id in results.keys() - backend.used:
        if custom_id.split(":")[0] not in shas:
            report.unknown += 1
        else:
            report.unused += 1
    return report
