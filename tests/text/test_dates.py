"""Tests for diplo_extract.text.dates: article-date discovery and relative-date resolution."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diplo_extract.text.dates import (
    ArticleDates,
    date_phrase_in,
    find_article_dates,
    in_publication_line,
    resolve_date,
    spans_several_days,
)

D = dt.date
XINHUA_MON = D(2021, 6, 7)  # Monday: the "BEIJING, June 7 (Xinhua)" dateline
VNA_WED = D(2025, 2, 26)  # Wednesday: "date 2025-02-26 HÀ NỘI"
AZERTAC_THU = D(2023, 9, 7)  # Thursday: "BAKU, Azerbaijan, September 7."
NEW_YEAR_MON = D(2022, 1, 3)  # Monday, just after a year boundary

RESOLVE_CASES: list[tuple[str | None, D | None, D | None, D | None]] = [
    # (date_text, anchor, previous, expected)
    # Weekdays: latest such day on or before the anchor.
    ("on Monday", XINHUA_MON, None, D(2021, 6, 7)),
    ("On Monday", D(2021, 6, 8), None, D(2021, 6, 7)),
    ("Monday.", D(2021, 6, 10), None, D(2021, 6, 7)),
    ("on Tuesday", VNA_WED, None, D(2025, 2, 25)),
    ("Tuesday afternoon", VNA_WED, None, D(2025, 2, 25)),
    ("on Saturday", VNA_WED, None, D(2025, 2, 22)),
    ("on Wednesday", VNA_WED, None, D(2025, 2, 26)),
    ("ON THURSDAY", VNA_WED, None, D(2025, 2, 20)),
    ("late on Sunday", XINHUA_MON, None, D(2021, 6, 6)),
    ("on Monday night", AZERTAC_THU, None, D(2023, 9, 4)),
    ("Friday evening (local time)", NEW_YEAR_MON, None, D(2021, 12, 31)),
    ("last Monday", XINHUA_MON, None, D(2021, 5, 31)),
    ("this coming Monday", VNA_WED, None, D(2025, 3, 3)),
    ("coming Monday", VNA_WED, None, D(2025, 3, 3)),
    ("next Monday", XINHUA_MON, None, None),
    ("on Monday", None, None, None),
    # Anchor-relative words.
    ("Today", VNA_WED, None, D(2025, 2, 26)),
    ("today", None, None, None),
    ("this morning", AZERTAC_THU, None, D(2023, 9, 7)),
    ("earlier today", AZERTAC_THU, None, D(2023, 9, 7)),
    ("yesterday", VNA_WED, None, D(2025, 2, 25)),
    ("Yesterday afternoon", NEW_YEAR_MON, None, D(2022, 1, 2)),
    ("yesterday", D(2024, 3, 1), None, D(2024, 2, 29)),
    ("last night", VNA_WED, None, D(2025, 2, 25)),
    ("the day before yesterday", VNA_WED, None, D(2025, 2, 24)),
    ("three days ago", VNA_WED, None, D(2025, 2, 23)),
    ("3 days ago", D(2025, 3, 2), None, D(2025, 2, 27)),
    ("ten days ago", NEW_YEAR_MON, None, D(2021, 12, 24)),
    ("a day ago", XINHUA_MON, None, D(2021, 6, 6)),
    ("tomorrow", VNA_WED, None, D(2025, 2, 27)),
    # Relative to the previously mentioned meeting.
    ("the same day", VNA_WED, D(2025, 2, 20), D(2025, 2, 20)),
    ("the same day afternoon", VNA_WED, D(2025, 2, 25), D(2025, 2, 25)),
    ("On the same day,", XINHUA_MON, D(2021, 6, 5), D(2021, 6, 5)),
    ("that day", VNA_WED, None, D(2025, 2, 26)),
    ("the following day", XINHUA_MON, D(2021, 6, 5), D(2021, 6, 6)),
    ("the next day", XINHUA_MON, None, None),
    # Year-less dates: the anchor's year unless more than a week after the anchor.
    ("on 20 February", VNA_WED, None, D(2025, 2, 20)),
    ("February 20", VNA_WED, None, D(2025, 2, 20)),
    ("on the 20th of February", VNA_WED, None, D(2025, 2, 20)),
    ("September 7", AZERTAC_THU, None, D(2023, 9, 7)),
    ("Feb. 27", VNA_WED, None, D(2025, 2, 27)),
    ("on 1 March", VNA_WED, None, D(2025, 3, 1)),
    ("on 10 March", VNA_WED, None, D(2024, 3, 10)),
    ("December 30", NEW_YEAR_MON, None, D(2021, 12, 30)),
    ("January 2", D(2021, 12, 28), None, D(2022, 1, 2)),
    ("29 February", D(2025, 3, 1), None, None),
    ("June 7-8", D(2021, 6, 9), None, D(2021, 6, 7)),
    ("Monday, June 7", D(2021, 6, 8), None, D(2021, 6, 7)),
    ("on Monday (June 7)", D(2021, 6, 8), None, D(2021, 6, 7)),
    ("on 20 February", None, None, None),
    # Full dates ignore the anchor; numeric dates are day-first.
    ("26 October 2022", VNA_WED, None, D(2022, 10, 26)),
    ("26 October 2022", None, None, D(2022, 10, 26)),
    ("07/06/2016", None, None, D(2016, 6, 7)),
    ("08.06.2016", XINHUA_MON, None, D(2016, 6, 8)),
    ("06/15/2016", None, None, D(2016, 6, 15)),
    ("31/02/2016", None, None, None),
    ("December 15, 2016", VNA_WED, None, D(2016, 12, 15)),
    ("on 15 December 2016.", None, None, D(2016, 12, 15)),
    ("2022-01-11 14:10", None, None, D(2022, 1, 11)),
    ("Sunday, 15 December 2019", None, None, D(2019, 12, 15)),
    ("15-Dec-2016", None, None, D(2016, 12, 15)),  # only dateparser reads this one
    ("2016 December 15", VNA_WED, None, D(2016, 12, 15)),
    # Not a single day: never invent one.
    (None, VNA_WED, None, None),
    ("", VNA_WED, None, None),
    ("last week", VNA_WED, None, None),
    ("next week", VNA_WED, None, None),
    ("earlier this week", VNA_WED, None, None),
    ("will visit in March", VNA_WED, None, None),
    ("in March", VNA_WED, None, None),
    ("March 2022", VNA_WED, None, None),
    ("2022", VNA_WED, None, None),
    ("recently", VNA_WED, None, None),
    ("on the 20th", VNA_WED, None, None),
    ("999999 days ago", VNA_WED, None, None),
]


@pytest.mark.parametrize(("date_text", "anchor", "previous", "expected"), RESOLVE_CASES)
def test_resolve_date(
    date_text: str | None, anchor: D | None, previous: D | None, expected: D | None
) -> None:
    assert resolve_date(date_text, anchor, previous=previous) == expected


XINHUA_OPENING = (
    "Home>>\n\nChina's police chief holds phone talks with UAE deputy PM, Kazakh minister\n\n"
    "(Xinhua) 10:37, June 08, 2021\n\nBEIJING, June 7 (Xinhua) -- Chinese State Councilor and Minister "
    "of Public Security Zhao Kezhi on Monday held phone conversations"
)
VNA_OPENING = "date 2025-02-26 HÀ NỘI - Vietnamese Minister of Public Security General Lương Tam Quang"

ARTICLE_CASES: list[tuple[str, D | None, D | None, D | None]] = [
    # (text, published_hint, expected published, expected dateline)
    (XINHUA_OPENING, None, D(2021, 6, 8), D(2021, 6, 7)),
    (VNA_OPENING, None, D(2025, 2, 26), None),
    ("date 2023-09-07\n\nBAKU, Azerbaijan, September 7. President Ilham Aliyev received", None,
     D(2023, 9, 7), D(2023, 9, 7)),
    ("date 2023-09-07 BAKU, Azerbaijan, September 7. President Ilham Aliyev received", None,
     D(2023, 9, 7), D(2023, 9, 7)),
    ("ALMATY, 26 October 2022 - Kazakh Foreign Minister Mukhtar Tileuberdi met", None, None, D(2022, 10, 26)),
    ("Yerevan, 08/06/2016\n\nOn 8 June Foreign Minister Nalbandian received", None, None, D(2016, 6, 8)),
    ("Yerevan, 08.06.2016 - Foreign Minister Edward Nalbandian received", None, None, D(2016, 6, 8)),
    ("2022-01-11 14:10\n\nMOSCOW, January 11 (TASS) - Russian Foreign Minister", None,
     D(2022, 1, 11), D(2022, 1, 11)),
    ("December 15, 2016\n\nThe Minister of Foreign Affairs met his counterpart", None, D(2016, 12, 15), None),
    ("15 December 2016\n\nPress release\n\nThe Minister of Defence received", None, D(2016, 12, 15), None),
    ("Today, the Minister of Foreign Affairs met the Ambassador of Japan.", None, None, None),
    # A year-less dateline with no publication date cannot be placed in a year.
    ("BEIJING, June 7 (Xinhua) -- Chinese State Councilor", None, None, None),
    ("BEIJING, June 7 (Xinhua) -- Chinese State Councilor", D(2021, 6, 8), D(2021, 6, 8), D(2021, 6, 7)),
    (VNA_OPENING, D(2025, 2, 27), D(2025, 2, 27), None),
    # The dateline's year comes from the publication date, across a year boundary.
    ("(Xinhua) 09:12, January 01, 2022\n\nBEIJING, Dec. 31 (Xinhua) -- Foreign Minister", None,
     D(2022, 1, 1), D(2021, 12, 31)),
    ("Published: 12 March 2023 | 10:45\nWASHINGTON, March 11 -- Secretary of State", None,
     D(2023, 3, 12), D(2023, 3, 11)),
    # A country in brackets after the place, a colon after it, a comma after the day.
    ("date 2022-08-18\n\nTashkent [Uzbekistan], August 18 (ANI): During the SCO meeting", None,
     D(2022, 8, 18), D(2022, 8, 18)),
    ("date 2024-06-16\n\nMinister meets Chinese Ambassador\nIslamabad: 16, June 2024\n\nThe minister met", None,
     D(2024, 6, 16), D(2024, 6, 16)),
    # A historical date in the body is not the publication date.
    ("BEIJING, June 7 (Xinhua) -- The two sides recalled the treaty signed on December 15, 2016 in Beijing",
     None, None, None),
    ("Monday, June 7, 2021\n\nThe foreign ministers met in Geneva.", None, D(2021, 6, 7), None),
    # Only the opening is read.
    ("x" * 900 + "\ndate 2025-02-26\n", None, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "hint", "published", "dateline"), ARTICLE_CASES)
def test_find_article_dates(text: str, hint: D | None, published: D | None, dateline: D | None) -> None:
    assert find_article_dates(text, published_hint=hint) == ArticleDates(
        published=published, dateline=dateline
    )


@pytest.mark.parametrize(
    ("dates", "anchor"),
    [
        (ArticleDates(published=D(2021, 6, 8), dateline=D(2021, 6, 7)), D(2021, 6, 7)),
        (ArticleDates(published=D(2025, 2, 26), dateline=None), D(2025, 2, 26)),
        (ArticleDates(published=None, dateline=None), None),
    ],
)
def test_anchor_prefers_dateline(dates: ArticleDates, anchor: D | None) -> None:
    assert dates.anchor == anchor


def test_xinhua_opening_end_to_end() -> None:
    # The dateline is a Monday, so the article's "on Monday" is the dateline day itself.
    anchor = find_article_dates(XINHUA_OPENING).anchor
    assert resolve_date("on Monday", anchor) == D(2021, 6, 7)


_datey = st.text(alphabet="0123456789 /.-,:()abcdefghijklmnopqrstuvwxyzJMADSONFBEIYRT\n", max_size=80)
_anchors = st.none() | st.dates()


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200) | _datey, anchor=_anchors, previous=_anchors)
def test_resolve_date_never_raises(text: str, anchor: D | None, previous: D | None) -> None:
    result = resolve_date(text, anchor, previous=previous)
    assert result is None or isinstance(result, dt.date)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=1000) | _datey, hint=_anchors)
def test_find_article_dates_never_raises(text: str, hint: D | None) -> None:
    found = find_article_dates(text, published_hint=hint)
    assert found.anchor is None or isinstance(found.anchor, dt.date)
    if hint is not None:
        assert found.published == hint


def test_dateparser_fallback_never_supplies_its_own_year() -> None:
    from diplo_extract.text.dates import _dateparser_full

    # dateparser reads "20" as 2020; a year not written in full in the text would be invented.
    assert _dateparser_full("15 dec 20") is None
    assert _dateparser_full("15 dec 2020") == D(2020, 12, 15)


# The same resolution for the date phrases of the Chinese, Russian, Kazakh and Vietnamese editions.
MON_29_NOV = D(2021, 11, 29)  # a Monday
MULTILINGUAL_RESOLVE_CASES: list[tuple[str, D | None, D | None, D | None]] = [
    # Chinese
    ("当地时间11月28日", MON_29_NOV, None, D(2021, 11, 28)),
    ("11月28日", MON_29_NOV, None, D(2021, 11, 28)),
    ("2017年11月14日", None, None, D(2017, 11, 14)),
    ("11月8日至10日", MON_29_NOV, None, D(2021, 11, 8)),
    ("6日", D(2017, 4, 7), None, D(2017, 4, 6)),
    ("30日", D(2017, 5, 2), None, D(2017, 4, 30)),
    ("3月29日", None, None, None),
    ("昨天", MON_29_NOV, None, D(2021, 11, 28)),
    ("上周五", MON_29_NOV, None, D(2021, 11, 26)),
    ("下周一", MON_29_NOV, None, None),
    ("会前", MON_29_NOV, None, None),
    # Russian
    ("8 ноября", MON_29_NOV, None, D(2021, 11, 8)),
    ("8 ноября 2021 года", None, None, D(2021, 11, 8)),
    ("накануне, 3 февраля", D(2015, 2, 4), None, D(2015, 2, 3)),
    ("5 мая", MON_29_NOV, None, D(2021, 5, 5)),
    ("11-12 сентября", MON_29_NOV, None, D(2021, 9, 11)),
    ("в понедельник", D(2021, 12, 1), None, D(2021, 11, 29)),
    ("в прошлую пятницу", MON_29_NOV, None, D(2021, 11, 26)),
    ("Сегодня", D(2021, 9, 15), None, D(2021, 9, 15)),
    ("вчера", MON_29_NOV, None, D(2021, 11, 28)),
    ("накануне", MON_29_NOV, None, D(2021, 11, 28)),
    ("в тот же день", MON_29_NOV, D(2021, 11, 20), D(2021, 11, 20)),
    ("в марте", MON_29_NOV, None, None),
    # Kazakh
    ("28 қарашада", MON_29_NOV, None, D(2021, 11, 28)),
    ("2022 жылғы 18 мамырда", None, None, D(2022, 5, 18)),
    ("Алдыңғы күні, яғни 8 қаңтарда", D(2022, 1, 10), None, D(2022, 1, 8)),
    ("8 қаңтарда", None, None, None),
    ("кеше", MON_29_NOV, None, D(2021, 11, 28)),
    ("бүгін", MON_29_NOV, None, D(2021, 11, 29)),
    ("дүйсенбіде", D(2021, 12, 1), None, D(2021, 11, 29)),
    # Vietnamese
    ("ngày 30/10", MON_29_NOV, None, D(2021, 10, 30)),
    ("sáng 30/10", MON_29_NOV, None, D(2021, 10, 30)),
    ("Chiều 23/1", None, None, None),
    ("Sáng 21-2", D(2008, 2, 25), None, D(2008, 2, 21)),
    ("ngày 13.1", D(2017, 1, 20), None, D(2017, 1, 13)),
    ("30-10-2017", None, None, D(2017, 10, 30)),
    ("ngày 30 tháng 10 năm 2017", None, None, D(2017, 10, 30)),
    ("hôm qua", MON_29_NOV, None, D(2021, 11, 28)),
    ("thứ Hai", D(2021, 12, 1), None, D(2021, 11, 29)),
    ("cùng ngày", MON_29_NOV, D(2021, 11, 20), D(2021, 11, 20)),
    ("tỷ lệ 3/4", MON_29_NOV, None, None),
]


@pytest.mark.parametrize(("date_text", "anchor", "previous", "expected"), MULTILINGUAL_RESOLVE_CASES)
def test_resolve_date_zh_ru_kk_vi(date_text: str, anchor: D | None, previous: D | None, expected: D | None) -> None:
    assert resolve_date(date_text, anchor, previous=previous) == expected


@pytest.mark.parametrize(
    ("text", "published", "dateline"),
    [
        ("新华社北京11月28日电（记者 王琦）国务委员", D(2021, 11, 30), D(2021, 11, 28)),
        ("2017年11月14日 10:20 来源：公安部\n\n11月14日,应美国执法部门请求", None, None),
        ("МОСКВА, 8 ноября. /ТАСС/. Секретарь Совбеза", D(2021, 11, 9), D(2021, 11, 8)),
        ("Заседание Совета\n\ndate 2026-01-05\n\nМосква. 5 января. INTERFAX.RU - Очередное", None, D(2026, 1, 5)),
        ("АСТАНА. 18 мамыр. ҚазАқпарат - Мемлекет басшысы", D(2022, 5, 19), D(2022, 5, 18)),
        ("Hà Nội, 30/10 (TTXVN) - Bộ trưởng Bộ Công an", D(2017, 10, 31), D(2017, 10, 30)),
    ],
)
def test_foreign_datelines(text: str, published: D | None, dateline: D | None) -> None:
    assert find_article_dates(text, published_hint=published).dateline == dateline


def test_foreign_publication_dates_and_months() -> None:
    assert find_article_dates("2017年11月14日 10:20 来源：公安部\n\n11月14日,应美国").published == D(2017, 11, 14)
    assert find_article_dates("8 ноября 2021, 12:30\n\nСекретарь Совбеза").published == D(2021, 11, 8)
    dates = find_article_dates("date 2017-01\n\nTheo phóng viên TTXVN, ngày 13.1, tại thủ đô Bắc Kinh")
    assert dates.published is None and dates.published_month == (2017, 1)
    # Known only to the month: a written day resolves inside it, a relative word cannot.
    assert resolve_date("ngày 13.1", dates.anchor) == D(2017, 1, 13)
    assert resolve_date("on 13 January", dates.anchor) == D(2017, 1, 13)
    assert resolve_date("hôm qua", dates.anchor) is None
    assert resolve_date("on Monday", dates.anchor) is None
    assert resolve_date("ngày 3.2", dates.anchor) is None
    assert resolve_date("15 March 2017", dates.anchor) == D(2017, 3, 15)


@pytest.mark.parametrize(("sentence", "phrase", "anchor", "expected"), [
    ("新华社讯 12日,两国内政部长在北京举行会谈。", "12日", D(2019, 3, 13), D(2019, 3, 12)),
    ("В четверг в 15.00 состоялся телефонный разговор министров.", "В четверг", D(2010, 6, 5), D(2010, 6, 3)),
    ("Соглашение было подписано накануне, 14 мая, в Бишкеке.", "14 мая", D(2012, 5, 15), D(2012, 5, 14)),
    ("Chiều 21.3, tại Hà Nội, Bộ trưởng đã tiếp Đại sứ.", "21.3", D(2018, 3, 22), D(2018, 3, 21)),
    ("The two ministers met on Tuesday in Baku.", "on Tuesday", D(2023, 9, 7), D(2023, 9, 5)),
    ("Кеше министрлер кездесті.", "Кеше", D(2022, 5, 18), D(2022, 5, 17)),
    # Wire style, without "on".
    ("The envoy also called on the President here Tuesday.", "Tuesday", D(2023, 9, 7), D(2023, 9, 5)),
])
def test_the_reporting_sentence_dates_a_meeting(sentence: str, phrase: str, anchor: D, expected: D) -> None:
    assert date_phrase_in(sentence) == phrase
    assert resolve_date(phrase, anchor) == expected


@pytest.mark.parametrize("sentence", [
    "The minister met his counterpart in Baku.",
    "Министр провел 12 встреч в 2020 году.",
    "Hai bên đạt 3/4 mục tiêu.",  # a share, not a date: no time-of-day word before it
    "第12次会议在北京举行。",
    "The minister read the sunday papers.",  # a weekday alone counts capitalised, as a day's name
    "The minister commented about Sunday's vote in Lahore.",
])
def test_a_sentence_without_a_day_has_no_date_phrase(sentence: str) -> None:
    assert date_phrase_in(sentence) is None


@pytest.mark.parametrize(("phrase", "expected"), [
    ("on 12-13 August 2001", True),
    ("May 21-22", True),
    ("from 5 to 13 December", True),
    ("21–22 мая", True),
    ("8日至10日", True),
    ("từ ngày 5 đến 7/12", True),
    ("2022-08-18", False),  # an ISO date's month and day
    ("08 / 06 / 2016", False),
    ("Friday, 25 October 2013", False),
    ("10:30-11:00", False),
])
def test_a_span_of_days_is_told_from_one_day(phrase: str, expected: bool) -> None:
    assert spans_several_days(phrase) is expected


def test_a_release_date_on_a_line_of_its_own_above_the_body_is_a_publication_line() -> None:
    text = ("Visit deepens police cooperation\n\nTuesday, 14 May 2019\n\nThe minister met his counterpart this "
            "week in Kuala Lumpur and discussed border security.\n\nTranscript\n\nMonday, 13 May 2019\n\nQ: ...")
    assert in_publication_line(text, text.index("Tuesday, 14 May"))
    # Below the body's first paragraph, a date line dates the transcript that follows it.
    assert not in_publication_line(text, text.index("Monday, 13 May"))
