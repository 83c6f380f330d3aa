"""Reading one article file (txt, md, html, json, jsonl) into `Article` records.

Article text is hostile and messy. Every reader here promises:
- a file it cannot read raises `ArticleError`, whose message is one line naming the file;
- metadata lines (dates, bylines, URLs, "Source:" lines) and boilerplate ("Advertisement",
  "Image: ...", "Follow us on ...") never stay in the body, and no other line is dropped;
- the body is paragraphs joined by a blank line, whitespace inside a paragraph collapsed;
- no control character (C0 except newline/tab, DEL, C1) survives into any field.

Outlet precedence: what the file states (a field, a meta tag, a "Source:" line, a sentence like
"... asked for comment by <Outlet>" or "In <Outlet> we will follow ...") beats the config
source's default `outlet`, which beats the host of the article's URL ("europesun.com").
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from newsreader.index.model import Article, Date

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Files larger than this (20 MiB) are skipped: no real article is that big, and the index must
not stall on a stray dump."""

FORMATS = ("txt", "md", "html", "json", "jsonl")

_SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_FORMAT_ALIASES = {"text": "txt", "markdown": "md", "htm": "html", "ndjson": "jsonl"}

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_YAML_ALIASES = 10  # article metadata never needs anchors; a few are harmless, many are a bomb
TITLE_MAX = 200
_LONG_LINE = 100  # a line longer than this is a paragraph of its own, not a hard-wrapped line


class ArticleError(Exception):
    """A file that cannot be read as articles. `str(e)` is one line: "<path>: <reason>"."""

    def __init__(self, reason: str, path: Path | str | None = None) -> None:
        self.reason = " ".join(reason.split())
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {self.reason}" if self.path else self.reason)


def format_for(path: Path, forced: str | None = None) -> str | None:
    """The format to read `path` as: `forced` (a FORMATS name or an alias like "markdown") if
    given, else by suffix (case-insensitive). None: not an article file / unknown format."""
    if forced:
        name = forced.lower().lstrip(".")
        name = _FORMAT_ALIASES.get(name, name)
        return name if name in FORMATS else None
    return _SUFFIXES.get(path.suffix.lower())


# ---- bytes -> text ---------------------------------------------------------------------------


def _single_byte_fallback(err: UnicodeError) -> tuple[str, int]:
    # One undecodable byte at a time, so a mostly-UTF-8 file with one stray cp1252 byte keeps
    # its UTF-8 text; latin-1 covers the five bytes cp1252 leaves undefined.
    if not isinstance(err, UnicodeDecodeError):
        raise err
    byte = err.object[err.start : err.start + 1]
    try:
        return byte.decode("cp1252"), err.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), err.start + 1


codecs.register_error("newsreader.cp1252", _single_byte_fallback)

# Control bytes that mark a binary file. ESC and BEL are left out: text full of terminal escape
# sequences (a captured terminal session, a hostile article) is still text.
_CONTROL_BYTES = bytes([*range(0x00, 0x07), 0x08, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# Lone surrogates (from JSON "\ud800" escapes) are dropped too: Whoosh cannot encode them.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ud800-\udfff]")
# Whole terminal escape sequences (CSI, and OSC/DCS/SOS/PM/APC strings up to their terminator,
# e.g. OSC 52 clipboard writes), so that no "]0;title" debris is left once the ESC is dropped.
# Bounded, on one line, and a string needs its terminator: an unterminated one loses only its
# ESC, never the text after it. C1 forms (U+009B ...) are single characters dropped as controls.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]{0,64}[ -/]{0,8}[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]{0,8}[0-~]"
)


def _plain(text: str) -> str:
    """`text` with line breaks made "\\n", escape sequences and control characters dropped."""
    return _CONTROLS.sub("", _ESCAPES.sub("", _BREAKS.sub("\n", text)))


def path_text(path: str) -> str:
    """A file path as text Whoosh can store: bytes of a name that is not UTF-8 (which Python
    keeps as lone surrogates) become "\\xe9" escapes, so two such names stay distinct."""
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when the bytes look like BOM-less UTF-16 text (every other byte
    NUL), else None."""
    if len(data) < 8 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """Text of `data`: BOM'd UTF-8/UTF-16/UTF-32 by their BOM, else UTF-8, with undecodable bytes
    read as cp1252 (latin-1 as last resort). Line breaks become "\\n"; terminal escape
    sequences and control characters other than newline and tab are dropped. Raises
    ArticleError("binary file") for binary data."""
    encoding = None
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            encoding, data = name, data[len(bom) :]
            break
    if encoding is None:
        encoding = _utf16_without_bom(data)
    if encoding is None:
        controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
        if controls > max(8, len(data) // 20):
            raise ArticleError("binary file")
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise ArticleError(f"binary file (not valid {encoding.upper()})") from None
        text = data.decode("utf-8", errors="newsreader.cp1252")
    return _plain(text)


def _clean(value: str) -> str:
    """One line of text: escape sequences and control characters dropped, whitespace collapsed."""
    return " ".join(_CONTROLS.sub("", _ESCAPES.sub("", value)).split())


# ---- dates -----------------------------------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_WD = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_DATE_RES = [
    re.compile(p, re.I)
    for p in (
        _WD + r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)",
        r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?!\d)",
        r"(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)",
        _WD + _DAY + r"(?:\s+of)?[\s-]+" + _MON + r",?[\s-]+(?P<y>\d{4})(?!\d)",
        _WD + _MON + r"\s+" + _DAY + r",?\s+(?P<y>\d{4})(?!\d)",
        _WD + r"(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})(?!\d)",
    )
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
    for regex in _DATE_RES:
        m = regex.match(text, pos)
        if not m:
            continue
        parts = m.groupdict()
        month = _MONTHS[parts["mon"][:3].lower()] if parts.get("mon") else int(parts["m"])
        day, year = int(parts["d"]), int(parts["y"])
        if regex is _DATE_RES[5] and month > 12 >= day:
            day, month = month, day  # "10/24/2021": month first when day-first is impossible
        try:
            return dt.date(year, month, day), m.end()
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


def _split_date_suffix(line: str) -> tuple[str, Date] | None:
    """(text before, date) when `line` ends with a date, else None."""
    for m in _DATE_START.finditer(line):
        if m.start() == 0:
            continue
        found = _datetime_at(line, m.start())
        if found and not line[found[1] :].strip(_TRAIL):
            return line[: m.start()], found[0]
    return None


_DATE_LABEL = r"(?:date|dated|published|posted|updated|last updated|first published)"
_PREFIX_LABEL = re.compile(rf"{_DATE_LABEL}\s*(?:on\s+)?[:\-]?\s*", re.I)


def _split_date_prefix(line: str) -> tuple[Date, str] | None:
    """(date, rest) when `line` starts with a date (optionally labelled) followed by text."""
    label = _PREFIX_LABEL.match(line)
    found = _datetime_at(line, label.end() if label else 0)
    if not found:
        return None
    rest = line[found[1] :].strip(" \t-–—:|,·•")
    return (found[0], rest) if rest else None


def _date_value(value: Any) -> Date | None:
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
        return parse_date(_clean(value))
    return None


# ---- metadata gathered while reading -----------------------------------------------------------


@dataclass
class _Meta:
    title: str = ""
    author: str = ""
    outlet: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    dates: list[tuple[int, Date]] = field(default_factory=list)
    inferred_outlet: str = ""

    def date(self, value: Date | None, rank: int) -> None:
        """Offer a date; the lowest rank wins (0 published, 1 stated nearby, 2 updated)."""
        if value is not None:
            self.dates.append((rank, value))

    def best_date(self) -> Date | None:
        return min(self.dates, key=lambda d: d[0])[1] if self.dates else None

    def set(self, name: str, value: str) -> None:
        """Set a field unless it is already known (the first statement wins)."""
        value = _clean(value)
        if value and not getattr(self, name):
            setattr(self, name, value)

    def add_tags(self, value: Any) -> None:
        items = re.split(r"[,;|•·]", value) if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            return
        for item in items:
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                tag = _clean(str(item)).lstrip("#")
                if tag and tag not in self.tags:
                    self.tags.append(tag)


# ---- metadata and boilerplate lines (all formats) -------------------------------------------

# Whole lines (case-insensitive, ignoring surrounding punctuation) that are never article text.
_BOILERPLATE = frozenset(
    """advertisement|advertisements|advert|ad|ads|sponsored|sponsored content|promoted content
    |paid content|story continues below|story continues below advertisement
    |article continues below|article continues below advertisement|continue reading
    |continue reading below|continue reading the main story|read more|read more below
    |scroll to continue with content|skip advertisement|skip to content|skip to main content
    |share|share this|share this article|share this story|share article|share on facebook
    |share on twitter|share via email|tweet|email|print|comments|related|related articles
    |related stories|related content|related topics|more on this story|top stories|most read
    |most popular|you may also like|recommended|recommended for you|trending|trending now
    |getty images|listen to this article|loading|click here|subscribe|subscribe now|sign up
    |sign in|log in|back to top|copy link|media playback is unsupported on your device
    |image copyright|image caption|facebook|twitter|whatsapp|linkedin|reddit|pinterest
    |telegram|image|photo|video""".replace("\n    ", "").split("|")
)
_BOILER_PREFIX = re.compile(
    r"(?:image|images|photo|photos|picture|pictures|photograph|photo credit|image credit"
    r"|image source|image caption|picture caption|caption|credit|credits|video|watch|listen"
    r"|file photo|featured image|main image|top image)\s*\d*\s*(?:[:|]|,\s)"
    r"|photo(?:graph)?s? by\s"
    r"|follow us\b|follow (?:@\w+|[\w.]+(?:\s[\w.]+){0,3}) on (?:twitter|facebook|instagram|x"
    r"|google news|telegram|linkedin|threads)\b|like us on facebook\b"
    r"|subscribe to (?:our|the)\b|sign up (?:for|to) (?:our|the)\b|join (?:us|our \w+) on\b"
    r"|download (?:the|our) (?:\w+ )?app\b"
    r"|(?:read more|also read|read also|see also|related|related (?:articles?|stories|news"
    r"|coverage)|recommended|don't miss|must read)\s*[:|»>]"
    r"|copyright\s*(?:©|\(c\)|\d{4})|©|\(c\)\s*\d{4}|all rights reserved\b",
    re.I,
)
_WRITTEN_BY = re.compile(r"(?:reported|written|words|story|text)\s+by\s*[:\-]?\s*(.+)", re.I)
_EDITED_BY = re.compile(r"(?:edited|compiled|produced|translated)\s+by\s*[:\-]?\s*(.+)", re.I)
_DATED_LINE = re.compile(rf"({_DATE_LABEL})\s*(?:on|at)?\s*[:\-]?\s*(.+)", re.I)
_TAGS_LINE = re.compile(r"(?:tags|tagged|topics|keywords|filed under)\s*[:|]\s*(.+)", re.I)
_LABELLED = re.compile(
    r"(author|authors|byline|writer|source|publication|publisher|outlet|newspaper|url|link"
    r"|permalink|original url|original article|source url|title|headline)\s*:\s*(.+)",
    re.I,
)
_BY_LINE = re.compile(r"by\s*[:\-]?\s+(.+)", re.I)
_URL = re.compile(r"<?(https?://[^\s<>\"]+)>?", re.I)
# fmt: off
_SECTION_WORDS = frozenset((
    "feature", "features", "news", "opinion", "analysis", "comment", "commentary", "interview",
    "editorial", "review", "exclusive", "explainer", "world", "politics", "business", "sport",
    "sports", "tech", "technology", "science", "health", "culture", "live", "breaking", "update",
    "updated", "report", "investigation", "blog", "column", "staff", "writer", "correspondent",
    "reporter", "contributor", "columnist", "editor", "senior", "special", "chief",
))
# fmt: on
# fmt: off
_NAME_PARTICLES = frozenset((
    "van", "von", "de", "da", "del", "della", "der", "den", "di", "du", "dos", "bin", "ibn", "al",
    "el", "la", "le", "y", "and", "&", "of",
))
# fmt: on


def _looks_like_name(text: str) -> bool:
    """True for "Jane Doe", "J. K. Doe", "Jane Doe and Ali al-Rashid" (no digits, no sentence)."""
    words = text.replace(",", " ").split()
    if not 1 <= len(words) <= 10 or len(text) > 80 or any(c.isdigit() for c in text):
        return False
    if not words[0][0].isupper() or text.rstrip().endswith(("!", "?", ":")):
        return False
    for word in words:
        if word.lower() in _NAME_PARTICLES:
            continue
        if not (word[0].isupper() or word[0] in "'’"):
            return False
        if word.endswith(".") and len(word.rstrip(".")) > 2 and word != words[-1]:
            return False  # "Dr." and initials are fine, a word ending a sentence is not
    return True


def _strip_section_words(words: list[str]) -> list[str]:
    while words and words[-1].lower().strip(".,:|") in _SECTION_WORDS:
        words = words[:-1]
    while words and words[0].lower().strip(".,:|") in _SECTION_WORDS:
        words = words[1:]
    return words


def _byline(text: str, meta: _Meta) -> bool:
    """Take "Jane Doe", "Jane Doe, 22 October 2021", "Jane Doe | Feature" as author (and date)."""
    parts = [p.strip() for p in re.split(r"\s*[|•·]\s*|\s+[-–—]\s+", text) if p.strip()]
    if not parts:
        return False
    name_part, rest = parts[0], parts[1:]
    dated = _split_date_suffix(name_part)
    if dated:
        name_part, rest = dated[0].strip(" ,"), [*rest, ""]
    if "," in name_part and not dated:
        # "Jane Doe, Chief Correspondent" / "Jane Doe, 22 Oct 2021"
        head, _, tail = name_part.partition(",")
        if parse_date(tail) is not None or _strip_section_words(tail.split()) != tail.split():
            name_part, rest = head, [tail, *rest]
    words = _strip_section_words(name_part.split())
    name = " ".join(words)
    if not name or not _looks_like_name(name):
        return False
    for part in rest:
        if (
            part
            and parse_date(part) is None
            and _strip_section_words(part.split())
            and not _looks_like_name(part)
        ):
            return False  # "Jane Doe | something else entirely" is not a byline
    meta.set("author", name)
    if dated:
        meta.date(dated[1], 1)
    for part in rest:
        meta.date(parse_date(part) if part else None, 1)
    return True


_HEAD, _BODY, _TAIL = "head", "body", "tail"


def _metadata_line(line: str, meta: _Meta, zone: str) -> bool:
    """True when `line` is metadata or boilerplate (what it states goes into `meta`).

    Anywhere: boilerplate, "Reported by: X", "Published <date>", "Updated <date>". In the header
    and the trailer also: labelled fields ("Source: X", "Author: X", "URL: ..."), a bare date or
    URL, "By Jane Doe", tags. In the header also: a byline ending in a date.
    """
    if len(line) > 300:
        return False
    key = line.strip(" .:!|[]()-–—*•").casefold()
    if key in _BOILERPLATE or _BOILER_PREFIX.match(line):
        return True
    if not key:
        return True  # separators such as "***" or "---"
    if (m := _WRITTEN_BY.fullmatch(line)) and _byline(m[1].strip(" ."), meta):
        return True
    if (m := _EDITED_BY.fullmatch(line)) and _looks_like_name(m[1].strip(" .")):
        return True
    if m := _DATED_LINE.fullmatch(line):
        when = parse_date(m[2])
        if when is not None:
            meta.date(when, 2 if "updated" in m[1].lower() else 0)
            return True
    if zone == _BODY:
        return False
    if m := _TAGS_LINE.fullmatch(line):
        meta.add_tags(m[1])
        return True
    if m := _LABELLED.fullmatch(line):
        label, value = m[1].lower(), m[2].strip()
        url = _URL.fullmatch(value)
        if url:
            meta.set("url", url[1])
            return True
        if label in ("author", "authors", "byline", "writer"):
            meta.set("author", value)
            return True
        if label in ("source", "publication", "publisher", "outlet", "newspaper"):
            meta.set("outlet", value)
            return True
        if label in ("title", "headline") and zone == _HEAD:
            meta.set("title", value)
            return True
    if url := _URL.fullmatch(line):
        meta.set("url", url[1])
        return True
    when = parse_date(line)
    if when is not None:
        meta.date(when, 1)
        return True
    if m := _BY_LINE.fullmatch(line):
        return _byline(m[1], meta)
    if zone == _HEAD and (dated := _split_date_suffix(line)):
        before = _strip_section_words(dated[0].strip(" ,|-–—·•").split())
        if not before:
            meta.date(dated[1], 1)  # "Feature 22 October 2021"
            return True
        return _byline(line, meta)
    return False


def _same_title(line: str, title: str) -> bool:
    norm = re.compile(r"\W+")
    a, b = norm.sub("", line.casefold()), norm.sub("", title.casefold())
    return bool(a) and a == b


def _cut_title(text: str) -> str:
    text = _clean(text)
    if len(text) <= TITLE_MAX:
        return text
    cut = text[:TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


_PROMO = re.compile(
    r"(?:in|at|here at)\s+(?P<o>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4}),?\s+we\s+"
    r"(?:will|'ll|are|keep|continue|have)\b",
    re.I,
)
_COMMENT_BY = re.compile(
    r"\b(?:has|have) been (?:asked|contacted|approached) for (?:a )?comment by "
    r"(?P<o>(?:The )?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4})"
    r"|(?P<p>(?:The )?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4}) (?:has|have) reached out to"
    r" [^.]{0,80}? for (?:a )?comment"
)


def _infer_outlet(paragraphs: list[str], meta: _Meta) -> None:
    """An outlet the text names as itself: "In X We will follow ..." near the end, or "...
    has been asked for comment by X"."""
    for para in reversed(paragraphs[-3:]):
        if (m := _PROMO.match(para)) and m["o"][0].isupper():
            meta.inferred_outlet = m["o"].rstrip(".")
            return
    for para in paragraphs:
        # Both phrasings say "comment": a substring test spares the regex most paragraphs.
        if "comment" in para and (m := _COMMENT_BY.search(para)):
            meta.inferred_outlet = (m["o"] or m["p"]).rstrip(".")
            return


def _scan(units: list[str | None], meta: _Meta, *, first_line_title: bool) -> list[str | None]:
    """Pull metadata out of the header, the trailer and the body of `units` (lines or
    paragraphs; None is a blank line). Metadata lines become None. With `first_line_title`,
    the first line that is not metadata is the title (if it is short enough to be one)."""
    units = list(units)
    n = len(units)
    start = 0
    header_lines = 0
    while start < n and header_lines < 12:
        line = units[start]
        if line is None:
            start += 1
            continue
        header_lines += 1
        if _metadata_line(line, meta, _HEAD) or (meta.title and _same_title(line, meta.title)):
            units[start] = None
            start += 1
            continue
        if first_line_title and not meta.title:
            split = _split_date_prefix(line)
            if split:
                meta.date(split[0], 1)
                line = split[1]
            if len(line) <= TITLE_MAX:
                meta.set("title", line)
                units[start] = None
                start += 1
                continue
            meta.set("title", _cut_title(line))
            units[start] = line
        break
    end = n
    while end > start:
        line = units[end - 1]
        if line is not None and not _metadata_line(line, meta, _TAIL):
            break
        units[end - 1] = None
        end -= 1
    for i in range(start, end):
        line = units[i]
        if line is not None and _metadata_line(line, meta, _BODY):
            units[i] = None
    return units


# ---- paragraphs ------------------------------------------------------------------------------

_TERMINAL = tuple(".!?…\"”’'):;")


def _wrapped(lines: list[str]) -> list[str]:
    """Paragraphs of hard-wrapped lines with no blank lines: a line clearly shorter than the
    wrap width ends its paragraph."""
    width = max(len(x) for x in lines)
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        short = len(line) < 0.5 * width
        if short or (line.endswith(_TERMINAL) and len(line) < 0.8 * width):
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def _paragraphs(units: list[str | None], *, no_blank_lines: bool) -> list[str]:
    """Paragraphs from lines, None marking a break. Blank-separated blocks of short lines are
    hard-wrapped paragraphs; long lines, and every line of a file with no blank lines, are
    paragraphs of their own (unless that file is plainly hard-wrapped)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for unit in [*units, None]:
        if unit is None:
            if current:
                blocks.append(current)
            current = []
        elif unit.strip():
            current.append(unit)
    out: list[str] = []
    if no_blank_lines:
        lines = [x for b in blocks for x in b]
        wrapped = (
            len(lines) >= 3
            and max(len(x) for x in lines) <= _LONG_LINE
            and sum(not x.endswith(_TERMINAL) for x in lines) * 2 >= len(lines)
        )
        blocks = [[p] for p in _wrapped(lines)] if wrapped else [[x] for x in lines]
    for block in blocks:
        if len(block) > 1 and any(len(x) > _LONG_LINE or _LIST_ITEM.match(x) for x in block):
            out.extend(block)
        else:
            out.append(" ".join(block))
    return [p for p in (" ".join(x.split()) for x in out) if p]


_LIST_ITEM = re.compile(r"\s*(?:[-*+•]|\d{1,3}[.)])\s+\S")


def _build(
    meta: _Meta,
    paragraphs: list[str],
    *,
    path: Path,
    article_id: str,
    source: str,
    outlet: str,
) -> Article:
    paragraphs = _without_standfirst_repeats(paragraphs)
    if not meta.outlet:
        _infer_outlet(paragraphs, meta)
    url = _clean(meta.url)
    title = _cut_title(meta.title) if meta.title else ""
    if not title:
        first = next((p for p in paragraphs if p.strip()), "")
        title = _cut_title(first.split("\n", 1)[0]) if first else _clean(path.stem) or article_id
    return Article(
        id=article_id,
        title=title,
        body="\n\n".join(_CONTROLS.sub("", p) for p in paragraphs).strip(),
        source=source,
        path=path_text(str(path)),
        date=meta.best_date(),
        outlet=_clean(meta.outlet or meta.inferred_outlet or outlet or _host_outlet(url)),
        author=_clean(re.sub(r"^by\s+", "", meta.author, flags=re.I)),
        url=url,
        tags=tuple(meta.tags),
    )


_NON_WORD = re.compile(r"\W+")


def _fold(text: str) -> str:
    return _NON_WORD.sub(" ", text.casefold()).strip()


def _without_standfirst_repeats(paragraphs: list[str]) -> list[str]:
    """`paragraphs` less a standfirst that the next paragraph repeats word for word.

    Outlets print the summary above the byline and again as the lead ("Amid tensions ...,
    said X." then "Amid tensions ..., said X, but ..."); keeping both shows the reader, and
    search snippets, the same sentence twice. Only the opening paragraphs are looked at, and
    only a paragraph wholly contained at the start of the next one is dropped, so no sentence
    is lost.
    """
    out = list(paragraphs)
    for i in range(min(3, len(out) - 1) - 1, -1, -1):
        # Folding a prefix gives a prefix of the folded text: compare the openings first.
        a, b = _fold(out[i][:48]), _fold(out[i + 1][:48])
        k = min(24, len(a), len(b))
        if a[:k] != b[:k]:
            continue
        head = _NON_WORD.sub(" ", out[i].casefold()).strip()
        following = _NON_WORD.sub(" ", out[i + 1].casefold()).strip()
        if len(head) >= 40 and following.startswith(head):
            del out[i]
    return out


def _host_outlet(url: str) -> str:
    """ "europesun.com" for "https://www.europesun.com/news/...": the registrable part of the
    host (three labels for hosts like "bbc.co.uk")."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    labels = [x for x in host.split(".") if x]
    if len(labels) < 2 or all(x.isdigit() for x in labels):
        return ""
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


# ---- plain text ------------------------------------------------------------------------------


def _parse_txt(text: str, **where: Any) -> list[Article]:
    lines: list[str | None] = [line.strip() or None for line in text.split("\n")]
    content = [i for i, x in enumerate(lines) if x is not None]
    inner = lines[content[0] : content[-1] + 1] if content else []
    no_blank_lines = None not in inner[3:]  # the header may be tight even when the body is not
    meta = _Meta()
    units = _scan(lines, meta, first_line_title=True)
    return [_build(meta, _paragraphs(units, no_blank_lines=no_blank_lines), **where)]


# ---- markdown --------------------------------------------------------------------------------


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with more than MAX_YAML_ALIASES aliases (alias bombs)."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise ArticleError(f"front matter has more than {MAX_YAML_ALIASES} YAML aliases")
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        # "date: 2021-13-45" looks like a YAML timestamp but is no date: keep it as text (the
        # article stays readable, just undated) instead of failing the whole file.
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_GuardedLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _GuardedLoader.construct_yaml_timestamp
)


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter mapping, the rest) of a Markdown text."""
    if not re.match(r"---[ \t]*\n", text):
        return {}, text
    close = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M).search(text, 4)
    if not close:
        raise ArticleError("front matter has no closing '---' line")
    block = text[4 : close.start()]
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise ArticleError(f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB")
    try:
        data = yaml.load(block, Loader=_GuardedLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        raise ArticleError(f"malformed front matter{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ArticleError(f"malformed front matter: {exc}") from None
    except RecursionError:
        raise ArticleError("malformed front matter: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ArticleError(f"malformed front matter: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ArticleError("malformed front matter: not a mapping of keys to values")
    return data, text[close.end() :]


_MD_HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"\s*(?:[-*_]\s*){3,}$")
_MD_REFDEF = re.compile(r"\s*\[[^\]]+\]:\s*\S+.*$")
_MD_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),
    (re.compile(r"!\[([^\]]*)\]\[[^\]]*\]"), ""),
    (re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[a-zA-Z][^<>]*>"), ""),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])"), r"\1"),
]


def _md_inline(text: str) -> str:
    for regex, repl in _MD_INLINE:
        text = regex.sub(repl, text)
    return text


def _md_blocks(text: str) -> tuple[str | None, list[str]]:
    """(the text of a heading opening the document or None, plain-text paragraphs)."""
    paragraphs: list[str] = []
    current: list[str] = []
    first_heading: str | None = None
    fence: str | None = None

    def flush() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    lines = text.split("\n")
    for i, raw in enumerate(lines):
        line = raw.strip()
        if fence:
            if line.startswith(fence):
                fence = None
                flush()
            elif line:
                current.append(line)
            continue
        if line.startswith(("```", "~~~")):
            flush()
            fence = line[:3]
            continue
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not line or _MD_REFDEF.fullmatch(line):
            flush()
            continue
        if current and re.fullmatch(r"=+|-+", line):
            # setext heading underline: the lines above were a heading
            heading = " ".join(current)
            current.clear()
            if first_heading is None and not paragraphs:
                first_heading = heading
            else:
                paragraphs.append(heading)
            continue
        if _MD_RULE.fullmatch(line):
            flush()
            continue
        line = re.sub(r"^(?:>\s?)+", "", line).strip()
        if h := _MD_HEADING.fullmatch(line):
            flush()
            heading = _md_inline(h[2])
            if first_heading is None and not paragraphs:
                first_heading = heading
            else:
                paragraphs.append(heading)
            continue
        if m := re.match(r"[-*+•]\s+(.*)", line):
            flush()
            line = m[1]
        elif re.match(r"\d{1,3}[.)]\s+", line):
            flush()
        current.append(_md_inline(line))
        if not nxt:
            flush()
    flush()
    return first_heading, [p for p in (" ".join(x.split()) for x in paragraphs) if p]


_FIELDS = {
    "title": ("title", "headline", "name", "heading", "subject"),
    "body": (
        "body", "text", "content", "article", "articlebody", "fulltext", "story", "bodytext",
        "maintext", "html", "contenthtml", "description", "summary", "abstract", "lede",
    ),
    "date": (
        "date", "published", "publishedat", "pubdate", "datepublished", "publishdate",
        "publicationdate", "publishedon", "publishedtime", "created", "createdat",
        "datecreated", "timestamp", "time", "datetime", "firstpublished", "updated",
        "updatedat", "datemodified", "modified", "lastmodified",
    ),
    "outlet": (
        "outlet", "publication", "source", "site", "sitename", "publisher", "newspaper",
        "sourcename", "provider", "website", "domain",
    ),
    "author": ("author", "byline", "authors", "creator", "writer", "by", "reporter"),
    "url": ("url", "link", "permalink", "canonicalurl", "weburl", "href", "sourceurl", "uri"),
    "tags": ("tags", "keywords", "categories", "topics", "labels", "subjects", "section"),
}  # fmt: skip
_UPDATED = {"updated", "updatedat", "datemodified", "modified", "lastmodified"}


def _text_of(value: Any) -> str:
    """A display string from a JSON/YAML value: a string, a number, or an object's name."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for key in ("name", "title", "rendered", "text", "value", "@value", "displayName"):
            if isinstance(value.get(key), str):
                return value[key]
    return ""


def _names(value: Any) -> str:
    if isinstance(value, list):
        names = [_clean(_text_of(v)) for v in value[:50]]
        return ", ".join(n for n in names if n)
    return _text_of(value)


def _field_map(obj: dict[Any, Any], meta: _Meta) -> tuple[str, Any]:
    """Fill `meta` from an object's common field names; returns (body key, body value)."""
    keys: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(key, str):
            keys.setdefault(re.sub(r"[^a-z0-9]", "", key.lower()), value)
    for key in _FIELDS["title"]:
        if title := _clean(_text_of(keys.get(key))):
            meta.set("title", title)
            break
    for key in _FIELDS["date"]:
        if key in keys and (when := _date_value(keys[key])) is not None:
            meta.date(when, 2 if key in _UPDATED else 0)
            break
    for key in _FIELDS["outlet"]:
        if (name := _clean(_text_of(keys.get(key)))) and not _URL.fullmatch(name):
            meta.set("outlet", name)
            break
    for key in _FIELDS["author"]:
        if author := _clean(_names(keys.get(key))):
            meta.set("author", author)
            break
    for key in _FIELDS["url"]:
        value = keys.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("href") or value.get("url")
        if isinstance(value, str) and _URL.fullmatch(value.strip()):
            meta.set("url", value.strip())
            break
    if not meta.url and isinstance(keys.get("mainentityofpage"), str | dict):
        page = keys["mainentityofpage"]
        page = page.get("@id") if isinstance(page, dict) else page
        if isinstance(page, str) and _URL.fullmatch(page):
            meta.set("url", page)
    for key in _FIELDS["tags"]:
        if key in keys:
            value = keys[key]
            meta.add_tags([_text_of(v) for v in value] if isinstance(value, list) else value)
            break
    for key in _FIELDS["body"]:
        value = keys.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "\n\n".join(value)
        value = _text_of(value) if isinstance(value, dict) else value
        if isinstance(value, str) and value.strip():
            return key, value
    return "", ""


_HTML_HINT = re.compile(r"</?(?:p|br|div|h[1-6]|li|ul|ol|blockquote|article|section)\b", re.I)


def _body_units(body: str) -> list[str | None]:
    """Paragraph units of a body field: HTML when it looks like HTML, else plain text."""
    if _HTML_HINT.search(body):
        return [p for para in _html_paragraphs(body) for p in (para, None)]
    text = _plain(body)
    lines: list[str | None] = [x.strip() or None for x in text.split("\n")]
    return [p for para in _paragraphs(lines, no_blank_lines=False) for p in (para, None)]


def _parse_md(text: str, **where: Any) -> list[Article]:
    front, rest = _front_matter(text)
    meta = _Meta()
    _field_map(front, meta)
    heading, paragraphs = _md_blocks(rest)
    if heading and not meta.title:
        meta.set("title", heading)
    elif heading:
        paragraphs.insert(0, heading)
    units = _scan([p for para in paragraphs for p in (para, None)], meta, first_line_title=False)
    return [_build(meta, [u for u in units if u], **where)]


# ---- HTML ------------------------------------------------------------------------------------

# fmt: off
_SKIP = frozenset((
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "template",
    "iframe", "button", "select", "figure", "figcaption", "object", "canvas", "head", "dialog",
    "menu",
))
# fmt: on
# fmt: off
_BLOCK = frozenset((
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
    "ol", "blockquote", "pre", "br", "hr", "tr", "td", "th", "table", "dd", "dt", "dl", "address",
    "body", "center", "summary", "details", "caption",
))
# fmt: on
class _HTMLText(HTMLParser):
    """Collects the paragraphs of an HTML fragment (a JSON body field holding markup) with
    where they were: article n, main, body. Whole web pages are read by `parsing.html`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[tuple[str, int | None, bool, bool]] = []
        self._buf: list[str] = []
        self._skip = 0
        self._article: list[int] = []
        self._articles = 0
        self._main = 0
        self._body = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf = []
        if text:
            where = self._article[0] if self._article else None
            self.paras.append((text, where, self._main > 0, self._body > 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._flush()
        if tag in _SKIP:
            self._skip += 1
        elif tag == "article":
            self._articles += 1
            self._article.append(self._articles)
        elif tag == "main":
            self._main += 1
        elif tag == "body":
            self._body += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._flush()
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "article" and self._article:
            self._article.pop()
        elif tag == "main":
            self._main = max(0, self._main - 1)
        elif tag == "body":
            self._body = max(0, self._body - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def main_text(self) -> list[str]:
        """Paragraphs of the longest <article>, else <main>, else <body>, else everything."""
        by_article: dict[int, list[str]] = {}
        for text, art, _, _ in self.paras:
            if art is not None:
                by_article.setdefault(art, []).append(text)
        if by_article:
            return max(by_article.values(), key=lambda ps: sum(len(p) for p in ps))
        for pick in (lambda p: p[2], lambda p: p[3], lambda p: True):
            chosen = [p[0] for p in self.paras if pick(p)]
            if chosen:
                return chosen
        return []


def _html_paragraphs(text: str) -> list[str]:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    return parser.main_text()


def _ld_article(blocks: list[str]) -> dict[str, Any] | None:
    """The first schema.org *Article / BlogPosting object of the page's JSON-LD."""
    stack: list[Any] = []
    for block in blocks:
        try:
            stack.append(json.loads(block[:1_000_000]))
        except (ValueError, RecursionError):
            continue
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item[:100])
        elif isinstance(item, dict):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith(("Article", "BlogPosting")) for k in kinds):
                return item
            if isinstance(item.get("@graph"), list):
                stack.extend(item["@graph"][:100])
    return None


# ---- JSON and JSONL --------------------------------------------------------------------------

_CONTAINERS = ("articles", "items", "entries", "data", "results", "posts", "stories", "docs")


def _json_article(obj: Any, *, article_id: str, **where: Any) -> Article | None:
    if not isinstance(obj, dict):
        return None
    meta = _Meta()
    _, body = _field_map(obj, meta)
    if not meta.title and not body:
        return None
    units = _scan(_body_units(body), meta, first_line_title=False)
    return _build(meta, [u for u in units if u], article_id=article_id, **where)


def _json_error(exc: json.JSONDecodeError, line_offset: int = 0) -> str:
    return f"malformed JSON at line {exc.lineno + line_offset}, column {exc.colno}: {exc.msg}"


def _parse_json(text: str, *, article_id: str, **where: Any) -> list[Article]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(_json_error(exc)) from None
    except RecursionError:
        raise ArticleError("JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ArticleError(f"malformed JSON: {exc}") from None
    if isinstance(data, dict) and not any(
        re.sub(r"[^a-z]", "", str(k).lower()) in _FIELDS["title"] + _FIELDS["body"] for k in data
    ):
        for key in _CONTAINERS:
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if isinstance(data, dict):
        article = _json_article(data, article_id=article_id, **where)
        if article is None:
            raise ArticleError("JSON object has no title or body field")
        return [article]
    if not isinstance(data, list):
        raise ArticleError("JSON is neither an article object nor a list of them")
    found = [
        a
        for n, obj in enumerate(data, 1)
        if (a := _json_article(obj, article_id=f"{article_id}#{n}", **where)) is not None
    ]
    if not found:
        raise ArticleError("JSON list holds no article (no object with a title or body)")
    return found


def _parse_jsonl(text: str, *, article_id: str, **where: Any) -> list[Article]:
    found: list[Article] = []
    first_error = ""
    n = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        n += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            first_error = first_error or _json_error(exc, lineno - 1)
            continue
        except RecursionError:
            first_error = first_error or f"JSON nested too deeply at line {lineno}"
            continue
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            first_error = first_error or f"malformed JSON at line {lineno}: {exc}"
            continue
        article = _json_article(obj, article_id=f"{article_id}#{n}", **where)
        if article is None:
            first_error = first_error or f"line {lineno} holds no article object"
        else:
            found.append(article)
    if not found:
        raise ArticleError(first_error or "no article in JSONL")
    return found


# ---- entry points ----------------------------------------------------------------------------

_PARSERS = {
    "txt": _parse_txt,
    "md": _parse_md,
    "json": _parse_json,
    "jsonl": _parse_jsonl,
}


def _size_error(size: int) -> str:
    limit = f"{MAX_FILE_BYTES:,}-byte limit ({MAX_FILE_BYTES / 2**20:g} MiB)"
    return f"{size:,} bytes is over the {limit}"


def parse_articles(
    data: bytes,
    *,
    path: Path,
    article_id: str,
    source: str,
    fmt: str,
    outlet: str = "",
    warn: Callable[[str], None] | None = None,
) -> list[Article]:
    """The articles in `data`, the bytes of the file at `path` read as `fmt`.

    A txt/md/html file or a JSON object gives one article with id `article_id`; a JSON list or
    a JSONL file gives one per entry, id `article_id#n` (n 1-based: the position in the list,
    or the number of the non-blank JSONL line). Entries without a title or body, and JSONL
    lines that are not valid JSON, are skipped as long as one entry is valid; otherwise
    ArticleError names the first problem. Raises ArticleError("<path>: <reason>") for binary,
    empty or oversized data, malformed front matter or JSON, or an unknown format.
    An article that was read only in part (a web page whose story could not be found: its
    title and description are kept) is returned and `warn` gets a one-line reason.
    """
    try:
        if len(data) > MAX_FILE_BYTES:
            raise ArticleError(_size_error(len(data)))
        if fmt not in FORMATS:
            raise ArticleError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
        if fmt == "html":
            from newsreader.index.parsing.html import read_html  # imports lxml on first use

            return [
                read_html(
                    data,
                    article_id=article_id,
                    source=source,
                    path=path,
                    outlet=outlet,
                    warn=None if warn is None else lambda reason: warn(f"{path}: {reason}"),
                )
            ]
        text = decode(data)
        if not text.strip():
            raise ArticleError("empty file")
        where = {"path": path, "article_id": article_id, "source": source, "outlet": outlet}
        return _PARSERS[fmt](text, **where)
    except ArticleError as exc:
        raise ArticleError(exc.reason, path) from None
    except RecursionError:
        raise ArticleError("nested too deeply", path) from None


def read_articles(
    path: Path,
    *,
    source: str,
    root: Path,
    fmt: str | None = None,
    outlet: str = "",
    warn: Callable[[str], None] | None = None,
) -> list[Article]:
    """The articles of the file at `path`, below the source folder `root` of source `source`.

    Ids are `<source>/<path relative to root, POSIX>` (the file name if `path` is not below
    `root`; bytes of a name that are not UTF-8 appear as "\\xe9" escapes, see `path_text`).
    `fmt` forces a format, else the suffix decides; `outlet` is the source's default outlet.
    Raises ArticleError for a file that is unreadable (a FIFO or device included), not an
    article file, larger than MAX_FILE_BYTES, or whose content cannot be parsed (see
    `parse_articles`). `warn` gets "<path>: <reason>" for a file read only in part.
    """
    kind = format_for(path, fmt)
    if kind is None:
        reason = f"unknown format {fmt!r}" if fmt else "not an article file (unknown suffix)"
        raise ArticleError(reason, path)
    try:
        # O_NONBLOCK: a file swapped for a FIFO since the scan must not block the run forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise ArticleError("not a regular file", path)
            if st.st_size > MAX_FILE_BYTES:
                raise ArticleError(_size_error(st.st_size), path)
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or type(exc).__name__}", path) from None
    try:
        rel = path_text(path.relative_to(root).as_posix())
    except ValueError:
        rel = path_text(path.name)
    return parse_articles(
        data,
        path=path,
        article_id=f"{source}/{rel}",
        source=source,
        fmt=kind,
        outlet=outlet,
        warn=warn,
    )
