"""Tests for diplo_extract.text.language: the article language the normalisers key on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from diplo_extract.text.language import detect_language

DEV = Path(__file__).resolve().parents[2] / "eval"


@pytest.mark.parametrize(("text", "expected"), [
    ("国务委员、公安部部长王小洪在北京以视频形式出席并发言。", "zh"),
    ("國務委員、公安部部長王小洪在北京以視頻形式出席並發言。", "zh"),
    ("Глава Совета безопасности России Николай Патрушев провел телефонный разговор.", "ru"),
    ("Қазақстан президенті Қасым-Жомарт Тоқаев Ресейдің мемлекет басшысымен сөйлесті.", "kk"),
    ("Thứ trưởng Bộ Công an Lê Quý Vương tiếp Phó Trợ lý Bộ trưởng Bộ An ninh Nội địa Hoa Kỳ.", "vi"),
    ("Vietnamese Minister of Public Security General Lương Tam Quang met his Lao counterpart in Hà Nội on Monday.",
     "en"),
    ("Chinese State Councilor Wang Xiaohong (王小洪) attended the meeting of the SCO security council secretaries.",
     "en"),
    ("Hello", "en"),
    ("", None),
    ("12:30 — 2022", None),
])
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_dev_articles_in_every_language() -> None:
    expected = {"chinacourt": "zh", "dxbei": "zh", "csqac": "zh", "jianyunlu": "zh", "mir24": "ru", "ridus": "ru",
                "interfax": "ru", "aif": "ru", "thanhnien": "vi", "vovworld": "vi", "plo": "vi", "vietnamplus": "vi",
                "massaget": "kk", "azattyq": "kk", "ult": "kk", "strategy2050": "kk", "astanatv": "kk",
                "standard": "kk", "govcn": "zh", "graniru": "ru", "newsru": "ru"}
    for path in sorted((DEV / "dev-multilingual").glob("*.txt")):
        assert detect_language(path.read_text(encoding="utf-8")) == expected[path.name.split("-")[0]], path.name
    for path in sorted((DEV / "dev").glob("*.txt")):
        assert detect_language(path.read_text(encoding="utf-8")) == "en", path.name


def test_detection_is_safe_from_several_threads() -> None:
    texts = ["The minister met his counterpart in Astana on Monday to discuss border security.",
             "Министр провел встречу с коллегой в Астане в понедельник."] * 40
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(detect_language, texts)) == ["en", "ru"] * 40
