"""Offline batch inference in rounds: request files for the OpenAI Batch API or ``vllm run-batch``, and results.

The questions asked of a chunk depend on earlier answers (:mod:`diplo_extract.pipeline.reading`): ``people``
is asked once per sentence the ``events`` answer names, ``agreements`` (and ``threats``) only when some
meeting has participants. A batch cannot wait for an answer, so the requests go out in rounds::

    emit ARTICLES -o r1.jsonl                      # round 1: the events question of every chunk
    (run the batch: out1.jsonl)
    emit ARTICLES -o r2.jsonl --results out1.jsonl # round 2: the people questions the events answers call for
    (run the batch: out2.jsonl)
    emit ARTICLES -o r3.jsonl --results out1.jsonl out2.jsonl  # round 3: agreements (and threats)
    ...until emit writes nothing, then ingest with every results file.

Each line::

    {"custom_id": "<content sha256>:<pass>:<digest>", "method": "POST", "url": "/v1/chat/completions",
     "body": {...exactly what a live extraction sends...}}

``emit_requests`` replays the real extractor over each article through the real openai backend, whose HTTP
transport answers from the results so far (:class:`~diplo_extract.backends.batch_results.BatchResultsBackend`):
a request already answered gets its answer, one not yet answered is written down and gets its pass's empty
answer, so nothing that depends on it is asked in this round. The bodies are therefore byte for byte what
``diplo-extract extract --backend openai`` with the same settings sends, and the ``custom_id`` digests the
body, so a question keeps its id from round to round. An answer that does not validate is re-asked as live
re-asks it: the re-ask (the answer and the validation error appended) is a new request of the next round. A
request the provider failed is written again.

``ingest_results`` runs the same extractor once more with the same backend in ingest mode, so the records are
grounded, merged and validated exactly as live ones; a request with no answer fails its article, and the
report lists the articles to re-run live. Give ``emit_requests`` and ``ingest_results`` the same options,
extra body and server flavor: they shape the bodies, hence the ids (the model does not).

``instructor.batch`` is used for the report of failed lines (``BatchError``). Its ``BatchRequest`` is not
used to write requests: it builds its own body (a strict ``json_schema``, its own temperature, no extra
parameters), which is not what the live path sends; nor is its result parser, which validates each line
alone, without the re-assembly, grounding and chunk merging a record needs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from instructor.batch import BatchError

from diplo_extract.backends.batch_results import BatchResultsBackend, MissingBatchResultError
from diplo_extract.backends.config import resolve_config
from diplo_extract.core.options import ExtractOptions
from diplo_extract.errors import DiploExtractError
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.pipeline.passes import PASSES, PASSES_BY_SCHEMA_TITLE
from diplo_extract.runs.batch import BatchOutcome, expand_inputs
from diplo_extract.text.reader import read_article

__all__ = ["BATCH_URL", "EMPTY_ANSWERS", "PASS_NAMES", "EmitReport", "IngestReport", "MissingBatchResultError",
           "emit_requests", "ingest_results", "load_results"]

BATCH_URL = "/v1/chat/completions"
PASS_NAMES: Mapping[str, str] = {title: question.name for title, question in PASSES_BY_SCHEMA_TITLE.items()}
# Each pass's answer that finds nothing, so the extractor asks nothing further.
EMPTY_ANSWERS: Mapping[str, Mapping[str, Any]] = {question.name: question.empty for question in PASSES}

ResultPaths = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]


@dataclass
class ResultsLoad:
    """Result lines by custom_id, and how many lines could not be read."""

    lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    bad_lines: int = 0  # not JSON objects with a custom_id
    reported_model: str | None = None  # the model the provider named in its answers


def _paths(results: ResultPaths) -> list[Path]:
    return [Path(results)] if isinstance(results, str | os.PathLike) else [Path(f) for f in results]


def load_results(results: ResultPaths) -> ResultsLoad:
    """Read provider output files (OpenAI Batch API / vllm run-batch format), later rounds after earlier.

    An answer beats an error for the same custom_id (a request the provider failed, answered in a later
    round), and a later answer replaces an earlier one.
    """
    load = ResultsLoad()
    for file in _paths(results):
        for raw in file.read_text(encoding="utf-8").splitlines():
            try:
                line = json.loads(raw) if raw.strip() else None
            except ValueError:
                line = None
            if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
                load.bad_lines += bool(raw.strip())
                continue
            previous = load.lines.get(line["custom_id"])
            if previous is None or previous.get("error") or not line.get("error"):
                load.lines[line["custom_id"]] = line
    load.reported_model = next((line["response"]["body"].get("model") for line in load.lines.values()
                                if isinstance((line.get("response") or {}).get("body"), dict)), None)
    return load


def _backend(results: Mapping[str, Mapping[str, Any]], *, model: str, emit: bool, server_flavor: str | None,
             extra_body: dict[str, object] | None, endpoint: str) -> BatchResultsBackend:
    # The live openai backend's configuration; its URL is a placeholder that is never contacted.
    config = resolve_config("openai", model=model, base_url="http://batch.invalid/v1", extra_body=extra_body,
                            server_flavor=server_flavor)
    return BatchResultsBackend(results, config, pass_names=PASS_NAMES, empty_answers=EMPTY_ANSWERS if emit else None,
                               model=model, endpoint=endpoint)


@dataclass
class EmitReport:
    """What ``emit_requests`` wrote, and where each article stands."""

    articles: int = 0  # articles read (duplicates and failures aside)
    requests: int = 0  # request lines written: this round
    answered: int = 0  # answers from the results that the articles used
    complete: list[str] = field(default_factory=list)  # every question answered: ready to ingest
    pending: dict[str, int] = field(default_factory=dict)  # path -> requests written for it this round
    retried: int = 0  # requests written again because the provider had failed them
    duplicates: list[str] = field(default_factory=list)  # same text as an earlier input: same custom_ids
    failed: dict[str, str] = field(default_factory=dict)  # path -> "ErrorType: message"
    bad_lines: int = 0  # result lines that are not JSON objects with a custom_id

    @property
    def done(self) -> bool:
        """Whether no article needs another round (ingest next)."""
        return not self.pending


def emit_requests(paths: Iterable[str | os.PathLike[str]], out_jsonl: str | os.PathLike[str], *, model: str,
                  results: ResultPaths = (), server_flavor: str | None = None,
                  extra_body: dict[str, object] | None = None, options: ExtractOptions | None = None) -> EmitReport:
    """Write the requests still unanswered for ``paths`` (files, folders, ``-``); see the module docstring.

    Args:
        paths: the articles.
        out_jsonl: the request file of this round (replaced; empty when every question is answered). Split
            it with ``split -l 50000`` for OpenAI's per-file limit.
        model: the model the provider runs, written into every body.
        results: the provider's output files of the earlier rounds (none for round 1).
        server_flavor: as for the live openai backend (default ``DIPLO_EXTRACT_SERVER_FLAVOR``): "openai" for
            OpenAI and vLLM, "llama_cpp" for llama.cpp's server.
        extra_body: parameters added to every body, as live (default ``DIPLO_EXTRACT_EXTRA_BODY``).
        options: extraction options; the questions depend on them, so give every round and ingest the same.
    """
    load = load_results(results)
    backend = _backend(load.lines, model=model, emit=True, server_flavor=server_flavor, extra_body=extra_body,
                       endpoint="batch:emit")
    extractor = Extractor(backend, options)
    report = EmitReport(bad_lines=load.bad_lines)
    seen: set[str] = set()
    written: set[str] = set()
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
                    seen.add(source.sha256)
                    backend.start(source.sha256)
                    extractor.extract(source)  # a record of partial answers: discarded
                except DiploExtractError as exc:
                    # Unreadable, or an answer that failed for good (re-asks spent, token budget): ingest
                    # fails it too, and more rounds would not change it.
                    report.failed[str(path)] = f"{type(exc).__name__}: {exc}"
                    continue
                report.articles += 1
                new = [(custom_id, body) for custom_id, body in backend.pending.items() if custom_id not in written]
                written.update(custom_id for custom_id, _ in new)
                out.writelines(json.dumps({"custom_id": custom_id, "method": "POST", "url": BATCH_URL, "body": body},
                                          ensure_ascii=False) + "\n" for custom_id, body in new)
                report.requests += len(new)
                report.retried += len(backend.retried)
                if backend.pending:
                    report.pending[str(path)] = len(backend.pending)
                else:
                    report.complete.append(str(path))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        backend.close()
    report.answered = len(backend.used)
    return report


@dataclass
class IngestReport:
    """What ``ingest_results`` made: records, failures to re-run live, answers it did not use."""

    ok: int = 0
    failed: list[Any] = field(default_factory=list)  # instructor.batch.BatchError, raw_data: path, sha256
    unused: int = 0  # answers for input articles that the extraction never asked (other options or settings)
    unknown: int = 0  # result lines whose custom_id matches no input article
    bad_lines: int = 0  # result lines that are not JSON objects with a custom_id

    @property
    def rerun_paths(self) -> list[str]:
        """The articles to extract live: ``diplo-extract batch PATHS -o OUT`` resumes and fills them in."""
        return list(dict.fromkeys(str(error.raw_data["path"]) for error in self.failed))


def ingest_results(results_jsonl: ResultPaths, inputs: Iterable[str | os.PathLike[str]],
                   out_jsonl: str | os.PathLike[str], *, model: str | None = None,
                   options: ExtractOptions | None = None, server_flavor: str | None = None,
                   extra_body: dict[str, object] | None = None) -> IngestReport:
    """Turn a provider's output files into records, one line per input as ``diplo-extract batch`` writes.

    Args:
        results_jsonl: the output file, or several: every round's (and OpenAI's separate error files).
        inputs: the articles the requests were emitted for (files, folders, ``-``).
        out_jsonl: the records (replaced): ``{"status": "ok", "path", "sha256", "record"}`` or a failed line
            whose error names the ``custom_id``.
        model: recorded in provenance; default the model the provider reported.
        options: as given to ``emit_requests``: the options decide which questions are asked.
        server_flavor: as given to ``emit_requests``: it shapes the bodies, hence the custom_ids looked up.
        extra_body: as given to ``emit_requests``, for the same reason.
    """
    files = _paths(results_jsonl)
    report = IngestReport()
    load = load_results(files)
    report.bad_lines = load.bad_lines
    name = model or load.reported_model or "unknown"
    backend = _backend(load.lines, model=name, emit=False, server_flavor=server_flavor, extra_body=extra_body,
                       endpoint=f"batch:{files[0].name}" if files else "batch")
    extractor = Extractor(backend, options)
    shas: set[str] = set()
    target = Path(out_jsonl)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            for path in expand_inputs(inputs):
                sha256: str | None = None
                backend.start("")
                try:
                    source = read_article(path)
                    sha256 = source.sha256
                    shas.add(sha256)
                    backend.start(sha256)
                    outcome = BatchOutcome(str(path), "ok", sha256, record=extractor.extract(source))
                    report.ok += 1
                except DiploExtractError as exc:
                    kind, message = type(exc).__name__, str(exc)
                    custom_id = getattr(exc, "custom_id", None) or backend.last_custom_id
                    error = {"type": kind, "message": message, "reason": getattr(exc, "reason", None),
                             "attempts": getattr(exc, "attempts", None), "custom_id": custom_id}
                    outcome = BatchOutcome(str(path), "failed", sha256, error=error)
                    report.failed.append(BatchError(custom_id=custom_id or "", error_type=kind,
                                                    error_message=message,
                                                    raw_data={"path": str(path), "sha256": sha256}))
                out.write(json.dumps(outcome.to_line(), ensure_ascii=False) + "\n")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        backend.close()
    for custom_id in load.lines.keys() - backend.used:
        if custom_id.split(":")[0] not in shas:
            report.unknown += 1
        else:
            report.unused += 1
    return report
