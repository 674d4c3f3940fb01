"""A backend that answers from a provider's batch output files instead of asking a model.

Every request is named by itself: ``<content sha256>:<pass>:<digest>``, where the pass comes from the title
of the schema in ``response_format`` and the digest is the first 16 hex digits of the sha256 of the request
body as canonical JSON (sorted keys, no spaces) without its ``model``. The same question asked again, in a
later round or by a later ingest, has the same ``custom_id``; a question that depends on an earlier answer
(which sentence, which kind) has a new one. The model is left out of the digest because a batch file holds
one model's requests (OpenAI requires it) and providers report their own name for it (``gpt-4o-mini`` is
answered as ``gpt-4o-mini-2024-07-18``), so ingest needs no ``--model`` to find its answers.

The backend is the real openai backend (:func:`~diplo_extract.backends.registry.openai_backend`) whose HTTP
transport answers from the results instead of a server, so requests are built, re-asked and validated
exactly as live: the body a request is named after is byte for byte the body a live run sends. A request
with no usable answer (absent, or failed by the provider) is, in emit mode, recorded for the next round and
answered with its pass's empty answer, so the extraction goes on without the questions that depend on it;
in ingest mode it raises :class:`MissingBatchResultError`.

This layer knows nothing of the passes: the schema titles' pass names and the empty answers are given by
the caller (:mod:`diplo_extract.runs.batch_files`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from diplo_extract.backends.base import Backend, Messages, ModelT, UsageMeter
from diplo_extract.backends.config import BackendConfig
from diplo_extract.backends.registry import openai_backend
from diplo_extract.errors import DiploExtractError, ExtractionRuntimeError

__all__ = ["BatchResultsBackend", "MissingBatchResultError", "body_digest", "custom_id_of", "pass_of"]

# The status the transport answers with when it stops a request: not transient (no transport retry), not
# one the "auto" server flavor reads as a refusal of json_schema (no second ask in llama.cpp's form).
_STOP_STATUS = 404


class MissingBatchResultError(ExtractionRuntimeError):
    """The results have no usable answer for a request the extraction needs (absent, or an error)."""

    def __init__(self, message: str, *, custom_id: str):
        super().__init__(message, backend="openai-batch")
        self.custom_id = custom_id


def pass_of(body: Mapping[str, Any], pass_names: Mapping[str, str]) -> str:
    """The pass a request body asks, from its schema's title (both server flavors carry it)."""
    fmt = body.get("response_format")
    fmt = fmt if isinstance(fmt, dict) else {}
    schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema") or {}
    title = str(schema.get("title"))
    try:
        return pass_names[title]
    except KeyError:
        raise ExtractionRuntimeError(f"a request asks for schema {title!r}, which no pass answers",
                                     backend="openai-batch") from None


def body_digest(body: Mapping[str, Any]) -> str:
    """First 16 hex digits of the sha256 of the body as canonical JSON, its ``model`` left out."""
    canonical = json.dumps({k: v for k, v in body.items() if k != "model"}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def custom_id_of(sha256: str, body: Mapping[str, Any], pass_names: Mapping[str, str]) -> str:
    """``<content sha256>:<pass>:<digest>`` for one request body of the article with this content hash."""
    return f"{sha256}:{pass_of(body, pass_names)}:{body_digest(body)}"


def _completion(content: str, model: str) -> dict[str, Any]:
    return {"id": "batch-empty", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}}


class BatchResultsBackend(Backend):
    """Answers each request from loaded batch results by its custom_id; see the module docstring.

    Args:
        results: result lines by custom_id (OpenAI / vLLM batch output format).
        config: the openai backend's configuration, as for the live run (model, extra_body, server flavor);
            its base URL is never contacted.
        pass_names: schema title -> pass name.
        empty_answers: pass name -> the JSON answer that asks nothing further. Given: emit mode (missing
            requests are recorded in :attr:`pending`); None: ingest mode (missing requests raise).
        model: the model named in provenance (default the config's).
        endpoint: the endpoint named in provenance (e.g. ``batch:results.jsonl``).
    """

    name = "openai-batch"

    def __init__(self, results: Mapping[str, Mapping[str, Any]], config: BackendConfig, *,
                 pass_names: Mapping[str, str], empty_answers: Mapping[str, Mapping[str, Any]] | None = None,
                 model: str | None = None, endpoint: str = "batch"):
        self._inner = openai_backend(config, http_client=httpx.Client(transport=httpx.MockTransport(self._answer)))
        super().__init__(model=model or self._inner.model, endpoint=endpoint, settings=self._inner.settings,
                         retry_policy=self._inner.retry_policy)
        self.results = results
        self.pass_names = pass_names
        self.empty_answers = empty_answers
        self.sha256 = ""
        self.used: set[str] = set()  # custom_ids whose answers were read
        self.pending: dict[str, dict[str, Any]] = {}  # emit mode: custom_id -> body, for the next round
        self.retried: set[str] = set()  # emit mode: pending requests the provider had failed
        self.last_custom_id: str | None = None
        self._stopped: DiploExtractError | None = None
        self._answered_articles = {custom_id.split(":")[0] for custom_id in results}
        self._found = 0  # answers found for the current article

    def start(self, sha256: str) -> None:
        """Begin the requests of the article with this content hash (its pending requests are cleared)."""
        self.sha256 = sha256
        self.pending = {}
        self.retried = set()
        self.last_custom_id = None
        self._found = 0

    def _stop(self, error: DiploExtractError) -> httpx.Response:
        self._stopped = error
        return httpx.Response(_STOP_STATUS, json={"error": {"message": str(error), "type": "batch_results"}})

    def _answer(self, request: httpx.Request) -> httpx.Response:
        # Whatever goes wrong here must come back as a non-transient HTTP answer: an exception raised in a
        # transport is a connection error to the openai client, which would be retried with backoff.
        try:
            body = json.loads(request.content)
            custom_id = custom_id_of(self.sha256, body, self.pass_names)
        except DiploExtractError as exc:
            return self._stop(exc)
        except ValueError as exc:
            return self._stop(ExtractionRuntimeError(f"unreadable request body: {exc}", backend=self.name))
        self.last_custom_id = custom_id
        line = self.results.get(custom_id)
        response = (line or {}).get("response") or {}
        failed = line is not None and (line.get("error") or response.get("status_code") != 200
                                       or not isinstance(response.get("body"), dict))
        if line is not None and not failed:
            self.used.add(custom_id)
            self._found += 1
            return httpx.Response(200, json=response["body"])
        if self.empty_answers is not None:
            # Emit mode: ask it in the next round (again, if the provider failed it) and go on as if nobody
            # had been found, so no question that depends on this answer is asked before it comes.
            self.pending.setdefault(custom_id, body)
            if failed:
                self.retried.add(custom_id)
            empty = json.dumps(self.empty_answers[custom_id.split(":")[1]])
            return httpx.Response(200, json=_completion(empty, str(body.get("model", self.model))))
        if line is None:
            hint = "emit again with --results to ask it"
            if not self._found and self.sha256 in self._answered_articles:
                # The article has answers, none to these requests: they were emitted with other settings.
                hint = ("the results answer other requests of this article: give the options, extra body and "
                        "server flavor given to emit")
            return self._stop(MissingBatchResultError(f"no result line for {custom_id}: {hint}", custom_id=custom_id))
        self.used.add(custom_id)
        problem = line.get("error") or response.get("body") or response.get("status_code")
        return self._stop(MissingBatchResultError(f"the provider failed {custom_id}: {problem}",
                                                  custom_id=custom_id))

    def _raw_create(self) -> Callable[..., Any]:
        return self._inner._raw_create()  # not used: generate goes through the inner backend

    def count_tokens(self, text: str) -> int:
        """As the live openai backend counts (chunking depends on it)."""
        return self._inner.count_tokens(text)

    def generate(self, messages: Messages, response_model: type[ModelT], *, max_tokens: int,
                 meter: UsageMeter) -> ModelT:
        """As the live openai backend; a request stopped here raises why (e.g. MissingBatchResultError)."""
        before = len(meter.endpoints)
        self._stopped = None
        try:
            result = self._inner.generate(messages, response_model, max_tokens=max_tokens, meter=meter)
        except DiploExtractError:
            stopped, self._stopped = self._stopped, None
            if stopped is not None:
                raise stopped from None
            raise
        finally:
            # The inner backend names its placeholder URL; the record names the results file.
            meter.endpoints[before:] = [self.endpoint or self.name] * (len(meter.endpoints) - before)
        return result

    def close(self) -> None:
        """Close the inner backend's client."""
        self._inner.close()
