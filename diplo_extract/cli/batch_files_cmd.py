"""``diplo-extract batch-files emit|ingest``: request and result files for the OpenAI Batch API or vllm run-batch.

Requests go out in rounds (later questions depend on earlier answers): ``emit`` writes what is still
unanswered given the results so far, and says whether another round is needed; ``ingest`` makes the records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from diplo_extract.runs.batch_files import emit_requests, ingest_results

batch_files_app = typer.Typer(help="OpenAI Batch API / vllm run-batch request and result files, in rounds.",
                              no_args_is_help=True)

ResultsOption = Annotated[list[Path] | None, typer.Option(
    "--results", "-r", help="The provider's output files of the earlier rounds (repeat the option).")]
FlavorOption = Annotated[str | None, typer.Option(help="openai (default) or llama_cpp; the same for every round "
                                                       "and ingest.")]


@batch_files_app.command("emit")
def emit(
    articles: Annotated[list[Path], typer.Argument(help="Article files or folders.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="This round's request file (replaced).")],
    model: Annotated[str, typer.Option("--model", "-m", help="Model name the provider will run.")],
    results: ResultsOption = None,
    server_flavor: FlavorOption = None,
) -> None:
    """Write the requests still unanswered (round 1: none answered), exactly as the live path would send them."""
    result = emit_requests(articles, out, model=model, results=results or (), server_flavor=server_flavor)
    typer.echo(f"{result.requests} requests for {len(result.pending)} of {result.articles} articles in {out} "
               f"({result.answered} answers used, {len(result.complete)} articles complete)")
    if result.retried:
        typer.echo(f"{result.retried} requests the provider had failed are asked again", err=True)
    if result.bad_lines:
        typer.echo(f"{result.bad_lines} result lines were not JSON objects with a custom_id", err=True)
    for path in result.duplicates:
        typer.echo(f"duplicate text, asked once: {path}", err=True)
    for path, error in result.failed.items():
        typer.echo(f"error: {path}: {error}", err=True)
    given = " ".join(f"--results {path}" for path in results or ())
    if result.pending:
        typer.echo(f"{len(result.pending)} articles need another round: run the batch, then emit again with "
                   f"{given + ' ' if given else ''}--results <its output file>")
    else:
        typer.echo(f"all answered: ingest: diplo-extract batch-files ingest {' '.join(map(str, results or ()))} "
                   f"--articles ... -o records.jsonl")
    if result.failed:
        raise typer.Exit(1)


@batch_files_app.command("ingest")
def ingest(
    results: Annotated[list[Path], typer.Argument(help="The provider's output files, of every round.")],
    articles: Annotated[list[Path], typer.Option("--articles", help="The article files the requests came from.")],
    out: Annotated[Path, typer.Option("--out", "-o")],
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model named in provenance (default: "
                                                                    "the one the provider reported).")] = None,
    server_flavor: FlavorOption = None,
) -> None:
    """Turn a provider's results into grounded, validated records; list what must be re-run live."""
    result = ingest_results(results, articles, out, model=model, server_flavor=server_flavor)
    typer.echo(f"{result.ok} records, {len(result.failed)} to re-run live, {result.unused} answers not used, "
               f"{result.unknown} for other articles")
    for error in result.failed:
        typer.echo(f"failed: {error.raw_data.get('path')} {error.custom_id}: {error.error_type}: "
                   f"{error.error_message}", err=True)
    if result.failed:
        typer.echo(f"re-run: diplo-extract batch {' '.join(result.rerun_paths)} -o {out}", err=True)
        raise typer.Exit(1)
