"""One SQLite file behind a cache: opened lazily, shared by threads, failures logged once.

The result cache (finished records) and the answer cache (the model's raw answers) keep their entries the same
way: one file in WAL mode, so a reader never blocks the writer and several processes can share it; one
connection per process behind a lock, because each operation takes milliseconds next to the seconds a model
call takes; and a file that cannot be opened, read or written is an optimisation lost, not an error.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

__all__ = ["PerPath", "SqliteFile"]

T = TypeVar("T")


class SqliteFile:
    """A lazily opened SQLite file with ``schema``; subclasses read and write it under ``self._lock``."""

    def __init__(self, path: Path, *, schema: str, what: str, without_it: str):
        self.path = path
        self._schema = schema
        self._what = what  # "result cache": how warnings name the file's role
        self._without_it = without_it  # what happens instead when the file fails
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._broken = False  # set after a failure, so a broken file is reported once, not per call

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a power cut may lose the last
                conn.execute(self._schema)
            except sqlite3.Error:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _failed(self, action: str, exc: Exception) -> None:
        if not self._broken:
            # Logged as the module that owns the cache (``diplo_extract.cache``), where a reader looks for it.
            logging.getLogger(type(self).__module__).warning(
                "%s %s: cannot %s (%s); %s", self._what, self.path, action, exc, self._without_it)
        self._broken = True

    def close(self) -> None:
        """Close the connection (a later call opens it again)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class PerPath(Generic[T]):
    """One ``make(path)`` per resolved path in this process: every thread and backend shares it."""

    def __init__(self, make: Callable[[Path], T]):
        self._make = make
        self._instances: dict[Path, T] = {}
        self._lock = threading.Lock()

    def __call__(self, path: Path) -> T:
        """The instance for ``path`` (made on first use)."""
        resolved = path.expanduser().absolute()
        with self._lock:
            instance = self._instances.get(resolved)
            if instance is None:
                instance = self._instances[resolved] = self._make(resolved)
            return instance
