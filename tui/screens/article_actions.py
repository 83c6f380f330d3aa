"""The main screen's keys that act on articles: `m` marks one read or unread (and an opened
article counts as read once it has been open a moment, `Timings.read_delay`), `U` goes to the
next unread article, `A` marks the whole list read after asking, `o`/`y` open or copy the URL,
`r` lists related articles, `space` marks one to compare and `c` compares.

`ArticleActions` is a collaborator the main screen owns, not a widget: it acts on the app's read
state (`tui.state.ReadState`) and on the screen's list, and starts the slow parts in the
`ArticleJobs` job (URLs, reading a pair) or in workers of the screen (Textual gives workers to
a DOM node), whose messages the screen hands back here.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.timer import Timer

from newsreader.tui import loaders
from newsreader.tui.jobs.articles import ArticleJobs
from newsreader.tui.messages import PairLoaded, ScopeArticles, UnreadFound
from newsreader.tui.models import EntryRows, ListKey, RowsKey
from newsreader.tui.screens.base import reader_app
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.related import RelatedScreen
from newsreader.tui.text import one_line
from newsreader.tui.widgets.article_list import COMPARE_MARK, ArticleList
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.list_pane import ListPane

if TYPE_CHECKING:
    from newsreader.index.store.library import Library
    from newsreader.tui.screens.main import MainScreen
    from newsreader.tui.state import ReadState


class ArticleActions:
    """The keys of the main screen `screen` that act on one article or on the whole list."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._read_timer: Timer | None = None
        self.marked: str | None = None
        """The article marked (space) to compare with another."""

    @property
    def _state(self) -> ReadState:
        return reader_app(self.screen).read_state

    # -- an opened article, m ------------------------------------------------------------------

    def start_timer(self, article_id: str, outlet: str) -> None:
        """Count `article_id` as read once it has stayed open for the read delay."""
        self.cancel_timer()
        if self._state.is_read(article_id):
            return

        def mark() -> None:
            self._read_timer = None
            if self.screen.wanted_article == article_id:
                self.set_read(article_id, True, outlet)

        delay = reader_app(self.screen).timings.read_delay
        if delay <= 0:
            mark()  # Textual timers need a positive delay; 0 means "at once"
        else:
            self._read_timer = self.screen.set_timer(delay, mark, name="mark-read")

    def cancel_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None

    @property
    def timer_running(self) -> bool:
        return self._read_timer is not None

    def set_read(self, article_id: str, read: bool, outlet: str) -> None:
        if self._state.set_read(article_id, read, outlet=outlet):
            self._show_changes()
        self._say_error()

    def current(self) -> tuple[str, str, str] | None:
        """(id, outlet, url) of the article the keys act on: the open one when the article
        pane has focus, else the one under the list cursor."""
        view = self.screen.query_one(ArticleView)
        if isinstance(self.screen.focused, ArticleView) and view.article is not None:
            article = view.article
            return article.id, article.outlet, article.url
        entry = self.screen.query_one(ArticleList).entry
        if entry is not None:
            article = view.article
            url = article.url if article is not None and article.id == entry.id else entry.url
            return entry.id, entry.outlet, url or ""
        return None

    def toggle_read(self) -> None:
        """`m`: the article the keys act on, read if it was unread and unread if it was read."""
        current = self.current()
        if current is None:
            return
        article_id, outlet, _ = current
        self.cancel_timer()
        self.set_read(article_id, not self._state.is_read(article_id), outlet)

    def _show_changes(self) -> None:
        self.screen.query_one(ArticleList).refresh_rows()
        self.screen.show_counts()

    def _say_error(self) -> None:
        state = self._state
        if state.error:
            self.screen.notify(state.error, severity="warning", markup=False)
            state.error = None

    # -- U: the next unread article --------------------------------------------------------------

    def next_unread(self) -> None:
        article_list = self.screen.query_one(ArticleList)
        rows = article_list.rows
        read = self._state.snapshot()
        if isinstance(rows, EntryRows):  # search hits or an unread-only list: all in memory
            count = len(rows.entries)
            order = [*range(article_list.cursor + 1, count), *range(article_list.cursor + 1)]
            self._go_to_unread(next((i for i in order if rows.entries[i].id not in read), None))
            return
        # A browse list pages from the index: look a page at a time, in a worker.
        key = self.screen.query_one(ListPane).list_key()
        library = reader_app(self.screen).library
        after = article_list.cursor

        def find() -> None:
            index = loaders.next_unread(library, key.scope, key.sort, read, after)
            self.screen.post_message(UnreadFound(key, index))

        self.screen.run_worker(find, name="find_unread", thread=True, exclusive=True,
                               group="unread", exit_on_error=False)

    def unread_found(self, message: UnreadFound) -> None:
        if message.key == self.screen.query_one(ListPane).shown_key:
            self._go_to_unread(message.index)

    def _go_to_unread(self, index: int | None) -> None:
        if index is None:
            self.screen.notify("No unread articles here.", timeout=3)
            return
        screen = self.screen
        article_list = screen.query_one(ArticleList)
        reading = isinstance(screen.focused, ArticleView) or screen.has_class("-reading")
        article_list.cursor = index
        entry = article_list.entry
        if reading and entry is not None:
            screen.request_article(entry.id, opened=True)

    # -- A: the whole list -----------------------------------------------------------------------

    def mark_all_read(self) -> None:
        screen = self.screen
        rows = screen.query_one(ArticleList).rows
        key = screen.query_one(ListPane).key()
        if isinstance(key, ListKey) and not isinstance(rows, EntryRows):
            library = reader_app(screen).library
            screen.run_worker(
                partial(self._scope_articles, library, key), name="load_scope_articles",
                thread=True, exclusive=True, group="mark-all", exit_on_error=False,
            )
        else:
            # What the list shows is what gets marked: the hits, or the unread-only list.
            entries = rows.entries if isinstance(rows, EntryRows) else []
            screen.post_message(ScopeArticles(key, [(e.id, e.outlet) for e in entries]))

    def _scope_articles(self, library: Library, key: RowsKey) -> None:
        self.screen.post_message(ScopeArticles(key, loaders.scope_articles(library, key.scope)))

    def scope_articles(self, message: ScopeArticles) -> None:
        """Ask whether to mark the unread ones of `message.articles` read, then do."""
        screen = self.screen
        pane = screen.query_one(ListPane)
        if message.key != pane.key():
            return
        state = self._state
        unread = [(i, outlet) for i, outlet in message.articles if not state.is_read(i)]
        name = pane.scope.name
        where = "in all sources" if name is None else f"in {one_line(name)}"
        if pane.query_text:
            where = f"found for {one_line(pane.query_text)!r}"
        if not message.articles:
            # Not "read already", and no question: there is nothing to mark.
            what = "unread articles" if pane.unread_only else "articles"
            screen.notify(f"No {what} {where}: nothing to mark read.", timeout=3, markup=False)
            return
        if not unread:
            screen.notify("Every article here is read already.", timeout=3)
            return
        question = Text(f"Mark {len(unread):,} unread article{'' if len(unread) == 1 else 's'} "
                        f"{where} read?", end="")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            state.set_all_read(unread)
            self._show_changes()
            self._say_error()
            if pane.unread_only:
                pane.load()

        screen.app.push_screen(ConfirmScreen(question), answered)

    # -- o, y: the URL; r: related articles -------------------------------------------------------

    def use_url(self, what: str) -> None:
        """Open (`what="open"`) or copy (`"copy"`) the URL of the article the keys act on."""
        if (current := self.current()) is not None:
            self.screen.query_one(ArticleJobs).use_url(current[0], current[2], what)

    def related(self) -> None:
        if (current := self.current()) is not None:
            self.screen.app.push_screen(RelatedScreen(current[0]), self.screen.open_chosen)

    # -- space, c: comparing two articles ---------------------------------------------------------

    def mark(self) -> None:
        entry = self.screen.query_one(ArticleList).entry
        if entry is not None:
            self._set_marked(None if self.marked == entry.id else entry.id)

    def _set_marked(self, article_id: str | None) -> None:
        """Mark `article_id` for comparison (None: no mark). The list pane's foot says what
        to do next while an article is marked: a toast would stay over the compare screen."""
        self.marked = article_id
        article_list = self.screen.query_one(ArticleList)
        article_list.marked = article_id
        article_list.refresh_rows()
        self.screen.refresh_bindings()
        self.screen.query_one(ListPane).border_subtitle = (
            f"{COMPARE_MARK} marked · move to another article, c compares" if article_id else ""
        )

    def compare(self) -> None:
        current = self.current()
        if self.marked is None:
            self.screen.notify("Mark an article with space first, then press c on another one.")
        elif current is None or current[0] == self.marked:
            self.screen.notify("Move to another article to compare it with the marked one.")
        else:
            self.screen.query_one(ArticleJobs).load_pair(self.marked, current[0])

    def pair_loaded(self, message: PairLoaded) -> None:
        self._set_marked(None)  # compared: the mark has done its job
        library = reader_app(self.screen).library
        self.screen.app.push_screen(CompareScreen(library, message.a, message.b))
