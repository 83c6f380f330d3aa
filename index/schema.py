"""The Whoosh schema: one document per Article, plus what incremental updates need.

Bump SCHEMA_VERSION whenever a field changes, or the parsers in index.articles give different
articles from the same files (unchanged files are never re-read otherwise); an index written with
another version is rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from whoosh import columns, fields
from whoosh.analysis import IDAnalyzer, StandardAnalyzer, StemmingAnalyzer

SCHEMA_VERSION = 4

# Stopwords kept: news queries like "to be or not to be" or "The Who" must still match phrases.
TEXT_ANALYZER = StemmingAnalyzer(stoplist=None, minsize=1)
NAME_ANALYZER = StandardAnalyzer(stoplist=None, minsize=1)
KEY_ANALYZER = IDAnalyzer(lowercase=True)


def make_schema() -> fields.Schema:
    """Fields of DESIGN.md. Text fields keep character offsets (`chars=True`) so snippets and
    in-article highlights come straight from the postings instead of re-tokenising."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(
            analyzer=TEXT_ANALYZER, stored=True, chars=True, field_boost=2.5, spelling=True
        ),
        body=fields.TEXT(analyzer=TEXT_ANALYZER, stored=True, chars=True, spelling=True),
        outlet=fields.TEXT(analyzer=NAME_ANALYZER, stored=True),
        author=fields.TEXT(analyzer=NAME_ANALYZER, stored=True),
        url=fields.STORED(),
        # Exact, case-folded keys used for filters (source list, --source).
        source=fields.ID(analyzer=KEY_ANALYZER, stored=True),
        outlet_key=fields.ID(analyzer=KEY_ANALYZER),
        date=fields.DATETIME(stored=True, sortable=True),
        # "date" (day precision) or "datetime": lets a date-only article round-trip as a date.
        date_kind=fields.STORED(),
        tags=fields.KEYWORD(stored=True, lowercase=True, commas=True),
        # What incremental updates need: the file an article came from and its fingerprint.
        # Both are columns too, so a no-change run reads them without unpickling every
        # document's stored fields (which include the body).
        path=fields.ID(stored=True),
        file_key=fields.ID(stored=True, sortable=True),
        fingerprint=fields.ID(stored=True, sortable=True),
        # Sort keys for the article list (see index.store): newest first, undated last, then
        # title; and title alone. Columns only: a DATETIME column sorts missing dates first.
        list_key=fields.COLUMN(columns.VarBytesColumn()),
        title_key=fields.COLUMN(columns.VarBytesColumn()),
    )


def stored_date(fields: Mapping[str, Any]) -> dt.datetime | dt.date | None:
    """The article date from stored fields: the index keeps UTC-naive datetimes, and
    `date_kind` says whether the article gave only a day."""
    value = fields.get("date")
    if not isinstance(value, dt.datetime):
        return None
    if fields.get("date_kind") == "date":
        return value.date()
    return value.replace(tzinfo=dt.UTC)
