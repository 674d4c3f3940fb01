"""What the deterministic normalisers get right on the multilingual dev set, per language, without the model.

For each article of ``eval/dev-multilingual``: the detected language against the one the id and SOURCES.md give;
the date each gold meeting's date phrase (below, copied from the article as a model would) resolves to against
the article's anchor (dateline, publication date or month); the country code of each gold participant's
organisation or title as written, and of each gold location city; and the lexicon's threat and cooperation-area
sets over the whole text against the union of the gold meetings' sets (articles with meetings only).

    python bench/multilingual_normalisers.py [eval/dev-multilingual]

The date phrases are the article's own words for each gold meeting (None where the text gives none); they are
not in the gold files, which hold only resolved dates. This measures the normalisers, not the extractor.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import defaultdict
from pathlib import Path

from diplo_extract.text.countries import to_country_code
from diplo_extract.text.dates import find_article_dates, resolve_date
from diplo_extract.text.language import detect_language
from diplo_extract.text.lexicon import find_cooperation_areas, find_threats

LANGUAGE_BY_ID = {
    "chinacourt": "zh", "dxbei": "zh", "csqac": "zh", "jianyunlu": "zh",
    "mir24": "ru", "ridus": "ru", "interfax": "ru", "aif": "ru",
    "thanhnien": "vi", "vovworld": "vi", "plo": "vi", "vietnamplus": "vi",
    "massaget": "kk", "strategy2050": "kk", "astanatv": "kk", "standard": "kk",
}  # fmt: skip

HOME = {"zh": "CN", "ru": "RU", "vi": "VN", "kk": "KZ"}

# The words each gold meeting's date stands on in the article, in gold order.
DATE_PHRASES: dict[str, list[str | None]] = {
    "chinacourt": ["9月27日", "27日"],
    "dxbei": ["6日", "会前"],
    "jianyunlu": ["3月29日"],
    "mir24": ["Сегодня", "Сегодня"],
    "ridus": ["накануне, 3 февраля"],
    "aif": [None],
    "thanhnien": ["ngày 13.1", "ngày 13.1", "ngày 13.1"],
    "vovworld": ["Chiều 23/1"],
    "plo": ["Sáng 21-2"],
    "massaget": [None],
    "strategy2050": [None, None],
    "standard": ["8 қаңтарда"],
}  # fmt: skip


def _prefix(path: Path) -> str:
    return path.name.split("-", 1)[0]


def main(folder: Path) -> None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for text_path in sorted(folder.glob("*.txt")):
        gold = json.loads(text_path.with_suffix("").with_suffix(".gold.json").read_text(encoding="utf-8"))
        text = text_path.read_text(encoding="utf-8")
        key = _prefix(text_path)
        language = LANGUAGE_BY_ID[key]
        c = counts[language]
        c["articles"] += 1
        c["language_right"] += detect_language(text) == language

        anchor = find_article_dates(text).anchor
        previous: dt.date | None = None
        for meeting, phrase in zip(gold["meetings"], DATE_PHRASES.get(key, []), strict=True):
            found = resolve_date(phrase, anchor, previous=previous) if phrase else None
            c["dates"] += 1
            c["dates_exact"] += str(found) == str(meeting["date"]) if found else meeting["date"] is None
            previous = found or previous

        for meeting in gold["meetings"]:
            city = meeting["location"]["city"]
            if city:
                c["cities"] += 1
                c["cities_right"] += to_country_code(city) == meeting["location"]["country"]
            for person in meeting["participants"]:
                if person["country"] is None:
                    continue
                written = " ".join(filter(None, (person.get("organization"), person.get("title"))))
                c["participant_countries"] += 1
                code = to_country_code(written)
                c["participant_countries_right"] += code == person["country"]
                # A national body named without its country ("公安部", "Bộ Công an") is the publisher's own.
                c["with_home_default"] += (code or HOME[language]) == person["country"]

        if gold["meetings"]:
            for name, gold_set, found_set in (
                ("threats", {t for m in gold["meetings"] for t in m["threats"]},
                 {hit.category.value for hit in find_threats(text, language)}),
                ("areas", {a for m in gold["meetings"] for a in m["cooperation_areas"]},
                 {hit.category.value for hit in find_cooperation_areas(text, language)}),
            ):
                c[f"{name}_tp"] += len(gold_set & found_set)
                c[f"{name}_fp"] += len(found_set - gold_set)
                c[f"{name}_fn"] += len(gold_set - found_set)

    print("lang  language  dates exact  participant country (org/title; +home default)  city country"
          "  threats F1 (tp/fp/fn)  areas F1")
    for language in ("zh", "ru", "vi", "kk"):
        c = counts[language]

        def f1(name: str, c: dict[str, int] = c) -> str:
            tp, fp, fn = c[f"{name}_tp"], c[f"{name}_fp"], c[f"{name}_fn"]
            return "n/a" if tp + fp + fn == 0 else f"{2 * tp / (2 * tp + fp + fn):.2f} ({tp}/{fp}/{fn})"

        print(f"{language:4}  {c['language_right']}/{c['articles']}       {c['dates_exact']}/{c['dates']}"
              f"          {c['participant_countries_right']}/{c['participant_countries']}"
              f"; {c['with_home_default']}/{c['participant_countries']}"
              f"                             {c['cities_right']}/{c['cities']}"
              f"           {f1('threats')}  {f1('areas')}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("eval/dev-multilingual"))
