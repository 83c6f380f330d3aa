"""The records that flow from files through the index to the UI and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Date = dt.datetime | dt.date


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, as read from a file and as stored in the index.

    `id` is `<source name>/<path relative to the source>` (POSIX separators), plus `#n` for the
    n-th entry (1-based) of a JSON list or JSONL file. `body` holds paragraphs separated by one
    blank line ("\\n\\n"), no leading or trailing whitespace. `date` is a timezone-aware datetime,
    a date, or None. Empty strings mean "not stated".
    """

    id: str
    title: str
    body: str
    source: str
    path: str
    date: Date | None = None
    outlet: str = ""
    author: str = ""
    url: str = ""
    tags: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """The `show --json` shape (docs/ARCHITECTURE.md, Contracts)."""
        return {
            "id": self.id,
            "title": self.title,
            "date": iso_date(self.date),
            "outlet": self.outlet,
            "author": self.author,
            "url": self.url,
            "source": self.source,
            "path": self.path,
            "body": self.body,
            "tags": list(self.tags),
        }


def iso_date(value: Date | None) -> str | None:
    """ISO 8601 text for a date or datetime, None for None."""
    return value.isoformat() if value is not None else None


def day_text(value: Date | None) -> str:
    """YYYY-MM-DD for a date or datetime (its day as stated, not converted), "" for None: the
    date every list, header and report shows."""
    return value.isoformat()[:10] if value is not None else ""


def path_text(path: str) -> str:
    """A file path as text Whoosh can store: bytes of a name that is not UTF-8 (which Python
    keeps as lone surrogates) become "\\xe9" escapes, so two such names stay distinct."""
    if path.isascii():  # nearly every name: nothing to escape (a scan calls this per file)
        return path
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


def stored_date(fields: Mapping[str, Any]) -> dt.datetime | dt.date | None:
    """The article date from stored fields: the index keeps UTC-naive datetimes, and
    `date_kind` says whether the article gave only a day."""
    value = fields.get("date")
    if not isinstance(value, dt.datetime):
        return None
    if fields.get("date_kind") == "date":
        return value.date()
    return value.replace(tzinfo=dt.UTC)
