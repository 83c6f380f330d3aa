"""The list pane: the search bar, the status line and the article list, and the question they
answer: the browse list of a scope in an order, or a search's hits (`ListKey`, `SearchKey`).

The pane owns its thread workers: the rows of the browse list (`loaders.load_rows`) and the
search (`loaders.run_search`) run in one exclusive group, so a newer question cancels the
older one, and a result is shown only if it still answers the question asked now (a late one
is dropped). The pane posts `Shown` when new rows are on show; the article list's
`Highlighted` and `Opened` messages, and the search bar's `Cleared`, go on up to the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.tui import loaders
from newsreader.tui.keys import key_display
from newsreader.tui.messages import (
    RowsLoaded,
    SearchDone,
    SnippetsLoaded,
    SuggestionFound,
    WorkerFailed,
)
from newsreader.tui.models import (
    EntryRows,
    ListKey,
    PagedRows,
    Rows,
    RowsKey,
    Scope,
    SearchKey,
    index_of,
)
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.status import StatusLine, list_status, search_status

if TYPE_CHECKING:
    from newsreader.index.search.results import Results
    from newsreader.index.store.library import Library
    from newsreader.tui.state import ReadState

FIRST_SNIPPETS = 20
"""Hits given their snippets with the search when the list has no size yet (not laid out)."""

Filling = Callable[[int | None, int | None], str | None]
"""What an empty list says while the library is being checked or indexed, given how many
files of how many are done (None when it is neither)."""

NothingYet = Callable[[Scope], str | None]
"""What an empty browse list of a scope says once the library is checked and indexed (where
articles would come from); None for the plain "No articles."."""


class ListPane(Vertical):
    """The article list of `scope` (or the search's hits) and the bar and line above it."""

    class Shown(Message):
        """New rows are on show, answering `key`."""

        def __init__(self, key: RowsKey) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        library: Library,
        read_state: ReadState,
        *,
        keymap: Mapping[str, str],
        show_took: bool = True,
        searching_delay: float = 0.0,
        filling: Filling = lambda _done, _total: None,
        nothing_yet: NothingYet = lambda _scope: None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.library = library
        self.read_state = read_state
        self.keymap = keymap
        """The user's rebinding (binding id -> keys), to show the key that accepts a
        suggestion as it is bound."""
        self.show_took = show_took
        self.searching_delay = searching_delay
        """Seconds a search runs before the status line says "searching…" (see `load`)."""
        self._searching_timer: Timer | None = None
        self.filling = filling
        self.nothing_yet = nothing_yet
        self.scope = Scope()
        self.query_text = ""
        self.list_sort = "date"
        self.search_sort = "relevance"
        self.unread_only = False
        self.notice = ""
        """Said at the end of the list's status (a failed feed) until the scope changes."""
        self.shown_key: RowsKey | None = None
        """The question the rows on show answer (None before the first rows)."""
        self.shown_results: Results | None = None
        """The search whose hits are on show, for the snippets still to come."""

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        yield StatusLine(id="status")
        yield ArticleList(is_read=self.read_state.is_read, id="articles")

    def on_mount(self) -> None:
        self.border_title = "Articles"
        article_list = self.query_one(ArticleList)
        article_list.marked = None
        # Until the first rows arrive (a moment at 100,000 articles) the list says so.
        article_list.empty_text = "Loading…"
        self.query_one(StatusLine).say("loading…")

    # -- the question -------------------------------------------------------------------------

    def list_key(self) -> ListKey:
        return ListKey(self.scope, self.list_sort, self.unread_only)

    def search_key(self) -> SearchKey:
        return SearchKey(self.query_text, self.scope, self.search_sort, self.unread_only)

    def key(self) -> RowsKey:
        """The question the list answers now: the search's, or the browse list's."""
        return self.search_key() if self.query_text else self.list_key()

    def load(self) -> None:
        """Load the list (or run the search) for the current question."""
        read = self.read_state.snapshot() if self.unread_only else None
        self._stop_searching_timer()
        if self.query_text:
            # Said only of a search still running after `searching_delay`: until its hits
            # come the screen stays as it is, so that they are painted as soon as they are in
            # (a repaint now would hold them back until Textual's next frame, 17-33 ms later,
            # for a line on screen for as long).
            if self.searching_delay > 0:
                self._searching_timer = self.set_timer(
                    self.searching_delay, self._say_searching, name="searching"
                )
            else:
                self._say_searching()
            # The rows on screen get their snippets with the hits, the rest as they scroll in.
            in_view = self.query_one(ArticleList).rows_in_view()
            self._search(self.search_key(), read, in_view or FIRST_SNIPPETS)
        else:
            self._load_rows(self.list_key(), read)

    def _say_searching(self) -> None:
        self._searching_timer = None
        if self.query_text:
            self.query_one(StatusLine).say("searching…")

    def _stop_searching_timer(self) -> None:
        if self._searching_timer is not None:
            self._searching_timer.stop()
            self._searching_timer = None

    def choose(self, scope: Scope) -> None:
        """Narrow the list (or the search) to `scope`."""
        self.scope = scope
        self.notice = ""
        self.load()

    def toggle_sort(self) -> None:
        if self.query_text:
            self.search_sort = "date" if self.search_sort == "relevance" else "relevance"
        else:
            self.list_sort = "title" if self.list_sort == "date" else "date"
        self.load()

    def toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.load()

    def clear_search(self) -> None:
        """Back to the browse list (the search bar has been emptied)."""
        self.border_title = "Articles"
        if self.query_text:
            self.query_text = ""
            self.load()

    @on(SearchBar.QueryChanged)
    def _query_changed(self, event: SearchBar.QueryChanged) -> None:
        event.stop()
        self.query_text = event.query
        title = "Results" if event.query else "Articles"
        if self.border_title != title:  # (setting it repaints the whole pane, even unchanged)
            self.border_title = title
        self.load()

    @on(SearchBar.Done)
    def _search_submitted(self, event: SearchBar.Done) -> None:
        event.stop()
        self.query_one(ArticleList).focus()

    # -- the answer ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _load_rows(self, key: ListKey, read: frozenset[str] | None) -> None:
        rows = loaders.load_rows(self.library, key.scope, key.sort, read)
        self.post_message(RowsLoaded(key, rows))

    @work(thread=True, exclusive=True, group="order", exit_on_error=False)
    def _prepare_order(self, key: ListKey) -> None:
        self.library.prepare_list(source=key.scope.source, outlet=key.scope.outlet, sort=key.sort)

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _search(self, key: SearchKey, read: frozenset[str] | None, first: int) -> None:
        results, rows = loaders.run_search(
            self.library, key.query, key.scope, key.sort, read, first, suggest=False
        )
        self.post_message(SearchDone(key, results, rows))

    def _suggest_if_shown(self, key: SearchKey, results: Results) -> None:
        """Look for a "did you mean" once the hits are painted (see `_search_answered`), if
        they are still the ones on show."""
        if key == self.shown_key and results is self.shown_results:
            self._suggest(key, results)

    # "Did you mean" reads the term lists around each word of the query (tens of ms for a new
    # word at 100,000 articles): in a thread of its own, started after the hits are painted so
    # that it does not take the GIL from the paint; a newer search's replaces it.
    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _suggest(self, key: SearchKey, results: Results) -> None:
        if get_current_worker().is_cancelled:
            return
        suggestion = loaders.find_suggestion(self.library, results, key.scope)
        if suggestion is not None:
            self.post_message(SuggestionFound(key, suggestion))

    @on(SuggestionFound)
    def _suggestion_found(self, message: SuggestionFound) -> None:
        if message.key != self.shown_key or self.shown_results is None:
            return
        self.shown_results = replace(self.shown_results, suggestion=message.suggestion)
        self._say_search_status(self.shown_results, len(self.query_one(ArticleList)))

    @on(ArticleList.SnippetsWanted)
    def _snippets_wanted(self, message: ArticleList.SnippetsWanted) -> None:
        message.stop()
        key, results = self.shown_key, self.shown_results
        if not isinstance(key, SearchKey) or results is None:
            return
        if message.rows is not self.query_one(ArticleList).rows:
            return  # rows already replaced: their snippets are wanted no more
        ids = [message.rows.entries[i].id for i in message.indexes]
        self._load_snippets(key, results, message.rows, message.indexes, ids)

    # Not exclusive: each asks for other rows, and a few rows' snippets take a few ms.
    @work(thread=True, group="snippets", exit_on_error=False)
    def _load_snippets(
        self, key: SearchKey, results: Results, rows: EntryRows, indexes: list[int],
        ids: list[str],
    ) -> None:  # fmt: skip
        snippets = loaders.load_snippets(self.library, results, ids)
        self.post_message(SnippetsLoaded(key, rows, indexes, snippets))

    @on(SnippetsLoaded)
    def _snippets_loaded(self, message: SnippetsLoaded) -> None:
        message.rows.fill(message.indexes, message.snippets)
        self.query_one(ArticleList).snippets_filled(message.rows, message.indexes)

    @on(RowsLoaded)
    def _rows_loaded(self, message: RowsLoaded) -> None:
        if self.query_text or message.key != self.list_key():
            return  # a stale answer: the user has moved on
        self._show_rows(message.key, message.rows)
        self.say_list_status()
        if isinstance(message.rows, PagedRows):
            # Its first pages came from the head of the order (Library.list_articles): the
            # whole order is sorted once the rows are painted, before the list is paged far.
            self.call_after_refresh(self._prepare_order, message.key)

    @on(SearchDone)
    def _search_answered(self, message: SearchDone) -> None:
        if message.key != self.search_key():
            return
        self._stop_searching_timer()
        self.shown_results = message.results
        self._show_rows(message.key, message.rows, empty="No matches.")
        self._say_search_status(message.results, len(message.rows))
        self.call_after_refresh(self._suggest_if_shown, message.key, message.results)

    def _say_search_status(self, results: Results, shown: int) -> None:
        search_bar = self.query_one(SearchBar)
        search_bar.suggestion = results.suggestion
        binding = next(b for b in search_bar.BINDINGS
                       if isinstance(b, Binding) and b.id == "search.accept_suggestion")
        self.query_one(StatusLine).say(search_status(
            results, shown, scope_name=self.scope.name,
            sort=self.search_sort, unread_only=self.unread_only,
            accept_key=key_display(self.app, binding, self.keymap), show_took=self.show_took,
        ))

    def _show_rows(self, key: RowsKey, rows: Rows, empty: str = "No articles.") -> None:
        article_list = self.query_one(ArticleList)
        current = article_list.entry
        # The same list reloaded (after indexing, say) keeps the cursor on its article; a new
        # list (another search, scope or sort) starts at the top.
        same = key == self.shown_key
        self.shown_key = key
        cursor = index_of(rows, current.id) if current and same else None
        article_list.empty_text = self._empty_text(empty)
        article_list.show(rows, cursor=cursor or 0)
        self.post_message(self.Shown(key))

    def _empty_text(self, empty: str, done: int | None = None, total: int | None = None) -> str:
        """What the empty list says: that it is filling while the library is being checked
        or indexed (a first launch), else `empty`."""
        filling = self.filling(done, total)
        if filling is not None:
            return filling
        if self.unread_only:
            return "No unread articles."
        if not self.query_text:
            return self.nothing_yet(self.scope) or empty
        return empty

    def show_filling(self, done: int | None = None, total: int | None = None) -> None:
        """Say, in an empty list, how far indexing has come."""
        article_list = self.query_one(ArticleList)
        if not len(article_list) and self.shown_key is not None:
            empty = "No matches." if self.query_text else "No articles."
            article_list.empty_text = self._empty_text(empty, done, total)

    def say_list_status(self) -> None:
        """Say what the browse list shows, if it is on show."""
        if self.query_text or self.shown_key != self.list_key():
            return  # (not before the list is in: it would say "0 articles")
        total = len(self.query_one(ArticleList))
        self.query_one(StatusLine).say(list_status(
            self.scope.name, total, self.list_sort, unread_only=self.unread_only,
            notice=self.notice,
        ))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.post_message(WorkerFailed(event.worker))
        # A first list that failed to load must not say "Loading…" for ever.
        if self.shown_key is None:
            self.query_one(ArticleList).empty_text = "The articles could not be loaded."
            self.query_one(StatusLine).say("")
