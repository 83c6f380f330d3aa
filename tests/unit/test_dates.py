"""Every date shape `parse_date` accepts, one row each, and the shapes it refuses.

The parser is a table (`DATE_FORMATS` in index/parsing/dates.py); a new row there gets a row
here. Times may follow or precede a date; a stated time gives a timezone-aware datetime (UTC
when no zone is given), a date alone gives a date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newsreader.index.parsing.dates import DATE_FORMATS, parse_date

UTC = dt.UTC
DAY = dt.date(2021, 10, 22)


def at(hour: int, minute: int, offset_minutes: int = 0, second: int = 0) -> dt.datetime:
    zone = dt.timezone(dt.timedelta(minutes=offset_minutes))
    return dt.datetime(2021, 10, 22, hour, minute, second, tzinfo=zone)


@pytest.mark.parametrize("row", DATE_FORMATS, ids=[row.example for row in DATE_FORMATS])
def test_every_row_of_the_table_reads_its_example(row: object) -> None:
    example = row.example  # type: ignore[attr-defined]
    assert row.regex.fullmatch(example)  # type: ignore[attr-defined]
    assert parse_date(example) == DAY


ACCEPTED = [
    # ISO, with or without a weekday
    ("2021-10-22", DAY),
    ("Friday 2021-10-22", DAY),
    ("2021-10-22.", DAY),  # trailing punctuation is not part of a date
    ("(2021-10-22)", DAY),
    # slashes, compact
    ("2021/10/22", DAY),
    ("20211022", DAY),
    # day, month name, year
    ("22 October 2021", DAY),
    ("22nd of October, 2021", DAY),
    ("22-Oct-2021", DAY),
    ("Fri, 22 Oct 2021", DAY),
    ("Friday, 22 October 2021", DAY),
    # month name, day, year
    ("October 22, 2021", DAY),
    ("Oct. 22 2021", DAY),
    ("Sept. 5, 2020", dt.date(2020, 9, 5)),
    # numeric day first; month first only when day first is impossible
    ("22/10/2021", DAY),
    ("22.10.2021", DAY),
    ("10/24/2021", dt.date(2021, 10, 24)),
    ("05/06/2021", dt.date(2021, 6, 5)),
    # a time after the date
    ("2021-10-22T14:30:00Z", at(14, 30)),
    ("2021-10-22 14:30", at(14, 30)),
    ("2021-10-22T14:30:00+05:30", at(14, 30, 330)),
    ("22 October 2021, 2:30 pm", at(14, 30)),
    ("22 October 2021 at 14:30 BST", at(14, 30, 60)),
    ("22 October 2021 14:30 IST", at(14, 30, 330)),
    ("22 October 2021 14:30 (EDT)", at(14, 30, -240)),
    ("22 October 2021 14:30 UTC+2", at(14, 30, 120)),
    ("2021-10-22 | 10:00 GMT-3", at(10, 0, -180)),
    ("22 October 2021 - 09:15", at(9, 15)),
    ("2021-10-22 14:30:59.123", at(14, 30, second=59)),
    ("22 October 2021 12 a.m.", at(0, 0)),
    # a time before the date
    ("2:30pm on 22 October 2021", at(14, 30)),
    ("14:30, 22 October 2021", at(14, 30)),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted_shapes(text: str, expected: dt.date) -> None:
    got = parse_date(text)
    assert got == expected
    assert type(got) is type(expected)  # a date stays a date, a time gives a datetime
    if isinstance(expected, dt.datetime):
        assert got.utcoffset() == expected.utcoffset()  # type: ignore[union-attr]


REFUSED = [
    "",
    "2021-02-30",  # no such day
    "22/13/2021",  # no such month either way round
    "22 October 2021 14",  # a bare number after a date is not a time
    "22 October 2021 25:00",  # no such hour
    "22 October 2021 13:00 pm",  # 13 is not a 12-hour clock's hour
    "October 2021",  # no day
    "22 October",  # no year
    "Published on Friday",
    "2021-10-22 and then some words",  # a date must be all there is
]


@pytest.mark.parametrize("text", REFUSED)
def test_refused_shapes(text: str) -> None:
    assert parse_date(text) is None
