"""A corpus overview page: what hundreds to tens of thousands of records say, on one offline HTML page.

The page shows meetings by month and kind, a network of countries (an edge per pair of countries meeting,
weighted by meetings, filterable by threat), the top threats and cooperation areas over time, the most
frequent participants (matched by ``name_key``) and a searchable table of meetings that links each article to
its review page (``diplo-extract report``).

Everything is counted here, in Python, so the page carries small tables rather than the records: 10,000
records make a few MB, most of it the meetings table. The charts are Vega-Lite specs drawn by Vega, whose
JavaScript (Vega, Vega-Lite, vega-embed) is inlined from the ``vl-convert-python`` package: no CDN, no network.
A Content-Security-Policy forbids every request; Vega compiles its expressions with ``Function``, so the policy
allows eval, but only the page's own scripts (by nonce) run. Names and titles from records are data: the
table writes them as text and Vega draws them as text, so markup in a record never runs.

Needs the ``data`` extra (``vl-convert-python``) for the JavaScript.
"""

from __future__ import annotations

import functools
import html
import json
import os
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from itertools import combinations
from math import cos, pi, sin
from pathlib import Path
from typing import Any

from diplo_extract.core.schema import ArticleExtraction, Meeting
from diplo_extract.outputs.records import article_id_of, read_records
from diplo_extract.outputs.report_html import load_report_items

__all__ = ["ANY_THREAT", "OverviewResult", "meeting_month", "overview_data", "render_overview", "write_overview"]

ANY_THREAT = "(any threat)"
TOP_CATEGORIES = 8
TOP_PARTICIPANTS = 25
TOP_COUNTRIES = 40  # network nodes; more circles on one ring are unreadable
_ESC = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _asset(name: str) -> str:
    return files("diplo_extract.outputs").joinpath("overview_assets", name).read_text(encoding="utf-8")


@functools.cache
def _vega_javascript() -> str:
    """Vega, Vega-Lite and vega-embed as one script (built once per process: about a second)."""
    try:
        # vl-convert is the optional ``data`` extra (a 30 MB wheel): only the overview needs it.
        import vl_convert
    except ImportError as exc:
        raise ImportError("the overview page needs vl-convert-python: pip install 'diplo-extract[data]'") from exc
    bundle: str = vl_convert.javascript_bundle("window.vegaEmbed = vegaEmbed;")
    # Inline, the text must not close the script element or open an HTML comment.
    return bundle.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def meeting_month(record: ArticleExtraction, meeting: Meeting) -> str | None:
    """The meeting's month (YYYY-MM): its date, else the article's publication date, else None."""
    day = meeting.date or record.article.published
    return None if day is None else day.isoformat()[:7]


def _countries(meeting: Meeting) -> list[str]:
    return sorted({p.country for p in meeting.participants if p.country})


def _ring(countries: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Countries on a circle, most connected first (a force layout would move on every load)."""
    n = max(len(countries), 1)
    return {c: (round(cos(2 * pi * i / n - pi / 2), 4), round(sin(2 * pi * i / n - pi / 2), 4))
            for i, c in enumerate(countries)}


def overview_data(records: Iterable[ArticleExtraction], *, report_href: str | None = None,
                  report_index: dict[str, int] | None = None) -> dict[str, Any]:
    """The counts the page shows; also what tests compare the page against.

    ``report_index`` maps content SHA-256 to the article's section on the review page ``report_href``.
    """
    timeline: Counter[tuple[str, str]] = Counter()
    pairs: Counter[tuple[str, str, str]] = Counter()
    nodes: Counter[tuple[str, str]] = Counter()
    categories: dict[str, Counter[tuple[str, str]]] = {"threat": Counter(), "area": Counter()}
    totals: dict[str, Counter[str]] = {"threat": Counter(), "area": Counter()}
    people: Counter[str] = Counter()
    names: dict[str, Counter[tuple[str | None, str | None]]] = defaultdict(Counter)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    articles = undated = 0
    months: set[str] = set()
    for record in records:
        sha = record.article.content_sha256
        if sha in seen:  # the same text twice (two paths, or a re-run appended): counted once
            continue
        seen.add(sha)
        articles += 1
        anchor = None if report_href is None or report_index is None or sha not in report_index else (
            f"{report_href}#article-{report_index[sha]}")
        for meeting in record.meetings:
            month = meeting_month(record, meeting)
            countries = _countries(meeting)
            threats = sorted({t.category.value for t in meeting.threats})
            if month is None:
                undated += 1
            else:
                months.add(month)
                timeline[month, meeting.kind.value] += 1
                for category in threats:
                    categories["threat"][month, category] += 1
                for area in sorted(set(meeting.cooperation_areas)):
                    categories["area"][month, area] += 1
            totals["threat"].update(threats)
            totals["area"].update(set(meeting.cooperation_areas))
            for a, b in combinations(countries, 2):
                for threat in (ANY_THREAT, *threats):
                    pairs[a, b, threat] += 1
            for country in countries:
                for threat in (ANY_THREAT, *threats):
                    nodes[country, threat] += 1
            named: list[tuple[str, str | None, str | None]] = [
                (p.name_key or p.name.casefold(), p.name, p.country) for p in meeting.participants if p.name]
            people.update({key for key, _, _ in named})  # a person counts once per meeting
            for key, name, nationality in named:
                names[key][name, nationality] += 1
            rows.append({"date": meeting.date and meeting.date.isoformat(), "month": month,
                         "kind": meeting.kind.value, "status": meeting.status.value,
                         "countries": ", ".join(countries),
                         "participants": "; ".join(p.name or p.organization or "" for p in meeting.participants),
                         "threats": ", ".join(threats), "title": record.article.title or article_id_of(record),
                         "href": anchor})
    ranked = [c for c, _ in Counter({c: n for (c, t), n in nodes.items() if t == ANY_THREAT}).most_common()]
    shown = ranked[:TOP_COUNTRIES]
    ring = _ring(shown)
    edges = [{"a": a, "b": b, "pair": f"{a}–{b}", "threat": t, "meetings": n,
              "x": ring[a][0], "y": ring[a][1], "x2": ring[b][0], "y2": ring[b][1]}
             for (a, b, t), n in sorted(pairs.items()) if a in ring and b in ring]
    # Labels stand outside the ring, clear of the node and of the edges that meet it.
    node_rows = [{"country": c, "threat": t, "meetings": n, "x": ring[c][0], "y": ring[c][1],
                  "lx": round(ring[c][0] * 1.13, 4), "ly": round(ring[c][1] * 1.13, 4)}
                 for (c, t), n in sorted(nodes.items()) if c in ring]
    # The most meetings; among equals, the first pair alphabetically.
    top_pair = min(((a, b, n) for (a, b, t), n in pairs.items() if t == ANY_THREAT),
                   key=lambda item: (-item[2], item[0], item[1]), default=None)
    over_time = []
    for kind in ("threat", "area"):
        top = {c for c, _ in totals[kind].most_common(TOP_CATEGORIES)}
        over_time += [{"kind": kind, "month": m, "category": c, "meetings": n}
                      for (m, c), n in sorted(categories[kind].items()) if c in top]
    participants = []
    for key, n in people.most_common(TOP_PARTICIPANTS):
        (spelling, nationality), _ = names[key].most_common(1)[0]  # as most often written
        participants.append({"name_key": key, "name": spelling or key, "country": nationality or "",
                             "meetings": n})
    return {
        "articles": articles, "meetings": len(rows), "undated": undated,
        "first_month": min(months, default=None), "last_month": max(months, default=None),
        "top_pair": None if top_pair is None else {"pair": f"{top_pair[0]}–{top_pair[1]}", "meetings": top_pair[2]},
        "timeline": [{"month": m, "kind": k, "meetings": n} for (m, k), n in sorted(timeline.items())],
        "edges": edges, "nodes": node_rows,
        "threat_options": [ANY_THREAT, *sorted({t for (_, _, t) in pairs} - {ANY_THREAT})],
        "over_time": over_time, "participants": participants, "rows": rows,
    }


def _specs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The Vega-Lite specs, each with its data inline under a name (tests read it back from the view)."""
    base = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "width": "container",
            "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 11}}}
    month_axis = {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": None}
    timeline = {**base, "height": 220, "data": {"name": "timeline", "values": data["timeline"]},
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {"x": month_axis,
                             "y": {"aggregate": "sum", "field": "meetings", "type": "quantitative",
                                   "title": "meetings"},
                             "color": {"field": "kind", "type": "nominal", "title": "kind"}}}
    threat = {"name": "threat", "value": ANY_THREAT,
              "bind": {"input": "select", "options": data["threat_options"], "name": "threat "}}
    by_threat = [{"filter": "datum.threat === threat"}]
    network = {**base, "height": 420, "params": [threat], "layer": [
        {"data": {"name": "edges", "values": data["edges"]}, "transform": by_threat,
         "mark": {"type": "rule", "opacity": 0.55, "tooltip": True},
         "encoding": {"x": {"field": "x", "type": "quantitative", "axis": None, "scale": {"domain": [-1.2, 1.2]}},
                      "y": {"field": "y", "type": "quantitative", "axis": None, "scale": {"domain": [-1.2, 1.2]}},
                      "x2": {"field": "x2"}, "y2": {"field": "y2"},
                      "strokeWidth": {"field": "meetings", "type": "quantitative", "title": "meetings",
                                      "scale": {"range": [1, 12]}},
                      "tooltip": [{"field": "pair", "title": "countries"}, {"field": "meetings"},
                                  {"field": "threat"}]}},
        {"data": {"name": "nodes", "values": data["nodes"]}, "transform": by_threat,
         "mark": {"type": "circle", "opacity": 1, "tooltip": True},
         "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"},
                      "size": {"field": "meetings", "type": "quantitative", "scale": {"range": [40, 900]},
                               "legend": None},
                      "color": {"value": "#33658a"},
                      "tooltip": [{"field": "country"}, {"field": "meetings"}]}},
        {"data": {"name": "labels", "values": data["nodes"]}, "transform": by_threat,
         "mark": {"type": "text", "fontWeight": "bold"},
         "encoding": {"x": {"field": "lx", "type": "quantitative"}, "y": {"field": "ly", "type": "quantitative"},
                      "text": {"field": "country"}}},
    ]}
    over_time = {}
    for kind, label in (("threat", "threat"), ("area", "cooperation area")):
        over_time[kind] = {**base, "height": 170, "data": {"name": kind, "values": [
            row for row in data["over_time"] if row["kind"] == kind]},
            "mark": {"type": "line", "point": True, "tooltip": True},
            "encoding": {"x": month_axis, "y": {"field": "meetings", "type": "quantitative", "title": "meetings"},
                         "color": {"field": "category", "type": "nominal", "title": label}}}
    # A bar per person: a height in pixels (a discrete "step" height cannot be fitted to the page's width).
    people = {**base, "height": max(18 * len(data["participants"]), 40),
              "data": {"name": "participants", "values": data["participants"]},
              "mark": {"type": "bar", "tooltip": True},
              "encoding": {"y": {"field": "name", "type": "nominal", "sort": "-x", "title": None},
                           "x": {"field": "meetings", "type": "quantitative", "title": "meetings"},
                           "color": {"field": "country", "type": "nominal", "title": "country"},
                           "tooltip": [{"field": "name"}, {"field": "name_key"}, {"field": "country"},
                                       {"field": "meetings"}]}}
    return {"timeline": timeline, "network": network, "participants": people, "threats": over_time["threat"],
            "areas": over_time["area"]}


def render_overview(records: Iterable[ArticleExtraction], *, title: str = "diplo_extract overview",
                    notes: Sequence[str] = (), report_href: str | None = None,
                    report_index: dict[str, int] | None = None) -> str:
    """The page as one HTML string (see the module docstring)."""
    data = overview_data(records, report_href=report_href, report_index=report_index)
    nonce = secrets.token_urlsafe(16)
    payload = json.dumps({"specs": _specs(data), "rows": data["rows"]}, ensure_ascii=False,
                         separators=(",", ":")).translate(_ESC)
    # Vega builds its expression functions with Function(): 'unsafe-eval'. It styles its SVG with attributes:
    # 'unsafe-inline' styles. Nothing may be fetched, and only scripts carrying the nonce run.
    csp = (f"default-src 'none'; script-src 'nonce-{nonce}' 'unsafe-eval'; style-src 'unsafe-inline'; "
           "img-src data: blob:; base-uri 'none'; form-action 'none'")
    top = data["top_pair"]
    span = (f"{data['first_month']} to {data['last_month']}" if data["first_month"] else "no dated meetings")
    facts = [f'<span data-fact="articles">{data["articles"]:,}</span> articles',
             f'<span data-fact="meetings">{data["meetings"]:,}</span> meetings',
             f'<span data-fact="span">{html.escape(span)}</span>']
    if data["undated"]:
        facts.append(f'<span data-fact="undated">{data["undated"]:,}</span> without a date')
    if top is not None:
        facts.append(f'most frequent pair <span data-fact="top-pair">{html.escape(top["pair"])}</span> '
                     f'(<span data-fact="top-pair-meetings">{top["meetings"]:,}</span> meetings)')
    notes_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    link_note = "" if report_href else " (render the review page with <code>diplo-extract report</code> and pass " \
                                       "<code>--report</code> to link each article to it)"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_asset('overview.css')}</style></head><body>"
        f'<header><h1>{html.escape(title)}</h1><p class="facts">{" · ".join(facts)}</p>'
        f'{f"<ul class=notes>{notes_html}</ul>" if notes else ""}</header><main>'
        '<section class="wide"><h2>Meetings by month and kind</h2><p class="hint">By the meeting\'s date, else the '
        'article\'s publication date.</p><div class="chart" id="chart-timeline"></div></section>'
        '<section><h2>Countries that met</h2><p class="hint">An edge per pair of countries in one meeting, as wide '
        'as their meetings; choose a threat to see only the meetings that discussed it.</p>'
        '<div class="chart" id="chart-network"></div></section>'
        f'<section><h2>Most frequent participants</h2><p class="hint">Meetings per person, matched by name key; '
        f'top {TOP_PARTICIPANTS}.</p><div class="chart" id="chart-participants"></div></section>'
        f'<section class="wide"><h2>Threats and cooperation areas over time</h2><p class="hint">Meetings per month '
        f'naming each; the {TOP_CATEGORIES} most frequent of each.</p><h3>Threats</h3>'
        '<div class="chart" id="chart-threats"></div><h3>Cooperation areas</h3><div class="chart" id="chart-areas">'
        '</div></section>'
        f'<section class="wide"><h2>Meetings</h2><p class="hint">Search any column; each title opens the article\'s '
        f'review page{link_note}.</p><input type="search" id="search" placeholder="search meetings" '
        'aria-label="search meetings"> <span id="count"></span><table id="meetings"><thead><tr><th>date</th>'
        '<th>kind</th><th>status</th><th>countries</th><th>participants</th><th>threats</th><th>article</th></tr>'
        '</thead><tbody></tbody></table><p class="pager"><button id="prev" type="button">previous</button> '
        '<span id="page"></span> <button id="next" type="button">next</button></p></section></main>'
        f'<script type="application/json" id="overview-data">{payload}</script>'
        f'<script nonce="{nonce}">{_vega_javascript()}</script>'
        f"<script nonce=\"{nonce}\">{_asset('overview.js')}</script></body></html>\n"
    )


@dataclass
class OverviewResult:
    """What :func:`write_overview` did: records counted and notes about entries it passed over."""

    records: int = 0
    notes: list[str] = field(default_factory=list)


def write_overview(records_path: str | os.PathLike[str], out_html: str | os.PathLike[str], *,
                   report: str | os.PathLike[str] | None = None) -> OverviewResult:
    """Read records (:func:`~diplo_extract.outputs.records.read_records`) and write the overview page.

    ``report`` is a review page written by ``diplo-extract report`` from the same records: the meetings table
    links each article to its section there (the link is relative to the overview page).
    """
    records: list[ArticleExtraction] = []
    notes: list[str] = []
    failed = 0
    for entry in read_records(records_path):
        if entry.record is not None:
            records.append(entry.record)
        elif entry.failure is not None:
            failed += 1
        else:
            notes.append(f"{records_path} {entry.where}: skipped, {entry.problem}")
    if failed:
        notes.insert(0, f"{failed} failed articles (batch failure lines) are not counted")
    out = Path(out_html)
    report_href: str | None = None
    report_index: dict[str, int] | None = None
    if report is not None:
        # The review page numbers its sections in the order it rendered the records it could read.
        items, _ = load_report_items(records_path)
        report_index = {}
        for k, (_, record) in enumerate(items):
            report_index.setdefault(record.article.content_sha256, k)
        report_href = Path(os.path.relpath(Path(report).resolve(), out.resolve().parent)).as_posix()
    out.parent.mkdir(parents=True, exist_ok=True)
    page = render_overview(records, title=f"diplo_extract overview: {Path(records_path).name}", notes=notes,
                           report_href=report_href, report_index=report_index)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, out)
    return OverviewResult(records=len(records), notes=notes)
