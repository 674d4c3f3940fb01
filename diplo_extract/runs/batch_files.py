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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from instructor.batch import BatchError

from diplo_extract.backends.batch_results import BatchResultsBackend, RequestNumbering
from diplo_extract.backends.config import resolve_config
from diplo_extract.backends.registry import openai_backend
from diplo_extract.core.options import ExtractOptions
from diplo_extract.errors import DiploExtractError
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.pipeline.passes import PASSES, PASSES_BY_NAME, PASSES_BY_SCHEMA_TITLE
from diplo_extract.runs.batch import BatchOutcome, expand_inputs
from diplo_extract.text.reader import read_article

__all__ = ["BATCH_URL", "EmitReport", "IngestReport", "emit_requests", "ingest_results"]

BATCH_URL = "/v1/chat/completions"


def _numbering() -> RequestNumbering:
    return RequestNumbering({title: question.name for title, question in PASSES_BY_SCHEMA_TITLE.items()},
                            opening_pass=PASSES[0].name)


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
    numbering = _numbering()
    lines: list[dict[str, Any]] = []

    def capture(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        custom_id = numbering.custom_id(body.get("response_format"))
        lines.append({"custom_id": custom_id, "method": "POST", "url": BATCH_URL, "body": body})
        # Each pass answered with its placeholder, so the extractor goes on to ask every pass of the chunk.
        content = json.dumps(PASSES_BY_NAME[custom_id.split(":")[1]].placeholder)
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
    files = [Path(results_jsonl)] if isinstance(results_jsonl, str | os.PathLike) else [Path(f) for f in results_jsonl]
    report = IngestReport()
    results = _load_results(files, report)
    reported = next((line["response"]["body"].get("model") for line in results.values()
                     if isinstance((line.get("response") or {}).get("body"), dict)), None)
    backend = BatchResultsBackend(results, _numbering(), model=model or reported or "unknown",
                                  endpoint=f"batch:{files[0].name}")
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
