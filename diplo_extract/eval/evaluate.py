"""Run an extractor over a directory of ``<id>.txt`` / ``<id>.gold.json`` pairs and report the scores.

The extractor is any ``(article_text, article_id) -> ArticleExtraction`` callable, so the runner works with
every backend and with fakes in tests. Scoring rules live in :mod:`diplo_extract.eval.scoring`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from pydantic import BaseModel, Field
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import DiploExtractError, InputFileError
from diplo_extract.eval.scoring import (
    ArticleScore,
    FieldScores,
    GoldArticle,
    SetScore,
    aggregate,
    load_gold,
    score_meetings,
)

ExtractFn = Callable[[str, str], ArticleExtraction]
OnArticle = Callable[[str, ArticleScore | None, Exception | None], None]

_GOLD_SUFFIX = ".gold.json"


class ArticleRow(BaseModel):
    """The outcome for one article.

    ``score`` is present for failed articles too (scored as an empty prediction, so their gold counts as
    missed); ``error`` says why the extraction failed.
    """

    article_id: str
    score: ArticleScore
    error: str | None = None
    seconds: float | None = Field(default=None, description="provenance.seconds_total; None when failed.")
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @property
    def failed(self) -> bool:
        """Whether the extraction raised instead of returning a record."""
        return self.error is not None


class EvalTotals(BaseModel):
    """Counts and costs over the whole run; means are over the articles that report the quantity."""

    articles: int
    failed: int
    mean_seconds: float | None = None
    mean_prompt_tokens: float | None = None
    mean_completion_tokens: float | None = None


class EvalReport(BaseModel):
    """Everything one evaluation run produced."""

    gold_dir: str
    backend: str | None = Field(default=None, description="From the first record's provenance.")
    model: str | None = Field(default=None, description="From the first record's provenance.")
    rows: list[ArticleRow] = Field(default_factory=list)
    score: SetScore
    totals: EvalTotals


def find_pairs(gold_dir: Path) -> list[tuple[Path, Path]]:
    """Every ``(<id>.txt, <id>.gold.json)`` pair in ``gold_dir``, sorted by id.

    Raises :class:`InputFileError` (reason ``missing``) when the directory is absent or holds no pair, or when
    a gold file has no text beside it (silently skipping it would make scores look better than they are).
    """
    if not gold_dir.is_dir():
        raise InputFileError(f"gold directory not found: {gold_dir}", path=str(gold_dir), reason="missing")
    pairs: list[tuple[Path, Path]] = []
    for gold_path in sorted(gold_dir.glob(f"*{_GOLD_SUFFIX}")):
        text_path = gold_path.with_name(gold_path.name[: -len(_GOLD_SUFFIX)] + ".txt")
        if not text_path.is_file():
            raise InputFileError(f"gold file {gold_path.name} has no article text {text_path.name}",
                                 path=str(text_path), reason="missing")
        pairs.append((text_path, gold_path))
    if not pairs:
        raise InputFileError(f"no <id>.txt + <id>{_GOLD_SUFFIX} pairs in {gold_dir}", path=str(gold_dir),
                             reason="missing")
    return pairs


def _mean(values: Sequence[float | int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _extract_one(text_path: Path, gold: GoldArticle, extract: ExtractFn) -> tuple[ArticleRow, ArticleExtraction | None,
                                                                               DiploExtractError | None]:
    article_id = text_path.name[: -len(".txt")]
    text = text_path.read_text(encoding="utf-8")
    try:
        record = extract(text, article_id)
    except DiploExtractError as exc:
        row = ArticleRow(article_id=article_id, score=score_meetings(article_id, [], gold),
                         error=f"{type(exc).__name__}: {exc}",
                         # a model that never validated still spent tokens: keep them in the costs
                         prompt_tokens=getattr(exc, "prompt_tokens", None),
                         completion_tokens=getattr(exc, "completion_tokens", None))
        return row, None, exc
    prov = record.provenance
    row = ArticleRow(article_id=article_id, score=score_meetings(article_id, record.meetings, gold),
                     seconds=prov.seconds_total, prompt_tokens=prov.usage.prompt_tokens,
                     completion_tokens=prov.usage.completion_tokens)
    return row, record, None


def run_eval(gold_dir: Path, extract: ExtractFn, *, on_article: OnArticle | None = None,
             concurrency: int = 1) -> EvalReport:
    """Extract every article in ``gold_dir``, score it against its gold and summarise the run.

    An extraction raising :class:`DiploExtractError` is recorded as failed and the run goes on; any other
    exception is a bug and propagates. ``on_article(article_id, score, error)`` is called after each article
    (``score`` None when it failed), e.g. to drive a progress bar. ``concurrency`` articles are extracted at
    once (threads); the rows keep the folder's order.
    """
    # Every gold file is read before the first extraction: a malformed one stops the run at once, not after
    # the model has spent an hour on the articles before it.
    pairs = [(text_path, load_gold(gold_path)) for text_path, gold_path in find_pairs(gold_dir)]
    results: dict[int, tuple[ArticleRow, ArticleExtraction | None]] = {}
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = {pool.submit(_extract_one, text_path, gold, extract): i for i, (text_path, gold) in enumerate(pairs)}
        for future in as_completed(futures):
            row, record, error = future.result()
            results[futures[future]] = (row, record)
            if on_article:
                on_article(row.article_id, None if error else row.score, error)
    ordered = [results[i] for i in range(len(pairs))]
    rows = [row for row, _ in ordered]
    first = next((record for _, record in ordered if record is not None), None)
    backend = first.provenance.backend if first else None
    model = first.provenance.model if first else None
    totals = EvalTotals(articles=len(rows), failed=sum(1 for r in rows if r.failed),
                        mean_seconds=_mean([r.seconds for r in rows]),
                        mean_prompt_tokens=_mean([r.prompt_tokens for r in rows]),
                        mean_completion_tokens=_mean([r.completion_tokens for r in rows]))
    return EvalReport(gold_dir=str(gold_dir), backend=backend, model=model, rows=rows,
                      score=aggregate([r.score for r in rows]), totals=totals)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


_FULL_WIDTH = 10_000  # wider than any row: piped tables are never cut to the console's 80 columns


def _show(console: Console, table: Table) -> None:
    """A table as rich draws it on a terminal; elsewhere (a pipe, a file) as a full-width Markdown table."""
    if console.is_terminal:
        console.print(table)
        return
    title, table.title = table.title, None
    table.box = box.MARKDOWN
    wide = Console(file=io.StringIO(), width=_FULL_WIDTH, color_system=None, highlight=False)
    wide.print(table)
    # The Markdown box draws its top and bottom edges as lines of spaces: leave them out.
    lines = [line.rstrip() for line in wide.file.getvalue().splitlines() if line.strip()]  # type: ignore[attr-defined]
    console.out(f"\n## {title}\n\n" + "\n".join(lines), highlight=False)


def render_report(report: EvalReport, console: Console) -> None:
    """Print the per-field table, the overall row and a per-article table.

    On a terminal the tables are rich's and fit the window; written to a pipe or a file
    (``diplo-extract eval ... > report.txt``) they are Markdown tables with every cell in full.
    """
    s = report.score
    fields = Table(title=f"{report.gold_dir}: {report.backend or '?'} / {report.model or '?'}")
    for name in ("field", "tp", "fp", "fn", "P", "R", "F1"):
        fields.add_column(name, justify="left" if name == "field" else "right")
    for name in FieldScores.model_fields:
        f = s.fields.get(name)
        fields.add_row(name, str(f.tp), str(f.fp), str(f.fn), _fmt(f.precision), _fmt(f.recall), _fmt(f.f1))
    o = s.overall
    fields.add_row("overall", str(o.tp), str(o.fp), str(o.fn), _fmt(o.precision), _fmt(o.recall), _fmt(o.f1),
                   style="bold", end_section=True)
    _show(console, fields)

    articles = Table(title="per article")
    for name in ("article", "meetings pred/gold", "participants F1", "threats F1", "date ok", "seconds"):
        articles.add_column(name, justify="left" if name == "article" else "right", no_wrap=name == "article")
    for row in report.rows:
        fs = row.score.fields
        date_ok = "-" if fs.date.tp + fs.date.fp + fs.date.fn == 0 else ("yes" if fs.date.f1 == 1.0 else "no")
        if row.failed:
            articles.add_row(row.article_id, f"-/{row.score.gold_meetings}", "-", "-", "-", "failed",
                             style="red")
            continue
        articles.add_row(row.article_id, f"{row.score.predicted_meetings}/{row.score.gold_meetings}",
                         _fmt(fs.participants.f1, 2), _fmt(fs.threats.f1, 2), date_ok, _fmt(row.seconds, 1))
    _show(console, articles)
    piped = not console.is_terminal
    if piped:
        console.print()
    for row in report.rows:
        if row.failed:
            console.print(f"[red]failed[/red] {row.article_id}: {escape(row.error or '')}", soft_wrap=piped)
    t = report.totals
    console.print(f"articles {t.articles}, failed {t.failed}, mean {_fmt(t.mean_seconds, 1)} s, "
                  f"mean tokens {_fmt(t.mean_prompt_tokens, 0)} prompt / {_fmt(t.mean_completion_tokens, 0)} "
                  f"completion; overall micro F1 {o.f1:.3f}", soft_wrap=piped)


def write_report_json(report: EvalReport, path: Path) -> None:
    """Write the report (with the derived P/R/F1) as indented JSON, creating parent directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")


__all__ = ["ArticleRow", "EvalReport", "EvalTotals", "ExtractFn", "OnArticle", "find_pairs", "render_report",
           "run_eval", "write_report_json"]
