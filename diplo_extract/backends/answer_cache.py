"""The answer cache: the model's raw answer per exact request, kept across code versions.

The result cache (:mod:`diplo_extract.cache`) keeps finished records and is void as soon as the library's code
changes, because grounding, merging, dates and country codes are code. The model's answer to a given request
does not depend on that code: the same messages, schema, token bound and sampling settings sent to the same
model at temperature 0 get the same answer. Keeping answers lets a re-run after an upgrade (or a rule change
while evaluating) ask the model only the questions it has not answered before; every answer served from here
was written by the model, exactly as a recorded cassette is.

Opt-in, because answers take disk space and an analyst who changes model settings outside the request (a new
GGUF under the same name) must clear it: ``DIPLO_EXTRACT_ANSWER_CACHE`` set to ``1`` (the library's cache
directory) or to a file path. A file that cannot be used is logged once and the calls go to the model.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openai.types.chat import ChatCompletion

from diplo_extract.core.paths import OFF_WORDS, cache_dir
from diplo_extract.core.sqlite_file import PerPath, SqliteFile

__all__ = ["ANSWER_CACHE_ENV", "AnswerCache", "answer_cache_path", "open_answer_cache", "request_key"]

ANSWER_CACHE_ENV = "DIPLO_EXTRACT_ANSWER_CACHE"
_OFF = ("", *OFF_WORDS)  # opt-in: unset is off
_ON = ("1", "on", "true", "yes")


def answer_cache_path(setting: str | None) -> Path | None:
    """The file ``setting`` (the environment variable's value) names: None when off."""
    value = (setting or "").strip()
    if value.lower() in _OFF:
        return None
    if value.lower() in _ON:
        return cache_dir() / "answers.sqlite"
    return Path(value).expanduser()


def request_key(scope: str, request: dict[str, Any]) -> str | None:
    """SHA-256 over the scope (backend and model) and every field of the request; None if not JSON.

    A request with a field that has no stable JSON form is never cached rather than cached under a key that
    could collide or change between runs.
    """
    try:
        body = json.dumps(request, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(f"{scope}\x1f{body}".encode()).hexdigest()


class AnswerCache(SqliteFile):
    """Raw chat completions by request key, in one SQLite file shared by threads and processes."""

    def __init__(self, path: Path):
        super().__init__(path, schema="CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, completion TEXT "
                         "NOT NULL)", what="answer cache", without_it="asking the model instead")
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> ChatCompletion | None:
        """The stored completion for ``key``, or None."""
        if self._broken:
            return None
        with self._lock:
            try:
                row = self._connect().execute("SELECT completion FROM answers WHERE key = ?", (key,)).fetchone()
            except (sqlite3.Error, OSError) as exc:
                self._failed("read", exc)
                return None
        if row is None:
            return None
        try:
            return ChatCompletion.model_validate_json(row[0])
        except ValueError:  # written by an openai version whose completion type has changed: a miss
            return None

    def put(self, key: str, completion: ChatCompletion) -> None:
        """Store one completion (the last answer for a key wins)."""
        if self._broken:
            return
        with self._lock:
            try:
                self._connect().execute("INSERT OR REPLACE INTO answers VALUES (?, ?)",
                                        (key, completion.model_dump_json()))
            except (sqlite3.Error, OSError) as exc:
                self._failed("write", exc)

    def wrap(self, create: Callable[..., Any], scope: str) -> Callable[..., Any]:
        """``create`` answering from the cache when it holds the exact request, storing what it did not."""

        def cached_create(**request: Any) -> Any:
            key = request_key(scope, request)
            if key is not None:
                answer = self.get(key)
                if answer is not None:
                    self.hits += 1
                    return answer
            self.misses += 1
            completion = create(**request)
            if key is not None and isinstance(completion, ChatCompletion):
                self.put(key, completion)
            return completion

        return cached_create


open_answer_cache: PerPath[AnswerCache] = PerPath(AnswerCache)
"""The one :class:`AnswerCache` of this process for a path (batch threads and backends share it)."""
