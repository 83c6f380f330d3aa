"""The reader's plain data: what the loaders (`tui.loaders`) return and the widgets show.

No widget, screen, Textual or Rich here (tests/unit/test_architecture.py checks it), so the
thread workers' functions can build these records without touching the UI, and a test can
build them without an app:

- `Scope`: what the article list is narrowed to (all, a source, an outlet or a feed);
- `Entry`: one row of an article list (an index row, a search hit, a related article), and the
  row sources that hand entries out by position (`Rows`: `EntryRows` in memory, `PagedRows`
  fetched a page at a time as the list scrolls);
- `Reading`: an article made ready for the article pane (cleaned text, the query's spans);
- `Counts`: the library's article counts, for the source list and the header;
- `StoryRow`: one story of the source list's Stories section;
- `ListKey` / `SearchKey`: which question a list of rows answers, so that a late answer to an
  older question is dropped (`RowsKey`).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from newsreader.index.model import Article

if TYPE_CHECKING:
    # Importing these loads Whoosh: only their types are needed here.
    from newsreader.index.search.results import Hit, RelatedHit
    from newsreader.index.store.library import ArticleRow

# --- what the list is narrowed to ----------------------------------------------------------

ALL = "all"
SOURCE = "source"
OUTLET = "outlet"
FEED = "feed"
"""One feed of an OPML source: its articles are those of its outlet."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What the article list is narrowed to: everything, one source, one outlet or one feed."""

    kind: str = ALL
    name: str | None = None

    @property
    def source(self) -> str | None:
        return self.name if self.kind == SOURCE else None

    @property
    def outlet(self) -> str | None:
        return self.name if self.kind in (OUTLET, FEED) else None

    @property
    def option_id(self) -> str:
        """The source list's option id of this scope."""
        return ALL if self.kind == ALL else f"{self.kind}:{self.name}"

    @classmethod
    def from_option_id(cls, option_id: str) -> Scope:
        if option_id == ALL:
            return cls()
        kind, _, name = option_id.partition(":")
        return cls(kind, name)


# --- which question a list answers ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListKey:
    """The browse list of `scope` in `sort` order ("date" or "title"), maybe unread only."""

    scope: Scope
    sort: str
    unread_only: bool


@dataclass(frozen=True, slots=True)
class SearchKey:
    """The hits of `query` in `scope` in `sort` order ("relevance" or "date")."""

    query: str
    scope: Scope
    sort: str
    unread_only: bool


RowsKey = ListKey | SearchKey


# --- rows of an article list ---------------------------------------------------------------


class SegmentLike(Protocol):
    """`index.search.snippets.Segment`, without importing it (and Whoosh) here. Read-only, as
    the frozen Segment is."""

    @property
    def text(self) -> str: ...

    @property
    def match(self) -> bool: ...


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
    def from_row(cls, row: ArticleRow) -> Entry:
        """From an `index.store.library.ArticleRow`."""
        return cls(
            id=row.id, title=row.title, outlet=row.outlet or "", date=row.date,
            source=row.source or "",
        )

    @classmethod
    def from_hit(cls, hit: Hit | RelatedHit) -> Entry:
        """From an `index.search.results.Hit` or `RelatedHit` (which has no source, URL or
        snippet)."""
        return cls(
            id=hit.id,
            title=hit.title,
            outlet=hit.outlet or "",
            date=hit.date,
            source=getattr(hit, "source", "") or "",
            url=getattr(hit, "url", None),
            snippet=tuple(getattr(hit, "snippet", ()) or ()),
            score=hit.score,
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
    """A sequence of entries that may be fetched lazily: the list only asks `len()` and
    `get(i)`, so it can show 100,000 articles without an entry (or a widget) per article."""

    snippets: bool
    """Whether entries carry snippets (the list then gives each two lines)."""

    def __len__(self) -> int: ...

    def get(self, index: int) -> Entry | None:
        """The entry at `index`, or None when out of range or unavailable."""
        ...


class EntryRows:
    """Entries already in memory: search hits, a filtered list. A search gives the hits on
    screen their snippets first: `pending` holds the indexes of hits whose snippet is still to
    come, asked for (`wanted`) as they scroll into view and given (`fill`) when found."""

    def __init__(
        self, entries: Sequence[Entry], *, snippets: bool = False, pending: Iterable[int] = ()
    ) -> None:
        self.entries = list(entries)
        self.snippets = snippets
        self.pending: set[int] = set(pending)
        self._asked: set[int] = set()

    def wanted(self, start: int, stop: int) -> list[int]:
        """The indexes in [start, stop) whose snippets are still to come and not yet asked
        for; from now on they count as asked for."""
        found = [i for i in range(max(0, start), min(stop, len(self.entries)))
                 if i in self.pending and i not in self._asked]
        self._asked.update(found)
        return found

    def fill(self, indexes: Iterable[int], snippets: Mapping[str, Sequence[SegmentLike]]) -> None:
        """Give the entries at `indexes` their snippets (none for an article gone from the
        index meanwhile)."""
        for i in indexes:
            if i in self.pending:
                entry = self.entries[i]
                self.entries[i] = replace(entry, snippet=tuple(snippets.get(entry.id, ())))
                self.pending.discard(i)

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


# --- an article to read, the library's counts -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """An article made ready to show: cleaned text and the spans of the query's matches."""

    article: Article
    title: str
    """The title, cleaned, one line."""
    body: str
    """The body, cleaned (escape sequences and control characters removed)."""
    query: str = ""
    title_spans: list[tuple[int, int]] = field(default_factory=list)
    body_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.article.id


@dataclass(frozen=True, slots=True)
class Counts:
    """Article counts of the whole library, each source and each outlet, and which read
    articles are in it (the unread numbers are worked out from the read state on the UI
    thread, so marking an article read is instant)."""

    total: int
    sources: list[tuple[str, int]]
    outlets: list[tuple[str, int]]
    read: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Of the read ids asked about, those indexed now, with their (source, outlet) keys."""
    asked: frozenset[str] = frozenset()
    """The read ids asked about (the read state when the counts were started)."""


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One line of the source list's Stories section: a story's id, headline and number of
    outlets."""

    id: str
    headline: str
    outlets: int
