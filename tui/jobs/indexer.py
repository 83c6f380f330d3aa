"""The indexer job: whether the index is stale (checked once the first list is on screen), and
index updates in a thread worker, with progress, batch commits and a report.

The check stats every file of the library, so a big library is checked in a child process
(`tui.index_check`); an update commits its first batch early (`FIRST_BATCH`), so the lists of a
first launch fill in while the rest is indexed.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping

from textual import on, work
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.index.store.library import Library, Progress
from newsreader.tui.index_check import index_is_stale
from newsreader.tui.messages import (
    IndexBatchCommitted,
    IndexChecked,
    IndexDone,
    IndexFailed,
    IndexProgress,
    WorkerFailed,
)

PROGRESS_EVERY = 0.25
"""Seconds between two progress messages from the indexer: four a second move a count smoothly
enough, and each redraws the header and the filling list (ten a second cost a first index of
2,231 articles ~1-2 s of CPU)."""
FIRST_BATCH = 200
"""Files before the first commit of a long first index, which then commits again after
10,000 files (see index.store.ingest.LATER_BATCH): the lists fill in batch by batch. Small, as
it is there for the first rows: each batch's terms are written again in the next batches'
segments (1,000 files cost a first index of 2,231 articles 11% more instructions than one
commit, 200 files 3.5%), and its rows show sooner (1.0-1.2 s after launch, not 1.7-1.9 s)."""


class Indexer(Widget):
    """Checks and updates `library`'s index; posts `IndexChecked`, `IndexProgress`,
    `IndexBatchCommitted`, `IndexDone` and `IndexFailed`."""

    DEFAULT_CSS = "Indexer { display: none; }"

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.indexing = False
        """An update is running."""
        self.checking = False
        """The check is running (an empty list may only be not indexed yet)."""
        self.again: set[str] = set()
        """Files that came in while an update ran (a fetch's): updated once it is done."""
        self.to_read: Mapping[str, int] | None = None
        """Files the running update parses, by source name (None until it knows: it scans the
        folders first). Set, and `read` counted, by the update's thread; the screen only reads
        them, to say what an empty list of one source is waiting for."""
        self.read: Counter[str] = Counter()
        """Files the running update has parsed so far, by source name."""

    def check(self) -> None:
        """Find out whether the index is stale: posts `IndexChecked`."""
        self.checking = True
        self._check()

    def start(self, paths: Iterable[str | os.PathLike[str]] | None = None) -> bool:
        """Start an update, unless one is running; True when this started one. With `paths`,
        of those files only (what a fetch wrote: `Library.update(paths=)`)."""
        if self.indexing:
            return False
        self.indexing = True
        self.to_read, self.read = None, Counter()
        self._update(None if paths is None else [os.fspath(p) for p in paths])
        return True

    def queue(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Update `paths` once the running update is done."""
        self.again.update(os.fspath(p) for p in paths)

    def take_queued(self) -> list[str]:
        """The files queued for the next update, emptying the queue."""
        again, self.again = self.again, set()
        return sorted(again)

    # Its own group: starting an update must not cancel a check that is just returning.
    @work(thread=True, exclusive=True, group="index-check", exit_on_error=False)
    def _check(self) -> None:
        stale = index_is_stale(self.library, get_current_worker().cancelled_event)
        if stale is not None:
            self.post_message(IndexChecked(stale))

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _update(self, paths: list[str] | None) -> None:
        worker = get_current_worker()
        last = 0.0

        def planned(to_read: Mapping[str, int]) -> None:
            self.to_read = to_read
            self.post_message(IndexProgress(0, sum(to_read.values())))  # the list says so now

        def progress(p: Progress) -> None:
            nonlocal last
            if p.committed:
                self.post_message(IndexBatchCommitted())
                return
            self.read[p.source] += 1
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or p.done == p.total:
                last = now
                self.post_message(IndexProgress(p.done, p.total))

        report = self.library.update(
            progress=progress, cancel=worker.cancelled_event, first_batch=FIRST_BATCH,
            planned=planned, paths=paths,
        )
        self.post_message(IndexDone(report))

    # The job's state changes here, before the message bubbles on to the screen.

    @on(IndexChecked)
    def _checked(self) -> None:
        self.checking = False

    @on(IndexDone)
    def _done(self) -> None:
        self.indexing = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[object] = event.worker
        if event.state == WorkerState.ERROR:
            self.post_message(WorkerFailed(worker))
        if event.state not in (WorkerState.ERROR, WorkerState.CANCELLED):
            return
        if worker.group == "index-check":
            self.checking = False
        elif worker.group == "index" and self.indexing:
            # A failed update must not leave the header saying "indexing…" for ever.
            self.indexing = False
            self.post_message(IndexFailed())
