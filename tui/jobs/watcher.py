"""The watcher job: while the reader runs, it watches the source folders (recursively, with
`watchfiles`: inotify on Linux) and posts `FilesChanged` with the paths worth a targeted index
update (`index.store.watched.sort_changes`), one message a burst of events.

watchfiles runs in a child process (`index.watching`: its set-up holds the GIL, which would
freeze the UI); a thread worker waits on it and stops it when cancelled (the screen closing,
the app quitting: its `cancelled_event` is the stop).
What cannot be watched (the system's limit of inotify watches, a folder gone before the watch
began) is posted once as `WatchProblem`, and the reader goes on without watching: `R` re-scans.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.index.store.library import Library
from newsreader.index.store.sources import missing_warning
from newsreader.index.store.watched import sort_changes, watch_roots
from newsreader.index.watching import watch_batches
from newsreader.tui.messages import FilesChanged, WatchProblem, WorkerFailed


class Watcher(Widget):
    """Watches `library`'s source folders; posts `FilesChanged` and `WatchProblem`."""

    DEFAULT_CSS = "Watcher { display: none; }"

    def __init__(self, library: Library, quiet: float, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.quiet = quiet
        """Seconds without a new event that end a burst (watchfiles' `step`)."""
        self.roots: list[Path] = []
        """The folders being watched (empty: none)."""
        self.bursts = 0
        """Bursts of events seen so far, whatever they held (set by the watch's thread; tests
        wait on it to know the watch is set up, watchfiles says nothing before a change)."""

    def start(self) -> None:
        """Watch every source folder that is there (a missing one was said at start-up)."""
        self.roots = watch_roots(self.library.settings)
        if self.roots:
            self._watch(self.roots)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _watch(self, roots: list[Path]) -> None:
        worker = get_current_worker()
        try:
            for paths in watch_batches(roots, self.quiet, worker.cancelled_event):
                self.bursts += 1
                self._sort(paths)
        except OSError as exc:
            # inotify's limit of watches (fs.inotify.max_user_watches), a folder gone before the
            # watch began: the reader goes on as before the watcher, R re-scans.
            self.post_message(WatchProblem(
                f"Not watching the source folders ({exc}): press R to re-scan after changes",
                "Source folders not watched",
            ))

    def _sort(self, paths: list[str]) -> None:
        """Post what one burst of events asks of the index (in the watch's thread)."""
        changes = sort_changes(self.library.settings, paths)
        for source in changes.missing:
            # Unplugged: its articles stay, as in a full update; said in start-up's words.
            self.post_message(WatchProblem(missing_warning(source), "Source folder missing"))
        wanted = changes.present + self.library.holding(changes.gone)
        if wanted:
            self.post_message(FilesChanged(tuple(sorted(set(wanted)))))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[object] = event.worker
        if event.state == WorkerState.ERROR:
            self.post_message(WorkerFailed(worker))
