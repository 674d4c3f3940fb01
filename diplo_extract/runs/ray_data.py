"""Extraction over a Ray Data dataset: many articles, many actors, many machines.

``extract_dataset`` maps batches of rows through a pool of actors. Each actor builds its backend once
(the embedded model is loaded and verified once per actor; an openai backend keeps one HTTP client per
endpoint) and extracts every row of its batches through :func:`diplo_extract.api.extract_source`, so the
result cache and provenance work as in ``extract_file``. Every input row comes out once, with its columns
plus two::

    record  the ArticleExtraction as JSON text, or null
    error   "<ErrorType>: <message>" (e.g. "InputFileError: Article 'x' is empty; ..."), or null

An article that fails (empty, binary, an endpoint down past its retries, output that never validated) gets
an error and the job goes on. Errors that every row would hit (bad configuration, rejected credentials, a
missing model or dependency) stop the job, as they stop ``diplo-extract batch``.

Needs the ``ray`` extra: ``pip install 'diplo-extract[ray]'``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from diplo_extract import api
from diplo_extract.backends.config import BackendConfig, resolve_config
from diplo_extract.errors import BATCH_FATAL, EmptyInputError, InputFileError
from diplo_extract.text.reader import ArticleSource, article_from_text

if TYPE_CHECKING:
    import ray.data

__all__ = ["ERROR_COLUMN", "RECORD_COLUMN", "ArticleBatchExtractor", "extract_dataset", "forwarded_env"]

RECORD_COLUMN = "record"
ERROR_COLUMN = "error"
OPENAI_ACTOR_CPUS = 0.25
# Settings the actors must see as the driver sees them. Keys are not sent this way: a runtime_env is shown in
# the Ray dashboard, so the API key travels in the actors' constructor arguments instead.
_FORWARDED_ENV_PREFIXES = ("DIPLO_EXTRACT_",)


def _source_of(value: object, label: str | None) -> ArticleSource:
    """The article in one cell: text as is, bytes decoded as UTF-8 (read_binary_files gives bytes)."""
    shown = label or "<row>"
    if value is None:
        raise EmptyInputError(f"Article text '{shown}' is missing (null); nothing to extract.")
    if isinstance(value, bytes | bytearray):
        data = bytes(value)
        try:
            value = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            binary = b"\x00" in data[:8192]
            raise InputFileError(
                f"Article '{shown}' " + ("looks binary (NUL bytes)" if binary else "is not UTF-8")
                + "; give UTF-8 text, or read the file with diplo_extract.text.reader.read_article",
                path=shown, reason="binary" if binary else "undecodable", original=exc) from exc
    if not isinstance(value, str):
        raise InputFileError(f"Article '{shown}' is a {type(value).__name__}, not text", path=shown,
                             reason="undecodable")
    return article_from_text(value, path=label)


class ArticleBatchExtractor:
    """The Ray Data callable class: one per actor, so its backend is built once and reused.

    Also usable without Ray on a ``pyarrow.Table`` (that is what the actors are given).
    """

    def __init__(self, *, text_column: str, id_column: str | None, config: BackendConfig, use_cache: bool,
                 threads: int):
        self.text_column = text_column
        self.id_column = id_column
        self.config = config
        self.use_cache = use_cache
        extractor = api.get_extractor(config)  # shared by every extract_source call in this process
        # The embedded model loads (and its file is verified) now, once per actor, not inside the first row.
        extractor.backend.count_tokens("warm up")
        # The embedded model decodes config.sequences articles together; more threads would only wait.
        self.threads = (config.sequences or 1) if extractor.backend.name == "embedded" else max(1, threads)
        self._pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None

    def _extract(self, value: object, label: str | None) -> tuple[str | None, str | None]:
        try:
            record = api.extract_source(_source_of(value, label), config=self.config, use_cache=self.use_cache)
        except BATCH_FATAL:
            raise
        except Exception as exc:  # one article's failure, whatever it is, must not end the job
            return None, f"{type(exc).__name__}: {exc}"
        return record.model_dump_json(), None

    def __call__(self, batch: Any) -> Any:
        """Extract every row of a ``pyarrow.Table`` batch; return it with ``record`` and ``error`` columns."""
        pa: Any = importlib.import_module("pyarrow")
        texts = batch.column(self.text_column).to_pylist()
        labels = ([None if v is None else str(v) for v in batch.column(self.id_column).to_pylist()]
                  if self.id_column else [None] * len(texts))
        if self._pool is not None:
            results = list(self._pool.map(self._extract, texts, labels))
        else:
            results = [self._extract(text, label) for text, label in zip(texts, labels, strict=True)]
        for name in (RECORD_COLUMN, ERROR_COLUMN):  # a re-run over earlier output replaces its columns
            if name in batch.column_names:
                batch = batch.drop_columns([name])
        batch = batch.append_column(RECORD_COLUMN, pa.array([r for r, _ in results], type=pa.string()))
        return batch.append_column(ERROR_COLUMN, pa.array([e for _, e in results], type=pa.string()))


def forwarded_env() -> dict[str, str]:
    """The driver's ``DIPLO_EXTRACT_*`` settings, for the actors' runtime_env."""
    return {k: v for k, v in os.environ.items() if k.startswith(_FORWARDED_ENV_PREFIXES)}


def extract_dataset(ds: ray.data.Dataset, *, text_column: str = "text", id_column: str | None = None,
                    backend: str | None = None, model: str | None = None,
                    base_url: str | Sequence[str] | None = None, api_key: str | None = None,
                    concurrency: int = 2, batch_size: int = 8, use_cache: bool = True,
                    threads_per_actor: int = 1, num_cpus: float | None = None) -> ray.data.Dataset:
    """Extract the article in every row of ``ds``; lazy, like every Ray Data transform.

    Args:
        ds: rows with the article in ``text_column`` (str, or UTF-8 bytes as ``read_binary_files`` gives).
        text_column: the column holding the article.
        id_column: a column naming the article (a path, an id): it becomes ``article.source_path`` in the
            record and appears in error messages.
        backend: "embedded" or "openai", as for :func:`diplo_extract.api.extract_file`.
        model: model name for the openai backend.
        api_key: key for the openai backend (sent to the actors as a constructor argument).
        base_url: one OpenAI-compatible endpoint, or several (a list or commas): each actor spreads its
            requests over them (:mod:`diplo_extract.backends.endpoints`).
        concurrency: actors; each embedded actor holds its own model (about 1.2 GB).
        batch_size: rows per batch handed to an actor.
        use_cache: answer from the result cache (``DIPLO_EXTRACT_RESULT_CACHE`` on each node).
        threads_per_actor: rows of a batch in flight at once in one actor (openai backend; the embedded model
            decodes ``config.sequences`` rows together, set with ``DIPLO_EXTRACT_SEQUENCES``).
        num_cpus: CPUs Ray reserves per actor: default 1 for the embedded model (which runs on every core of its
            machine: with several actors per machine, raise it to cores / actors), 0.25 for a remote model.

    Returns:
        A dataset with the input columns plus ``record`` and ``error`` (see the module docstring).

    Raises:
        ImportError: Ray is not installed. ConfigurationError: the backend settings are invalid (checked
        here, before any actor starts).
    """
    config = resolve_config(backend, model=model, base_url=base_url, api_key=api_key)
    api.get_extractor(config)  # configuration errors now, before any actor starts
    try:
        # Ray is the optional ``ray`` extra and takes seconds to import: only a Ray run pays for it.
        import ray.data
    except ImportError as exc:
        raise ImportError("extract_dataset needs Ray Data: pip install 'diplo-extract[ray]'") from exc
    if num_cpus is None:
        # A remote-model actor mostly waits; a whole CPU each would also starve Ray's own read tasks, and on a
        # small cluster (2 CPUs, 2 actors) the job would wait forever for a free CPU.
        num_cpus = 1.0 if config.backend == "embedded" else OPENAI_ACTOR_CPUS
    return ds.map_batches(
        ArticleBatchExtractor,
        # The resolved config (with the API key) travels in the constructor arguments, not in a runtime_env
        # that the Ray dashboard shows.
        fn_constructor_kwargs={"text_column": text_column, "id_column": id_column, "config": config,
                               "use_cache": use_cache, "threads": threads_per_actor},
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=concurrency),
        num_cpus=num_cpus,
        runtime_env={"env_vars": forwarded_env()},
    )
