"""Regenerate docs/report.png: render a report for a JSONL (or JSON) file of records and screenshot it.

Run from the repository root, with Chromium, chromedriver and selenium installed
(apt-get install chromium chromium-driver; pip install selenium):

    python docs/make_screenshot.py out.jsonl [--out docs/report.png] [--width 1400] [--height 900]

The records' article texts are read from their article.source_path, as diplo-extract report does. The
browser runs headless, with a throwaway profile and background networking off; the page itself needs none.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from diplo_extract.outputs.report_html import write_report

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def screenshot(records: Path, png: Path, *, width: int, height: int, chromium: Path, chromedriver: Path) -> None:
    """Write the report of ``records`` to a temporary page and save a browser-window screenshot as ``png``."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        sys.exit("selenium is not installed: pip install selenium")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        result = write_report(records, page)
        if not result.articles:
            sys.exit(f"no article to show in {records}: " + "; ".join(result.notes))
        options = webdriver.ChromeOptions()
        options.binary_location = str(chromium)
        for flag in (*CHROMIUM_FLAGS, f"--window-size={width},{height}", f"--user-data-dir={Path(tmp) / 'profile'}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(executable_path=str(chromedriver)))
        try:
            driver.get(page.as_uri())
            # Hover the first highlight so the picture shows a span linked to its item.
            from selenium.webdriver.common.action_chains import ActionChains

            marks = driver.find_elements("css selector", "mark[data-first]")
            if marks:
                ActionChains(driver).move_to_element(marks[min(2, len(marks) - 1)]).perform()
            png.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(png))
        finally:
            driver.quit()
    print(f"{png}: {result.articles} articles" + (f", {len(result.notes)} skipped" if result.notes else ""))


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", type=Path, help="JSONL or JSON file of records (or batch lines)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "report.png")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    parser.add_argument("--chromedriver", type=Path, default=Path("/usr/bin/chromedriver"))
    args = parser.parse_args()
    screenshot(args.records, args.out, width=args.width, height=args.height, chromium=args.chromium,
               chromedriver=args.chromedriver)


if __name__ == "__main__":
    main()
