"""The main screen's side of keeping the library up to date: what it shows while the jobs
(`tui.jobs.Indexer`, `tui.jobs.Fetcher`) check, index and fetch, and what follows each.

- On start, once the first list is on screen, the index is checked; a stale one is updated (the
  header shows the progress, an empty list says it is filling), `R` updates it on demand.
- Each batch the indexer commits reloads the lists, so a first launch fills in as it goes; when
  the update is done, the header says so and a toast says what changed (and what was skipped).
- `F` fetches the feeds (progress in the header); new articles start an update, or one more
  update after the one running. A failed feed is said in the status line and under the cursor
  in the source list.
- An empty library shows the welcome screen.

`LibraryUpkeep` is a collaborator the main screen owns; the screen hands it the jobs' messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import OptionList

from newsreader.tui.jobs.fetcher import Fetcher
from newsreader.tui.jobs.indexer import Indexer
from newsreader.tui.messages import (
    FetchDone,
    FetchProgress,
    FilesChanged,
    IndexChecked,
    IndexDone,
    IndexProgress,
)
from newsreader.tui.models import FEED, SOURCE, Scope
from newsreader.tui.screens.base import reader_app
from newsreader.tui.screens.welcome import WelcomeScreen
from newsreader.tui.text import one_line
from newsreader.tui.widgets.list_pane import ListPane
from newsreader.tui.widgets.source_list import SourceList
from newsreader.tui.widgets.status import LibraryHeader, StatusLine

if TYPE_CHECKING:
    from newsreader.tui.screens.main import MainScreen


class LibraryUpkeep:
    """Runs the main screen `screen`'s indexer and fetcher and shows what they do."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    @property
    def _header(self) -> LibraryHeader:
        return self.screen.query_one(LibraryHeader)

    @property
    def _indexer(self) -> Indexer:
        return self.screen.query_one(Indexer)

    @property
    def _fetcher(self) -> Fetcher:
        return self.screen.query_one(Fetcher)

    # -- the index -------------------------------------------------------------------------------

    def start_indexing(self, paths: list[str] | None = None) -> None:
        """Update the index (with `paths`, of those files only)."""
        if self._indexer.start(paths):
            self._header.state = "indexing…"
            self._header.progress(0, None)
            self.screen.query_one(ListPane).show_filling()

    def files_changed(self, message: FilesChanged) -> None:
        """Files changed in the source folders (the watcher): update them, or queue them
        while the index is checked or updated (the update after a check must not be refused
        for them, and files that change during an update are updated after it)."""
        indexer = self._indexer
        if indexer.indexing or indexer.checking:
            indexer.queue(message.paths)
        else:
            self.start_indexing(list(message.paths))

    def index_checked(self, message: IndexChecked) -> None:
        self.screen.query_one(ListPane).show_filling()
        if message.stale:
            self.start_indexing()  # (what the watcher queued meanwhile follows it)
            return
        self._header.state = "index up to date"
        counts = self.screen.counts
        if counts is not None and counts.total == 0:
            self.show_welcome()
        queued = self._indexer.take_queued()
        if queued:  # files changed while the index was checked
            self.start_indexing(queued)

    def index_progress(self, message: IndexProgress) -> None:
        self._header.indexing(message.done, message.total)
        self.screen.query_one(ListPane).show_filling(message.done, message.total)

    def index_done(self, message: IndexDone) -> None:
        report = message.report
        header = self._header
        header.progress(None)
        changed = report.added + report.changed + report.deleted
        header.state = "index up to date" if not report.cancelled else "indexing cancelled"
        # An empty list says at once what is true now (not "Indexing…" under "index up to date"
        # until the reload below arrives: seconds on a loaded machine).
        self.screen.query_one(ListPane).show_filling()
        if changed or report.rebuilt:
            self.screen.notify(f"Indexed {report.articles:,} articles from {changed:,} files "
                               f"in {report.seconds:.1f} s", markup=False)
        # (A missing source folder was said at start-up: not again after every re-scan.)
        shown = reader_app(self.screen).shown_warnings
        warnings = [w for w in report.warnings if w not in shown]
        if warnings:
            more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
            self.screen.notify(one_line(warnings[0]) + more, title="Some files were skipped",
                               severity="warning", markup=False)
        self.screen.reload()
        self._welcome_if_empty()
        queued = self._indexer.take_queued()
        if queued:  # a fetch or the watcher brought files in while this update ran
            self.start_indexing(queued)

    def index_failed(self) -> None:
        self._header.progress(None)
        self._header.state = "index not updated"
        self.screen.query_one(ListPane).show_filling()

    def _welcome_if_empty(self) -> None:
        library = reader_app(self.screen).library

        def check() -> None:
            if library.count() == 0:
                self.screen.app.call_from_thread(self.show_welcome)

        self.screen.run_worker(check, name="_welcome_if_empty", thread=True, exclusive=True,
                               group="welcome", exit_on_error=False)

    def show_welcome(self) -> None:
        app = self.screen.app
        if not any(isinstance(s, WelcomeScreen) for s in app.screen_stack):
            app.push_screen(WelcomeScreen(), self._welcome_closed)

    def _welcome_closed(self, rescan: bool | None) -> None:
        if rescan:
            self.start_indexing()

    # -- the feeds -------------------------------------------------------------------------------

    def fetch(self) -> None:
        if not reader_app(self.screen).settings.feed_sources:
            self.screen.notify(
                "No feed sources: add one to the config with feed: URL or opml: PATH.",
                severity="warning", markup=False,
            )
        elif self._fetcher.fetch():
            self._header.state = "fetching feeds…"
            self._header.progress(0, None)

    def fetch_progress(self, message: FetchProgress) -> None:
        if self._fetcher.fetching:
            self._header.state = f"fetching {message.done:,}/{message.total:,} feeds"
            self._header.progress(message.done, message.total)

    def fetch_done(self, message: FetchDone) -> None:
        header = self._header
        header.progress(None)
        summary = message.summary
        if summary is None:
            header.state = "feeds not fetched"
            if message.error:
                self.screen.notify(one_line(message.error), severity="error", markup=False)
            return
        failed = summary.failed
        header.state = f"{summary.new:,} new from {len(summary.feeds):,} feeds" + (
            f", {len(failed):,} failed" if failed else ""
        )
        pane = self.screen.query_one(ListPane)
        pane.notice = ""
        if failed:
            first = failed[0]
            more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            pane.notice = (
                f"Feed failed: {first.source}: {first.title or first.url}: {first.error}{more}"
            )
            if pane.query_text:
                self.screen.query_one(StatusLine).say(pane.notice)
            else:  # with the list's own parts, fitted to the line (`list_status`)
                pane.say_list_status()
        self._fetcher.load_feeds()
        # Only the files the fetch wrote are indexed: it knows them, and a scan of every
        # file costs seconds at a million articles (an index not there yet is built whole).
        written = [str(path) for path in summary.written]
        if written:
            if self._indexer.indexing:
                self._indexer.queue(written)
            else:
                self.start_indexing(written)

    def source_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """A failed feed under the cursor in the source list: its error in the status line."""
        if not isinstance(event.option_list, SourceList) or not event.option.id:
            return
        scope = Scope.from_option_id(event.option.id)
        error = None
        if scope.kind == SOURCE and scope.name:
            error = self._fetcher.feed_error(scope.name)
        elif scope.kind == FEED and scope.name:
            error = self._fetcher.error_of_feed(scope.name)
        if error:
            self.screen.query_one(StatusLine).say(f"Feed failed: {error}")
