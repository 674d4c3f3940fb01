"""Batch extraction that survives faults: many articles, bounded concurrency, an append-only output.

Each finished article becomes one JSON line, appended and fsync'ed by the one thread that consumes the
workers' futures, so lines never interleave and a crash loses at most the article being written::

    {"status": "ok", "path": ..., "sha256": ..., "record": {...ArticleExtraction...}}
    {"status": "failed", "path": ..., "sha256": ... or null,
     "error": {"type": "InputFileError", "message": ..., "reason": ..., "attempts": ...}}

A failed article never stops the batch; only errors that would fail every article (bad configuration,
rejected credentials, a missing model) do. With ``resume`` an existing output is read first: articles whose
content SHA-256 already has an ok line are skipped, a partial last line left by a crash is cut away, and at
the end failure lines that a later line superseded are dropped, so each article appears once.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import fcntl
import itertools
import json
import logging
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from diplo_extract import api
from diplo_extract.backends.config import BackendConfig, resolve_config
from diplo_extract.backends.embedded import MAX_SEQUENCES, default_sequences
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import BATCH_FATAL, ConfigurationError, DiploExtractError, describe
from diplo_extract.outputs.records import json_line, records_in
from diplo_extract.outputs.tables import write_tables
from diplo_extract.text.reader import read_article

__all__ = ["DEFAULT_GLOBS", "BatchAborted", "BatchOutcome", "BatchSummary", "effective_concurrency",
           "expand_inputs", "extract_files"]

DEFAULT_GLOBS = ("*.txt", "*.html", "*.htm", "*.json")
DEFAULT_CONCURRENCY = 4
JOURNAL_NAME = "records.jsonl"  # the journal inside a --format csv or parquet output folder
FOLDER_FORMATS = ("csv", "parquet")  # formats whose output is a folder of tables beside the journal
_log = logging.getLogger(__name__)


class BatchAborted(KeyboardInterrupt):
    """A second interrupt arrived while running articles were being finished."""


@dataclass(frozen=True)
class BatchOutcome:
    """What became of one article: ``ok``, ``failed``, or ``skipped`` (done by an earlier run)."""

    path: str
    status: Literal["ok", "failed", "skipped"]
    sha256: str | None = None
    record: ArticleExtraction | None = None
    error: dict[str, Any] | None = None
    seconds: float = 0.0

    @property
    def cached(self) -> bool:
        """Whether the record came from the result cache."""
        return self.record is not None and self.record.provenance.cached

    def to_line(self) -> dict[str, Any]:
        """The output line of an ok or failed article."""
        line: dict[str, Any] = {"status": self.status, "path": self.path, "sha256": self.sha256}
        if self.record is not None:
            line["record"] = self.record.model_dump(mode="json")
        else:
            line["error"] = self.error
        return line


@dataclass
class BatchSummary:
    """Counts for the end-of-batch summary; feed it every outcome with :meth:`add`."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, outcome: BatchOutcome) -> None:
        """Count one outcome."""
        if outcome.status == "ok":
            self.done += 1
            self.cached += outcome.cached
            if outcome.record is not None and not outcome.cached:  # a cached record cost nothing this run
                self.prompt_tokens += outcome.record.provenance.usage.prompt_tokens
                self.completion_tokens += outcome.record.provenance.usage.completion_tokens
        elif outcome.status == "failed":
            self.failed += 1
        else:
            self.skipped += 1

    def line(self) -> str:
        """One line: done, failed, skipped by resume, cached, seconds, tokens spent by this run."""
        seconds = time.monotonic() - self.started
        return (f"done {self.done}, failed {self.failed}, skipped (resume) {self.skipped}, "
                f"cached {self.cached}, {seconds:.1f} s, tokens {self.prompt_tokens:,} prompt / "
                f"{self.completion_tokens:,} completion")


def expand_inputs(inputs: Iterable[str | os.PathLike[str]], *, globs: Iterable[str] = DEFAULT_GLOBS,
                  stdin: TextIO | None = None) -> list[Path]:
    """Files as given, directories searched recursively for ``globs``, ``-`` for paths read from stdin.

    Hidden files and folders inside a directory are left out; a path is listed once. A named file that is
    missing stays in the list, so it gets a failure line rather than vanishing; so does a match that is not a
    regular file (a FIFO named ``x.txt``), which the reader refuses without waiting on it.
    """
    patterns = list(globs)
    found: dict[str, Path] = {}

    def add(path: Path) -> None:
        found.setdefault(os.path.abspath(path), path)

    for item in inputs:
        if os.fspath(item) == "-":
            lines = (stdin or sys.stdin).read().splitlines()
            for nested in expand_inputs([line.strip() for line in lines if line.strip()], globs=patterns):
                add(nested)
            continue
        path = Path(item)
        if not path.is_dir():
            add(path)
            continue
        matches = {m for pattern in patterns for m in path.rglob(pattern) if not m.is_dir()}
        for match in sorted(matches):
            if not any(part.startswith(".") for part in match.relative_to(path).parts):
                add(match)
    return list(found.values())


def effective_concurrency(backend_name: str, requested: int | None) -> int:
    """Articles in flight: ``requested`` (at most 8 for the embedded model), else a default.

    The embedded model decodes its articles in flight together in one model
    (:func:`~diplo_extract.backends.embedded.default_sequences`: 4 on two or more cores); a server gets 4
    requests at once.
    """
    if requested:
        return max(1, min(requested, MAX_SEQUENCES) if backend_name == "embedded" else requested)
    return default_sequences() if backend_name == "embedded" else DEFAULT_CONCURRENCY


def with_concurrency(config: BackendConfig, requested: int | None) -> tuple[BackendConfig, int]:
    """The articles in flight, and the config whose embedded model decodes that many together.

    ``requested`` wins, else the config's own sequences, else the default of :func:`effective_concurrency`.
    """
    workers = effective_concurrency(config.backend, requested or config.sequences)
    if config.backend == "embedded":
        # N articles in flight are N sequences of one model, decoded together.
        config = dataclasses.replace(config, sequences=workers)
    return config, workers


def embedded_plan(requested: int | None) -> str:
    """One line saying how the embedded model will run a batch of ``requested`` (None: the default)."""
    n = effective_concurrency("embedded", requested)
    if n > 1:
        chosen = "" if requested else f" (the default for {os.cpu_count()} cores; -j N to choose)"
        return f"embedded backend: {n} articles decoded together in one model{chosen}"
    return "embedded backend: one article at a time"


def _within(path: Path, place: Path) -> bool:
    absolute = Path(os.path.abspath(path))
    return absolute == place or place in absolute.parents


def _error_of(exc: BaseException) -> dict[str, Any]:
    # describe(): one line, cut, credentials redacted, whatever the exception carried from a server.
    return {"type": type(exc).__name__, "message": describe(exc),
            "reason": getattr(exc, "reason", None), "attempts": getattr(exc, "attempts", None)}


def _process(path: Path, extract: Callable[..., ArticleExtraction], done: frozenset[str]) -> BatchOutcome:
    started = time.perf_counter()
    sha256: str | None = None
    try:
        source = read_article(path)
        sha256 = source.sha256
        if sha256 in done:
            return BatchOutcome(str(path), "skipped", sha256)
        record = extract(source)
    except BATCH_FATAL:
        raise
    except Exception as exc:  # one article's failure, whatever it is, must not end the batch
        if not isinstance(exc, DiploExtractError):
            _log.warning("unexpected error on %s", path, exc_info=True)
        return BatchOutcome(str(path), "failed", sha256, error=_error_of(exc),
                            seconds=time.perf_counter() - started)
    return BatchOutcome(str(path), "ok", sha256, record=record, seconds=time.perf_counter() - started)


def _json_or_none(raw: bytes) -> dict[str, Any] | None:
    """A journal line's object, or None for anything else (not JSON, too deep, a number, a list)."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


class _Journal:
    """The output file: resumed, appended one fsync'ed line at a time, compacted at the end."""

    def __init__(self, path: Path, resume: bool):
        self.path = path
        self.done: set[str] = set()
        self.resumed = resume and path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        # A FIFO or a device as the output would block the resume read or swallow the lines.
        if path.exists() and not path.is_file():
            raise ConfigurationError(f"output {str(path)!r} is not a regular file; choose a file path for --out")
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK, 0o644)
        if not stat.S_ISREG(os.fstat(self._fd).st_mode):
            os.close(self._fd)
            raise ConfigurationError(f"output {str(path)!r} is not a regular file; choose a file path for --out")
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # not POSIX: no lock, the caller must not start two batches on one file
            pass
        except OSError as exc:
            os.close(self._fd)
            raise ConfigurationError(f"another batch is writing {path}; wait for it or choose another --out",
                                     original=exc) from exc
        if self.resumed:
            self._load()
        else:  # truncated only once the lock is ours: never under another batch's feet
            os.ftruncate(self._fd, 0)

    def _load(self) -> None:
        data = self.path.read_bytes()
        complete = data.rfind(b"\n") + 1
        if complete < len(data):  # the process died while writing this line: it never happened
            _log.info("%s: dropping a partial last line (%d bytes)", self.path, len(data) - complete)
            os.ftruncate(self._fd, complete)
        for number, raw in enumerate(data[:complete].split(b"\n"), 1):
            if not raw.strip():
                continue
            line = _json_or_none(raw)
            if line is None:
                _log.warning("%s:%d is not a JSON object; kept, not read", self.path, number)
                continue
            if isinstance(line, dict) and line.get("status") == "ok" and line.get("sha256"):
                self.done.add(str(line["sha256"]))

    def write(self, outcome: BatchOutcome) -> None:
        line = outcome.to_line()
        try:
            data = (json_line(line) + "\n").encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not valid Unicode: escape rather than lose the line
            data = (json.dumps(line) + "\n").encode("ascii")
        while data:  # one write for a line in practice; the loop covers a short write
            data = data[os.write(self._fd, data):]
        os.fsync(self._fd)

    def close(self) -> None:
        if self.resumed:
            self._compact()
        os.close(self._fd)

    def _compact(self) -> None:
        # Split on b"\n" alone, as lines are written; a line that is not a JSON object (someone else's, or
        # damaged) is kept where it is: compaction drops only failure lines a later line superseded.
        lines = [raw + b"\n" for raw in self.path.read_bytes().split(b"\n") if raw.strip()]
        seen_paths: set[str] = set()
        seen_shas: set[str] = set()
        kept: list[bytes] = []
        for raw in reversed(lines):
            line = _json_or_none(raw)
            if line is None:
                kept.append(raw)
                continue
            # Only text names an article; anything else (null, a list) supersedes nothing and is never superseded.
            path, sha = (value if isinstance(value, str) else None for value in (line.get("path"), line.get("sha256")))
            superseded = (path is not None and path in seen_paths) or (sha is not None and sha in seen_shas)
            if line.get("status") == "ok" or not superseded:
                kept.append(raw)
            if path is not None:
                seen_paths.add(path)
            if sha is not None:
                seen_shas.add(sha)
        if len(kept) == len(lines):
            return
        partial = self.path.with_name(self.path.name + ".partial")
        with partial.open("wb") as fh:
            fh.writelines(reversed(kept))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, self.path)


def extract_files(paths: Iterable[str | os.PathLike[str]], *, out: str | os.PathLike[str] | None = None,
                  concurrency: int | None = None, resume: bool = True, backend: str | None = None,
                  model: str | None = None, base_url: str | None = None, api_key: str | None = None,
                  use_cache: bool = True, output_format: str = "jsonl",
                  progress: Callable[[BatchOutcome], None] | None = None,
                  config: BackendConfig | None = None) -> Iterator[BatchOutcome]:
    """Extract every article in ``paths`` (files, directories, ``-``), yielding outcomes as they finish.

    Args:
        paths: article files, folders (searched for ``DEFAULT_GLOBS``) and ``-`` (paths on stdin).
        out: the JSONL output file; for ``output_format`` "csv" or "parquet" a folder that gets ``records.jsonl``
            (the same lines) and the tables of :mod:`diplo_extract.outputs.tables`; None writes nothing.
        concurrency: articles in flight (openai backend: default 4; embedded: decoded together in one model,
            default :func:`~diplo_extract.backends.embedded.default_sequences`).
        resume: skip articles the output already holds; False starts the output afresh.
        backend: "embedded" or "openai", as for :func:`diplo_extract.api.extract_file`.
        model: model name for the openai backend.
        base_url: OpenAI-compatible endpoint.
        api_key: key for that endpoint.
        use_cache: answer from the result cache when an article was extracted with the same settings.
        output_format: "jsonl", "csv" or "parquet".
        progress: called with every outcome, from the consuming thread, after its line is written.
        config: an already resolved backend configuration; replaces backend, model, base_url and api_key.

    Raises:
        ConfigurationError, AuthenticationError, ModelFileError, BackendUnavailableError: every article would
        fail; running articles are finished and written first.
        KeyboardInterrupt: no new article is started, running ones finish and are written, then it is
        re-raised (``BatchAborted`` if a second interrupt cut that short).
    """
    if output_format not in ("jsonl", *FOLDER_FORMATS):
        raise ConfigurationError(f"output format {output_format!r} unknown; use jsonl, csv or parquet")
    if output_format in FOLDER_FORMATS and out is None:
        raise ConfigurationError(f"the {output_format} format writes a folder: give out")
    config = config or resolve_config(backend, model=model, base_url=base_url, api_key=api_key)
    if config.backend == "embedded":
        _log.info(embedded_plan(concurrency or config.sequences))
    config, workers = with_concurrency(config, concurrency)
    api.get_extractor(config)  # configuration errors now, before any output is touched
    journal_path: Path | None = None
    if out is not None:
        journal_path = Path(out) / JOURNAL_NAME if output_format in FOLDER_FORMATS else Path(out)
    journal = None if journal_path is None else _Journal(journal_path, resume)
    done = frozenset(journal.done) if journal else frozenset()
    # Never read our own output as an article (a --glob of "*" over the folder that holds it).
    own = None if out is None else Path(os.path.abspath(out))
    todo = (p for p in expand_inputs(paths) if own is None or not _within(p, own))

    def extract(source: Any) -> ArticleExtraction:
        return api.extract_source(source, config=config, use_cache=use_cache)

    def finish(future: cf.Future[BatchOutcome]) -> BatchOutcome:
        outcome = future.result()  # a fatal error propagates from here
        if journal is not None and outcome.status != "skipped":
            journal.write(outcome)
        if progress is not None:
            progress(outcome)
        return outcome

    pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="diplo-batch")
    submitted = itertools.count()
    running: dict[cf.Future[BatchOutcome], int] = {}  # submission order, to write finished ones in that order
    try:
        try:
            while True:
                # A small window of submitted articles: an interrupt cancels little, memory stays flat.
                for path in todo:
                    running[pool.submit(_process, path, extract, done)] = next(submitted)
                    if len(running) >= 2 * workers:
                        break
                if not running:
                    break
                finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                for future in sorted(finished, key=running.__getitem__):
                    del running[future]  # before finish(): a future is written once, even if we stop
                    yield finish(future)
        except BaseException:  # interrupt, fatal error or the caller closing us: finish what runs, then go
            # Cancelled here, not by shutdown(cancel_futures=True): futures that shutdown cancels never
            # notify their waiters, and as_completed would wait for them forever.
            started = [future for future in running if not future.cancel()]
            pool.shutdown(wait=False)
            try:
                for future in cf.as_completed(started):
                    if future.exception() is None:
                        finish(future)
            except KeyboardInterrupt as again:
                raise BatchAborted() from again
            raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if journal is not None:
            journal.close()
            if output_format in FOLDER_FORMATS and journal_path is not None:
                write_tables(records_in(journal_path), journal_path.parent, output_format)
