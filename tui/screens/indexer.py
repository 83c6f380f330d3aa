"""The main screen's indexing: check on start, index in a worker with a progress bar, re-scan
on demand, and the welcome screen when the library turns out empty.

A mixin of `MainScreen` (which provides `reload`, `counts` and the header); handlers follow
Textual's naming convention because `@on` is not collected from mixins.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.worker import Worker, get_current_worker

from newsreader.index.store.library import Progress, UpdateReport
from newsreader.tui.index_check import index_is_stale
from newsreader.tui.text import one_line
from newsreader.tui.widgets.status import LibraryHeader

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp

PROGRESS_EVERY = 0.1
"""Seconds between two progress messages from the indexer (a bar needs no more)."""
FIRST_BATCH = 1000
"""Files before the first commit of a long first index, which then commits again after
10,000 files (see index.store.ingest.BATCH_GROWTH): the lists fill in batch by batch."""


class Indexer:
    """Keeps the index up to date from inside the app."""

    indexing = False
    checking = False
    """The index check is running (an empty list may only be not indexed yet)."""
    nr_app: NewsreaderApp
    counts: Any
    query_one: Any
    notify: Any
    app: Any
    workers: Any
    post_message: Any

    def reload(self) -> None:  # provided by MainScreen
        raise NotImplementedError

    def show_filling(self, done: int | None = None, total: int | None = None) -> None:
        raise NotImplementedError  # provided by MainScreen

    class IndexChecked(Message):
        def __init__(self, stale: bool) -> None:
            super().__init__()
            self.stale = stale

    class IndexProgress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

        def can_replace(self, message: Message) -> bool:
            # Only the latest position matters: queued progress collapses into one message.
            return isinstance(message, Indexer.IndexProgress)

    class IndexBatchCommitted(Message):
        """A batch of files is in the index: the lists can show it."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Indexer.IndexBatchCommitted)

    class IndexDone(Message):
        def __init__(self, report: UpdateReport) -> None:
            super().__init__()
            self.report = report

    # Its own group: starting the indexer must not cancel a check that is just returning.
    @work(thread=True, exclusive=True, group="index-check", exit_on_error=False)
    def check_index(self) -> None:
        stale = index_is_stale(self.nr_app.library, get_current_worker().cancelled_event)
        if stale is not None:
            self.post_message(self.IndexChecked(stale))

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def index_library(self) -> None:
        worker = get_current_worker()
        last = 0.0

        def progress(p: Progress) -> None:
            nonlocal last
            if p.committed:
                self.post_message(self.IndexBatchCommitted())
                return
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or p.done == p.total:
                last = now
                self.post_message(self.IndexProgress(p.done, p.total))

        report = self.nr_app.library.update(
            progress=progress, cancel=worker.cancelled_event, first_batch=FIRST_BATCH
        )
        self.post_message(self.IndexDone(report))

    # -- indexing -------------------------------------------------------------------------

    def on_indexer_index_checked(self, message: Indexer.IndexChecked) -> None:
        self.checking = False
        self.show_filling()
        if message.stale:
            self.start_indexing()
        else:
            self.query_one(LibraryHeader).state = "index up to date"
            if self.counts is not None and self.counts.total == 0:
                self.show_welcome()

    def start_indexing(self) -> None:
        if self.indexing:
            return
        self.indexing = True
        header = self.query_one(LibraryHeader)
        header.state = "indexing…"
        header.progress(0, None)
        self.show_filling()
        self.index_library()

    def on_indexer_index_progress(self, message: Indexer.IndexProgress) -> None:
        header = self.query_one(LibraryHeader)
        if message.total and message.done >= message.total:
            header.state = "writing the index…"  # the commit can take a while on big updates
        else:
            header.state = f"indexing {message.done:,}/{message.total:,}"
        header.progress(message.done, message.total)
        self.show_filling(message.done, message.total)

    def on_indexer_index_batch_committed(self, _message: Indexer.IndexBatchCommitted) -> None:
        self.reload()

    def on_indexer_index_done(self, message: Indexer.IndexDone) -> None:
        self.indexing = False
        report = message.report
        header = self.query_one(LibraryHeader)
        header.progress(None)
        changed = report.added + report.changed + report.deleted
        header.state = "index up to date" if not report.cancelled else "indexing cancelled"
        if changed or report.rebuilt:
            self.notify(f"Indexed {report.articles:,} articles from {changed:,} files "
                        f"in {report.seconds:.1f} s", markup=False)
        # (A missing source folder was said at start-up: not again after every re-scan.)
        warnings = [w for w in report.warnings if w not in self.nr_app.shown_warnings]
        if warnings:
            first = one_line(warnings[0])
            more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
            self.notify(first + more, title="Some files were skipped", severity="warning",
                        markup=False)
        self.reload()
        self._welcome_if_empty()
        if getattr(self, "index_again", False):
            self.index_again = False  # a fetch brought files in while this update ran
            self.start_indexing()

    @work(thread=True, exclusive=True, group="welcome", exit_on_error=False)
    def _welcome_if_empty(self) -> None:
        if self.nr_app.library.count() == 0:
            self.app.call_from_thread(self.show_welcome)

    def show_welcome(self) -> None:
        from newsreader.tui.screens.welcome import WelcomeScreen

        if not any(isinstance(s, WelcomeScreen) for s in self.app.screen_stack):
            self.app.push_screen(WelcomeScreen(), self._welcome_closed)

    def _welcome_closed(self, rescan: bool | None) -> None:
        if rescan:
            self.action_rescan()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # (The mixin's handler runs too: Textual calls the handler of every class in the MRO.)
        # A failed indexer must not leave the header saying "indexing…" for ever.
        index_worker = [
            w for w in self.workers if w.node is self and w.group == "index" and not w.is_finished
        ]
        if self.indexing and not index_worker:
            self.indexing = False
            self.query_one(LibraryHeader).progress(None)
            self.query_one(LibraryHeader).state = "index not updated"

    def action_rescan(self) -> None:
        self.start_indexing()
