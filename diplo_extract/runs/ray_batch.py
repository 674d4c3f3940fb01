"""``diplo-extract batch --engine ray``: the resumable batch of :mod:`diplo_extract.runs.batch` on Ray.

The driver (this process) keeps what makes a batch trustworthy: it reads the output first (resume), writes
every line itself, fsync'ed, in the format of the local batch, and compacts the file at the end. The actors
do the work: each builds its backend once, reads its articles, skips those whose content SHA-256 already has
an ok line (before any request is sent) and extracts the others, handing back the finished output lines.

Inputs:

- article files and folders, as for the local batch (``-`` for paths on stdin). Each actor reads its files
  with :func:`diplo_extract.text.reader.read_article`, the local batch's reader, so HTML, JSON and legacy
  encodings give the same text, the same hash and therefore the same resume as a local run;
- ``*.jsonl`` / ``*.ndjson`` and ``*.parquet`` files, read with Ray Data's own readers: one article per row
  with ``text`` and optional ``id`` (the line's ``path``; without it ``<file>#<sha256[:12]>``) and
  ``published`` (a date, carried into the record). A file without a ``text`` column gives one failure line.

Needs the ``ray`` extra: ``pip install 'diplo-extract[ray]'``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from diplo_extract import api
from diplo_extract.backends.config import BackendConfig
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import BATCH_FATAL, ConfigurationError, DiploExtractError, InputFileError
from diplo_extract.outputs.records import records_in
from diplo_extract.outputs.tables import write_tables
from diplo_extract.runs.batch import (
    DEFAULT_GLOBS,
    FOLDER_FORMATS,
    JOURNAL_NAME,
    BatchOutcome,
    _error_of,
    _Journal,
    _process,
    _within,
    expand_inputs,
)
from diplo_extract.runs.ray_data import OPENAI_ACTOR_CPUS, forwarded_env
from diplo_extract.text.reader import ArticleSource, article_from_text

if TYPE_CHECKING:
    import pyarrow
    import ray.data

__all__ = ["DATASET_SUFFIXES", "extract_with_ray", "split_inputs"]

DATASET_SUFFIXES = {".jsonl": "json", ".ndjson": "json", ".parquet": "parquet"}
DEFAULT_ACTORS = 2
_log = logging.getLogger(__name__)
# The columns every input is brought to before the actors see it: one schema, so the inputs can be unioned.
_PATH, _TEXT, _PUBLISHED, _PROBLEM = "path", "text", "published", "problem"


def split_inputs(inputs: Iterable[str | os.PathLike[str]], *, globs: Iterable[str] = DEFAULT_GLOBS,
                 stdin: TextIO | None = None) -> tuple[list[Path], dict[str, list[str]]]:
    """Article files (as :func:`~diplo_extract.runs.batch.expand_inputs` finds them) and dataset files by reader.

    A file named ``*.jsonl``, ``*.ndjson`` or ``*.parquet`` holds many articles; everything else is one article
    per file.
    """
    articles: list[Path] = []
    datasets: dict[str, list[str]] = {}
    for path in expand_inputs(inputs, globs=globs, stdin=stdin):
        reader = DATASET_SUFFIXES.get(path.suffix.lower())
        if reader is not None and path.is_file():
            datasets.setdefault(reader, []).append(os.path.abspath(path))
        else:
            articles.append(path)
    return articles, datasets


def _text_of(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):  # a binary Parquet column: UTF-8 or the row fails
        return bytes(value).decode("utf-8", errors="surrogateescape")
    return str(value)


def _normalise(batch: pyarrow.Table) -> pyarrow.Table:
    """Rows of a JSONL or Parquet file as (path, text, published, problem)."""
    # pyarrow comes with ray[data]; this runs on Ray workers only.
    import pyarrow as pa

    names = batch.column_names
    files = batch.column("path").to_pylist() if "path" in names else [None] * batch.num_rows
    texts = [_text_of(v) for v in batch.column(_TEXT).to_pylist()] if _TEXT in names else [None] * batch.num_rows
    ids = batch.column("id").to_pylist() if "id" in names else [None] * batch.num_rows
    published = (batch.column(_PUBLISHED).to_pylist() if _PUBLISHED in names else [None] * batch.num_rows)
    problem = None if _TEXT in names else f"no '{_TEXT}' column (columns: {', '.join(names)})"
    return pa.table({
        # No id: the file's name, completed with the text's hash by the actor (a row number is not known here).
        _PATH: pa.array([str(i) if i is not None else f"{f}#" for i, f in zip(ids, files, strict=True)],
                        pa.string()),
        _TEXT: pa.array(texts, pa.string()),
        _PUBLISHED: pa.array([None if p is None else str(p)[:10] for p in published], pa.string()),
        _PROBLEM: pa.array([problem] * batch.num_rows, pa.string()),
    })


def _text_outcome(label: str, text: str | None, published: str | None, problem: str | None,
                  extract: Callable[[ArticleSource], ArticleExtraction], done: frozenset[str]) -> BatchOutcome:
    """One dataset row, as :func:`~diplo_extract.runs.batch._process` does one file."""
    sha256: str | None = None
    try:
        if problem is not None:
            raise InputFileError(f"{label.rstrip('#')}: {problem}", path=label, reason="undecodable")
        if text is None:
            raise InputFileError(f"{label}: the '{_TEXT}' cell is null", path=label, reason="empty")
        source = article_from_text(text, path=label)
        sha256 = source.sha256
        if label.endswith("#"):
            label = f"{label}{sha256[:12]}"
            source = dataclasses.replace(source, path=label)
        if sha256 in done:
            return BatchOutcome(label, "skipped", sha256)
        if published:
            source = dataclasses.replace(source, published=published)
        record = extract(source)
    except BATCH_FATAL:
        raise
    except Exception as exc:  # one article's failure, whatever it is, must not end the batch
        if not isinstance(exc, DiploExtractError):
            _log.warning("unexpected error on %s", label, exc_info=True)
        return BatchOutcome(label, "failed", sha256, error=_error_of(exc))
    return BatchOutcome(label, "ok", sha256, record=record)


class LineExtractor:
    """The Ray Data callable class: extracts a batch of (path, text, ...) rows into finished output lines.

    Rows with a null ``text`` are article files, read here; the others are articles of a dataset file.
    Returns ``status``, ``path`` and ``line`` (the JSON output line; null for a skipped row).
    """

    def __init__(self, *, config: BackendConfig, use_cache: bool, threads: int, done: frozenset[str]):
        self.config = config
        self.use_cache = use_cache
        self.done = done
        extractor = api.get_extractor(config)  # shared by every extract_source call in this process
        extractor.backend.count_tokens("warm up")  # the embedded model loads now, once per actor
        # The embedded model decodes config.sequences articles together; more threads would only wait.
        self.threads = (config.sequences or 1) if extractor.backend.name == "embedded" else max(1, threads)
        self._pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None

    def _extract(self, source: ArticleSource) -> ArticleExtraction:
        return api.extract_source(source, config=self.config, use_cache=self.use_cache)

    def _row(self, row: tuple[str, str | None, str | None, str | None]) -> BatchOutcome:
        path, text, published, problem = row
        if text is None and problem is None and not path.endswith("#"):
            return _process(Path(path), self._extract, self.done)
        return _text_outcome(path, text, published, problem, self._extract, self.done)

    def __call__(self, batch: pyarrow.Table) -> pyarrow.Table:
        """Extract every row of a batch."""
        # pyarrow comes with ray[data]; this runs on Ray workers only.
        import pyarrow as pa

        rows = list(zip(*(batch.column(c).to_pylist() for c in (_PATH, _TEXT, _PUBLISHED, _PROBLEM)), strict=True))
        outcomes = list(self._pool.map(self._row, rows)) if self._pool else [self._row(r) for r in rows]
        lines = [None if o.status == "skipped" else json.dumps(o.to_line(), ensure_ascii=False) for o in outcomes]
        return pa.table({"status": pa.array([o.status for o in outcomes], pa.string()),
                         _PATH: pa.array([o.path for o in outcomes], pa.string()),
                         "sha256": pa.array([o.sha256 for o in outcomes], pa.string()),
                         "line": pa.array(lines, pa.string())})


def _dataset(rd: Any, pa: Any, articles: list[Path], datasets: dict[str, list[str]], batch_size: int
             ) -> tuple[ray.data.Dataset, int]:
    """One dataset of (path, text, published, problem) rows over every input, and its row count."""
    parts = []
    total = 0
    if articles:
        # Typed columns: a column of nulls would otherwise be Arrow's null type and not union with text.
        none = pa.nulls(len(articles), pa.string())
        table = pa.table({_PATH: pa.array([str(p) for p in articles], pa.string()), _TEXT: none,
                          _PUBLISHED: none, _PROBLEM: none})
        # One block per batch: a single block would go to one actor while the others wait.
        parts.append(rd.from_arrow([table.slice(i, batch_size) for i in range(0, len(articles), batch_size)]))
        total += len(articles)
    for reader, files in sorted(datasets.items()):
        if reader == "json":
            ds = rd.read_json(files, lines=True, include_paths=True)
        else:
            ds = rd.read_parquet(files, include_paths=True)
        ds = ds.map_batches(_normalise, batch_format="pyarrow", zero_copy_batch=True)
        total += ds.count()  # for the progress bar; Parquet answers from its footers
        parts.append(ds)
    first, *others = parts
    return (first.union(*others) if others else first), total


def _fatal_cause(exc: BaseException) -> DiploExtractError | None:
    """The library error an actor raised, through Ray's wrappers (RayTaskError, UserCodeException)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, DiploExtractError):
            return current
        seen.add(id(current))
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else (current.__cause__ or current.__context__)
    return None


def _outcome(row: dict[str, Any]) -> BatchOutcome:
    if row["line"] is None:
        return BatchOutcome(row[_PATH], "skipped", row["sha256"])
    line = json.loads(row["line"])
    record = ArticleExtraction.model_validate(line["record"]) if line["status"] == "ok" else None
    return BatchOutcome(line["path"], line["status"], line["sha256"], record=record, error=line.get("error"))


def extract_with_ray(inputs: Iterable[str | os.PathLike[str]], *, config: BackendConfig,
                     out: str | os.PathLike[str] | None = None, resume: bool = True, use_cache: bool = True,
                     output_format: str = "jsonl", globs: Iterable[str] = DEFAULT_GLOBS,
                     ray_address: str | None = None, actors: int = DEFAULT_ACTORS, threads_per_actor: int = 4,
                     batch_size: int = 4, stdin: TextIO | None = None,
                     on_total: Callable[[int], None] | None = None,
                     progress: Callable[[BatchOutcome], None] | None = None) -> Iterator[BatchOutcome]:
    """The batch of :func:`~diplo_extract.runs.batch.extract_files`, run by a pool of Ray actors.

    Args:
        inputs: article files, folders, ``-``, and ``*.jsonl`` / ``*.parquet`` files of articles.
        config: the resolved backend configuration.
        out: JSONL output, or the folder for ``output_format`` "csv" / "parquet"; None writes nothing.
        resume: skip articles the output already holds (they are read and hashed, never sent).
        use_cache: answer from the result cache (on each node).
        output_format: "jsonl", "csv" or "parquet".
        globs: file patterns searched for in folders.
        ray_address: None starts a local Ray on this machine; "auto" or "ray://host:port" joins a cluster.
        actors: actors in the pool (each embedded actor holds its own model).
        threads_per_actor: articles in flight in one actor (openai backend; for the embedded model ``-j`` sets
            ``config.sequences``, articles decoded together in each actor's model).
        batch_size: rows handed to an actor at once.
        stdin: where ``-`` reads paths from.
        on_total: called once with the number of articles, before the first outcome.
        progress: called with every outcome after its line is written.

    Raises:
        ImportError: Ray is not installed. ConfigurationError and the other errors every article would hit.
    """
    if output_format not in ("jsonl", *FOLDER_FORMATS):
        raise ConfigurationError(f"output format {output_format!r} unknown; use jsonl, csv or parquet")
    if output_format in FOLDER_FORMATS and out is None:
        raise ConfigurationError(f"the {output_format} format writes a folder: give out")
    api.get_extractor(config)  # configuration errors now, before Ray starts or the output is touched
    try:
        # Ray is the optional ``ray`` extra and takes seconds to import: only a Ray run pays for it.
        import pyarrow as pa
        import ray
        import ray.data
    except ImportError as exc:
        raise ImportError("--engine ray needs Ray Data: pip install 'diplo-extract[ray]'") from exc
    articles, datasets = split_inputs(inputs, globs=globs, stdin=stdin)
    journal_path = None if out is None else (Path(out) / JOURNAL_NAME if output_format in FOLDER_FORMATS
                                             else Path(out))
    if out is not None:  # never read our own output as an article
        own = Path(os.path.abspath(out))
        articles = [p for p in articles if not _within(p, own)]
    journal = None if journal_path is None else _Journal(journal_path, resume)
    started_ray = not ray.is_initialized()
    try:
        if started_ray:
            # Ray's own logging and progress bars would draw over ours; errors still reach us as exceptions.
            ray.init(address=ray_address, include_dashboard=False, log_to_driver=False, configure_logging=True,
                     logging_level=logging.ERROR)
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        done = frozenset(journal.done) if journal else frozenset()
        if not articles and not datasets:
            return
        ds, total = _dataset(ray.data, pa, articles, datasets, batch_size)
        if on_total is not None:
            on_total(total)
        num_cpus = 1.0 if config.backend == "embedded" else OPENAI_ACTOR_CPUS
        results = ds.map_batches(
            LineExtractor,
            # The resolved config (with the API key) travels in the constructor arguments, not in a
            # runtime_env that the Ray dashboard shows.
            fn_constructor_kwargs={"config": config, "use_cache": use_cache, "threads": threads_per_actor,
                                   "done": done},
            batch_size=batch_size, batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=num_cpus, runtime_env={"env_vars": forwarded_env()})
        try:
            for row in results.iter_rows():
                outcome = _outcome(row)
                if journal is not None and outcome.status != "skipped":
                    journal.write(outcome)
                if progress is not None:
                    progress(outcome)
                yield outcome
        except Exception as exc:
            fatal = _fatal_cause(exc)
            if fatal is None:
                raise
            raise fatal from None
    finally:
        if journal is not None:
            journal.close()
            if output_format in FOLDER_FORMATS and journal_path is not None:
                write_tables(records_in(journal_path), journal_path.parent, output_format)
        if started_ray:
            ray.shutdown()
