"""The corpus overview page, in a real headless Chromium: offline, correct numbers, inert markup, fast to open.

The records are real (the five example articles as extracted by the embedded model, kept in
``bench/results/batch_files/records.jsonl``); the 10,000-record corpus is built from them by varying dates,
names and hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from support.browser import CHROMIUM, headless_chromium

from diplo_extract.cli.app import app
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.outputs.overview import ANY_THREAT, overview_data, render_overview, write_overview
from diplo_extract.outputs.records import records_in

pytest.importorskip("vl_convert", reason="vl-convert-python: pip install -e '.[data]' (CI installs it)")

REAL_RECORDS = ROOT / "bench" / "results" / "batch_files" / "records.jsonl"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with headless_chromium(profile, window="1400,1900", logs=("browser", "performance")) as driver:
        yield driver


def _open(browser: Any, page: Path, limit: float = 30.0) -> None:
    browser.get_log("browser")  # drop entries of earlier pages
    browser.get_log("performance")
    browser.get(page.as_uri())
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if browser.execute_script("return document.body && document.body.dataset.ready"):
            break
        time.sleep(0.05)
    assert browser.execute_script("return document.body.dataset.ready") == "true"


def _requests(browser: Any, page: Path) -> list[str]:
    """Every URL the page asked for, but the page itself."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return [u for u in urls if u != page.as_uri()]


@pytest.fixture(scope="module")
def real() -> list[ArticleExtraction]:
    records = list(records_in(REAL_RECORDS))
    assert len(records) == 5
    return records


def _synthetic(real: list[ArticleExtraction], n: int, seed: int = 15) -> list[dict[str, Any]]:
    """``n`` records made from real ones: other hashes, dates spread over six years, some names varied."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        data = real[i % len(real)].model_dump(mode="json")
        shift = dt.timedelta(days=rng.randrange(0, 6 * 365))
        data["article"]["content_sha256"] = hashlib.sha256(f"synthetic {i}".encode()).hexdigest()
        data["article"]["title"] = f"{data['article']['title']} ({i})"
        published = data["article"]["published"]
        if published:
            data["article"]["published"] = (dt.date(2019, 1, 1) + shift).isoformat()
        for meeting in data["meetings"]:
            if meeting["date"]:
                meeting["date"] = (dt.date(2019, 1, 1) + shift).isoformat()
            for person in meeting["participants"]:
                if person["name"] and rng.random() < 0.3:
                    suffix = f" {rng.randrange(200)}"
                    person["name"] += suffix
                    person["name_key"] = (person["name_key"] or "") + suffix
        out.append(data)
    return out


def _months(records: list[ArticleExtraction]) -> Counter[str]:
    """Meetings per month, counted here from the records (the meeting's date, else the publication date)."""
    months: Counter[str] = Counter()
    for record in records:
        for meeting in record.meetings:
            day = meeting.date or record.article.published
            if day is not None:
                months[day.strftime("%Y-%m")] += 1
    return months


def _top_pair(records: list[ArticleExtraction]) -> tuple[str, int]:
    pairs: Counter[str] = Counter()
    for record in records:
        for meeting in record.meetings:
            countries = sorted({p.country for p in meeting.participants if p.country})
            pairs.update(f"{a}–{b}" for a, b in combinations(countries, 2))
    best = max(pairs.values())
    return min(pair for pair, n in pairs.items() if n == best), best


@needs_chromium
def test_page_is_offline_quiet_and_shows_the_records_numbers(browser: Any, tmp_path: Path,
                                                             real: list[ArticleExtraction]) -> None:
    page = tmp_path / "overview.html"
    page.write_text(render_overview(real), encoding="utf-8")
    _open(browser, page)
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
    assert _requests(browser, page) == []
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    shown = browser.execute_script(
        "const out = {}; for (const r of window.diploOverview.views.timeline.data('timeline'))"
        " out[r.month] = (out[r.month] || 0) + r.meetings; return out")
    assert shown == dict(_months(real))
    facts = {e.get_attribute("data-fact"): e.text for e in browser.find_elements("css selector", "[data-fact]")}
    pair, meetings = _top_pair(real)
    assert facts["top-pair"] == pair and facts["top-pair-meetings"] == str(meetings)
    assert facts["meetings"] == str(sum(len(r.meetings) for r in real)) and facts["articles"] == "5"
    # The network's edges for "any threat" carry every pair; choosing a threat keeps only its meetings.
    edges = browser.execute_script("return window.diploOverview.views.network.data('edges')")
    assert {(e["pair"], e["meetings"]) for e in edges if e["threat"] == ANY_THREAT} >= {(pair, meetings)}
    select = browser.find_element("css selector", "#chart-network select")
    select.send_keys("terrorism")
    assert browser.execute_script("return window.diploOverview.views.network.signal('threat')") == "terrorism"
    rows = browser.find_elements("css selector", "#meetings tbody tr")
    assert len(rows) == sum(len(r.meetings) for r in real)
    search = browser.find_element("id", "search")
    search.send_keys("Turgumbayev")
    assert browser.find_element("id", "count").text.startswith("2 of ")
    assert all("Turgumbayev" in row.text for row in browser.find_elements("css selector", "#meetings tbody tr"))


@needs_chromium
def test_markup_in_a_name_or_title_does_not_run(browser: Any, tmp_path: Path, real: list[ArticleExtraction]) -> None:
    data = real[0].model_dump(mode="json")
    evil = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    data["article"]["title"] = evil
    data["meetings"][0]["participants"][0]["name"] = evil + "Zhao"
    data["meetings"][0]["participants"][0]["name_key"] = "zhao evil"
    record = ArticleExtraction.model_validate(data)
    page = tmp_path / "evil.html"
    page.write_text(render_overview([record]), encoding="utf-8")
    _open(browser, page)
    assert browser.execute_script("return window.pwned") is None
    assert not browser.find_elements("css selector", "#meetings img, header img")
    assert evil in browser.find_element("css selector", "#meetings tbody").text
    assert _requests(browser, page) == []  # the <img src=x> was never requested
    names = browser.execute_script("return window.diploOverview.views.participants.data('participants')")
    assert evil + "Zhao" in {n["name"] for n in names}


@needs_chromium
def test_ten_thousand_records_open_in_under_two_seconds(browser: Any, tmp_path: Path,
                                                        real: list[ArticleExtraction]) -> None:
    source = tmp_path / "corpus.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for data in _synthetic(real, 10_000):
            fh.write(json.dumps({"status": "ok", "record": data}) + "\n")
    page = tmp_path / "overview.html"
    started = time.perf_counter()
    result = write_overview(source, page)
    built = time.perf_counter() - started
    assert result.records == 10_000
    records = list(records_in(source))
    _open(browser, page)
    load_ms = browser.execute_script("return window.diploOverview.readyAt")
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
    shown = browser.execute_script(
        "const out = {}; for (const r of window.diploOverview.views.timeline.data('timeline'))"
        " out[r.month] = (out[r.month] || 0) + r.meetings; return out")
    assert shown == dict(_months(records))
    assert overview_data(records)["meetings"] == browser.execute_script("return window.diploOverview.rows.length")
    print(f"\noverview of 10,000 records: {page.stat().st_size / 1e6:.1f} MB, built in {built:.1f} s, "
          f"opened in {load_ms:.0f} ms")
    assert load_ms < 2000


def test_the_page_is_self_contained_and_links_to_the_review_page(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    lines = REAL_RECORDS.read_text(encoding="utf-8").splitlines()
    failed = json.dumps({"status": "failed", "path": "x.txt", "sha256": None,
                         "error": {"type": "InputFileError", "message": "x.txt is empty"}})
    records.write_text("\n".join([*lines, failed, "{not json"]) + "\n", encoding="utf-8")
    report = tmp_path / "pages" / "report.html"
    result = write_overview(records, tmp_path / "pages" / "overview.html", report=report)
    assert result.records == 5 and len(result.notes) == 2 and "1 failed" in result.notes[0]
    page = (tmp_path / "pages" / "overview.html").read_text(encoding="utf-8")
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.DOTALL)  # the HTML, not the JavaScript
    assert "default-src 'none'" in page and "<link" not in markup and " src=" not in markup
    assert page.count("<script") == 3 and "<script src" not in page  # data, Vega, the page: all inline
    assert '"href":"report.html#article-0"' in page


def test_cli_writes_the_page(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    out = tmp_path / "o.html"
    result = CliRunner().invoke(app, ["overview", str(REAL_RECORDS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 records" in result.output and out.stat().st_size > 100_000


@needs_chromium
def test_screenshot(browser: Any, tmp_path: Path, real: list[ArticleExtraction]) -> None:
    page = tmp_path / "overview.html"
    write_overview(REAL_RECORDS, page)
    _open(browser, page)
    shot = tmp_path / "overview.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("DIPLO_EXTRACT_UPDATE_SCREENSHOT"):  # refresh docs/overview.png from this run
        shutil.copy(shot, ROOT / "docs" / "overview.png")
