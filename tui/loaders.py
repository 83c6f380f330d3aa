"""What the app's thread workers compute: plain functions of the library, no widgets.

Each one runs in a worker thread (Whoosh never runs on the UI thread for these) and returns
the plain records of `tui.models`, which the screen then shows. This module imports no
Textual, Rich, widget or screen (tests/unit/test_architecture.py), so it can be tested, and
reasoned about, without an app.
"""

from __future__ import annotations

from newsreader.index.search.results import (
    Results,
    Segment,
    did_you_mean,
    highlight_spans,
    hit_snippets,
    search,
)
from newsreader.index.store.library import Library
from newsreader.tui.models import (
    Counts,
    Entry,
    EntryRows,
    PagedRows,
    Reading,
    Rows,
    Scope,
    StoryRow,
    tell_twins,
)
from newsreader.tui.terminal import printable, printable_line

STORIES_SHOWN = 50
"""Stories in the source list: the newest told by at least two outlets."""
PAGE_SIZE = 200
"""Rows fetched from the index at a time as the list scrolls."""
SEARCH_LIMIT = 200
"""Hits shown for a search; the status line says how many there are in all."""


def load_counts(library: Library, read: frozenset[str] = frozenset()) -> Counts:
    return Counts(
        total=library.count(),
        sources=[(s.name, s.count) for s in library.source_counts()],
        outlets=library.outlet_counts(),
        read=library.read_keys(read),
        asked=read,
    )


def load_stories(library: Library) -> list[StoryRow]:
    """The source list's Stories section: read from the stories file the index update keeps
    (nothing is clustered here)."""
    from newsreader.index.stories import StoryIndex

    found = StoryIndex(library.index_dir).stories(
        min_outlets=2, limit=STORIES_SHOWN, articles=False
    )
    return [StoryRow(s.id, s.headline, len(s.outlets)) for s in found]


def load_rows(
    library: Library, scope: Scope, sort: str, read: frozenset[str] | None
) -> Rows:
    """The browse list of `scope`: paged from the index, or, with `read` given (unread only),
    every unread row in memory (the filter needs to look at every id once)."""
    def rows(offset: int, limit: int | None) -> list[Entry]:
        found = library.list_articles(
            source=scope.source, outlet=scope.outlet, sort=sort, offset=offset, limit=limit
        )
        return [Entry.from_row(r) for r in found]

    def fetch(offset: int, limit: int) -> list[Entry]:
        # One row more on each side, so twins across a page edge are told apart too.
        start = max(0, offset - 1)
        entries = rows(start, offset + limit + 1 - start)
        before = entries.pop(0) if start < offset and entries else None
        after = entries.pop() if len(entries) > limit else None
        return tell_twins(entries, before, after)

    if read is not None:
        return EntryRows(tell_twins([e for e in rows(0, None) if e.id not in read]))
    first = fetch(0, PAGE_SIZE)
    if len(first) < PAGE_SIZE:
        return EntryRows(first)
    total = library.count() if scope.name is None else _scope_count(library, scope)
    # The first page was fetched here, in the thread; later pages are one cheap query each.
    return PagedRows(fetch, total, page_size=PAGE_SIZE, first_page=first)


def scope_articles(library: Library, scope: Scope) -> list[tuple[str, str]]:
    """(id, outlet) of every article in `scope`, for "mark all read"."""
    return [
        (r.id, r.outlet or "")
        for r in library.list_articles(source=scope.source, outlet=scope.outlet, limit=None)
    ]


def next_unread(
    library: Library, scope: Scope, sort: str, read: frozenset[str], after: int
) -> int | None:
    """The position in the browse list of `scope` (in `sort` order) of the first unread
    article after position `after`, wrapping to the top; None when every article is read.
    A page at a time: it stops at the first unread one."""
    for start, stop in ((after + 1, None), (0, after + 1)):
        offset = start
        while stop is None or offset < stop:
            limit = PAGE_SIZE if stop is None else min(PAGE_SIZE, stop - offset)
            rows = library.list_articles(source=scope.source, outlet=scope.outlet, sort=sort,
                                         offset=offset, limit=limit)
            for n, row in enumerate(rows):
                if row.id not in read:
                    return offset + n
            if len(rows) < limit:
                break
            offset += len(rows)
    return None


def _scope_count(library: Library, scope: Scope) -> int:
    if scope.source is not None:
        wanted = scope.source.casefold()
        return next((s.count for s in library.source_counts() if s.name.casefold() == wanted), 0)
    wanted = (scope.outlet or "").casefold()
    return next((n for name, n in library.outlet_counts() if name.casefold() == wanted), 0)


def run_search(
    library: Library,
    query: str,
    scope: Scope,
    sort: str,
    read: frozenset[str] | None,
    first: int | None = None,
    suggest: bool = True,
) -> tuple[Results, EntryRows]:
    """Search and the rows to show (read hits dropped when `read` is given); with `first`,
    only the first that many hits get their snippets now (the rows on screen: a snippet costs
    more than the rest of a hit), the others are `pending` (see `load_snippets`); with
    `suggest=False`, no "did you mean" yet (see `find_suggestion`)."""
    results = search(
        library, query, limit=SEARCH_LIMIT, source=scope.source, outlet=scope.outlet, sort=sort,
        snippet_limit=first, suggest=suggest,
    )  # fmt: skip
    later = {h.id for h in results.hits[first:]} if first is not None else set()
    entries = [Entry.from_hit(h) for h in results.hits]
    if read is not None:
        entries = [e for e in entries if e.id not in read]
    pending = [i for i, e in enumerate(entries) if e.id in later]
    # (Exact duplicates score alike, so they are neighbours here too.)
    return results, EntryRows(tell_twins(entries), snippets=True, pending=pending)


def find_suggestion(library: Library, results: Results, scope: Scope) -> str | None:
    """The "did you mean" of a search `run_search` ran without it."""
    return did_you_mean(library, results, source=scope.source, outlet=scope.outlet)


def load_snippets(
    library: Library, results: Results, ids: list[str]
) -> dict[str, tuple[Segment, ...]]:
    """The snippets of hits of `results` that `run_search` left pending."""
    return hit_snippets(library, results, ids)


def load_reading(library: Library, article_id: str, query: str) -> Reading | None:
    """The article made ready to show, with the spans of `query`'s matches (if any)."""
    article = library.get(article_id)
    if article is None:
        return None
    title = printable_line(article.title)
    body = printable(article.body or "")
    title_spans: list[tuple[int, int]] = []
    body_spans: list[tuple[int, int]] = []
    if query:
        # Spans are computed on the cleaned text the pane shows, so offsets line up.
        title_spans = highlight_spans(query, title, "title")
        body_spans = highlight_spans(query, body)
    return Reading(article, title, body, query, title_spans, body_spans)
