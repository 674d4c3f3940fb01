"""``diplo-extract batch-files emit|ingest``: request and result files for the OpenAI Batch API or vllm run-batch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from diplo_extract.runs.batch_files import emit_requests, ingest_results

batch_files_app = typer.Typer(help="OpenAI Batch API / vllm run-batch request and result files.",
                              no_args_is_help=True)


@batch_files_app.command("emit")
def emit(
    articles: Annotated[list[Path], typer.Argument(help="Article files.")],
    out: Annotated[Path, typer.Option("--out", "-o")],
    model: Annotated[str, typer.Option("--model", "-m", help="Model name the provider will run.")],
    server_flavor: Annotated[str | None, typer.Option(help="openai (default) or llama_cpp.")] = None,
) -> None:
    """Write one request line per pass per article, exactly as the live path would send them."""
    result = emit_requests(articles, out, model=model, server_flavor=server_flavor)
    typer.echo(f"{result.requests} requests for {result.articles} articles in {out}")
    for path in result.duplicates:
        typer.echo(f"duplicate text, written once: {path}", err=True)
    for path, error in result.failed.items():
        typer.echo(f"error: {path}: {error}", err=True)
    if result.failed:
        raise typer.Exit(1)


@batch_files_app.command("ingest")
def ingest(
    results: Annotated[list[Path], typer.Argument(help="The provider's output file(s).")],
    articles: Annotated[list[Path], typer.Option("--articles", help="The article files the requests came from.")],
    out: Annotated[Path, typer.Option("--out", "-o")],
    model: Annotated[str | None, typer.Option("--model", "-m")] = None,
) -> None:
    """Turn a provider's results into grounded, validated records; list what must be re-run live."""
    result = ingest_results(results, articles, out, model=model)
    typer.echo(f"{result.ok} records, {len(result.failed)} to re-run live, {result.unused} answers not needed")
    for error in result.failed:
        typer.echo(f"failed: {error.raw_data.get('path')} {error.custom_id}: {error.error_type}: "
                   f"{error.error_message}", err=True)
    if result.failed:
        typer.echo(f"re-run: diplo-extract batch {' '.join(result.rerun_paths)} -o {out}", err=True)
        raise typer.Exit(1)
