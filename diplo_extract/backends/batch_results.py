"""A backend that answers from a provider's batch output file instead of asking a model.

Requests are numbered ``<content sha256>:<pass>:<chunk>`` in the order the extractor asks them; the batch-file
writer uses the same numbering for the ``custom_id`` of each request it writes (:mod:`diplo_extract.runs.batch_files`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openai.types.chat import ChatCompletion

from diplo_extract.backends.base import Backend, GenerationSettings, Messages, ModelT, UsageMeter
from diplo_extract.backends.retry import RetryPolicy, causes
from diplo_extract.errors import DiploExtractError, ExtractionRuntimeError


class MissingBatchResultError(ExtractionRuntimeError):
    """The results file has no usable answer for a request the extraction needs (absent, or an error)."""

    def __init__(self, message: str, *, custom_id: str):
        super().__init__(message, backend="openai-batch")
        self.custom_id = custom_id


class RequestNumbering:
    """``<sha256>:<pass>:<chunk>`` for the requests of one article, in the order the extractor asks them.

    ``pass_names`` maps the title of the schema a request asks for (both server flavors carry it) to its
    pass's name; ``opening_pass`` is the pass asked first of every chunk.
    """

    def __init__(self, pass_names: Mapping[str, str], opening_pass: str) -> None:
        self.pass_names = pass_names
        self.opening_pass = opening_pass
        self.sha256 = ""
        self.chunk = -1

    def _pass_of(self, response_format: Any) -> str:
        fmt = response_format if isinstance(response_format, dict) else {}
        schema = fmt.get("schema") or fmt.get("json_schema", {}).get("schema") or {}
        return self.pass_names[str(schema.get("title"))]

    def start(self, sha256: str) -> None:
        """Begin numbering the requests of the article with this content hash."""
        self.sha256, self.chunk = sha256, -1

    def custom_id(self, response_format: Any) -> str:
        """The id of the next request, which asks for ``response_format``."""
        name = self._pass_of(response_format)
        if name == self.opening_pass:
            self.chunk += 1
        return f"{self.sha256}:{name}:{self.chunk}"


class BatchResultsBackend(Backend):
    """Answers each request from a provider's output file, by the custom_id the request would have had."""

    name = "openai-batch"

    def __init__(self, results: dict[str, dict[str, Any]], numbering: RequestNumbering, *, model: str,
                 endpoint: str):
        # No re-asks and no transport retries: the file holds one answer per request.
        super().__init__(model=model, endpoint=endpoint, settings=GenerationSettings(max_reasks=0),
                         retry_policy=RetryPolicy(max_attempts=1))
        self.results = results
        self.numbering = numbering
        self.used: set[str] = set()
        self.last_custom_id: str | None = None

    def _raw_create(self) -> Callable[..., Any]:
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
