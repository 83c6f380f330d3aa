"""The main screen: sources on the left, the article list (or search results), the article.

Everything slow runs in thread workers (`tui.loaders`) that post a Message with their result;
each handler first checks the result still answers the current question (scope, sort, query),
so a late result never overwrites a newer one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Paste, Resize
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from newsreader.index.search.results import Results
from newsreader.tui import loaders
from newsreader.tui.screens.article_actions import ArticleActions
from newsreader.tui.screens.base import NARROW, ReportsWorkerErrors
from newsreader.tui.screens.fetcher import Fetcher
from newsreader.tui.screens.indexer import Indexer
from newsreader.tui.text import one_line, pasted
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.article_view import ArticleView, Reading
from newsreader.tui.widgets.footer import Footer
from newsreader.tui.widgets.rows import EntryRows, Rows, index_of
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.source_list import Count, Scope, SourceList, StoryRow
from newsreader.tui.widgets.status import LibraryHeader, StatusLine

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp



class MainScreen(Fetcher, Indexer, ArticleActions, ReportsWorkerErrors, Screen[None]):
    """Browse, search and read."""

    AUTO_FOCUS = "#articles"
    """The list has the focus from the first frame (Textual's default, the first focusable
    widget, would be the source list: one more focus change and footer rebuild at start-up)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_pane", "Next pane", show=False, id="main.next_pane",
                tooltip="Move to the next pane"),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False,
                id="main.previous_pane", tooltip="Move to the previous pane"),
        Binding("slash", "search", "Search", id="main.search", tooltip="Search the library"),
        Binding("escape", "back", "Back", show=False, id="main.back",
                tooltip="Back to the list; clear the search"),
        Binding("s", "sort", "Sort", id="main.sort",
                tooltip="Sort by relevance or date (search), date or title (list)"),
        Binding("u", "unread", "Unread", id="main.unread",
                tooltip="Show only unread articles, or all again"),
        Binding("m", "toggle_read", "Read", id="main.toggle_read",
                tooltip="Mark the article read or unread"),
        Binding("o", "open_url", "Open URL", show=False, id="main.open_url",
                tooltip="Open the article's URL in the browser"),
        Binding("y", "copy_url", "Copy URL", show=False, id="main.copy_url",
                tooltip="Copy the article's URL to the clipboard"),
        Binding("r", "related", "Related", id="main.related",
                tooltip="List articles like this one"),
        Binding("R", "rescan", "Re-scan", show=False, id="main.rescan",
                tooltip="Re-scan the source folders and update the index"),
        Binding("F", "fetch", "Fetch", show=False, id="main.fetch",
                tooltip="Fetch the feed sources, then index what is new"),
        # The article pane has its own n/N; these reach the preview from the list too.
        Binding("n", "next_match", "Next hit", show=False, id="main.next_match",
                tooltip="Go to the next search match in the article"),
        Binding("N", "previous_match", "Prev hit", show=False, id="main.previous_match",
                tooltip="Go to the previous search match in the article"),
        Binding("space", "mark", "Mark", id="main.mark",
                tooltip="Mark the article to compare it with another"),
        Binding("c", "compare", "Compare", id="main.compare",
                tooltip="Compare the marked article with this one"),
        Binding("U", "next_unread", "Next unread", show=False, id="main.next_unread",
                tooltip="Go to the next unread article in the list (and open it when reading)"),
        Binding("A", "mark_all_read", "All read", show=False, id="main.mark_all_read",
                tooltip="Mark every article in the list read (the source or search shown; "
                "asks first)"),
    ]

    # -- messages from the workers ---------------------------------------------------------

    class CountsLoaded(Message):
        def __init__(self, counts: loaders.Counts) -> None:
            super().__init__()
            self.counts = counts

    class StoriesLoaded(Message):
        def __init__(self, stories: list[StoryRow]) -> None:
            super().__init__()
            self.stories = stories

    class RowsLoaded(Message):
        def __init__(self, key: tuple[object, ...], rows: Rows) -> None:
            super().__init__()
            self.key = key
            self.rows = rows

    class SearchDone(Message):
        def __init__(self, key: tuple[object, ...], results: Results, rows: Rows) -> None:
            super().__init__()
            self.key = key
            self.results = results
            self.rows = rows

    class UnreadFound(Message):
        def __init__(self, key: tuple[object, ...], index: int | None) -> None:
            super().__init__()
            self.key = key
            self.index = index

    class ScopeArticles(Message):
        def __init__(self, key: tuple[object, ...], articles: list[tuple[str, str]]) -> None:
            super().__init__()
            self.key = key
            self.articles = articles

    class ArticleLoaded(Message):
        def __init__(self, article_id: str, reading: Reading | None, opened: bool) -> None:
            super().__init__()
            self.article_id = article_id
            self.reading = reading
            self.opened = opened

    # -- layout -----------------------------------------------------------------------------

    def __init__(self) -> None:
        super().__init__()
        self.scope = Scope()
        self.query_text = ""
        self.list_sort = "date"
        self.search_sort = "relevance"
        self.unread_only = False
        self.marked: str | None = None
        self.counts: loaders.Counts | None = None
        self.results: Results | None = None
        self.wanted_article: str | None = None
        """The article the pane is loading or showing (results for others are dropped)."""
        self.wanted_query = ""
        """The query whose matches it highlights."""
        self._read_timer: Timer | None = None
        self.indexing = False
        self._shown_key: tuple[object, ...] | None = None
        self._preview_timer: Timer | None = None
        self._check_pending = False

    @property
    def nr_app(self) -> NewsreaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield LibraryHeader(id="header")
        with Horizontal(id="panes"):
            yield SourceList(id="sources")
            with Vertical(id="list-pane"):
                yield SearchBar(id="search")
                yield StatusLine(id="status")
                yield ArticleList(is_read=self.nr_app.read_state.is_read, id="articles")
            yield ArticleView(id="article")
        yield Footer()

    def on_mount(self) -> None:
        header = self.query_one(LibraryHeader)
        header.library_name = self.nr_app.settings.name
        self.query_one("#sources").border_title = "Sources"
        self.query_one("#list-pane").border_title = "Articles"
        self.query_one("#article").border_title = "Article"
        article_list = self.query_one(ArticleList)
        article_list.marked = None
        # Until the first rows arrive (a moment at 100,000 articles) the list says so.
        article_list.empty_text = "Loading…"
        self.query_one(StatusLine).say("loading…")
        article_list.focus()
        self._apply_width(self.app.size.width)
        self.reload()
        if self.nr_app.settings.feed_sources:
            self.load_feeds()
            if self.nr_app.settings.fetch_on_start:
                self.action_fetch()
        if not self.nr_app.settings.sources:
            self.show_welcome()
        else:
            header.state = "checking index…"
            # The check stats every file: start it once the first list is on screen, so the
            # list and the first keys do not wait for the GIL behind it (see rows_loaded; a
            # big library is checked in a child process, see tui.index_check).
            self._check_pending = True

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        narrow = width < NARROW
        if narrow == self.has_class("-narrow"):
            return
        self.set_class(narrow, "-narrow")
        # At 90 columns the footer's keys fit only without the padding around them and without
        # the palette's "^p Commands" (ctrl+p still opens it; help lists it).
        footer = self.query_one(Footer)
        footer.compact = narrow
        footer.show_command_palette = not narrow
        # Neither is a recomposing reactive: without this the footer kept "^p Commands" over
        # its last keys after a resize from wide to narrow, until the bindings next changed.
        footer.refresh(recompose=True)
        if narrow and isinstance(self.focused, SourceList):
            self.add_class("-choosing")  # the sources take the list's place
        if not narrow:
            self.remove_class("-reading", "-choosing")

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload the counts and the list (or re-run the search) for the current settings."""
        self.load_counts()
        self.refresh_list()

    def refresh_list(self) -> None:
        read = self.nr_app.read_state.snapshot() if self.unread_only else None
        status = self.query_one(StatusLine)
        if self.query_text:
            status.say("searching…")
            self.search_worker(self._search_key(), read)
        else:
            self.load_rows(self._list_key(), read)

    def _list_key(self) -> tuple[object, ...]:
        return ("list", self.scope, self.list_sort, self.unread_only)

    def _search_key(self) -> tuple[object, ...]:
        return ("search", self.query_text, self.scope, self.search_sort, self.unread_only)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        read = self.nr_app.read_state.snapshot()
        self.post_message(self.CountsLoaded(loaders.load_counts(self.nr_app.library, read)))

    @work(thread=True, exclusive=True, group="stories", exit_on_error=False)
    def load_stories(self) -> None:
        # After the counts (see counts_loaded): the first screen never waits for stories.
        self.post_message(self.StoriesLoaded(loaders.load_stories(self.nr_app.library)))

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def load_rows(self, key: tuple[object, ...], read: frozenset[str] | None) -> None:
        _, scope, sort, _ = key
        rows = loaders.load_rows(self.nr_app.library, scope, sort, read)  # type: ignore[arg-type]
        self.post_message(self.RowsLoaded(key, rows))

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def search_worker(self, key: tuple[object, ...], read: frozenset[str] | None) -> None:
        _, query, scope, sort, _ = key
        results, rows = loaders.run_search(
            self.nr_app.library, query, scope, sort, read  # type: ignore[arg-type]
        )
        self.post_message(self.SearchDone(key, results, rows))

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: str, query: str, opened: bool) -> None:
        reading = loaders.load_reading(self.nr_app.library, article_id, query)
        self.post_message(self.ArticleLoaded(article_id, reading, opened))

    # -- results ------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # (The mixins' handlers run too: the failure itself is reported by the app.)
        # A first list that failed to load must not say "Loading…" for ever.
        if event.worker.group == "index-check" and event.state in (
            WorkerState.ERROR, WorkerState.CANCELLED
        ):
            self.checking = False
        if event.state == WorkerState.ERROR and event.worker.group == "list" and (
            self._shown_key is None
        ):
            self.query_one(ArticleList).empty_text = "The articles could not be loaded."
            self.query_one(StatusLine).say("")

    @on(CountsLoaded)
    def counts_loaded(self, message: CountsLoaded) -> None:
        self.counts = message.counts
        self.nr_app.read_state.sync_present(message.counts.read, message.counts.asked)
        self.query_one(LibraryHeader).articles = message.counts.total
        self.show_counts()
        self.load_stories()  # the index may have changed: so may the stories
        if self.query_text == "" and self._shown_key == self._list_key():
            self._say_list_status()  # (not before the list is in: it would say "0 articles")

    def show_counts(self) -> None:
        """Fill the source list from the loaded counts and the read state (cheap: no index)."""
        counts = self.counts
        if counts is None:
            return
        # Only read articles that are in the library count (`ReadState.sync_present`), keyed
        # as the index's source and outlet filters are: the numbers are what `u` lists.
        read = self.nr_app.read_state
        by_source, by_outlet = read.read_by_source(), read.read_by_outlet()
        unread_total = max(0, counts.total - read.read_in_library())
        feed_names = {s.name.casefold() for s in self.nr_app.settings.feed_sources}
        self.query_one(SourceList).set_counts(
            Count("All", counts.total, unread_total),
            [
                Count(n, c, max(0, c - by_source[n.lower()]))
                for n, c in counts.sources
                if n.casefold() not in feed_names
            ],
            [Count(n, c, max(0, c - by_outlet[n.lower()])) for n, c in counts.outlets],
            self.feed_rows(counts, by_source, by_outlet),
        )

    @on(RowsLoaded)
    def rows_loaded(self, message: RowsLoaded) -> None:
        if self.query_text or message.key != self._list_key():
            return  # a stale answer: the user has moved on
        self._show_rows(message.key, message.rows)
        self._say_list_status()
        if self._check_pending:
            self._check_pending = False
            self.checking = True
            self.check_index()

    @on(SearchDone)
    def search_done(self, message: SearchDone) -> None:
        if message.key != self._search_key():
            return
        self.results = message.results
        self._show_rows(message.key, message.rows, empty="No matches.")
        self._say_search_status(message.results, len(message.rows))

    def _show_rows(self, key: tuple[object, ...], rows: Rows, empty: str = "No articles.") -> None:
        article_list = self.query_one(ArticleList)
        current = article_list.entry
        # The same list reloaded (after indexing, say) keeps the cursor on its article; a new
        # list (another search, scope or sort) starts at the top.
        same = key == self._shown_key
        self._shown_key = key
        cursor = index_of(rows, current.id) if current and same else None
        article_list.empty_text = self._empty_text(empty)
        article_list.show(rows, cursor=cursor or 0)
        self._schedule_preview(at_once=True)

    def _empty_text(self, empty: str, done: int | None = None, total: int | None = None) -> str:
        """What the empty list says: that it is filling while the library is being checked
        or indexed (a first launch), else `empty`."""
        if self.indexing:
            progress = f" ({done:,} of {total:,} files)" if done is not None and total else ""
            return f"Indexing the library{progress}: articles appear here as they are added…"
        if self._check_pending or self.checking:
            return "Looking for articles…"
        return empty if not self.unread_only else "No unread articles."

    def show_filling(self, done: int | None = None, total: int | None = None) -> None:
        """Say, in an empty list, how far indexing has come."""
        article_list = self.query_one(ArticleList)
        if not len(article_list) and self._shown_key is not None:
            article_list.empty_text = self._empty_text("No articles.", done, total)

    def _say_list_status(self) -> None:
        total = len(self.query_one(ArticleList))
        label = "All" if self.scope.name is None else one_line(self.scope.name)
        parts = [label, f"{total:,} article{'' if total == 1 else 's'}",
                 "newest first" if self.list_sort == "date" else "by title"]
        if self.unread_only:
            parts.append("unread only")
        if self.fetch_notice:
            parts.append(self.fetch_notice)  # a failed feed, until the user moves on
        self.query_one(StatusLine).say(" · ".join(parts))

    def _say_search_status(self, results: Results, shown: int) -> None:
        text = Text(end="")
        text.append(f"{results.total:,} result{'' if results.total == 1 else 's'}")
        if self.scope.name is not None:
            # The selected source or outlet narrows the search too: say so, or "61 results"
            # reads as the whole library's answer.
            text.append(f" in {one_line(self.scope.name)}", style="bold")
        if shown < results.total:
            text.append(f" (showing {shown:,})")
        search_bar = self.query_one(SearchBar)
        search_bar.suggestion = results.suggestion
        if results.suggestion:
            # Right after the count: the line is cut at the pane's edge (64 cells at 160x45).
            text.append(" · did you mean ")
            text.append(one_line(results.suggestion), style="bold")
            text.append(f"? ({self._accept_key(search_bar)})")
        if self.nr_app.show_timing:
            text.append(f" · {results.took_ms:.0f} ms")
        text.append(" · by relevance" if self.search_sort == "relevance" else " · newest first")
        if self.unread_only:
            text.append(" · unread only")
        if results.notice:
            text.append(" · " + one_line(results.notice), style="italic")
        self.query_one(StatusLine).say(text)

    def _accept_key(self, search_bar: SearchBar) -> str:
        """How the key that accepts a suggestion is shown, after any rebinding."""
        from newsreader.tui.screens.help import key_display

        binding = next(b for b in search_bar.BINDINGS
                       if isinstance(b, Binding) and b.id == "search.accept_suggestion")
        return key_display(self.app, binding, self.nr_app.keymap_overrides)

    @on(ArticleList.Highlighted)
    def list_highlighted(self, event: ArticleList.Highlighted) -> None:
        event.stop()
        self._schedule_preview()

    def _schedule_preview(self, *, at_once: bool = False) -> None:
        """Preview the entry under the cursor once it rests; `at_once` for a list just shown
        (the delay is for a cursor on the move, and would only hold up the first screen)."""
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None
        if self.narrow:
            return
        if at_once or self.nr_app.preview_delay <= 0:
            self._preview()
        else:
            delay = self.nr_app.preview_delay
            self._preview_timer = self.set_timer(delay, self._preview, name="preview")

    def _preview(self) -> None:
        """In the wide layout the pane follows the list cursor (without marking read)."""
        self._preview_timer = None
        entry = self.query_one(ArticleList).entry
        if self.narrow or entry is None:
            return
        if entry.id == self.wanted_article and self.wanted_query == self.query_text:
            return
        self._request_article(entry.id, opened=False)

    def action_next_match(self) -> None:
        self.query_one(ArticleView).action_next_match()

    def action_previous_match(self) -> None:
        self.query_one(ArticleView).action_previous_match()

    @on(ArticleList.Opened)
    def list_opened(self, event: ArticleList.Opened) -> None:
        event.stop()
        self._request_article(event.entry.id, opened=True)

    def _request_article(self, article_id: str, *, opened: bool) -> None:
        self._cancel_read_timer()
        self.wanted_article = article_id
        self.wanted_query = self.query_text
        self.load_article(article_id, self.query_text, opened)

    @on(ArticleLoaded)
    async def article_loaded(self, message: ArticleLoaded) -> None:
        if message.article_id != self.wanted_article:
            return
        view = self.query_one(ArticleView)
        if view.reading is None or view.reading.id != message.article_id or (
            view.reading.query != self.query_text
        ):
            await view.show(message.reading)
        if message.opened and message.reading is not None:
            if self.narrow:
                self.add_class("-reading")
            view.focus()
            self._start_read_timer(message.article_id, message.reading.article.outlet)

    # -- read state -------------------------------------------------------------------------

    def _start_read_timer(self, article_id: str, outlet: str) -> None:
        self._cancel_read_timer()
        if self.nr_app.read_state.is_read(article_id):
            return

        def mark() -> None:
            self._read_timer = None
            if self.wanted_article == article_id:
                self._set_read(article_id, True, outlet)

        if self.nr_app.read_delay <= 0:
            mark()  # Textual timers need a positive delay; 0 means "at once"
        else:
            self._read_timer = self.set_timer(self.nr_app.read_delay, mark, name="mark-read")

    def _cancel_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None

    def _set_read(self, article_id: str, read: bool, outlet: str) -> None:
        state = self.nr_app.read_state
        if state.set_read(article_id, read, outlet=outlet):
            self.query_one(ArticleList).refresh_rows()
            self.show_counts()
        if state.error:
            self.notify(state.error, severity="warning", markup=False)
            state.error = None

    # -- search -----------------------------------------------------------------------------

    @on(SearchBar.QueryChanged)
    def query_changed(self, event: SearchBar.QueryChanged) -> None:
        event.stop()
        self.query_text = event.query
        self.results = None
        self.query_one("#list-pane").border_title = "Results" if event.query else "Articles"
        self.refresh_list()

    @on(SearchBar.Done)
    def search_submitted(self, event: SearchBar.Done) -> None:
        event.stop()
        self.query_one(ArticleList).focus()

    @on(SearchBar.Cleared)
    def search_cleared(self, event: SearchBar.Cleared) -> None:
        event.stop()
        self._close_search()

    def _close_search(self) -> None:
        self.remove_class("-searching")
        self.query_one(ArticleList).focus()
        self.query_one("#list-pane").border_title = "Articles"
        if self.query_text:
            self.query_text = ""
            self.results = None
            self.refresh_list()

    @on(SourceList.ScopeChosen)
    def scope_chosen(self, event: SourceList.ScopeChosen) -> None:
        event.stop()
        self.choose_scope(event.scope)
        if self.has_class("-choosing"):
            self._show_sources(False)

    @on(StoriesLoaded)
    def stories_loaded(self, message: StoriesLoaded) -> None:
        self.query_one(SourceList).set_stories(message.stories)

    @on(SourceList.StoryChosen)
    def story_chosen(self, event: SourceList.StoryChosen) -> None:
        event.stop()
        from newsreader.tui.screens.story import StoryScreen  # imported on use

        if self.has_class("-choosing"):
            self._show_sources(False)
        self.app.push_screen(StoryScreen(event.story_id), self._related_closed)

    def choose_scope(self, scope: Scope) -> None:
        """Narrow the list (or the search) to one source or outlet, or show all again."""
        self.scope = scope
        self.fetch_notice = ""
        self.query_one(SourceList).select_scope(scope)
        self.refresh_list()

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.focused
        if action == "mark":
            return isinstance(focused, ArticleList)
        if action == "compare":
            return self.marked is not None or None  # shown dimmed until something is marked
        return True

    def _panes(self) -> list[str]:
        if self.narrow:
            # One pane at a time: tab goes between the sources and the list (with the search
            # input when it is open); the article, once opened, until escape.
            if self.has_class("-reading"):
                return ["#article"]
            return ["#sources", "#search", "#articles"]
        return ["#sources", "#search", "#articles", "#article"]

    def _cycle(self, step: int) -> None:
        panes = [p for p in self._panes() if p != "#search" or self.has_class("-searching")]
        widgets = [self.query_one(p) for p in panes]
        focused = self.focused
        index = next((i for i, w in enumerate(widgets) if w is focused), -1)
        target = widgets[(index + step) % len(widgets)]
        if self.narrow:
            self.set_class(isinstance(target, SourceList), "-choosing")
        target.focus()

    def _show_sources(self, show: bool) -> None:
        """In the narrow layout, show the sources in the list's place, or the list again."""
        self.set_class(show, "-choosing")
        (self.query_one(SourceList) if show else self.query_one(ArticleList)).focus()

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_previous_pane(self) -> None:
        self._cycle(-1)

    def action_search(self) -> None:
        self.add_class("-searching")
        if self.narrow:
            self.remove_class("-reading")
        self.query_one(SearchBar).focus()

    def on_paste(self, event: Paste) -> None:
        """A paste anywhere but the search bar (which takes it itself) is a query, never keys
        to obey: the search opens with the pasted text in place of the one it had."""
        event.stop()
        text = pasted(event.text)
        if not text:
            return
        self.action_search()
        self.query_one(SearchBar).value = text

    def action_back(self) -> None:
        if self.has_class("-choosing"):
            self._show_sources(False)
        elif self.narrow and self.has_class("-reading"):
            self.remove_class("-reading")
            self.query_one(ArticleList).focus()
        elif isinstance(self.focused, ArticleView):
            self.query_one(ArticleList).focus()
        elif self.has_class("-searching"):
            self.query_one(SearchBar).reset()
            self._close_search()
        elif self.scope != Scope():
            self.choose_scope(Scope())

    def action_sort(self) -> None:
        if self.query_text:
            self.search_sort = "date" if self.search_sort == "relevance" else "relevance"
        else:
            self.list_sort = "title" if self.list_sort == "date" else "date"
        self.refresh_list()

    def action_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.refresh_list()

    # -- next unread, mark all read ----------------------------------------------------------

    def action_next_unread(self) -> None:
        article_list = self.query_one(ArticleList)
        rows = article_list.rows
        read = self.nr_app.read_state.snapshot()
        if isinstance(rows, EntryRows):  # search hits or an unread-only list: all in memory
            count = len(rows.entries)
            order = [*range(article_list.cursor + 1, count), *range(article_list.cursor + 1)]
            found = next((i for i in order if rows.entries[i].id not in read), None)
            self._go_to_unread(found)
        else:
            self.find_unread(self._list_key(), read, article_list.cursor)

    @work(thread=True, exclusive=True, group="unread", exit_on_error=False)
    def find_unread(self, key: tuple[object, ...], read: frozenset[str], after: int) -> None:
        index = loaders.next_unread(self.nr_app.library, self.scope, self.list_sort, read, after)
        self.post_message(self.UnreadFound(key, index))

    @on(UnreadFound)
    def unread_found(self, message: UnreadFound) -> None:
        if message.key == self._shown_key:
            self._go_to_unread(message.index)

    def _go_to_unread(self, index: int | None) -> None:
        if index is None:
            self.notify("No unread articles here.", timeout=3)
            return
        article_list = self.query_one(ArticleList)
        reading = isinstance(self.focused, ArticleView) or self.has_class("-reading")
        article_list.cursor = index
        entry = article_list.entry
        if reading and entry is not None:
            self._request_article(entry.id, opened=True)

    def action_mark_all_read(self) -> None:
        rows = self.query_one(ArticleList).rows
        key = self._search_key() if self.query_text else self._list_key()
        if self.query_text or isinstance(rows, EntryRows):
            # What the list shows is what gets marked: the hits, or the unread-only list.
            entries = rows.entries if isinstance(rows, EntryRows) else []
            self.post_message(self.ScopeArticles(key, [(e.id, e.outlet) for e in entries]))
        else:
            self.load_scope_articles(key)

    @work(thread=True, exclusive=True, group="mark-all", exit_on_error=False)
    def load_scope_articles(self, key: tuple[object, ...]) -> None:
        articles = loaders.scope_articles(self.nr_app.library, self.scope)
        self.post_message(self.ScopeArticles(key, articles))

    @on(ScopeArticles)
    def scope_articles(self, message: ScopeArticles) -> None:
        if message.key != (self._search_key() if self.query_text else self._list_key()):
            return
        state = self.nr_app.read_state
        unread = [(i, outlet) for i, outlet in message.articles if not state.is_read(i)]
        if not unread:
            self.notify("Every article here is read already.", timeout=3)
            return
        where = "in all sources" if self.scope.name is None else f"in {one_line(self.scope.name)}"
        if self.query_text:
            where = f"found for {one_line(self.query_text)!r}"
        question = Text(f"Mark {len(unread):,} unread article{'' if len(unread) == 1 else 's'} "
                        f"{where} read?", end="")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            state.set_all_read(unread)
            self.query_one(ArticleList).refresh_rows()
            self.show_counts()
            if state.error:
                self.notify(state.error, severity="warning", markup=False)
                state.error = None
            if self.unread_only:
                self.refresh_list()

        from newsreader.tui.screens.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(question), answered)

    # -- for the command palette ------------------------------------------------------------

    def palette_scopes(self) -> list[tuple[str, Scope]]:
        """Every scope the source list offers, for "Show: ..." commands."""
        scopes = [("All articles", Scope())]
        if self.counts is not None:
            scopes += [(f"Source: {n}", Scope("source", n)) for n, _ in self.counts.sources]
            scopes += [(f"Outlet: {n}", Scope("outlet", n)) for n, _ in self.counts.outlets]
        return scopes
