"""Dates in article text: a table of date shapes, each with its parser, and the times and zones
that may follow or precede them.

To accept a new shape, add one row to `DATE_FORMATS` (a regex and a function from its match to
a `datetime.date`) and one case to tests/unit/test_dates.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newsreader.index.model import Date
from newsreader.index.untrusted import one_line

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
# An optional weekday before a date: "Tuesday, ", "Tue. ", "thurs ".
_WD = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"


def _numeric(m: re.Match[str]) -> dt.date:
    return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))


def _named_month(m: re.Match[str]) -> dt.date:
    return dt.date(int(m["y"]), _MONTHS[m["mon"][:3].lower()], int(m["d"]))


def _day_first(m: re.Match[str]) -> dt.date:
    day, month = int(m["d"]), int(m["m"])
    if month > 12 >= day:
        day, month = month, day  # "10/24/2021": month first when day-first is impossible
    return dt.date(int(m["y"]), month, day)


@dataclass(frozen=True)
class DateFormat:
    """One shape of date: `example` is a string it reads, `parse` its match -> a date
    (ValueError for an impossible day such as 31 February)."""

    example: str
    regex: re.Pattern[str]
    parse: Callable[[re.Match[str]], dt.date]


def _row(example: str, pattern: str, parse: Callable[[re.Match[str]], dt.date]) -> DateFormat:
    return DateFormat(example, re.compile(pattern, re.I), parse)


# Tried in order at one position; the first row whose regex matches and whose parser gives a
# real date wins. Each row's shape is tested in tests/unit/test_dates.py.
DATE_FORMATS = [
    _row("2021-10-22", _WD + r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)", _numeric),
    _row("2021/10/22", r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?!\d)", _numeric),
    _row("20211022", r"(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)", _numeric),
    _row(
        "22nd of October, 2021",
        _WD + _DAY + r"(?:\s+of)?[\s-]+" + _MON + r",?[\s-]+(?P<y>\d{4})(?!\d)",
        _named_month,
    ),
    _row("Oct. 22, 2021", _WD + _MON + r"\s+" + _DAY + r",?\s+(?P<y>\d{4})(?!\d)", _named_month),
    _row(
        "22/10/2021", _WD + r"(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})(?!\d)", _day_first
    ),
]


_ZONES = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 60, "IST": 330, "CET": 60,
    "WEST": 60, "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "EST": -300, "EDT": -240,
    "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540,
    "HST": -600, "AEST": 600, "AEDT": 660, "ACST": 570, "AWST": 480, "JST": 540, "KST": 540,
    "HKT": 480, "SGT": 480, "PKT": 300, "NZST": 720, "NZDT": 780, "SAST": 120, "WIB": 420,
}  # fmt: skip


_ZONE_NAMES = "|".join(sorted(_ZONES, key=len, reverse=True))


_TIME_CORE = (
    r"(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\.?(?![a-z]))?"
    r"(?:\s*(?P<tz>(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}(?::?\d{2})?(?!\d)"
    r"|\(?(?-i:" + _ZONE_NAMES + r")\)?(?![A-Za-z])))?"
)


_TIME_AFTER = re.compile(r"(?:T|\s*,?\s*(?:at\s+|@\s*|[-–—|·]\s*)?)" + _TIME_CORE, re.I)


_TIME_BEFORE = re.compile(_TIME_CORE + r"\s*,?\s*(?:on\s+)?", re.I)


def _date_at(text: str, pos: int) -> tuple[dt.date, int] | None:
    for row in DATE_FORMATS:
        m = row.regex.match(text, pos)
        if not m:
            continue
        try:
            return row.parse(m), m.end()
        except ValueError:
            continue
    return None


def _zone(name: str | None) -> dt.timezone:
    if not name:
        return dt.UTC
    name = name.strip("()").upper().replace(" ", "")
    if name in _ZONES:
        return dt.timezone(dt.timedelta(minutes=_ZONES[name]))
    m = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", name)
    if not m:
        return dt.UTC
    minutes = int(m[2]) * 60 + int(m[3] or 0)
    if minutes >= 24 * 60:
        return dt.UTC
    return dt.timezone(dt.timedelta(minutes=-minutes if m[1] == "-" else minutes))


def _time_of(m: re.Match[str]) -> tuple[dt.time, dt.timezone] | None:
    if m["mi"] is None and m["ampm"] is None:
        return None  # a bare number after a date is not a time
    hour, minute, second = int(m["h"]), int(m["mi"] or 0), int(m["s"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"].lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second), _zone(m["tz"])


def _datetime_at(text: str, pos: int = 0) -> tuple[Date, int] | None:
    """The date (and time, if stated) starting at `pos`, and where it ends."""
    found = _date_at(text, pos)
    if found:
        day, end = found
        tm = _TIME_AFTER.match(text, end)
        when = _time_of(tm) if tm else None
        if tm and when:
            return dt.datetime.combine(day, when[0], when[1]), tm.end()
        return day, end
    tm = _TIME_BEFORE.match(text, pos)
    if tm and (when := _time_of(tm)) and (found := _date_at(text, tm.end())):
        return dt.datetime.combine(found[0], when[0], when[1]), found[1]
    return None


_TRAIL = " \t.,;:)]|-–—"


def parse_date(text: str) -> Date | None:
    """The date `text` consists of, or None. A stated time gives a timezone-aware datetime (UTC
    when no zone is given; common abbreviations such as IST = +05:30 are known), else a date."""
    s = text.strip().strip("()[]").strip()
    found = _datetime_at(s)
    if found and not s[found[1] :].strip(_TRAIL):
        return found[0]
    return None


_DATE_START = re.compile(r"(?<!\w)(?=\d|[a-z])", re.I)


def split_date_suffix(line: str) -> tuple[str, Date] | None:
    """(text before, date) when `line` ends with a date, else None."""
    for m in _DATE_START.finditer(line):
        if m.start() == 0:
            continue
        found = _datetime_at(line, m.start())
        if found and not line[found[1] :].strip(_TRAIL):
            return line[: m.start()], found[0]
    return None


DATE_LABEL = r"(?:date|dated|published|posted|updated|last updated|first published)"


_PREFIX_LABEL = re.compile(rf"{DATE_LABEL}\s*(?:on\s+)?[:\-]?\s*", re.I)


def split_date_prefix(line: str) -> tuple[Date, str] | None:
    """(date, rest) when `line` starts with a date (optionally labelled) followed by text."""
    label = _PREFIX_LABEL.match(line)
    found = _datetime_at(line, label.end() if label else 0)
    if not found:
        return None
    rest = line[found[1] :].strip(" \t-–—:|,·•")
    return (found[0], rest) if rest else None


def date_value(value: Any) -> Date | None:
    """A date from a JSON/YAML value: text, a date/datetime, or a Unix timestamp."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds are common in JSON
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and len(value) < 100:
        return parse_date(one_line(value))
    return None
