"""Metadata lines in every format: bylines, "Published <date>", "Source: X", a bare URL or date,
tags. `strip_metadata` pulls them out of an article's header, trailer and body into a `Meta`;
the text an outlet uses to name itself ("In X we will follow ...") is read here too."""

from __future__ import annotations

import re

from newsreader.index.parsing.boilerplate import BOILER_PREFIX, BOILERPLATE
from newsreader.index.parsing.dates import (
    DATE_LABEL,
    parse_date,
    split_date_prefix,
    split_date_suffix,
)
from newsreader.index.parsing.meta import TITLE_MAX, Meta, cut_title, same_title

_WRITTEN_BY = re.compile(r"(?:reported|written|words|story|text)\s+by\s*[:\-]?\s*(.+)", re.I)


_EDITED_BY = re.compile(r"(?:edited|compiled|produced|translated)\s+by\s*[:\-]?\s*(.+)", re.I)


_DATED_LINE = re.compile(rf"({DATE_LABEL})\s*(?:on|at)?\s*[:\-]?\s*(.+)", re.I)


_TAGS_LINE = re.compile(r"(?:tags|tagged|topics|keywords|filed under)\s*[:|]\s*(.+)", re.I)


_LABELLED = re.compile(
    r"(author|authors|byline|writer|source|publication|publisher|outlet|newspaper|url|link"
    r"|permalink|original url|original article|source url|title|headline)\s*:\s*(.+)",
    re.I,
)


_BY_LINE = re.compile(r"by\s*[:\-]?\s+(.+)", re.I)


URL = re.compile(r"<?(https?://[^\s<>\"]+)>?", re.I)


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


def _byline(text: str, meta: Meta) -> bool:
    """Take "Jane Doe", "Jane Doe, 22 October 2021", "Jane Doe | Feature" as author (and date)."""
    parts = [p.strip() for p in re.split(r"\s*[|•·]\s*|\s+[-–—]\s+", text) if p.strip()]
    if not parts:
        return False
    name_part, rest = parts[0], parts[1:]
    dated = split_date_suffix(name_part)
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


def _metadata_line(line: str, meta: Meta, zone: str) -> bool:
    """True when `line` is metadata or boilerplate (what it states goes into `meta`).

    Anywhere: boilerplate, "Reported by: X", "Published <date>", "Updated <date>". In the header
    and the trailer also: labelled fields ("Source: X", "Author: X", "URL: ..."), a bare date or
    URL, "By Jane Doe", tags. In the header also: a byline ending in a date.
    """
    if len(line) > 300:
        return False
    key = line.strip(" .:!|[]()-–—*•").casefold()
    if key in BOILERPLATE or BOILER_PREFIX.match(line):
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
        url = URL.fullmatch(value)
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
    if url := URL.fullmatch(line):
        meta.set("url", url[1])
        return True
    when = parse_date(line)
    if when is not None:
        meta.date(when, 1)
        return True
    if m := _BY_LINE.fullmatch(line):
        return _byline(m[1], meta)
    if zone == _HEAD and (dated := split_date_suffix(line)):
        before = _strip_section_words(dated[0].strip(" ,|-–—·•").split())
        if not before:
            meta.date(dated[1], 1)  # "Feature 22 October 2021"
            return True
        return _byline(line, meta)
    return False


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


def infer_outlet(paragraphs: list[str], meta: Meta) -> None:
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


def strip_metadata(
    units: list[str | None], meta: Meta, *, first_line_title: bool
) -> list[str | None]:
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
        if _metadata_line(line, meta, _HEAD) or (meta.title and same_title(line, meta.title)):
            units[start] = None
            start += 1
            continue
        if first_line_title and not meta.title:
            split = split_date_prefix(line)
            if split:
                meta.date(split[0], 1)
                line = split[1]
            if len(line) <= TITLE_MAX:
                meta.set("title", line)
                units[start] = None
                start += 1
                continue
            meta.set("title", cut_title(line))
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
