"""The article job: the slow halves of the keys that act on one article. Opening or copying its
URL (list rows carry none: it is read from the index, and `webbrowser.open` may start a
browser) and reading two articles to compare run in thread workers.
"""

from __future__ import annotations

import webbrowser

from textual import work
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from newsreader.index.store.library import Library
from newsreader.tui.messages import PairLoaded, WorkerFailed
from newsreader.tui.terminal import printable_line


class ArticleJobs(Widget):
    """Uses an article's URL and reads pairs to compare from `library`; posts `PairLoaded`."""

    DEFAULT_CSS = "ArticleJobs { display: none; }"

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def load_pair(self, id_a: str, id_b: str) -> None:
        """Read articles `id_a` and `id_b`: posts `PairLoaded` (an id not in the index is an
        error, reported as a failed worker)."""
        a, b = self.library.get(id_a), self.library.get(id_b)
        if a is None or b is None:
            raise LookupError(f"article not in the index: {id_a if a is None else id_b}")
        self.post_message(PairLoaded(a, b))

    @work(thread=True, exclusive=True, group="url", exit_on_error=False)
    def use_url(self, article_id: str, known: str, what: str) -> None:
        """Open (`what="open"`) or copy (`"copy"`) the article's URL: `known`, or read from the
        index when empty. Only web addresses are used."""
        if not known:
            article = self.library.get(article_id)
            known = article.url if article is not None else ""
        url = printable_line(known)
        app = self.app
        if not url.lower().startswith(("http://", "https://")):
            # Never hand a file:, javascript: or made-up scheme from an article to the browser.
            text = f"Not a web address: {url}" if url else "This article has no web address."
            app.call_from_thread(self.notify, text, severity="warning", markup=False)
        elif what == "copy":
            app.call_from_thread(app.copy_to_clipboard, url)
            app.call_from_thread(self.notify, f"Copied {url}", markup=False)
        else:
            app.call_from_thread(self.notify, f"Opening {url}", markup=False)
            if app.is_web:
                # In a browser (`newsreader serve`): the user's browser opens it, in a new tab;
                # webbrowser.open would start a browser on the server.
                app.call_from_thread(app.open_url, url)
            elif not webbrowser.open(url):
                # Not a failure of the reader (no browser on this machine, or none it can
                # start from a terminal): say what to do rather than "use_url failed".
                app.call_from_thread(
                    self.notify, f"No web browser found to open {url}: press y to copy it.",
                    title="Cannot open the address", severity="warning", markup=False,
                )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.post_message(WorkerFailed(event.worker))
