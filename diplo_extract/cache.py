"""The result cache: a finished record per (article text, prompt, backend, model, schema, code, options).

Extraction with a local model costs seconds to minutes per article, so re-running a batch, an evaluation
or a script over the same articles should not ask the model again. Records live in one SQLite file (stdlib
``sqlite3``, WAL mode so a reader never blocks the writer and several processes can share the file) at
``core.paths.cache_dir() / "results.sqlite"``, or wherever ``DIPLO_EXTRACT_RESULT_CACHE`` points.

The cache is an optimisation: when its file cannot be opened, read or written (read-only disk, a corrupt
file) the failure is logged and extraction goes on as if the cache were empty.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from diplo_extract.core.paths import OFF_WORDS, cache_dir
from diplo_extract.core.schema import SCHEMA_VERSION, ArticleExtraction
from diplo_extract.core.sqlite_file import PerPath, SqliteFile

__all__ = ["RESULT_CACHE_ENV", "CacheInfo", "ResultCache", "cache_key", "code_version", "default_cache_path",
           "open_cache", "result_cache_off"]

RESULT_CACHE_ENV = "DIPLO_EXTRACT_RESULT_CACHE"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    text_sha256 TEXT NOT NULL,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    created REAL NOT NULL,
    record TEXT NOT NULL
)
"""


def result_cache_off() -> bool:
    """Whether ``DIPLO_EXTRACT_RESULT_CACHE`` turns the result cache off (``off``, ``0``, ``false``, ``no``)."""
    return os.environ.get(RESULT_CACHE_ENV, "").strip().lower() in OFF_WORDS


def default_cache_path() -> Path:
    """``DIPLO_EXTRACT_RESULT_CACHE`` when set to a path, else ``results.sqlite`` in the library's cache directory."""
    override = os.environ.get(RESULT_CACHE_ENV, "").strip()
    if override and not result_cache_off():
        return Path(override)
    return cache_dir() / "results.sqlite"


@functools.cache
def code_version() -> str:
    """Short hash of the library's own files (code, country aliases, packaged prompts).

    A record is the model's answers after grounding, merging, dates and country codes, all done by this
    code: a record made by other code (an upgrade, or an edit while developing) must not be served.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".toml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_key(text_sha256: str, *, backend: str, model: str, prompt_version: str,
              schema_version: str = SCHEMA_VERSION, code: str = "", options: tuple[tuple[str, str], ...] = ()
              ) -> str:
    """The key of one result: SHA-256 over everything that decides what the record holds.

    ``code`` is :func:`code_version`; ``options`` are the extraction options that change the record
    (``drop_ungrounded``, a publication date hint, ...) as name/value pairs.
    """
    parts = [text_sha256, prompt_version, backend, model, schema_version, code,
             *(f"{k}={v}" for k, v in options)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    """What ``diplo-extract cache info`` reports."""

    path: Path
    exists: bool
    entries: int
    size_bytes: int  # the database and its WAL and shared-memory files together


class ResultCache(SqliteFile):
    """Thread-safe access to one cache file; get an instance with :func:`open_cache`.

    Opening, locking and failing quietly are :class:`~diplo_extract.core.sqlite_file.SqliteFile`'s.
    """

    def __init__(self, path: Path):
        super().__init__(path, schema=_SCHEMA, what="result cache", without_it="going on without it")

    def get(self, key: str) -> ArticleExtraction | None:
        """The cached record for ``key`` with ``provenance.cached`` set, or None."""
        with self._lock:
            try:
                row = self._connect().execute("SELECT record FROM results WHERE key = ?", (key,)).fetchone()
            except (sqlite3.Error, OSError) as exc:
                self._failed("read", exc)
                return None
        if row is None:
            return None
        try:
            record = ArticleExtraction.model_validate_json(row[0])
        except ValueError:  # written by a version whose record no longer validates: a miss, not an error
            self.delete(key)
            return None
        return record.model_copy(update={"provenance": record.provenance.model_copy(update={"cached": True})})

    def put(self, key: str, record: ArticleExtraction) -> None:
        """Store a freshly extracted record (a record that came from the cache is not stored again)."""
        if record.provenance.cached:
            return
        row = (key, record.article.content_sha256, record.provenance.backend, record.provenance.model,
               record.provenance.prompt_version, time.time(), record.model_dump_json())
        with self._lock:
            try:
                self._connect().execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            except (sqlite3.Error, OSError) as exc:
                self._failed("write", exc)

    def delete(self, key: str) -> None:
        """Forget one entry."""
        with self._lock:
            try:
                self._connect().execute("DELETE FROM results WHERE key = ?", (key,))
            except (sqlite3.Error, OSError) as exc:
                self._failed("write", exc)

    def info(self) -> CacheInfo:
        """Path, number of entries and bytes on disk; does not create the file.

        Raises:
            sqlite3.DatabaseError: the file exists but is not a readable cache.
        """
        files = [self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]
        size = sum(f.stat().st_size for f in files if f.exists())
        if not self.path.exists():
            return CacheInfo(self.path, exists=False, entries=0, size_bytes=0)
        with self._lock:
            entries = int(self._connect().execute("SELECT COUNT(*) FROM results").fetchone()[0])
        return CacheInfo(self.path, exists=True, entries=entries, size_bytes=size)

    def clear(self) -> int:
        """Delete every entry and give the space back; returns how many there were."""
        if not self.path.exists():
            return 0
        with self._lock:
            conn = self._connect()
            removed = int(conn.execute("DELETE FROM results").rowcount)
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed


_caches: PerPath[ResultCache] = PerPath(ResultCache)


def open_cache(path: Path | None = None) -> ResultCache:
    """The shared cache for ``path`` (default: :func:`default_cache_path`, read at every call)."""
    return _caches(path or default_cache_path())

