"""The main screen's actions on one article: read/unread, open or copy its URL, related
articles, and marking two articles to compare.

A mixin of `MainScreen`; handlers follow Textual's naming convention because `@on` is not
collected from mixins.
"""

from __future__ import annotations

import webbrowser
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from newsreader.tui.text import one_line
from newsreader.tui.widgets.article_list import COMPARE_MARK, ArticleList
from newsreader.tui.widgets.article_view import ArticleView

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp


class ArticleActions:
    """Keys that act on the open article or the one under the list cursor."""

    marked: str | None
    nr_app: NewsreaderApp
    focused: Any
    query_one: Any
    notify: Any
    app: Any
    post_message: Any
    refresh_bindings: Any

    def _cancel_read_timer(self) -> None:  # provided by MainScreen
        raise NotImplementedError

    def _set_read(self, article_id: str, read: bool, outlet: str) -> None:
        raise NotImplementedError

    def _request_article(self, article_id: str, *, opened: bool) -> None:
        raise NotImplementedError

    class CompareReady(Message):
        def __init__(self, a: object, b: object) -> None:
            super().__init__()
            self.a = a
            self.b = b

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def load_pair(self, id_a: str, id_b: str) -> None:
        library = self.nr_app.library
        a, b = library.get(id_a), library.get(id_b)
        if a is None or b is None:
            raise LookupError(f"article not in the index: {id_a if a is None else id_b}")
        self.post_message(self.CompareReady(a, b))

    def _current(self) -> tuple[str, str, str] | None:
        """(id, outlet, url) of the article the keys act on: the open one when the article
        pane has focus, else the one under the list cursor."""
        view = self.query_one(ArticleView)
        if isinstance(self.focused, ArticleView) and view.article is not None:
            article = view.article
            return article.id, article.outlet, article.url
        entry = self.query_one(ArticleList).entry
        if entry is not None:
            article = view.article
            url = article.url if article is not None and article.id == entry.id else entry.url
            return entry.id, entry.outlet, url or ""
        return None

    def action_toggle_read(self) -> None:
        current = self._current()
        if current is None:
            return
        article_id, outlet, _ = current
        self._cancel_read_timer()
        self._set_read(article_id, not self.nr_app.read_state.is_read(article_id), outlet)

    def action_open_url(self) -> None:
        current = self._current()
        if current is not None:
            self.use_url(current[0], current[2], "open")

    def action_copy_url(self) -> None:
        current = self._current()
        if current is not None:
            self.use_url(current[0], current[2], "copy")

    @work(thread=True, exclusive=True, group="url", exit_on_error=False)
    def use_url(self, article_id: str, known: str, what: str) -> None:
        """Open or copy the article's URL. List rows carry no URL: read it from the index here,
        off the UI thread, as webbrowser.open (which may start a browser) must be too."""
        if not known:
            article = self.nr_app.library.get(article_id)
            known = article.url if article is not None else ""
        url = one_line(known)
        if not url.lower().startswith(("http://", "https://")):
            # Never hand a file:, javascript: or made-up scheme from an article to the browser.
            text = f"Not a web address: {url}" if url else "This article has no web address."
            self.app.call_from_thread(self.notify, text, severity="warning", markup=False)
        elif what == "copy":
            self.app.call_from_thread(self.app.copy_to_clipboard, url)
            self.app.call_from_thread(self.notify, f"Copied {url}", markup=False)
        else:
            self.app.call_from_thread(self.notify, f"Opening {url}", markup=False)
            if self.app.is_web:
                # In a browser (`newsreader serve`): the user's browser opens it, in a new tab;
                # webbrowser.open would start a browser on the server.
                self.app.call_from_thread(self.app.open_url, url)
            elif not webbrowser.open(url):
                # Not a failure of the reader (no browser on this machine, or none it can
                # start from a terminal): say what to do rather than "use_url failed".
                self.app.call_from_thread(
                    self.notify, f"No web browser found to open {url}: press y to copy it.",
                    title="Cannot open the address", severity="warning", markup=False,
                )

    def action_related(self) -> None:
        from newsreader.tui.screens.related import RelatedScreen

        current = self._current()
        if current is None:
            return
        self.app.push_screen(RelatedScreen(current[0]), self._related_closed)

    def _related_closed(self, article_id: str | None) -> None:
        if article_id:
            self._request_article(article_id, opened=True)

    def action_mark(self) -> None:
        entry = self.query_one(ArticleList).entry
        if entry is None:
            return
        self._set_marked(None if self.marked == entry.id else entry.id)

    def _set_marked(self, article_id: str | None) -> None:
        """Mark `article_id` for comparison (None: no mark). The list pane's foot says what
        to do next while an article is marked: a toast would stay over the compare screen."""
        self.marked = article_id
        article_list = self.query_one(ArticleList)
        article_list.marked = article_id
        article_list.refresh_rows()
        self.refresh_bindings()
        self.query_one("#list-pane").border_subtitle = (
            f"{COMPARE_MARK} marked · move to another article, c compares" if article_id else ""
        )

    def action_compare(self) -> None:
        current = self._current()
        if self.marked is None:
            self.notify("Mark an article with space first, then press c on another one.")
            return
        if current is None or current[0] == self.marked:
            self.notify("Move to another article to compare it with the marked one.")
            return
        self.load_pair(self.marked, current[0])

    def on_article_actions_compare_ready(self, message: ArticleActions.CompareReady) -> None:
        self.open_compare(message.a, message.b)

    def open_compare(self, a: object, b: object) -> None:
        """Push the compare screen for two `index.model.Article`s."""
        from newsreader.tui.screens.compare import (
            CompareScreen,  # written alongside; imported on use
        )

        self._set_marked(None)  # compared: the mark has done its job
        self.app.push_screen(CompareScreen(self.nr_app.library, a, b))
