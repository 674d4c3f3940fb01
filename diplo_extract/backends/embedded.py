"""The embedded default: llama.cpp in process through llama-cpp-python, JSON constrained by a grammar.

instructor's JSON_SCHEMA mode asks for JSON of the response model's schema; llama-cpp-python turns that schema
into a GBNF grammar, so every completion is JSON of the right shape with bounded lists and strings. The same
request sent to ``python -m llama_cpp.server`` (``server_flavor="llama_cpp"``) takes the same path, which is
why cassettes recorded there stand for this backend. llama-cpp-python keeps the KV cache of the longest
shared prompt prefix with the last call, and with a RAM state cache it restores the longest matching
prefix of earlier calls: each pass's instructions are evaluated once per process, not once per article.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from diplo_extract.backends.base import Backend, GenerationSettings, to_llama_cpp_response_format
from diplo_extract.backends.model_store import MODEL_NAME, resolve_model_path
from diplo_extract.backends.retry import RetryPolicy
from diplo_extract.errors import BackendUnavailableError, ModelFileError

DEFAULT_CONTEXT = 8192
PREFIX_CACHE_BYTES = 1 << 30  # room for each pass's saved prefix state (tens of MB each)
# Sampling extras that keep a small model's JSON clean: no repetition penalty (JSON repeats keys by design).
LLAMA_CPP_EXTRAS: dict[str, Any] = {"repeat_penalty": 1.0}


class EmbeddedBackend(Backend):
    """Qwen2.5-Coder-1.5B-Instruct (or ``DIPLO_EXTRACT_MODEL_PATH``) in this process.

    One model instance serves one call at a time (a lock guards it): llama.cpp contexts are not
    thread-safe, and on a 2-core machine parallel calls would only compete for the same cores.
    """

    name = "embedded"

    def __init__(self, *, model_path: Path | None = None, n_ctx: int = DEFAULT_CONTEXT,
                 n_threads: int | None = None, settings: GenerationSettings | None = None,
                 retry_policy: RetryPolicy | None = None, reuse_prefix_cache: bool = True):
        self._model_path = model_path
        path_name = model_path.stem if model_path else MODEL_NAME
        super().__init__(model=path_name, endpoint=None,
                         settings=settings or GenerationSettings(extra_body=dict(LLAMA_CPP_EXTRAS)),
                         retry_policy=retry_policy or RetryPolicy(max_attempts=1))
        self.n_ctx = n_ctx
        self.n_threads = n_threads or max(1, os.cpu_count() or 1)
        self.reuse_prefix_cache = reuse_prefix_cache
        self._llama: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._llama is not None:
            return self._llama
        try:
            # llama-cpp-python is the optional ``local`` extra and loads native code: only deferred here so the
            # package imports without it and the error below says which extra to install.
            import llama_cpp
            from llama_cpp.llama_cache import LlamaRAMCache
        except ImportError as exc:
            raise BackendUnavailableError(
                "the embedded backend needs llama-cpp-python: pip install 'diplo-extract[local]'",
                original=exc, backend=self.name) from exc
        path = self._model_path or resolve_model_path()
        if self._model_path is None and os.environ.get("DIPLO_EXTRACT_MODEL_PATH"):
            self.model = path.stem
        try:
            self._llama = llama_cpp.Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                                          seed=0, verbose=False)
            if self.reuse_prefix_cache:
                self._llama.set_cache(LlamaRAMCache(capacity_bytes=PREFIX_CACHE_BYTES))
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelFileError(f"llama.cpp could not load {path}: {exc}", original=exc,
                                 backend=self.name) from exc
        return self._llama

    def _raw_create(self) -> Callable[..., Any]:
        def create(**kwargs: Any) -> Any:
            kwargs.pop("model", None)
            with self._lock:
                llama = self._load()
                if not self.reuse_prefix_cache:
                    llama.reset()  # forget the previous call's tokens, so nothing is reused
                return llama.create_chat_completion_openai_v1(**to_llama_cpp_response_format(kwargs))

        return create

    def count_tokens(self, text: str) -> int:
        """Exact token count with the model's tokenizer."""
        with self._lock:
            llama = self._load()
            return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def close(self) -> None:
        """Free the model's memory."""
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None
