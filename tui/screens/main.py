"""The main screen: sources on the left, the list pane (the articles or a search's results),
the article; a header with the state of the index, a footer of keys.

The screen puts the parts together and keeps them in step; each part does its own work in its
own thread workers and posts a `tui.messages` message with the result:
- the list pane (`widgets.list_pane.ListPane`) answers the question asked of it (a scope, a
  sort, a search) and drops late answers to older ones;
- the counts (`loaders.load_counts`) fill the source list and the header;
- the article pane shows the entry under the cursor (`loaders.load_reading`);
- the jobs (`tui.jobs`) index, fetch feeds and use URLs; `screens.upkeep.LibraryUpkeep` shows
  what the indexer and the fetcher do;
- the keys that act on articles (read marks, URLs, related, compare) are
  `screens.article_actions.ArticleActions`'.

Size: about 420 lines of its own (19 bindings, the layout and the narrow one, the list pane,
the counts and the article pane kept in step) and 80 of one-line hand-offs: a key's binding and
a message's handler must be the screen's, the work is in `ArticleActions` and `LibraryUpkeep`.
The next to move out would be the narrow layout's panes and focus (`_panes`, `_cycle`,
`action_back`), into a layout collaborator.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Paste, Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList

from newsreader.tui import loaders
from newsreader.tui.jobs.articles import ArticleJobs
from newsreader.tui.jobs.fetcher import Fetcher
from newsreader.tui.jobs.indexer import Indexer
from newsreader.tui.jobs.watcher import Watcher
from newsreader.tui.keys import key_display
from newsreader.tui.messages import (
    ArticleLoaded,
    CountsLoaded,
    FeedsLoaded,
    FetchDone,
    FetchProgress,
    FilesChanged,
    IndexBatchCommitted,
    IndexChecked,
    IndexDone,
    IndexFailed,
    IndexProgress,
    PairLoaded,
    ScopeArticles,
    StoriesLoaded,
    UnreadFound,
    WatchProblem,
)
from newsreader.tui.models import ALL, Counts, ListKey, Scope
from newsreader.tui.screens.article_actions import ArticleActions
from newsreader.tui.screens.base import NARROW, ReportsWorkerErrors, reader_app
from newsreader.tui.screens.story import StoryScreen
from newsreader.tui.screens.upkeep import LibraryUpkeep
from newsreader.tui.text import one_line, pasted
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.footer import Footer
from newsreader.tui.widgets.list_pane import ListPane
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.source_list import SourceList, source_rows
from newsreader.tui.widgets.status import LibraryHeader


class MainScreen(ReportsWorkerErrors, Screen[None]):
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

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counts | None = None
        self.wanted_article: str | None = None
        """The article the pane is loading or showing (results for others are dropped)."""
        self.wanted_query = ""
        """The query whose matches it highlights."""
        self._preview_timer: Timer | None = None
        self._check_pending = False
        self._rows_shown = False
        """Whether the list has been shown once: the stories wait for it (see counts_loaded)."""
        self._stories_pending = False
        self.actions = ArticleActions(self)
        self.upkeep = LibraryUpkeep(self)

    def compose(self) -> ComposeResult:
        app = reader_app(self)
        yield LibraryHeader(id="header")
        with Horizontal(id="panes"):
            yield SourceList(id="sources")
            yield ListPane(app.library, app.read_state, keymap=app.keymap_overrides,
                           show_took=app.timings.show_took,
                           searching_delay=app.timings.searching_delay, filling=self._filling,
                           nothing_yet=self._nothing_yet,
                           id="list-pane")
            yield ArticleView(id="article")
        yield Footer()
        yield Indexer(app.library)
        yield Fetcher(app.settings)
        yield ArticleJobs(app.library)
        yield Watcher(app.library, app.timings.watch_quiet or 0.0)

    def on_mount(self) -> None:
        settings = reader_app(self).settings
        header = self.query_one(LibraryHeader)
        header.library_name = settings.name
        self.query_one("#sources").border_title = "Sources"
        self.query_one("#article").border_title = "Article"
        self.query_one(ArticleList).focus()
        self._apply_width(self.app.size.width)
        self.reload()
        if settings.feed_sources:
            self.query_one(Fetcher).load_feeds()
            if settings.fetch_on_start:
                self.action_fetch()
        if not settings.sources:
            self.show_welcome()
        else:
            header.state = "checking index…"
            # The check stats every file: start it once the first list is on screen, so the
            # list and the first keys do not wait for the GIL behind it (see rows_shown; a
            # big library is checked in a child process, see tui.index_check).
            self._check_pending = True

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        narrow = width < NARROW
        if narrow == self.has_class("-narrow"):
            return
        self.set_class(narrow, "-narrow")
        # The footer fits its keys to the width by itself (tui/widgets/footer.py).
        if narrow and isinstance(self.focused, SourceList):
            self.add_class("-choosing")  # the sources take the list's place
        if not narrow:
            self.remove_class("-reading", "-choosing")

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    # What the list pane is asked (tests and the palette read these).

    @property
    def scope(self) -> Scope:
        return self.query_one(ListPane).scope

    @property
    def query_text(self) -> str:
        return self.query_one(ListPane).query_text

    @property
    def unread_only(self) -> bool:
        return self.query_one(ListPane).unread_only

    @property
    def marked(self) -> str | None:
        return self.actions.marked

    @property
    def indexing(self) -> bool:
        return self.query_one(Indexer).indexing

    # -- the lists -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload the counts and the list (or re-run the search) for the current settings."""
        self.load_counts()
        self.query_one(ListPane).load()

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        app = reader_app(self)
        self.post_message(CountsLoaded(loaders.load_counts(app.library, app.read_state.snapshot())))

    @on(CountsLoaded)
    def counts_loaded(self, message: CountsLoaded) -> None:
        self.counts = message.counts
        reader_app(self).read_state.sync_present(message.counts.read, message.counts.asked)
        self.query_one(LibraryHeader).articles = message.counts.total
        self.show_counts()
        # The index may have changed: so may the stories. Not before the first list is on
        # screen: reading them (0.25 s of CPU at 1M articles) would hold it up for the GIL.
        if self._rows_shown:
            self.load_stories()
        else:
            self._stories_pending = True
        self.query_one(ListPane).say_list_status()

    @work(thread=True, exclusive=True, group="stories", exit_on_error=False)
    def load_stories(self) -> None:
        # After the counts (see counts_loaded): the first screen never waits for stories.
        self.post_message(StoriesLoaded(loaders.load_stories(reader_app(self).library)))

    @on(StoriesLoaded)
    def stories_loaded(self, message: StoriesLoaded) -> None:
        self.query_one(SourceList).set_stories(message.stories)

    def show_counts(self) -> None:
        """Fill the source list from the loaded counts and the read state (cheap: no index)."""
        if self.counts is None:
            return
        app = reader_app(self)
        rows = source_rows(self.counts, app.read_state, app.settings.feed_sources,
                           self.query_one(Fetcher).feeds)
        self.query_one(SourceList).set_counts(rows)

    @on(ListPane.Shown)
    def rows_shown(self, message: ListPane.Shown) -> None:
        # The preview of the first row once the list is painted: its thread (the article,
        # its matches) and its layout would otherwise hold up the rows (search as you type).
        self.call_after_refresh(self._schedule_preview, at_once=True)
        self._rows_shown = True
        if self._stories_pending:
            self._stories_pending = False
            self.load_stories()
        if self._check_pending and isinstance(message.key, ListKey):
            self._check_pending = False
            reader_app(self).started()
            self.query_one(Indexer).check()
            # From here on, what changes in the folders is updated (queued until the check
            # is done: a full update it asks for must not be refused for a few files').
            if reader_app(self).timings.watch_quiet is not None:
                self.query_one(Watcher).start()

    def _filling(self, done: int | None, total: int | None) -> str | None:
        """What an empty list says while the library is being checked or indexed."""
        found = self.query(Indexer)
        if not found:  # the app is closing: a late answer may still be shown
            return None
        indexer = found.first()
        if indexer.indexing:
            source = self.scope.source
            to_read = indexer.to_read
            if source is not None and to_read is not None:
                # One source's list: what this update still brings it, known once the folders
                # are scanned. Nothing to read in it: the list says what it will say after the
                # update (its empty folder), not "Indexing…" until the others are done.
                planned = to_read.get(source, 0)
                if not planned:
                    return None
                read = min(indexer.read.get(source, 0), planned)
                name = one_line(source)
                if read < planned:
                    return (f"Indexing {name}: {read:,} of {planned:,} files read; its articles "
                            "appear here as they are added…")
                return (f"Indexing: the {planned:,} files of {name} are read; their articles, "
                        "if any, appear here once the index is saved…")
            progress = f" ({done:,} of {total:,} files)" if done is not None and total else ""
            return f"Indexing the library{progress}: articles appear here as they are added…"
        if self._check_pending or indexer.checking:
            return "Looking for articles…"
        return None

    def _nothing_yet(self, scope: Scope) -> str | None:
        """What an empty list of `scope` says once the index is up to date: where its articles
        would come from and the key that reads them (the welcome screen's advice, in short)."""
        settings = reader_app(self).settings
        rescan, fetch = self._key("main.rescan"), self._key("main.fetch")
        if scope.kind == ALL:
            feeds = f" or fetch the feeds ({fetch})" if settings.feed_sources else ""
            return (f"No articles yet: the source folders hold no article files. Add some{feeds},"
                    f" then press {rescan} to read them.")
        source = next((s for s in settings.sources if s.name == scope.source), None)
        if source is None:
            return None
        if source.is_feed:
            return f"No entries from {one_line(source.name)} yet: press {fetch} to fetch the feeds."
        return (f"No articles in this folder yet: {one_line(str(source.path))}. Add article "
                f"files to it, then press {rescan} to read them.")

    def _key(self, binding_id: str) -> str:
        """The key(s) of one of this screen's bindings, as the user bound them."""
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
        return key_display(self.app, binding, reader_app(self).keymap_overrides)

    @on(SourceList.ScopeChosen)
    def scope_chosen(self, event: SourceList.ScopeChosen) -> None:
        event.stop()
        self.choose_scope(event.scope)
        if self.has_class("-choosing"):
            self._show_sources(False)

    @on(SourceList.StoryChosen)
    def story_chosen(self, event: SourceList.StoryChosen) -> None:
        event.stop()
        if self.has_class("-choosing"):
            self._show_sources(False)
        self.app.push_screen(StoryScreen(event.story_id), self.open_chosen)

    def open_chosen(self, article_id: str | None) -> None:
        """Open the article a screen pushed from here was closed with (related, a story)."""
        if article_id:
            self.request_article(article_id, opened=True)

    def choose_scope(self, scope: Scope) -> None:
        """Narrow the list (or the search) to one source or outlet, or show all again."""
        self.query_one(SourceList).select_scope(scope)
        self.query_one(ListPane).choose(scope)

    def palette_scopes(self) -> list[tuple[str, Scope]]:
        """Every scope the source list offers, for the palette's "Show: ..." commands."""
        scopes = [("All articles", Scope())]
        if self.counts is not None:
            scopes += [(f"Source: {n}", Scope("source", n)) for n, _ in self.counts.sources]
            scopes += [(f"Outlet: {n}", Scope("outlet", n)) for n, _ in self.counts.outlets]
        return scopes

    def action_sort(self) -> None:
        self.query_one(ListPane).toggle_sort()

    def action_unread(self) -> None:
        self.query_one(ListPane).toggle_unread()

    def action_search(self) -> None:
        self.add_class("-searching")
        if self.narrow:
            self.remove_class("-reading")
        self.query_one(SearchBar).focus()

    @on(SearchBar.Cleared)
    def search_cleared(self, event: SearchBar.Cleared) -> None:
        event.stop()
        self._close_search()

    def _close_search(self) -> None:
        self.remove_class("-searching")
        self.query_one(ArticleList).focus()
        self.query_one(ListPane).clear_search()

    def on_paste(self, event: Paste) -> None:
        """A paste anywhere but the search bar (which takes it itself) is a query, never keys
        to obey: the search opens with the pasted text in place of the one it had."""
        event.stop()
        text = pasted(event.text)
        if not text:
            return
        self.action_search()
        self.query_one(SearchBar).value = text

    # -- the article pane ----------------------------------------------------------------------

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
        delay = reader_app(self).timings.preview_delay
        if at_once or delay <= 0:
            self._preview()
        else:
            self._preview_timer = self.set_timer(delay, self._preview, name="preview")

    def _preview(self) -> None:
        """In the wide layout the pane follows the list cursor (without marking read)."""
        self._preview_timer = None
        entry = self.query_one(ArticleList).entry
        if self.narrow:
            return
        if entry is None:
            # An empty list (an empty source, a search with no hits): the pane must not go on
            # showing an article of the list before, as if it were in this one.
            if self.wanted_article is not None or self.query_one(ArticleView).reading is not None:
                self.actions.cancel_timer()
                self.wanted_article = None  # an article still loading is not shown
                self.call_next(self.query_one(ArticleView).show, None)
            return
        if entry.id == self.wanted_article and self.wanted_query == self.query_text:
            return
        self.request_article(entry.id, opened=False)

    @on(ArticleList.Opened)
    def list_opened(self, event: ArticleList.Opened) -> None:
        event.stop()
        self.request_article(event.entry.id, opened=True)

    def request_article(self, article_id: str, *, opened: bool) -> None:
        """Show `article_id` in the pane (`opened`: with enter, so it counts toward read)."""
        self.actions.cancel_timer()
        self.wanted_article = article_id
        self.wanted_query = self.query_text
        self.load_article(article_id, self.query_text, opened)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: str, query: str, opened: bool) -> None:
        reading = loaders.load_reading(reader_app(self).library, article_id, query)
        self.post_message(ArticleLoaded(article_id, reading, opened))

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
            self.actions.start_timer(message.article_id, message.reading.article.outlet)

    def action_next_match(self) -> None:
        self.query_one(ArticleView).action_next_match()

    def action_previous_match(self) -> None:
        self.query_one(ArticleView).action_previous_match()

    # -- panes and focus -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark":
            return isinstance(self.focused, ArticleList)
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
        index = next((i for i, w in enumerate(widgets) if w is self.focused), -1)
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

    # -- keys on articles (screens.article_actions) --------------------------------------------

    def action_toggle_read(self) -> None:
        self.actions.toggle_read()

    def action_next_unread(self) -> None:
        self.actions.next_unread()

    def action_mark_all_read(self) -> None:
        self.actions.mark_all_read()

    def action_open_url(self) -> None:
        self.actions.use_url("open")

    def action_copy_url(self) -> None:
        self.actions.use_url("copy")

    def action_related(self) -> None:
        self.actions.related()

    def action_mark(self) -> None:
        self.actions.mark()

    def action_compare(self) -> None:
        self.actions.compare()

    @on(UnreadFound)
    def unread_found(self, message: UnreadFound) -> None:
        self.actions.unread_found(message)

    @on(ScopeArticles)
    def scope_articles(self, message: ScopeArticles) -> None:
        self.actions.scope_articles(message)

    @on(PairLoaded)
    def pair_loaded(self, message: PairLoaded) -> None:
        self.actions.pair_loaded(message)

    # -- keeping the library up to date (screens.upkeep, tui.jobs) -------------------------------

    def action_rescan(self) -> None:
        self.upkeep.start_indexing()

    def action_fetch(self) -> None:
        self.upkeep.fetch()

    def show_welcome(self) -> None:
        self.upkeep.show_welcome()

    @on(IndexChecked)
    def index_checked(self, message: IndexChecked) -> None:
        self.upkeep.index_checked(message)

    @on(IndexProgress)
    def index_progress(self, message: IndexProgress) -> None:
        self.upkeep.index_progress(message)

    @on(IndexBatchCommitted)
    def index_batch_committed(self) -> None:
        self.reload()

    @on(IndexDone)
    def index_done(self, message: IndexDone) -> None:
        self.upkeep.index_done(message)

    @on(IndexFailed)
    def index_failed(self) -> None:
        self.upkeep.index_failed()

    @on(FetchProgress)
    def fetch_progress(self, message: FetchProgress) -> None:
        self.upkeep.fetch_progress(message)

    @on(FetchDone)
    def fetch_done(self, message: FetchDone) -> None:
        self.upkeep.fetch_done(message)

    @on(FilesChanged)
    def files_changed(self, message: FilesChanged) -> None:
        self.upkeep.files_changed(message)

    @on(WatchProblem)
    def watch_problem(self, message: WatchProblem) -> None:
        reader_app(self).warn_once(message.text, title=message.title)

    @on(FeedsLoaded)
    def feeds_loaded(self) -> None:
        self.show_counts()

    @on(OptionList.OptionHighlighted)
    def source_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.upkeep.source_highlighted(event)
