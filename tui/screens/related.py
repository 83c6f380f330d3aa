"""Articles like the open one (`index.search.results.related`): enter opens one, c compares."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from newsreader.index.search.results import related
from newsreader.tui.jobs.articles import ArticleJobs
from newsreader.tui.messages import PairLoaded, RelatedLoaded
from newsreader.tui.models import Entry, EntryRows
from newsreader.tui.screens.base import ReaderModal, ReportsWorkerErrors, reader_app
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.text import one_line
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.footer import Footer
from newsreader.tui.widgets.status import StatusLine

LIMIT = 20


class RelatedScreen(ReportsWorkerErrors, ReaderModal[str | None]):
    """Dismisses with the id of the article to open, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="related.close", tooltip="Close the list"),
        Binding("c", "compare", "Compare", id="related.compare",
                tooltip="Compare the open article with the chosen one"),
    ]

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id

    def compose(self) -> ComposeResult:
        with Vertical(id="related-body") as body:
            body.border_title = "Related articles"
            body.border_subtitle = "enter open · c compare · escape close"
            yield StatusLine("finding related articles…", id="related-status")
            yield ArticleList(is_read=reader_app(self).read_state.is_read, id="related-list")
        yield ArticleJobs(reader_app(self).library)
        # Its own keys underneath, not those of the screen below (which stay in its footer).
        yield Footer()

    def on_mount(self) -> None:
        article_list = self.query_one(ArticleList)
        article_list.show_scores = True
        article_list.focus()
        self.load()

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def load(self) -> None:
        library = reader_app(self).library
        article = library.get(self.article_id)
        hits = related(library, self.article_id, limit=LIMIT)
        title = article.title if article is not None else self.article_id
        self.post_message(RelatedLoaded(title, [Entry.from_hit(h) for h in hits]))

    @on(RelatedLoaded)
    def loaded(self, message: RelatedLoaded) -> None:
        found = len(message.entries)
        # Which article these relate to (the list may have moved on behind the screen), and
        # that they come most alike first, with the score `newsreader related` prints.
        status = Text("Related to ", end="")
        status.append(one_line(message.title) or "(untitled)", style="bold")
        status.append(f" · {found} article{'' if found == 1 else 's'}, most alike first"
                      if found else " · nothing related")
        self.query_one(StatusLine).say(status)
        self.query_one(ArticleList).show(EntryRows(message.entries))

    @on(ArticleList.Opened)
    def opened(self, event: ArticleList.Opened) -> None:
        event.stop()
        self.dismiss(event.entry.id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_compare(self) -> None:
        entry = self.query_one(ArticleList).entry
        if entry is not None:
            self.query_one(ArticleJobs).load_pair(self.article_id, entry.id)

    @on(PairLoaded)
    def pair_loaded(self, message: PairLoaded) -> None:
        self.app.push_screen(CompareScreen(reader_app(self).library, message.a, message.b))
