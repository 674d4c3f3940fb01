"""Deterministic article dates: find when an article was published and resolve the date phrases in it.

The model copies date phrases exactly as written ("on Monday", "20 February", "the same day"); this
module turns them into dates against the article's anchor (its dateline, else its publication date).
The rule throughout is never to invent a date: a phrase that does not name one day gives ``None``.
Numeric dates are read day-first because the sources (ministry and wire sites) write DD/MM/YYYY.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Final

import dateparser

__all__ = ["ArticleDates", "MonthAnchor", "date_phrase_in", "find_article_dates", "in_publication_line",
           "resolve_date", "spans_several_days"]

_HEAD_CHARS = 800
# A year-less date may be up to a week after the anchor (articles announce imminent visits); beyond
# that it almost always refers back to the previous year, e.g. "on 30 December" in a January story.
_FUTURE_SLACK = dt.timedelta(days=7)

_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# The optional "-8" lets a range such as "June 7-8" resolve to the day the meeting started.
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s*-\s*\d{1,2}(?:st|nd|rd|th)?)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_DATE_FORMS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>\d\d?)-(?P<day>\d\d?)\b", re.I),
    re.compile(r"\b(?P<day>\d\d?)[./-](?P<mon>\d\d?)[./-](?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(rf"\b{_DAY},?\s+(?:of\s+)?{_MONTH}(?![a-z]){_YEAR}\b", re.I),  # "16, June 2024" too
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}\b", re.I),
]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}  # fmt: skip

_ANCHOR_OFFSETS = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "yesterday": -1, "last night": -1, "the day before yesterday": -2,
    "tomorrow": 1, "the day after tomorrow": 2,
}  # fmt: skip
_SAME_DAY = {"the same day", "same day", "that day", "that same day", "the same date"}
_PREVIOUS_OFFSETS = {
    "the next day": 1, "the following day": 1, "the day after": 1, "a day later": 1,
    "the previous day": -1, "the day before": -1, "a day earlier": -1,
}  # fmt: skip

_PLACE_WORD = r"[^\W\d_][\w'’.\-]*"
_PLACE = rf"{_PLACE_WORD}(?:[ ]{_PLACE_WORD}){{0,3}}"
_DATE_ANY = "|".join(re.sub(r"\(\?P<\w+>", "(?:", form.pattern) for form in _DATE_FORMS)
# Wire datelines at a line start: "BEIJING, June 7 (Xinhua) --", "BAKU, Azerbaijan, September 7.",
# "Yerevan, 08/06/2016", "Tashkent [Uzbekistan], August 18 (ANI):", "Islamabad: 16, June 2024".
# Case-insensitive for month names; the place's capital is checked in code.
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE})(?:[ ]*\[[^\]\n]{{1,40}}\])?(?:,[ ]*{_PLACE})?[ ]*[,:][ ]*(?P<date>{_DATE_ANY})"
    r"[ ]*(?:\([^)\n]{1,40}\))?(?:[ ]*[-–—.:,]|\s|$)",
    re.I,
)
# Some sources flatten "date 2025-02-26" and the dateline onto one line.
_HEADER_PREFIX = re.compile(r"^\s*date\s*:?\s*\d{4}-\d\d-\d\d(?:[ T]\d\d?:\d\d(?::\d\d)?)?\s*", re.I)
_PUBLISHED_LABEL = re.compile(r"(?:date|published|posted|updated|released?)\W{0,3}$", re.I)
# Any publication line's label and date ("date 2017-01", "published: 26.02.2025"), sometimes with the lead run on
# after it: what says when the file was published, never when a meeting was.
_PUBLICATION_LINE = re.compile(r"[ \t]*(?:date|published|posted|updated)\b[ \t]*:?[ \t]*[\d][\d\-./ T:]*",
                               re.IGNORECASE)


class MonthAnchor(dt.date):
    """The last day of a month, standing for "some day in this month" when only the month is known.

    Sources whose metadata gives only the month ("date 2017-01") still place a written day and month
    ("ngày 13.1") in its year; but a weekday or "yesterday" counted from an unknown day would be invented,
    so :func:`resolve_date` resolves only written dates against it.
    """


@dataclass(frozen=True)
class ArticleDates:
    """The dates an article carries about itself."""

    published: dt.date | None
    dateline: dt.date | None
    # (year, month) when the article says only the month it was published in.
    published_month: tuple[int, int] | None = None
    # Where an English wire dateline writes its date ("UZBEKISTAN, April 19 -"): the day the story was filed,
    # which dates the relative phrases of the story, not its events.
    dateline_at: tuple[int, int] | None = field(default=None, compare=False)

    @property
    def anchor(self) -> dt.date | None:
        """Date relative phrases resolve against: the dateline is the day the story was filed from.

        With only a publication month, a :class:`MonthAnchor` on the month's last day.
        """
        if self.dateline is not None:
            return self.dateline
        if self.published is not None or self.published_month is None:
            return self.published
        year, month = self.published_month
        last = calendar.monthrange(year, month)[1]
        return MonthAnchor(year, month, last)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _shift(base: dt.date | None, days: int) -> dt.date | None:
    try:
        return None if base is None else base + dt.timedelta(days=days)
    except OverflowError:
        return None


def _year_for(month: int, day: int, anchor: dt.date | None) -> dt.date | None:
    """Place a year-less day at its latest occurrence no more than a week after the anchor.

    The window is 366 days long, so Feb 29 only lands on a leap year near the anchor, never years back,
    and "January 2" read on December 28 is the coming one rather than one almost a year earlier.
    """
    latest = _shift(anchor, _FUTURE_SLACK.days)
    earliest = _shift(latest, -365)
    if anchor is None or latest is None or earliest is None:
        return None
    for year in (anchor.year + 1, anchor.year, anchor.year - 1):
        candidate = _safe_date(year, month, day)
        if candidate is not None and earliest <= candidate <= latest:
            return candidate
    return None


def _from_match(m: re.Match[str], anchor: dt.date | None) -> dt.date | None:
    mon = m["mon"]
    month = int(mon) if mon.isdigit() else _MONTHS.index(mon[:3].lower()) + 1
    day = int(m["day"])
    if m["year"] is None:
        return _year_for(month, day, anchor)
    found = _safe_date(int(m["year"]), month, day)
    if found is None and mon.isdigit():
        # Day-first is the norm, but "06/15/2016" has no day-first reading, so month-first is the only one.
        found = _safe_date(int(m["year"]), day, month)
    return found


def _match_written(text: str) -> re.Match[str] | None:
    return next((m for form in _DATE_FORMS if (m := form.fullmatch(text)) is not None), None)


@functools.lru_cache(maxsize=1024)
def _dateparser_full(text: str) -> dt.date | None:
    """Parse full dates our own patterns miss ("15-Dec-2016", "2016 December 15") with dateparser.

    It only sees text that carries its own year, so it needs no anchor (RELATIVE_BASE) and the cache stays anchor-free.
    """
    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "past",
        "STRICT_PARSING": True,
        # The relative and timestamp parsers would turn "ago" phrases or stray numbers into dates.
        "PARSERS": ["custom-formats", "absolute-time"],
    }
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; unparseable is the answer
        return None
    if parsed is None or str(parsed.year) not in text:
        return None  # a year dateparser filled in itself would be an invented date
    return parsed.date()


def _normalise(date_text: str) -> str:
    s = " ".join(date_text.lower().replace("–", "-").replace("—", "-").split())
    s = s.strip(" .,;:!?\"'()")
    s = re.sub(r"^(?:on|at|during)\s+(?:the\s+(?=\d))?", "", s)
    s = re.sub(r",?\s+(?:at\s+)?\d\d?:\d\d(?::\d\d)?$", "", s)  # "2022-01-11 14:10"
    s = re.sub(r",?\s*\(?local time\)?$", "", s)
    s = re.sub(r"^(?:earlier|later|late|early)\s+(?:on\s+)?", "", s)
    if s not in _ANCHOR_OFFSETS:  # keep "this morning" / "last night" whole; they are phrases of their own
        s = re.sub(r"\s+(?:morning|afternoon|evening|night)$", "", s)
    return s


def _weekday(s: str, anchor: dt.date | None) -> dt.date | None:
    m = re.fullmatch(r"(?:(last|past|this|next|(?:this )?coming)\s+)?(" + "|".join(_WEEKDAYS) + ")", s)
    if m is None or anchor is None:
        return None
    back = (anchor.weekday() - _WEEKDAYS.index(m[2])) % 7
    if m[1] in ("last", "past"):
        return _shift(anchor, -(back or 7))  # "last Monday" said on a Monday means a week ago
    if m[1] and m[1].endswith("coming"):
        return _shift(anchor, 7 - back)
    if m[1] == "next":
        return None  # "next Monday" may mean the coming one or the one after; refuse to guess
    return _shift(anchor, -back)  # a bare weekday in news copy is a past day of the current week


def resolve_date(
    date_text: str | None, anchor: dt.date | None, *, previous: dt.date | None = None
) -> dt.date | None:
    """Resolve a date phrase as written in an article to a date, or ``None`` if it names no single day.

    ``anchor`` is the article's dateline or publication date; ``previous`` is the date of the
    previously mentioned meeting, which "the same day" / "the following day" refer to. Weekdays mean
    the latest such day on or before the anchor; year-less dates take the anchor's year unless that
    lands more than a week after it. Vague spans ("last week", "in March", "2022") give ``None``.
    """
    if not date_text:
        return None
    if isinstance(anchor, MonthAnchor):
        return _resolve_in_month(date_text, anchor, previous)
    found = _resolve_english(date_text, anchor, previous)
    return found if found is not None else _resolve_foreign(date_text, anchor, previous)


def _resolve_english(date_text: str, anchor: dt.date | None, previous: dt.date | None) -> dt.date | None:
    s = _normalise(date_text)
    if s in _ANCHOR_OFFSETS:
        return _shift(anchor, _ANCHOR_OFFSETS[s])
    if s in _SAME_DAY:
        # With no earlier meeting, "the same day" points back at the day the story is about: the anchor.
        return previous if previous is not None else anchor
    if s in _PREVIOUS_OFFSETS:
        return _shift(previous, _PREVIOUS_OFFSETS[s])
    ago = re.fullmatch(r"(\d{1,3}|" + "|".join(_NUMBERS) + r") days? ago", s)
    if ago is not None:
        return _shift(anchor, -(int(ago[1]) if ago[1].isdigit() else _NUMBERS[ago[1]]))
    # In "Monday, June 7" / "Monday (June 7)" the written date is more specific than the weekday.
    s = re.sub(r"^(?:" + "|".join(_WEEKDAYS) + r"),?\s*\(?(?=.*\d)", "", s).rstrip(")")
    if (weekday := _weekday(s, anchor)) is not None:
        return weekday
    if (m := _match_written(s)) is not None:
        return _from_match(m, anchor)
    if re.search(r"\b(?:19|20)\d\d\b", s) and re.search(r"[a-z]|\d\s*[./-]\s*\d", s):
        return _dateparser_full(s)
    return None



def _resolve_in_month(date_text: str, anchor: MonthAnchor, previous: dt.date | None) -> dt.date | None:
    """Resolve against a month known without its day: full dates, the previous meeting, written day-months."""
    found = _resolve_english(date_text, None, previous) or _resolve_foreign(date_text, None, previous)
    if found is not None:
        return found
    m = _match_written(_normalise(date_text))
    written = _from_match(m, anchor) if m is not None else _written_foreign(date_text, anchor)
    return written if written is not None and written <= anchor else None


# ---------------------------------------------------------------------------------------------------
# Chinese, Russian, Kazakh and Vietnamese
# ---------------------------------------------------------------------------------------------------
# Each language writes a date its own way ("11月28日", "8 ноября 2021 года", "28 қарашада", "sáng 30/10");
# the forms below are searched in the phrase, so words around them ("当地时间", "накануне,", "2022 жылғы")
# do not matter. Their words never occur in English, so English phrases resolve exactly as before.

_RU_MONTHS: Final = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр",
                     "ноябр", "декабр")
# Kazakh month names take case suffixes ("қарашада", "мамырда"); "ақп." style abbreviations are rare in news.
_KK_MONTHS: Final = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
                     "қазан", "қараша", "желтоқсан")
_CYR_WORD_END: Final = r"(?![а-яёәғқңөұүһі])"
_RU_MONTH: Final = (r"(?P<rumon>январ[яь]|феврал[яь]|март[а]?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?"
                    r"|сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь]|янв|фев|мар|апр|июн|июл|авг|сен|сент|окт|ноя|дек)"
                    r"\.?" + _CYR_WORD_END)
_KK_MONTH: Final = rf"(?P<kkmon>{'|'.join(_KK_MONTHS)})[а-яәғқңөұүһі]*"
_RANGE_TAIL: Final = r"(?:\s*[-–—]\s*\d{1,2})?"
_FOREIGN_WRITTEN: Final = [
    # 2017年11月14日, 11月28日, 11月8日至10日
    re.compile(r"(?:(?P<year>(?:19|20)\d\d)\s*年\s*)?(?P<mon>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号號]"),
    # 8 ноября, 8 ноября 2021 года, 11-12 сентября
    re.compile(rf"(?<!\d)(?P<day>\d{{1,2}}){_RANGE_TAIL}\s+{_RU_MONTH}(?:\s+(?P<year>(?:19|20)\d\d))?", re.I),
    # 2022 жылғы 18 мамырда, 28 қарашада, 2014 жылдың 11-12 қыркүйек аралығында
    re.compile(rf"(?:(?P<year>(?:19|20)\d\d)\s*(?:жылғы|жылдың|жылы|ж\.)\s*)?(?<!\d)(?P<day>\d{{1,2}}){_RANGE_TAIL}"
               rf"\s+{_KK_MONTH}", re.I),
    # ngày 30 tháng 10 năm 2017
    re.compile(r"(?<!\d)(?P<day>\d{1,2})\s+tháng\s+(?P<mon>\d{1,2})(?:\s*(?:năm|,)\s*(?P<year>(?:19|20)\d\d))?",
               re.I),
    # ngày 30/10, sáng 30/10, Sáng 21-2, ngày 13.1, 30-10-2017; "từ ngày 20 đến 23-2" gives the first day.
    re.compile(r"(?<![\d/.\-])(?P<day>\d{1,2})\s*[/.\-]\s*(?P<mon>\d{1,2})(?:\s*[/.\-]\s*(?P<year>(?:19|20)\d\d))?"
               r"(?![\d/.\-]*\d)"),
]
# A bare "30/10" is a date only in a phrase that is nothing more, or after a Vietnamese time-of-day word;
# elsewhere "3/4" may be a share or a score.
_VI_CUE: Final = re.compile(r"\b(?:ngày|hôm|sáng|chiều|tối|trưa|đêm|rạng sáng|từ)\b", re.I)
_NUMERIC_ONLY: Final = re.compile(r"\s*\d{1,2}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*(?:19|20)\d\d)?\s*")

# A day of the month alone: "6日", "27日" (the month is the anchor's).
_ZH_DAY_ONLY: Final = re.compile(
    r"^(?:当地时间|當地時間|北京时间|北京時間|[上下中]?午|早上|晚上|凌晨|\s)*(?P<day>\d{1,2})\s*[日号號]"
)

_FOREIGN_ANCHOR_OFFSETS: Final = {
    # zh
    "今天": 0, "今日": 0, "当天": 0, "當天": 0, "昨天": -1, "昨日": -1, "前天": -2, "明天": 1, "明日": 1,
    # ru
    "сегодня": 0, "вчера": -1, "позавчера": -2, "накануне": -1, "завтра": 1, "послезавтра": 2,
    # kk
    "бүгін": 0, "кеше": -1, "алдыңғы күні": -2, "ертең": 1,
    # vi
    "hôm nay": 0, "hôm qua": -1, "hôm kia": -2, "ngày mai": 1,
}  # fmt: skip
_FOREIGN_OFFSETS_LONGEST_FIRST: Final = sorted(_FOREIGN_ANCHOR_OFFSETS.items(), key=lambda item: -len(item[0]))
_FOREIGN_SAME_DAY: Final = ("同日", "同一天", "在同一天", "в тот же день", "в этот же день", "в тот день", "сол күні",
                            "осы күні", "cùng ngày", "trong ngày", "ngày hôm đó")
_FOREIGN_NEXT_DAY: Final = ("次日", "第二天", "翌日", "на следующий день", "келесі күні", "ngày hôm sau", "hôm sau")

# Weekdays: (pattern, weekday index); a "last" prefix means the week before, a "next" one is refused.
_FOREIGN_WEEKDAYS: Final = [
    (re.compile(r"(?P<mod>上|本|这|這|下)?(?:个|個)?(?:周|週|星期|礼拜|禮拜)(?P<d>[一二三四五六日天])"), "zh"),
    (re.compile(r"(?:^|\s)(?:во?\s+)?(?:(?P<mod>прошл\w*|минувш\w*|эт\w*|следующ\w*|ближайш\w*)\s+)?"
                r"(?P<d>понедельник|вторник|сред|четверг|пятниц|суббот|воскресень)", re.I), "ru"),
    (re.compile(r"(?:(?P<mod>өткен|осы|келесі)\s+)?(?<![а-яәғқңөұүһі])"
                r"(?P<d>дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|жұма|сенбі|жексенбі)", re.I), "kk"),
    (re.compile(r"(?P<d>thứ\s+(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s+nhật)(?:\s+(?P<mod>tuần\s+(?:trước|này|sau|tới)))?",
                re.I), "vi"),
]
_WEEKDAY_INDEX: Final = {
    "zh": {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6},
    "ru": {"понедельник": 0, "вторник": 1, "сред": 2, "четверг": 3, "пятниц": 4, "суббот": 5, "воскресень": 6},
    "kk": {"дүйсенбі": 0, "сейсенбі": 1, "сәрсенбі": 2, "бейсенбі": 3, "жұма": 4, "сенбі": 5, "жексенбі": 6},
    "vi": {"hai": 0, "2": 0, "ba": 1, "3": 1, "tư": 2, "4": 2, "năm": 3, "5": 3, "sáu": 4, "6": 4, "bảy": 5,
           "7": 5, "nhật": 6},
}  # fmt: skip
_LAST_WEEK: Final = ("上", "прошл", "минувш", "өткен", "tuần trước")
_NEXT_WEEK: Final = ("下", "следующ", "ближайш", "келесі", "tuần sau", "tuần tới")


def _month_number(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("mon"):
        return int(groups["mon"])
    if groups.get("rumon"):
        word = groups["rumon"].lower().rstrip(".")
        # "мая"/"май" and "мар" share a start: compare whole stems, longest first.
        for stem in sorted(_RU_MONTHS, key=len, reverse=True):
            if word.startswith(stem) and (stem != "ма" or word in ("мая", "май")):
                return _RU_MONTHS.index(stem) + 1
        return {"янв": 1, "фев": 2, "мар": 3, "апр": 4, "авг": 8, "сен": 9, "сент": 9, "окт": 10, "ноя": 11,
                "дек": 12}.get(word)  # fmt: skip
    if groups.get("kkmon"):
        return _KK_MONTHS.index(groups["kkmon"].lower()) + 1
    return None


def _written_foreign(date_text: str, anchor: dt.date | None) -> dt.date | None:
    """A day and month written in Chinese, Russian, Kazakh or Vietnamese, with or without a year."""
    text = date_text.strip()
    for form in _FOREIGN_WRITTEN:
        m = form.search(text)
        if m is None:
            continue
        if form is _FOREIGN_WRITTEN[-1] and not (_NUMERIC_ONLY.fullmatch(text) or _VI_CUE.search(text[: m.start()])):
            continue
        month = _month_number(m)
        if month is None or not 1 <= month <= 12:
            return None
        day = int(m["day"])
        if m["year"] is not None:
            return _safe_date(int(m["year"]), month, day)
        return _year_for(month, day, anchor)
    return None


def _foreign_weekday(text: str, anchor: dt.date | None) -> dt.date | None:
    for pattern, language in _FOREIGN_WEEKDAYS:
        m = pattern.search(text)
        if m is None:
            continue
        if anchor is None:
            return None
        key = m["d"].lower().split()[-1] if language == "vi" else m["d"].lower()
        index = _WEEKDAY_INDEX[language].get(key)
        if index is None:
            return None
        mod = (m["mod"] or "").lower()
        back = (anchor.weekday() - index) % 7
        if mod.startswith(_LAST_WEEK):
            return _shift(anchor, -(back or 7))
        if mod.startswith(_NEXT_WEEK):
            return None  # as with "next Monday": the coming one or the one after, no way to tell
        return _shift(anchor, -back)
    return None


def _resolve_foreign(date_text: str, anchor: dt.date | None, previous: dt.date | None) -> dt.date | None:
    """Resolve a date phrase in Chinese, Russian, Kazakh or Vietnamese; a written date beats a relative word."""
    text = " ".join(date_text.split()).strip(" .,;:!?\"'()«»“”„、，。")
    written = _written_foreign(text, anchor)
    if written is not None:
        return written
    lowered = text.lower()
    if (m := _ZH_DAY_ONLY.match(text)) is not None:
        return _day_of_anchor_month(int(m["day"]), anchor)
    if any(phrase in lowered for phrase in _FOREIGN_SAME_DAY):
        return previous if previous is not None else anchor
    if any(phrase in lowered for phrase in _FOREIGN_NEXT_DAY):
        return _shift(previous, 1)
    for phrase, offset in _FOREIGN_OFFSETS_LONGEST_FIRST:
        # Chinese has no word boundaries; elsewhere "вчера" must not match inside "вчерашний".
        if phrase in lowered if _is_cjk(phrase) else re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
            return _shift(anchor, offset)
    return _foreign_weekday(lowered, anchor)


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= char <= "\u9fff" for char in text)


def _day_of_anchor_month(day: int, anchor: dt.date | None) -> dt.date | None:
    """"6日" in a story dated 7 April is 6 April; "30日" in one dated 2 May is 30 April."""
    if anchor is None:
        return None
    found = _safe_date(anchor.year, anchor.month, day)
    if found is not None and found <= anchor + _FUTURE_SLACK:
        return found
    previous_month = anchor.replace(day=1) - dt.timedelta(days=1)
    return _safe_date(previous_month.year, previous_month.month, day)

def find_article_dates(text: str, *, published_hint: dt.date | None = None) -> ArticleDates:
    """Read the publication date and the dateline from the article's first ~800 characters.

    ``published_hint`` (from metadata) wins over any publication date in the text. A dateline
    without a year ("BEIJING, June 7") takes it from the publication date; with neither it is
    ``None``. A full date in a dateline ("ALMATY, 26 October 2022 -") is the dateline, not the
    publication date: callers wanting the best single date use :attr:`ArticleDates.anchor`.
    """
    head = text[:_HEAD_CHARS]
    dateline_m: re.Match[str] | None = None
    offset = 0
    for line in head.splitlines(keepends=True):
        prefix = _HEADER_PREFIX.match(line)
        m = _DATELINE.match(line.rstrip("\r\n"), prefix.end() if prefix else 0)
        # A line opening "Monday, June 7, 2021" is a date header, not a place.
        if (m and m["place"][0].isupper() and m["place"].split()[0].lower() not in _WEEKDAYS
                and not _PUBLISHED_LABEL.match(m["place"])):  # "Published: 12 March 2023" is no place
            dateline_m = m
            break
        offset += len(line)
    if dateline_m is None:
        return _foreign_article_dates(head, published_hint)
    dateline_at = (offset + dateline_m.start("date"), offset + dateline_m.end("date")) if dateline_m else None
    published = published_hint if published_hint is not None else _published_in(head, dateline_at)
    written = _match_written(dateline_m["date"]) if dateline_m else None
    return ArticleDates(published=published, dateline=_from_match(written, published) if written else None,
                        dateline_at=dateline_at)


# Datelines of the Chinese, Russian, Kazakh and Vietnamese wires, at a line start:
# "新华社北京11月28日电", "人民网北京5月18日电"; "МОСКВА, 8 ноября. /ТАСС/", "Москва. 5 января. INTERFAX.RU -",
# "Астана. 18 мамыр. ҚазАқпарат"; "Hà Nội, 30/10 (TTXVN)".
_CYR_LETTERS: Final = "А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
_FOREIGN_DATELINES: Final = [
    re.compile(r"^[^\n，,。：:]{0,24}?(?P<date>(?:(?:19|20)\d\d年)?\d{1,2}月\d{1,2}日)\s*(?:电|電|讯|訊)"),
    re.compile(rf"^[{_CYR_LETTERS[:2]}ӘҒҚҢӨҰҮҺІ][{_CYR_LETTERS}\-]+(?:[ \-][{_CYR_LETTERS}\-]+){{0,2}}\s*[,.]\s*"
               rf"(?P<date>\d{{1,2}}\s+[{_CYR_LETTERS}]+\.?(?:\s+(?:19|20)\d\d)?)\s*(?:г\.|года|ж\.)?\s*[.,\-–—/(]"),
    re.compile(r"^[^\W\d_][^\n,(\d]{1,30},\s*(?P<date>\d{1,2}/\d{1,2}(?:/(?:19|20)\d\d)?)\s*\("),
]
# Metadata that gives only the month: "date 2017-01".
_HEADER_MONTH: Final = re.compile(r"^\s*date\s*:?\s*(?P<year>(?:19|20)\d\d)-(?P<mon>\d\d)\s*$", re.I | re.M)


def _foreign_article_dates(head: str, published_hint: dt.date | None) -> ArticleDates:
    """Publication date, dateline and publication month of an article without an English dateline."""
    dateline_m: re.Match[str] | None = None
    offset = 0
    for line in head.splitlines(keepends=True):
        prefix = _HEADER_PREFIX.match(line)
        body = line.rstrip("\r\n")
        for form in _FOREIGN_DATELINES:
            m = form.match(body, prefix.end() if prefix else 0)
            if m is not None:
                dateline_m = m
                break
        if dateline_m is not None:
            break
        offset += len(line)
    dateline_at = (offset + dateline_m.start("date"), offset + dateline_m.end("date")) if dateline_m else None
    published = published_hint if published_hint is not None else _published_in(head, dateline_at)
    dateline = _written_foreign(dateline_m["date"], published) if dateline_m and published else None
    if dateline_m is not None and dateline is None:
        dateline = _written_foreign(dateline_m["date"], None)  # a dateline with its own year needs no anchor
    month = _HEADER_MONTH.search(head)
    published_month = (int(month["year"]), int(month["mon"])) if month and 1 <= int(month["mon"]) <= 12 else None
    return ArticleDates(published=published, dateline=dateline,
                        published_month=published_month if published is None else None)


def _published_in(head: str, dateline_at: tuple[int, int] | None) -> dt.date | None:
    """Find a full date in a header position: labelled, alone on a short line, or above the dateline.

    Dates further into the body are usually of other events (a treaty "signed on 15 December 2016").
    """
    candidates: list[tuple[int, dt.date]] = []
    # Full dates as the Chinese, Russian, Kazakh and Vietnamese editions write them; none matches English.
    for form in (*_DATE_FORMS, *_FOREIGN_WRITTEN[:-1]):
        for m in form.finditer(head):
            if m["year"] is None or (dateline_at and dateline_at[0] <= m.start() < dateline_at[1]):
                continue
            line_start = head.rfind("\n", 0, m.start()) + 1
            line_end = head.find("\n", m.end())
            line = head[line_start : len(head) if line_end < 0 else line_end]
            labelled = _PUBLISHED_LABEL.search(head[line_start : m.start()]) is not None
            above = dateline_at is not None and m.start() < dateline_at[0]
            found = _from_match(m, None) if form in _DATE_FORMS else _written_foreign(m.group(), None)
            if found is not None and (labelled or above or len(line.strip()) <= 60):
                candidates.append((m.start(), found))
    return min(candidates)[1] if candidates else None


# A day of the month alone inside a Chinese sentence ("大西北网讯 6日,..."), not a part of "5月6日".
_ZH_DAY_IN_TEXT: Final = re.compile(r"(?<![\d月])(?P<day>\d{1,2})\s*[日号號](?![元])")
# Wire style drops the "on" ("met Sunday", "called on the Prime Minister here Sunday"); a weekday without it
# counts only capitalised, as a day's name is.
_EN_WEEKDAY_IN_TEXT: Final = re.compile(r"\bon\s+(?:" + "|".join(_WEEKDAYS) + r")\b|\b(?-i:"
                                        + "|".join(day.capitalize() for day in _WEEKDAYS) + r")\b(?!['’]s)", re.I)
_EN_RELATIVE_IN_TEXT: Final = re.compile(r"\b(?:today|yesterday|the day before yesterday|the same day|"
                                         r"the next day|the following day)\b", re.I)


# Two days of the month joined as a span: "12-13 August", "May 21-22", "from 5 to 13 December", "21–22 мая",
# "8日至10日", "từ ngày 5 đến 7". An ISO date's "08-18" is not one (a digit or dash comes before it).
_DAY_SPAN: Final = re.compile(r"(?<![\d/.\-])\d{1,2}(?:st|nd|rd|th|日|号)?\s*(?:[-–—]|\bto\b|\bдо\b|\bпо\b|至|\bđến\b)"
                              r"\s*(?:ngày\s*)?\d{1,2}(?![\d.:\-])", re.IGNORECASE)


def spans_several_days(date_text: str) -> bool:
    """Whether a date phrase names a span of days ("on 12-13 August 2001") rather than one day."""
    return _DAY_SPAN.search(date_text) is not None


def date_phrase_in(sentence: str) -> str | None:
    """The words of ``sentence`` that say on which day it happened, as written, or None.

    For a meeting whose date the model did not give: the sentence that reports it usually dates it ("6日",
    "в пятницу", "накануне, 3 февраля", "ngày 13.1", "on Monday"). Written dates come first, then a day of
    the month, a weekday, and words relative to the dateline. A bare "30/10" counts only after a Vietnamese
    time-of-day word, as in :func:`resolve_date`. A publication line opening the sentence is not read.
    """
    line = _PUBLICATION_LINE.match(sentence)
    sentence = sentence[line.end():] if line else sentence
    candidates: list[re.Match[str]] = []
    for form in _FOREIGN_WRITTEN:
        for written in form.finditer(sentence):
            cue = sentence[max(0, written.start() - 12):written.start()]
            if form is _FOREIGN_WRITTEN[-1] and not _VI_CUE.search(cue):
                continue
            candidates.append(written)
            break
    candidates.extend(found for form in _DATE_FORMS if (found := form.search(sentence)) is not None)
    if candidates:
        return min(candidates, key=lambda m: m.start()).group(0)
    for pattern in (_ZH_DAY_IN_TEXT, *(p for p, _lang in _FOREIGN_WEEKDAYS), _EN_WEEKDAY_IN_TEXT,
                    _EN_RELATIVE_IN_TEXT):
        if (said := pattern.search(sentence)) is not None:
            end = said.end()
            while end < len(sentence) and sentence[end].isalpha() and not _is_cjk(sentence[end]):
                end += 1  # the whole word: "в пятницу", not the stem the pattern stops at
            return sentence[said.start():end].strip()
    lowered = sentence.lower()
    for phrase, _offset in _FOREIGN_OFFSETS_LONGEST_FIRST:
        at = lowered.find(phrase)
        if at >= 0 and (_is_cjk(phrase) or re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered)):
            return sentence[at:at + len(phrase)]
    return None


# A line that is a date and nothing else ("Friday, 25 October 2013").
_DATE_ONLY_LINE: Final = re.compile(rf"[ \t]*(?:(?:{'|'.join(_WEEKDAYS)}),?[ \t]+)?(?:{_DATE_ANY})[ \t]*\.?[ \t]*$",
                                    re.IGNORECASE | re.MULTILINE)
# A line of this many words is prose: the article's body has begun.
_PROSE_WORDS = 8


def in_publication_line(text: str, at: int) -> bool:
    """Whether ``text[at]`` is inside the label and date of a publication line ("date 2002-10-26").

    A release's date written on a line of its own above the body ("Friday, 25 October 2013") is one too; the
    same line further down (a transcript's "Thursday, 24 October 2013") dates what follows it.
    """
    start = text.rfind("\n", 0, at) + 1
    line = _PUBLICATION_LINE.match(text, start)
    if line is not None and at < line.end():
        return True
    return (_DATE_ONLY_LINE.match(text, start) is not None
            and all(len(above.split()) < _PROSE_WORDS for above in text[:start].splitlines()[1:]))
