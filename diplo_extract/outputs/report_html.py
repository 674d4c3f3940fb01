"""A self-contained HTML report: articles with their evidence highlighted beside the structured records.

One file, no network: the CSS and JavaScript in ``report_assets/`` are inlined, and a Content-Security-Policy
with a per-report nonce forbids every fetch and every script but the report's own. Article text is escaped,
so markup in an article shows as text. The page also has a review mode (accept, reject, correct, add items)
that downloads ``<article_id>.gold.json`` files in the ``eval/dev/GOLD_FORMAT.md`` format.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from diplo_extract.core.schema import (
    AgreementStatus,
    ArticleExtraction,
    MeetingKind,
    MeetingStatus,
    Span,
    ThreatCategory,
)
from diplo_extract.errors import OutputWriteError
from diplo_extract.outputs.records import article_id_of, load_article_text, read_records

__all__ = ["ReportResult", "load_report_items", "render_report", "write_report"]

_ESC = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _asset(name: str) -> str:
    return files("diplo_extract.outputs").joinpath("report_assets", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class _Mark:
    """A grounded evidence span to highlight: the item's id, its type and its offsets."""

    id: str
    type: str
    start: int
    end: int


def _evidence(span: Span | None, text: str, item_id: str, item_type: str, marks: list[_Mark]) -> dict[str, Any]:
    """The evidence of an item as the page shows it; grounded spans inside the text become marks."""
    if span is None:
        return {"state": "none"}
    shown: dict[str, Any] = {"quote": span.quote, "match": span.match.value, "score": span.score}
    if not span.grounded or span.start is None or span.end is None:
        return {**shown, "state": "ungrounded"}
    if span.end > len(text):
        return {**shown, "state": "outside"}  # offsets into another version of the text
    marks.append(_Mark(item_id, item_type, span.start, span.end))
    return {**shown, "state": "grounded", "start": span.start, "end": span.end}


def _article_data(k: int, text: str, record: ArticleExtraction, marks: list[_Mark]) -> dict[str, Any]:
    """What the page's script needs about one article: ids, fields and evidence of every item."""
    meetings = []
    for i, m in enumerate(record.meetings):
        mid = f"a{k}-m{i}"
        meetings.append({
            "id": mid, "kind": m.kind.value, "status": m.status.value, "date": m.date and m.date.isoformat(),
            "date_text": m.date_text, "city": m.location.city, "country": m.location.country,
            "summary": m.summary, "cooperation_areas": m.cooperation_areas,
            "evidence": _evidence(m.evidence, text, mid, "meeting", marks),
            "participants": [{"id": f"{mid}-p{j}", "name": p.name, "title": p.title,
                              "organization": p.organization, "country": p.country,
                              "evidence": _evidence(p.evidence, text, f"{mid}-p{j}", "participant", marks)}
                             for j, p in enumerate(m.participants)],
            "agreements": [{"id": f"{mid}-a{j}", "summary": a.summary, "status": a.status.value,
                            "parties": a.parties,
                            "evidence": _evidence(a.evidence, text, f"{mid}-a{j}", "agreement", marks)}
                           for j, a in enumerate(m.agreements)],
            "threats": [{"id": f"{mid}-t{j}", "category": t.category.value, "description": t.description,
                         "detected_by": t.detected_by,
                         "evidence": _evidence(t.evidence, text, f"{mid}-t{j}", "threat", marks)}
                        for j, t in enumerate(m.threats)],
        })
    meta = record.article
    # Saved review work belongs to this exact record: a re-extraction of the same text starts afresh.
    fingerprint = hashlib.sha256(record.model_dump_json(exclude={"provenance"}).encode()).hexdigest()[:20]
    return {"article_id": article_id_of(record), "title": meta.title, "fingerprint": fingerprint,
            "source": {"publisher": meta.publisher, "url": None,
                       "published": meta.published and meta.published.isoformat()},
            "provenance": f"{record.provenance.backend} / {record.provenance.model}",
            "warnings": [w.message for w in record.warnings], "meetings": meetings}


def _highlighted(text: str, marks: Sequence[_Mark]) -> str:
    """The text as escaped HTML with a ``<mark>`` per segment covered by evidence spans.

    Overlapping spans are split at every span boundary: each segment lists all the items covering it
    (``data-items``), is coloured by the innermost one and underlined in the outermost one's colour, and
    the first segment of each item says so (``data-first``), so every grounded item has exactly one start.
    """
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[str] = []
    started: set[str] = set()
    for a, b in zip(cuts, [*cuts[1:], None], strict=True):
        for empty in (m for m in marks if m.start == m.end == a):
            out.append(f'<mark class="s empty t-{empty.type}" data-items="{empty.id}" data-first="{empty.id}">'
                       "</mark>")
        if b is None:
            break
        chunk = html.escape(text[a:b])
        cover = sorted((m for m in marks if m.start <= a and b <= m.end), key=lambda m: (m.end - m.start, m.id))
        if not cover:
            out.append(chunk)
            continue
        first = [m.id for m in cover if m.id not in started]
        started.update(first)
        first_attr = f' data-first="{" ".join(first)}"' if first else ""
        out.append(f'<mark class="s t-{cover[0].type} u-{cover[-1].type}{" multi" if len(cover) > 1 else ""}" '
                   f'data-items="{" ".join(m.id for m in cover)}"{first_attr}>{chunk}</mark>')
    return "".join(out)


def _section(k: int, text: str, record: ArticleExtraction, data: dict[str, Any], marks: list[_Mark]) -> str:
    meta = record.article
    facts = [f"published {meta.published}" if meta.published else None, meta.publisher, data["provenance"],
             f"{len({m.id for m in marks})}/{len(record.iter_spans())} evidence spans located in the text",
             f"{len(record.warnings)} warnings" if record.warnings else None]
    aid = html.escape(data["article_id"])
    # The record panel is filled in by the script from the JSON data, the same code that builds review forms.
    return (f'<section class="article" id="article-{k}" data-article="{k}">'
            f"<h2>{html.escape(meta.title) + f' <small>{aid}</small>' if meta.title else aid}</h2>"
            f'<p class="meta">{html.escape(" · ".join(f for f in facts if f))}</p>'
            f'<div class="cols"><div class="text" tabindex="0">{_highlighted(text, marks)}</div>'
            f'<div class="record" data-article="{k}"><noscript>The record panel needs JavaScript.</noscript>'
            f'</div></div><div class="review-bar"><button type="button" class="gold" data-article="{k}">'
            f'Download gold file</button> <span class="review-status" data-article="{k}"></span></div></section>')


def render_report(items: Sequence[tuple[str, ArticleExtraction]], *, notes: Sequence[str] = (),
                  title: str = "diplo_extract report") -> str:
    """Render ``(article_text, record)`` pairs as one self-contained HTML page.

    ``notes`` are shown at the top (e.g. records skipped because their article text was missing). The page
    needs no network: styles and script are inline and the Content-Security-Policy blocks any fetch.
    """
    nonce = secrets.token_urlsafe(18)
    articles: list[dict[str, Any]] = []
    sections: list[str] = []
    for k, (text, record) in enumerate(items):
        marks: list[_Mark] = []
        articles.append(_article_data(k, text, record, marks))
        sections.append(_section(k, text, record, articles[-1], marks))
    # Inside <script> only "</script" or "<!--" could end the data early; escaping <, > and & rules both out.
    vocab = {"kind": [v.value for v in MeetingKind], "status": [v.value for v in MeetingStatus],
             "agreement_status": [v.value for v in AgreementStatus], "threat": [v.value for v in ThreatCategory]}
    payload = json.dumps({"articles": articles, "vocab": vocab}, ensure_ascii=False).translate(_ESC)
    grounded = sum(1 for _, r in items for _, s in r.iter_spans() if s.grounded)
    spans = sum(len(r.iter_spans()) for _, r in items)
    meetings = sum(len(r.meetings) for _, r in items)
    notes_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    csp = (f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style nonce=\"{nonce}\">{_asset('report.css')}</style></head>"
        f'<body><header><h1>{html.escape(title)}</h1>'
        f'<p class="summary">{len(items)} article{"" if len(items) == 1 else "s"} · {meetings} meetings · '
        f'{grounded}/{spans} evidence spans '
        f'located in the text</p><p class="legend"><span class="key t-meeting">meeting</span> '
        f'<span class="key t-participant">participant</span> <span class="key t-agreement">agreement</span> '
        f'<span class="key t-threat">threat</span> <span class="badge ungrounded">ungrounded</span> = quote '
        f'not found in the text, no highlight</p><label class="toggle"><input type="checkbox" id="review-mode"> '
        f"Review mode: accept, reject or correct items, then download a gold file per article</label></header>"
        f'{f"<ul class=notes>{notes_html}</ul>" if notes else ""}<main>{"".join(sections)}</main>'
        f'<div id="tip" role="tooltip" hidden></div>'
        f'<script type="application/json" id="diplo-data">{payload}</script>'
        f"<script nonce=\"{nonce}\">{_asset('report.js')}</script></body></html>\n"
    )


@dataclass
class ReportResult:
    """What :func:`write_report` did: articles rendered and the notes about records it skipped."""

    articles: int = 0
    notes: list[str] = field(default_factory=list)


def load_report_items(path: str | os.PathLike[str]) -> tuple[list[tuple[str, ArticleExtraction]], list[str]]:
    """Read records (see :func:`diplo_extract.outputs.records.read_records`) with their article texts.

    Failed batch lines, entries that are not valid records and records whose text cannot be read from
    ``article.source_path`` (or changed since) are skipped with a note.
    """
    items: list[tuple[str, ArticleExtraction]] = []
    notes: list[str] = []
    for entry in read_records(path):
        label = f"{path} {entry.where}"
        if entry.record is None:
            notes.append(f"{label}: skipped, {entry.failure or entry.problem}")
            continue
        text, problem = load_article_text(entry.record)
        if text is None:
            notes.append(f"{label}: skipped, {problem}")
            continue
        items.append((text, entry.record))
    return items, notes


def write_report(jsonl_or_json_path: str | os.PathLike[str], out_html: str | os.PathLike[str]) -> ReportResult:
    """Render the records in a JSON or JSONL file (see :func:`load_report_items`) to ``out_html``.

    Raises:
        InputFileError: the records file cannot be read. OutputWriteError: ``out_html`` cannot be written.
    """
    items, notes = load_report_items(jsonl_or_json_path)
    out = Path(out_html)
    page = render_report(items, notes=notes, title=f"diplo_extract report: {Path(jsonl_or_json_path).name}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as exc:  # read-only folder, full disk, a directory in the way
        raise OutputWriteError(f"cannot write the report to {str(out)!r} ({exc.strerror or exc})", path=str(out),
                               original=exc) from exc
    return ReportResult(articles=len(items), notes=notes)
