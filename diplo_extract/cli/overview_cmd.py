"""``diplo-extract overview``: one offline page summarising a whole records file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from diplo_extract.outputs.overview import write_overview


def overview(records: Annotated[Path, typer.Argument(help="JSON or JSONL of records or batch lines.")],
             out: Annotated[Path, typer.Option("--out", "-o")] = Path("overview.html"),
             report: Annotated[Path | None, typer.Option(help="The review page of the same records (diplo-extract "
                                                              "report): the meetings table links to it.")] = None,
             ) -> None:
    """Render a corpus overview: meetings over time, countries, threats, participants, a searchable table."""
    try:
        result = write_overview(records, out, report=report)
    except ImportError as exc:  # the data extra (vl-convert-python) is not installed
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"{out}: {result.records} records")
    if result.records == 0:
        raise typer.Exit(1)
