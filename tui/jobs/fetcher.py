"""The fetcher job: `F` (and `fetch_on_start`) fetch every feed source in a thread worker, with
progress; the feeds' last results (titles, folders, errors) are read for the source list.
"""

from __future__ import annotations

from textual import on, work
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.index.config import Settings
from newsreader.index.feeds.library import FeedInfo, feed_infos, fetch_sources
from newsreader.index.feeds.store import FetchBusy
from newsreader.tui.messages import FeedsLoaded, FetchDone, FetchProgress, WorkerFailed


class Fetcher(Widget):
    """Fetches `settings`' feed sources; posts `FetchProgress`, `FetchDone` and `FeedsLoaded`."""

    DEFAULT_CSS = "Fetcher { display: none; }"

    def __init__(self, settings: Settings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings = settings
        self.fetching = False
        self.feeds: tuple[FeedInfo, ...] = ()
        """Each feed's title, folder and last error, as last loaded (`load_feeds`)."""

    def fetch(self) -> bool:
        """Start fetching, unless a fetch is running; True when this started one."""
        if self.fetching:
            return False
        self.fetching = True
        self._fetch()
        return True

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def load_feeds(self) -> None:
        """Read what the last fetches left (no network): posts `FeedsLoaded`."""
        self.post_message(FeedsLoaded(tuple(feed_infos(self.settings))))

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch(self) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int, _report: object) -> None:
            self.post_message(FetchProgress(done, total))

        try:
            summary = fetch_sources(
                self.settings, progress=progress, cancel=worker.cancelled_event
            )
        except FetchBusy as exc:
            self.post_message(FetchDone(None, str(exc)))
            return
        self.post_message(FetchDone(summary))

    def feed_error(self, source: str, title: str | None = None) -> str | None:
        """The last error of a feed source (any of its feeds), or of one feed by its title."""
        for info in self.feeds:
            if info.source == source and info.error and title in (None, info.title):
                return f"{info.source}: {info.title}: {info.error}"
        return None

    def error_of_feed(self, title: str) -> str | None:
        """The last error of the feed titled `title` (an OPML source's feed)."""
        return next(
            (self.feed_error(i.source, i.title) for i in self.feeds if i.title == title), None
        )

    @on(FetchDone)
    def _done(self) -> None:
        self.fetching = False

    @on(FeedsLoaded)
    def _loaded(self, message: FeedsLoaded) -> None:
        self.feeds = message.feeds

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[object] = event.worker
        if event.state == WorkerState.ERROR:
            self.post_message(WorkerFailed(worker))
            if worker.group == "fetch" and self.fetching:
                # The error is reported once (above); the header must not say "fetching…"
                # for ever, nor F stay dead.
                self.post_message(FetchDone(None))
