"""The Whoosh schema: one document per Article, plus what incremental updates need.

Bump SCHEMA_VERSION whenever a field changes, or the parsers in index.articles give different
articles from the same files (unchanged files are never re-read otherwise); an index written with
another version is rebuilt.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from whoosh import columns, fields, formats
from whoosh.analysis import (
    CompositeAnalyzer,
    IDAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StandardAnalyzer,
    StemFilter,
    StemmingAnalyzer,
)
from whoosh.analysis.analyzers import Analyzer

SCHEMA_VERSION = 5

# Stopwords kept: news queries like "to be or not to be" or "The Who" must still match phrases.
TEXT_ANALYZER = StemmingAnalyzer(stoplist=None, minsize=1)
NAME_ANALYZER = StandardAnalyzer(stoplist=None, minsize=1)
KEY_ANALYZER = IDAnalyzer(lowercase=True)


# Switched off by tests/test_perf_equivalence.py to index through Whoosh's own code paths.
FAST_ANALYSIS = True
_STEM_CACHE_MAX = 200_000
_FastParts = tuple[re.Pattern[str], Callable[[str], str], frozenset[str], dict[str, str]]
_fast_cache: dict[int, tuple[Analyzer, _FastParts | None]] = {}


def _fast_parts(analyzer: Analyzer | None) -> _FastParts | None:
    """(token regex, stem function, words not stemmed, stem memo) when `analyzer` is exactly
    regex tokenizer | lowercase | stem, as TEXT_ANALYZER is; None for any other analyzer."""
    if analyzer is None:
        return None
    cached = _fast_cache.get(id(analyzer))
    if cached is not None and cached[0] is analyzer:
        return cached[1]
    parts: _FastParts | None = None
    if isinstance(analyzer, CompositeAnalyzer) and len(analyzer.items) == 3:
        tok, low, stem = analyzer.items
        if (
            type(tok) is RegexTokenizer
            and not tok.gaps
            and type(low) is LowercaseFilter
            and type(stem) is StemFilter
        ):
            parts = (tok.expression, stem._stem, frozenset(stem.ignore or ()), {})
    _fast_cache[id(analyzer)] = (analyzer, parts)
    return parts


class Text(fields.TEXT):  # type: ignore[misc]
    """Whoosh's TEXT, indexing the same terms with the same postings (positions and character
    offsets) and the same spelling words, in one pass over the text instead of Whoosh's
    token-object pipeline: about 3x faster for the title and body, which is most of the time
    `add_document` takes. Any analyzer or value the fast path does not know takes Whoosh's
    path."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        fast = (
            _fast_parts(self.analyzer)
            if FAST_ANALYSIS
            and not kwargs
            and isinstance(value, str)
            and type(self.format) is formats.Characters
            else None
        )
        if fast is None:
            yield from super().index(value, **kwargs)
            return
        expression, stem, ignore, stems = fast
        if len(stems) > _STEM_CACHE_MAX:
            stems.clear()
        seen: dict[str, list[tuple[int, int, int]]] = {}
        for pos, m in enumerate(expression.finditer(value)):
            low = m.group(0).lower()
            term = stems.get(low)
            if term is None:
                term = stems[low] = low if low in ignore else stem(low)
            found = seen.get(term)
            if found is None:
                seen[term] = [(pos, m.start(), m.end())]
            else:
                found.append((pos, m.start(), m.end()))
        fb = self.format.field_boost
        encode = self.format.encode
        for term, poslist in seen.items():
            yield term.encode("utf-8"), len(poslist), float(len(poslist)) * fb, encode(poslist)

    def spellable_words(self, value: Any) -> Iterator[str]:
        fast = _fast_parts(self.analyzer) if FAST_ANALYSIS and isinstance(value, str) else None
        if fast is None:
            return iter(super().spellable_words(value))
        return iter(sorted({m.group(0).lower() for m in fast[0].finditer(value)}))


def make_schema() -> fields.Schema:
    """Fields of DESIGN.md. Text fields keep character offsets (`chars=True`) so snippets and
    in-article highlights come straight from the postings instead of re-tokenising."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=Text(analyzer=TEXT_ANALYZER, stored=True, chars=True, field_boost=2.5, spelling=True),
        body=Text(analyzer=TEXT_ANALYZER, stored=True, chars=True, spelling=True),
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
