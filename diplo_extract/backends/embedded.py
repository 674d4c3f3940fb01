"""The embedded default: llama.cpp in process through llama-cpp-python, JSON constrained by a grammar.

instructor's JSON_SCHEMA mode asks for JSON of the response model's schema; the schema becomes a GBNF grammar
(llama-cpp-python's converter, the one ``python -m llama_cpp.server`` uses for ``server_flavor="llama_cpp"``,
which is why cassettes recorded there stand for this backend), so every completion is JSON of the right shape
with bounded lists and strings. Requests are decoded by :class:`~diplo_extract.backends.llama_sequences.
SequenceEngine`: up to ``sequences`` articles in flight share one model and one KV pool and are decoded in the
same batches; an article's later questions reuse the KV of its prefix (the article as numbered sentences).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from diplo_extract.backends.base import Backend, GenerationSettings, to_llama_cpp_response_format
from diplo_extract.backends.llama_sequences import SequenceEngine
from diplo_extract.backends.model_store import MODEL_NAME, resolve_model_path
from diplo_extract.backends.retry import RetryPolicy
from diplo_extract.errors import BackendUnavailableError, ConfigurationError, ModelFileError

# One sequence's room: a 2,000-token chunk as numbered sentences (about 2,800 prompt tokens with the
# instructions and a question), a 1,400-token answer, and a re-ask carrying that answer back. One sequence
# alone keeps the 8k it always had.
ONE_SEQUENCE_TOKENS = 8192
SEQUENCE_TOKENS = 6144
MAX_SEQUENCES = 8
# Sampling extras that keep a small model's JSON clean: no repetition penalty (JSON repeats keys by design).
LLAMA_CPP_EXTRAS: dict[str, Any] = {"repeat_penalty": 1.0}


def default_sequences(cores: int | None = None) -> int:
    """Articles decoded together by batch and eval when the caller does not say: four, one on a single core.

    Measured on 2 cores (``bench/bench_embedded.py``, README): four sequences gave 47.5 articles an hour against
    39.8 one at a time (three seed articles); two gave no gain on two seeds. The articles' time is mostly
    prompt evaluation, which is compute-bound; the decode steps are what several sequences share.
    """
    return 4 if (cores or os.cpu_count() or 1) >= 2 else 1


def context_tokens(sequences: int) -> int:
    """The KV cache for ``sequences`` articles in flight: a part of it each."""
    return ONE_SEQUENCE_TOKENS if sequences == 1 else SEQUENCE_TOKENS * sequences


class EmbeddedBackend(Backend):
    """Qwen2.5-Coder-1.5B-Instruct (or ``DIPLO_EXTRACT_MODEL_PATH``) in this process.

    ``sequences`` calls are decoded together (callers on other threads wait for a free sequence); one model
    instance holds them all, so memory grows by the KV cache only (about 28 KB a token for the default model).
    """

    name = "embedded"

    def __init__(self, *, model_path: Path | None = None, sequences: int = 1, n_threads: int | None = None,
                 settings: GenerationSettings | None = None, retry_policy: RetryPolicy | None = None):
        self._model_path = model_path
        path_name = model_path.stem if model_path else MODEL_NAME
        super().__init__(model=path_name, endpoint=None,
                         settings=settings or GenerationSettings(extra_body=dict(LLAMA_CPP_EXTRAS)),
                         retry_policy=retry_policy or RetryPolicy(max_attempts=1))
        if not 1 <= sequences <= MAX_SEQUENCES:
            raise ConfigurationError(f"sequences must be between 1 and {MAX_SEQUENCES}, not {sequences}")
        self.sequences = sequences
        self.n_ctx = context_tokens(sequences)
        self.n_threads = n_threads or max(1, os.cpu_count() or 1)
        self._llama: Any = None
        self._engine: SequenceEngine | None = None
        self._lock = threading.Lock()

    def _load(self) -> SequenceEngine:
        with self._lock:
            if self._engine is not None:
                return self._engine
            try:
                # llama-cpp-python is the optional ``local`` extra and loads native code: only deferred here so
                # the package imports without it and the error below says which extra to install.
                import llama_cpp
            except ImportError as exc:
                raise BackendUnavailableError(
                    "the embedded backend needs llama-cpp-python: pip install 'diplo-extract[local]'",
                    original=exc, backend=self.name) from exc
            path = self._model_path or resolve_model_path()
            if self._model_path is None and os.environ.get("DIPLO_EXTRACT_MODEL_PATH"):
                self.model = path.stem
            try:
                # The Llama object's own context is only for tokenizing; the engine decodes in its own.
                self._llama = llama_cpp.Llama(model_path=str(path), n_ctx=512, n_threads=self.n_threads, seed=0,
                                              verbose=False)
                self._engine = SequenceEngine(self._llama, sequences=self.sequences, context_tokens=self.n_ctx,
                                              n_threads=self.n_threads, model_name=self.model)
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelFileError(f"llama.cpp could not load {path}: {exc}", original=exc,
                                     backend=self.name) from exc
            return self._engine

    def _raw_create(self) -> Callable[..., Any]:
        def create(**kwargs: Any) -> Any:
            kwargs.pop("model", None)
            return self._load().complete(**to_llama_cpp_response_format(kwargs))

        return create

    def count_tokens(self, text: str) -> int:
        """Exact token count with the model's tokenizer."""
        self._load()
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def close(self) -> None:
        """Free the model's memory."""
        with self._lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
            if self._llama is not None:
                self._llama.close()
                self._llama = None
