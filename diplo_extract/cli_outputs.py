"""Commands and output formats for sharing results: HTML review pages, PLOVER events, OpenAI batch files.

Registered on the main ``diplo-extract`` app by :mod:`diplo_extract.cli`; kept apart so each module stays small.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from diplo_extract.schema import ArticleExtraction

batch_files_app = typer.Typer(help="OpenAI Batch API / vllm run-batch request and result files.",
                              no_args_is_help=True)


def print_records(records: Sequence[ArticleExtraction], output_format: str) -> None:
    """Print records as json, jsonl, html (one review page), events-jsonl or events-csv."""
    if output_format == "html":
        from diplo_extract.events import load_article_text
        from diplo_extract.report_html import render_report

        items = [(text, record) for record in records if (text := load_article_text(record)[0]) is not None]
        typer.echo(render_report(items), nl=False)
    elif output_format == "events-jsonl":
        from diplo_extract.events import events_jsonl

        for record in records:
            typer.echo(events_jsonl(record), nl=False)
    elif output_format == "events-csv":
        from diplo_extract.events import events_csv

        events_csv(records, sys.stdout)
    else:
        for record in records:
            typer.echo(record.model_dump_json(indent=None if output_format == "jsonl" else 2))


def report(records: Annotated[Path, typer.Argument(help="JSON or JSONL of records or batch lines.")],
           out: Annotated[Path, typer.Option("--out", "-o")] = Path("report.html")) -> None:
    """Render records as one self-contained HTML review page with the evidence highlighted."""
    from diplo_extract.report_html import write_report

    result = write_report(records, out)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"{out}: {result.articles} articles")
    if result.articles == 0:
        raise typer.Exit(1)


@batch_files_app.command("emit")
def emit(
    articles: Annotated[list[Path], typer.Argument(help="Article files.")],
    out: Annotated[Path, typer.Option("--out", "-o")],
    model: Annotated[str, typer.Option("--model", "-m", help="Model name the provider will run.")],
    server_flavor: Annotated[str | None, typer.Option(help="openai (default) or llama_cpp.")] = None,
) -> None:
    """Write one request line per pass per article, exactly as the live path would send them."""
    from diplo_extract.batch_files import emit_requests

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
    from diplo_extract.batch_files import ingest_results

    result = ingest_results(results, articles, out, model=model)
    typer.echo(f"{result.ok} records, {len(result.failed)} to re-run live, {result.unused} answers not needed")
    for error in result.failed:
        typer.echo(f"failed: {error.raw_data.get('path')} {error.custom_id}: {error.error_type}: "
                   f"{error.error_message}", err=True)
    if result.failed:
        typer.echo(f"re-run: diplo-extract batch {' '.join(result.rerun_paths)} -o {out}", err=True)
        raise typer.Exit(1)
