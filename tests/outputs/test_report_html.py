"""The HTML report, checked in a real headless Chromium driven by Selenium.

The records here are built by hand with real offsets into a real example article: they exercise the page
(highlights, overlaps, ungrounded items, review mode), they are not extraction results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT
from support.browser import CHROMIUM, headless_chromium

from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import InputFileError
from diplo_extract.eval.scoring import GoldArticle
from diplo_extract.outputs.report_html import load_report_items, render_report, write_report

ARTICLE = EXAMPLES / "000_e11c53e7fe71c602.txt"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium "
                                    "(apt-get install chromium chromium-driver)")


def _span(text: str, quote: str, after: int = 0) -> dict[str, Any]:
    start = text.index(quote, after)
    return {"quote": quote, "start": start, "end": start + len(quote), "grounded": True, "match": "exact",
            "score": 100.0}


def build_record(text: str, source_path: str | None = None) -> ArticleExtraction:
    """A hand-built record for the example article 000: overlapping spans and one ungrounded threat."""
    second = text.index("When talking with Turgumbayev")

    def s(quote: str, after: int = 0) -> dict[str, Any]:
        return _span(text, quote, after)

    return ArticleExtraction.model_validate({
        "article": {"title": "China's police chief holds phone talks", "published": "2021-06-08",
                    "publisher": "Xinhua", "source_path": source_path,
                    "content_sha256": hashlib.sha256(text.encode()).hexdigest(), "char_count": len(text)},
        "meetings": [
            {"kind": "phone_call", "date": "2021-06-07", "date_text": "on Monday",
             "evidence": s("held phone conversations respectively with Sheikh Saif bin Zayed al Nathan"),
             "participants": [
                 {"name": "Zhao Kezhi", "title": "State Councilor", "country": "CN", "evidence": s("Zhao Kezhi")},
                 {"name": "Saif bin Zayed al Nathan", "title": "deputy prime minister", "country": "AE",
                  "evidence": s("Sheikh Saif bin Zayed al Nathan")}],
             "agreements": [{"summary": "build a long-term mechanism against transnational crime",
                             "status": "proposed", "parties": ["CN", "AE"],
                             "evidence": s("build a long-term mechanism for cooperation in combating "
                                           "transnational crimes")}],
             "threats": [{"category": "terrorism", "evidence": s("fighting terrorism")},
                         {"category": "transnational_crime", "evidence": s("transnational crimes")},
                         {"category": "corruption", "evidence": {"quote": "graft networks abroad"}}],
             "cooperation_areas": ["law_enforcement", "counter_terrorism"]},
            {"kind": "phone_call", "date": "2021-06-07",
             "evidence": s("When talking with Turgumbayev over phone"),
             "participants": [
                 {"name": "Zhao Kezhi", "country": "CN", "evidence": s("Zhao", second)},
                 {"name": "Yerlan Turgumbayev", "title": "minister of internal affairs", "country": "KZ",
                  "evidence": s("Yerlan Turgumbayev")}],
             "agreements": [{"summary": "deepen practical cooperation in law enforcement and security",
                             "status": "agreed", "parties": ["KZ", "CN"],
                             "evidence": s("expressed their willingness to deepen practical cooperation in law "
                                           "enforcement and security with China")}],
             "threats": [{"category": "extremism", "evidence": s("terrorism and extremism", second)}]},
        ],
        "provenance": {"backend": "hand-built", "model": "test fixture", "prompt_version": "n/a",
                       "library_version": "0", "extracted_at": "2024-01-01T00:00:00Z", "seconds_total": 0,
                       "seconds_model": 0},
    })


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile"), window="1280,800") as driver:
        yield driver


def _open(browser: Any, tmp_path: Path, page: str) -> None:
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    browser.execute_script("localStorage.clear()")  # file: pages share one origin: no review work of other tests
    browser.refresh()
    browser.get_log("browser")  # drop entries of earlier pages


@pytest.fixture
def text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def record(text: str) -> ArticleExtraction:
    return build_record(text, source_path=str(ARTICLE))


@needs_chromium
def test_page_loads_without_console_errors(browser: Any, tmp_path: Path, text: str, record: ArticleExtraction) -> None:
    page = tmp_path / "fresh.html"
    page.write_text(render_report([(text, record)]), encoding="utf-8")
    browser.get_log("browser")
    browser.get(page.as_uri())
    assert browser.find_elements("css selector", ".record .item")
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []


@needs_chromium
def test_one_highlight_per_grounded_item_at_its_offsets(browser: Any, tmp_path: Path, text: str,
                                                        record: ArticleExtraction) -> None:
    _open(browser, tmp_path, render_report([(text, record)]))
    starts = browser.execute_script(
        "return [...document.querySelectorAll('mark[data-first]')].flatMap(m => m.dataset.first.split(' '))")
    grounded = [span for _, span in record.iter_spans() if span.grounded]
    assert len(starts) == len(set(starts)) == len(grounded) == 11
    # The escaped, highlighted text reads exactly as the article, and each item's marks cover its offsets.
    assert browser.execute_script("return document.querySelector('.text').textContent") == text
    covered = browser.execute_script(
        "const out = {}; for (const m of document.querySelectorAll('mark.s')) for (const id of m.dataset.items"
        ".split(' ')) out[id] = (out[id] || '') + m.textContent; return out")
    meeting = record.meetings[0]
    assert covered["a0-m0-a0"] == text[meeting.agreements[0].evidence.start:meeting.agreements[0].evidence.end]  # type: ignore[union-attr]
    assert covered["a0-m0-t1"] == "transnational crimes"
    assert browser.find_elements("css selector", "mark.multi")  # overlapping spans were split, not dropped
    ungrounded = browser.find_element("css selector", '[data-item="a0-m0-t2"]')
    assert "ungrounded" in ungrounded.text and "a0-m0-t2" not in covered


@needs_chromium
def test_clicking_an_item_scrolls_its_span_into_view_and_flashes_it(browser: Any, tmp_path: Path, text: str,
                                                                     record: ArticleExtraction) -> None:
    long_text = text + "\n\nFiller paragraph." * 120
    _open(browser, tmp_path, render_report([(long_text, record)]))
    browser.execute_script("document.querySelector('.text').scrollTop = 1e6")  # the article's end in view
    in_view = ("const m = document.querySelector('mark[data-items~=\"a0-m1-a0\"]'); const r = m"
               ".getBoundingClientRect(), c = m.closest('.text').getBoundingClientRect(); return r.top >= c.top &&"
               " r.bottom <= c.bottom && r.top >= 0 && r.bottom <= innerHeight")
    assert not browser.execute_script(in_view)
    item = browser.find_element("css selector", '[data-item="a0-m1-a0"] .label')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", item)
    item.click()
    assert browser.execute_script(in_view)
    assert "flash" in browser.find_element("css selector", 'mark[data-items~="a0-m1-a0"]').get_attribute("class")


@needs_chromium
def test_hovering_a_span_shows_its_item(browser: Any, tmp_path: Path, text: str, record: ArticleExtraction) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    _open(browser, tmp_path, render_report([(text, record)]))
    mark = browser.find_element("css selector", 'mark[data-first~="a0-m1-p1"]')
    ActionChains(browser).move_to_element(mark).perform()
    tip = browser.find_element("id", "tip")
    assert tip.is_displayed() and "Yerlan Turgumbayev" in tip.text and "participant" in tip.text
    assert "hot" in browser.find_element("css selector", '[data-item="a0-m1-p1"]').get_attribute("class")


@needs_chromium
def test_markup_in_an_article_or_a_record_does_not_execute(browser: Any, tmp_path: Path) -> None:
    evil = ('Minister <b>A</b> met <script>window.pwned = 1; document.title = "pwned"</script> Minister B '
            '<img src=x onerror="window.pwned = 2"> in Astana. </script><script>window.pwned = 3</script>')
    record = build_record(ARTICLE.read_text(encoding="utf-8"))
    data = record.model_dump(mode="json")
    data["article"]["content_sha256"] = hashlib.sha256(evil.encode()).hexdigest()
    data["article"]["title"] = '<script>window.pwned = 4</script>'
    data["meetings"] = [{"kind": "meeting", "summary": "<img src=x onerror='window.pwned = 5'>",
                         "evidence": _span(evil, "<script>window.pwned = 1; document.title = \"pwned\"</script>"),
                         "participants": [{"name": "<img src=x onerror='window.pwned=6'>B",
                                           "evidence": _span(evil, '<img src=x onerror="window.pwned = 2">')}]}]
    _open(browser, tmp_path, render_report([(evil, ArticleExtraction.model_validate(data))]))
    assert browser.execute_script("return window.pwned") is None
    assert browser.title == "diplo_extract report"
    assert browser.execute_script("return document.querySelector('.text').textContent") == evil
    assert "onerror='window.pwned=6'" in browser.find_element("css selector", '[data-item="a0-m0-p0"]').text


@needs_chromium
def test_review_mode_downloads_a_valid_gold_file(browser: Any, tmp_path: Path, text: str,
                                                 record: ArticleExtraction) -> None:
    _open(browser, tmp_path, render_report([(text, record)]))
    browser.execute_script(
        "window.captured = []; const make = URL.createObjectURL; URL.createObjectURL = b => { window.captured"
        ".push(b); return make.call(URL, b) }; HTMLAnchorElement.prototype.click = function () {"
        " window.downloadName = this.download }")
    browser.find_element("id", "review-mode").click()
    reject = browser.find_element("css selector", '[data-item="a0-m0-t0"] .review button:nth-of-type(2)')
    reject.click()
    date = browser.find_element("css selector", '[data-item="a0-m1"] .review input[placeholder="YYYY-MM-DD"]')
    date.clear()
    date.send_keys("2021-06-06\t")
    browser.find_element("css selector", '[data-meeting="a0-m1"] .adders button').click()  # + participant
    name = browser.find_element("css selector", '[data-item="a0-m1-p+3"] .review input')
    name.send_keys("Kassym-Jomart Tokayev\t")
    browser.find_element("css selector", "button.gold").click()
    assert browser.execute_script("return window.downloadName") == "000_e11c53e7fe71c602.gold.json"
    raw = browser.execute_async_script("const done = arguments[0]; window.captured[0].text().then(done)")
    gold = GoldArticle.model_validate(json.loads(raw))
    first, second = gold.meetings
    assert "terrorism" not in first.threats and "transnational_crime" in first.threats
    assert "corruption" in first.threats  # undecided items are kept as extracted
    assert second.date == dt.date(2021, 6, 6)
    assert [p.name for p in second.participants] == ["Zhao Kezhi", "Yerlan Turgumbayev", "Kassym-Jomart Tokayev"]
    assert first.agreements[0].parties == ["CN", "AE"] and first.location.country is None
    browser.refresh()  # review work is kept in localStorage across reloads
    assert "v-reject" in browser.find_element("css selector", '[data-item="a0-m0-t0"]').get_attribute("class")
    assert browser.execute_script("return window.diploReport.goldFor(0)")["meetings"][1]["date"] == "2021-06-06"


def test_report_is_self_contained(text: str, record: ArticleExtraction) -> None:
    page = render_report([(text, record)])
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    for needle in ("http://", "https://", "<link", " src="):
        assert needle not in page.replace(text.replace("&", "&amp;"), "")


def test_write_report_reads_batch_lines_and_notes_what_it_skips(tmp_path: Path, text: str) -> None:
    article = tmp_path / "000_e11c53e7fe71c602.txt"
    shutil.copy(ARTICLE, article)
    good = build_record(text, source_path=str(article))
    gone = build_record(text, source_path=str(tmp_path / "gone.txt"))
    lines = [json.dumps({"status": "ok", "path": str(article), "record": good.model_dump(mode="json")}),
             json.dumps({"status": "failed", "path": "x.txt", "sha256": None,
                         "error": {"type": "InputFileError", "message": "x.txt is empty", "reason": "empty"}}),
             gone.model_dump_json(), "{not json"]
    src = tmp_path / "out.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = write_report(src, tmp_path / "report" / "r.html")
    assert result.articles == 1 and len(result.notes) == 3
    page = (tmp_path / "report" / "r.html").read_text(encoding="utf-8")
    assert "x.txt failed: InputFileError: x.txt is empty" in page and "gone.txt" in page and "not JSON" in page
    single = tmp_path / "one.json"
    single.write_text(good.model_dump_json(indent=2), encoding="utf-8")
    items, notes = load_report_items(single)
    assert [r for _, r in items] == [good] and notes == []
    with pytest.raises(InputFileError) as missing:
        write_report(tmp_path / "nope.jsonl", tmp_path / "r.html")
    assert missing.value.reason == "missing"


@needs_chromium
def test_screenshot(browser: Any, tmp_path: Path, text: str, record: ArticleExtraction) -> None:
    _open(browser, tmp_path, render_report([(text, record)]))
    browser.find_element("css selector", '[data-item="a0-m0-a0"] .label').click()
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("DIPLO_EXTRACT_UPDATE_SCREENSHOT"):  # refresh docs/report.png from this run
        shutil.copy(shot, ROOT / "docs" / "report.png")
