"""What the article list shows: entries, and row sources that hand them out by index.

A row source only has to answer `len()` and `get(i)`, so the list can show 100,000 articles by
fetching pages of them as they scroll into view, without a widget (or even an entry) per article.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from newsreader.tui.text import SegmentLike


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the article list: an index row or a search hit."""

    id: str
    title: str
    outlet: str = ""
    date: dt.date | dt.datetime | None = None
    source: str = ""
    url: str | None = None
    """Known for search hits; None means "ask the library"."""
    snippet: tuple[SegmentLike, ...] = ()
    score: float | None = None
    """How like the open article a related article is (`index.search` related's score, as
    `newsreader related` prints it); None for other rows."""
    tell: str = ""
    """What tells this row from a neighbour with the same title from the same source (its
    path in the source: "tech/165.txt"); empty when nothing needs telling apart."""

    @property
    def twin_key(self) -> tuple[str, str]:
        """(source, title) as compared for look-alike rows: case and spacing ignored."""
        source = self.source or self.id.split("/", 1)[0]
        return source.casefold(), " ".join(self.title.split()).casefold()

    @classmethod
    def from_row(cls, row: Any) -> Entry:
        """From an `index.store.library.ArticleRow` (or anything with its attributes)."""
        return cls(
            id=row.id,
            title=row.title,
            outlet=getattr(row, "outlet", "") or "",
            date=getattr(row, "date", None),
            source=getattr(row, "source", "") or "",
        )

    @classmethod
    def from_hit(cls, hit: Any) -> Entry:
        """From an `index.search.results.Hit` or `RelatedHit`."""
        return cls(
            id=hit.id,
            title=hit.title,
            outlet=hit.outlet or "",
            date=hit.date,
            source=getattr(hit, "source", "") or "",
            url=getattr(hit, "url", None),
            snippet=tuple(getattr(hit, "snippet", ()) or ()),
            score=getattr(hit, "score", None),
        )


def tell_twins(entries: Sequence[Entry], before: Entry | None = None,
               after: Entry | None = None) -> list[Entry]:
    """`entries` with `tell` set on each one whose neighbour (`before` and `after` are the rows
    just outside a page) has the same source and title. Exact duplicates (the BBC corpus has
    129 such pairs) have the same date or none, so they sort side by side, newest first (then
    by title) or by title, and would look identical; same-titled articles apart from each
    other differ in date, which the row shows."""
    row = [before, *entries, after]
    keys = [e.twin_key if e is not None else None for e in row]
    out: list[Entry] = []
    for i, entry in enumerate(entries, 1):
        if keys[i] is not None and keys[i] in (keys[i - 1], keys[i + 1]):
            entry = replace(entry, tell=entry.id.split("/", 1)[-1])
        out.append(entry)
    return out


class Rows(Protocol):
    """A sequence of entries that may be fetched lazily."""

    snippets: bool
    """Whether entries carry snippets (the list then gives each two lines)."""

    def __len__(self) -> int: ...

    def get(self, index: int) -> Entry | None:
        """The entry at `index`, or None when out of range or unavailable."""
        ...


class EntryRows:
    """Entries already in memory: search hits, a filtered list."""

    def __init__(self, entries: Sequence[Entry], *, snippets: bool = False) -> None:
        self.entries = list(entries)
        self.snippets = snippets

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, index: int) -> Entry | None:
        return self.entries[index] if 0 <= index < len(self.entries) else None


class PagedRows:
    """`total` entries fetched `page_size` at a time, keeping the last `max_pages` pages.

    `fetch(offset, limit)` is called on the UI thread the first time a row of a page is drawn;
    a page is one cheap index query, and only pages that scroll into view are ever fetched.
    """

    snippets = False

    def __init__(
        self,
        fetch: Callable[[int, int], Sequence[Entry]],
        total: int,
        *,
        page_size: int = 200,
        max_pages: int = 64,
        first_page: Sequence[Entry] | None = None,
    ) -> None:
        self._fetch = fetch
        self.total = total
        self.page_size = page_size
        self.max_pages = max_pages
        self._pages: OrderedDict[int, list[Entry]] = OrderedDict()
        if first_page is not None:
            self._pages[0] = list(first_page)

    def __len__(self) -> int:
        return self.total

    def get(self, index: int) -> Entry | None:
        if not 0 <= index < self.total:
            return None
        number, offset = divmod(index, self.page_size)
        page = self._pages.get(number)
        if page is None:
            page = list(self._fetch(number * self.page_size, self.page_size))
            self._pages[number] = page
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def index_of(self, article_id: str) -> int | None:
        """Where `article_id` is among the pages fetched so far (None if not seen)."""
        for number, page in self._pages.items():
            for offset, entry in enumerate(page):
                if entry.id == article_id:
                    return number * self.page_size + offset
        return None


def index_of(rows: Rows, article_id: str) -> int | None:
    """The index of `article_id` in `rows` without fetching anything new (None if unknown)."""
    if isinstance(rows, PagedRows):
        return rows.index_of(article_id)
    if isinstance(rows, EntryRows):
        for i, entry in enumerate(rows.entries):
            if entry.id == article_id:
                return i
    return None
