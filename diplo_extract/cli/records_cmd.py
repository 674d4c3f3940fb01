"""Printing records in the formats ``extract`` offers, and ``diplo-extract report`` (the HTML review page)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import safe_message
from diplo_extract.outputs.plover import events_csv, events_jsonl
from diplo_extract.outputs.records import load_article_text
from diplo_extract.outputs.report_html import render_report, write_report

# A file of a million bad lines gets a screenful of notes and a count, not a million lines.
_NOTES_SHOWN = 20


def print_records(records: Sequence[ArticleExtraction], output_format: str) -> None:
    """Print records as json, jsonl, html (one review page), events-jsonl or events-csv."""
    if output_format == "html":
        items = [(text, record) for record in records if (text := load_article_text(record)[0]) is not None]
        typer.echo(render_report(items), nl=False)
    elif output_format == "events-jsonl":
        for record in records:
            typer.echo(events_jsonl(record), nl=False)
    elif output_format == "events-csv":
        events_csv(records, sys.stdout)
    else:
        for record in records:
            typer.echo(record.model_dump_json(indent=None if output_format == "jsonl" else 2))


def report(records: Annotated[Path, typer.Argument(help="JSON or JSONL of records or batch lines.")],
           out: Annotated[Path, typer.Option("--out", "-o")] = Path("report.html")) -> None:
    """Render records as one self-contained HTML review page with the evidence highlighted."""
    result = write_report(records, out)
    for note in result.notes[:_NOTES_SHOWN]:  # notes quote the records file, which is anyone's: escaped, cut
        typer.echo(f"note: {safe_message(note, 500)}", err=True)
    if len(result.notes) > _NOTES_SHOWN:
        typer.echo(f"note: ... and {len(result.notes) - _NOTES_SHOWN:,} more entries skipped", err=True)
    typer.echo(f"{out}: {result.articles} articles")
    if result.articles == 0:
        raise typer.Exit(1)
