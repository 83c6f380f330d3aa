"""The main screen's feed fetching: `F` (and `fetch_on_start`) fetch every feed in a worker with
progress in the header, then the index is updated so the new articles appear; feeds whose last
fetch failed are marked in the source list and their errors told in the status line.

A mixin of `MainScreen` (like `Indexer`); handlers follow Textual's naming convention because
`@on` is not collected from mixins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.widgets import OptionList
from textual.worker import get_current_worker

from newsreader.index.feeds.library import FeedInfo, feed_infos, fetch_sources
from newsreader.index.feeds.records import FetchSummary
from newsreader.index.feeds.store import FetchBusy
from newsreader.tui.text import one_line
from newsreader.tui.widgets.source_list import FEED, SOURCE, Count, FeedRow, Scope, SourceList
from newsreader.tui.widgets.status import LibraryHeader, StatusLine

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp
    from newsreader.tui.loaders import Counts


class Fetcher:
    """Fetches the feed sources from inside the app."""

    fetching = False
    fetch_notice = ""
    """The last fetch's failures, for the status line (until the user picks another scope)."""
    index_again = False
    """A fetch ended while the indexer was busy: index once more when it is done."""
    feeds: tuple[FeedInfo, ...] = ()
    nr_app: NewsreaderApp
    indexing: bool
    query_one: Any
    notify: Any
    post_message: Any
    # Provided by Indexer and MainScreen (annotations only: a stub here would shadow them, this
    # mixin coming first in MainScreen's bases).
    start_indexing: Callable[[], None]
    show_counts: Callable[[], None]

    class FetchProgress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Fetcher.FetchProgress)

    class FetchDone(Message):
        def __init__(self, summary: FetchSummary | None, error: str | None = None) -> None:
            super().__init__()
            self.summary = summary
            self.error = error

    class FeedsLoaded(Message):
        def __init__(self, feeds: list[FeedInfo]) -> None:
            super().__init__()
            self.feeds = tuple(feeds)

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def load_feeds(self) -> None:
        self.post_message(self.FeedsLoaded(feed_infos(self.nr_app.settings)))

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def fetch_worker(self) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int, _report: object) -> None:
            self.post_message(self.FetchProgress(done, total))

        try:
            summary = fetch_sources(
                self.nr_app.settings, progress=progress, cancel=worker.cancelled_event
            )
        except FetchBusy as exc:
            self.post_message(self.FetchDone(None, str(exc)))
            return
        self.post_message(self.FetchDone(summary))

    def action_fetch(self) -> None:
        if not self.nr_app.settings.feed_sources:
            self.notify(
                "No feed sources: add one to the config with feed: URL or opml: PATH.",
                severity="warning",
                markup=False,
            )
            return
        if self.fetching:
            return
        self.fetching = True
        header = self.query_one(LibraryHeader)
        header.state = "fetching feeds…"
        header.progress(0, None)
        self.fetch_worker()

    def on_fetcher_fetch_progress(self, message: Fetcher.FetchProgress) -> None:
        if not self.fetching:
            return
        header = self.query_one(LibraryHeader)
        header.state = f"fetching {message.done:,}/{message.total:,} feeds"
        header.progress(message.done, message.total)

    def on_fetcher_fetch_done(self, message: Fetcher.FetchDone) -> None:
        self.fetching = False
        header = self.query_one(LibraryHeader)
        header.progress(None)
        summary = message.summary
        if summary is None:
            header.state = "feeds not fetched"
            self.notify(one_line(message.error or ""), severity="error", markup=False)
            return
        failed = summary.failed
        header.state = f"{summary.new:,} new from {len(summary.feeds):,} feeds" + (
            f", {len(failed):,} failed" if failed else ""
        )
        self.fetch_notice = ""
        if failed:
            first = failed[0]
            more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            self.fetch_notice = (
                f"Feed failed: {first.source}: {first.title or first.url}: {first.error}{more}"
            )
            self.query_one(StatusLine).say(self.fetch_notice)
        self.load_feeds()
        if summary.new or summary.updated:
            if self.indexing:
                self.index_again = True
            else:
                self.start_indexing()

    def on_fetcher_feeds_loaded(self, message: Fetcher.FeedsLoaded) -> None:
        self.feeds = message.feeds
        self.show_counts()

    def feed_error(self, source: str, title: str | None = None) -> str | None:
        """The last error of a feed source (any of its feeds), or of one feed by its title."""
        for info in self.feeds:
            if info.source == source and info.error and title in (None, info.title):
                return f"{info.source}: {info.title}: {info.error}"
        return None

    def feed_rows(
        self, counts: Counts, read_by_source: Counter[str], read_by_outlet: Counter[str]
    ) -> list[FeedRow]:
        """The source list's Feeds section: each feed source; under an OPML source, its
        folders (headings) and its feeds (each one its outlet's articles)."""
        by_source = {n.casefold(): c for n, c in counts.sources}
        by_outlet = {n.casefold(): c for n, c in counts.outlets}
        rows: list[FeedRow] = []
        seen: set[str] = set()  # a feed title listed twice would be the same entry twice
        for source in self.nr_app.settings.feed_sources:
            infos = [i for i in self.feeds if i.source == source.name]
            n = by_source.get(source.name.casefold(), 0)
            unread = max(0, n - read_by_source[source.name.lower()])
            failed = any(i.error for i in infos)
            rows.append(FeedRow(SOURCE, Count(source.name, n, unread, failed)))
            if source.opml is None:
                continue
            groups: dict[str, list[FeedInfo]] = {}
            for info in infos:
                groups.setdefault(info.group, []).append(info)
            for group in sorted(groups, key=lambda g: g != ""):  # top-level feeds first
                if group:
                    rows.append(FeedRow("group", Count(group, 0, 0), depth=1))
                for info in groups[group]:
                    if info.title.casefold() in seen:
                        continue
                    seen.add(info.title.casefold())
                    m = by_outlet.get(info.title.casefold(), 0)
                    unread = max(0, m - read_by_outlet[info.title.lower()])
                    count = Count(info.title, m, unread, info.error is not None)
                    rows.append(FeedRow(FEED, count, depth=2 if group else 1))
        return rows

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # A failed feed under the cursor in the source list: its error in the status line.
        if not isinstance(event.option_list, SourceList) or not event.option.id:
            return
        scope = Scope.from_option_id(event.option.id)
        error = None
        if scope.kind == SOURCE and scope.name:
            error = self.feed_error(scope.name)
        elif scope.kind == FEED and scope.name:
            error = next(
                (self.feed_error(i.source, i.title) for i in self.feeds if i.title == scope.name),
                None,
            )
        if error:
            self.query_one(StatusLine).say(f"Feed failed: {error}")
