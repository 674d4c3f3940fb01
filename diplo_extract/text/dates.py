"""Deterministic article dates: find when an article was published and resolve the date phrases in it.

The model copies date phrases exactly as written ("on Monday", "20 February", "the same day"); this
module turns them into dates against the article's anchor (its dateline, else its publication date).
The rule throughout is never to invent a date: a phrase that does not name one day gives ``None``.
Numeric dates are read day-first because the sources (ministry and wire sites) write DD/MM/YYYY.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import dateparser

__all__ = ["ArticleDates", "find_article_dates", "resolve_date"]

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
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?![a-z]){_YEAR}\b", re.I),
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
# "Yerevan, 08/06/2016". Case-insensitive for month names; the place's capital is checked in code.
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE})(?:,[ ]*{_PLACE})?,[ ]*(?P<date>{_DATE_ANY})"
    r"[ ]*(?:\([^)\n]{1,40}\))?(?:[ ]*[-–—.:,]|\s|$)",
    re.I,
)
# Some sources flatten "date 2025-02-26" and the dateline onto one line.
_HEADER_PREFIX = re.compile(r"^\s*date\s*:?\s*\d{4}-\d\d-\d\d(?:[ T]\d\d?:\d\d(?::\d\d)?)?\s*", re.I)
_PUBLISHED_LABEL = re.compile(r"(?:date|published|posted|updated|released?)\W{0,3}$", re.I)


@dataclass(frozen=True)
class ArticleDates:
    """The dates an article carries about itself."""

    published: dt.date | None
    dateline: dt.date | None

    @property
    def anchor(self) -> dt.date | None:
        """Date relative phrases resolve against: the dateline is the day the story was filed from."""
        return self.dateline if self.dateline is not None else self.published


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
        if m and m["place"][0].isupper() and m["place"].split()[0].lower() not in _WEEKDAYS:
            dateline_m = m
            break
        offset += len(line)
    dateline_at = (offset + dateline_m.start("date"), offset + dateline_m.end("date")) if dateline_m else None
    published = published_hint if published_hint is not None else _published_in(head, dateline_at)
    written = _match_written(dateline_m["date"]) if dateline_m else None
    return ArticleDates(published=published, dateline=_from_match(written, published) if written else None)


def _published_in(head: str, dateline_at: tuple[int, int] | None) -> dt.date | None:
    """Find a full date in a header position: labelled, alone on a short line, or above the dateline.

    Dates further into the body are usually of other events (a treaty "signed on 15 December 2016").
    """
    candidates: list[tuple[int, dt.date]] = []
    for form in _DATE_FORMS:
        for m in form.finditer(head):
            if m["year"] is None or (dateline_at and dateline_at[0] <= m.start() < dateline_at[1]):
                continue
            line_start = head.rfind("\n", 0, m.start()) + 1
            line_end = head.find("\n", m.end())
            line = head[line_start : len(head) if line_end < 0 else line_end]
            labelled = _PUBLISHED_LABEL.search(head[line_start : m.start()]) is not None
            above = dateline_at is not None and m.start() < dateline_at[0]
            found = _from_match(m, None)
            if found is not None and (labelled or above or len(line.strip()) <= 60):
                candidates.append((m.start(), found))
    return min(candidates)[1] if candidates else None
