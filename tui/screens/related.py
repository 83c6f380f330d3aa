"""Articles like the open one (`index.search.results.related`): enter opens one, c compares."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen

from newsreader.index.search.results import related
from newsreader.tui.screens.base import ReportsWorkerErrors
from newsreader.tui.text import one_line
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.rows import Entry, EntryRows
from newsreader.tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from newsreader.index.model import Article
    from newsreader.tui.app import NewsreaderApp

LIMIT = 20


class RelatedScreen(ReportsWorkerErrors, ModalScreen[str | None]):
    """Dismisses with the id of the article to open, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="related.close", tooltip="Close the list"),
        Binding("c", "compare", "Compare", id="related.compare",
                tooltip="Compare the open article with the chosen one"),
    ]

    class Loaded(Message):
        def __init__(self, title: str, entries: list[Entry]) -> None:
            super().__init__()
            self.title = title
            self.entries = entries

    class PairLoaded(Message):
        def __init__(self, a: Article, b: Article) -> None:
            super().__init__()
            self.a = a
            self.b = b

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id

    @property
    def nr_app(self) -> NewsreaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="related-body") as body:
            body.border_title = "Related articles"
            body.border_subtitle = "enter open · c compare · escape close"
            yield StatusLine("finding related articles…", id="related-status")
            yield ArticleList(is_read=self.nr_app.read_state.is_read, id="related-list")

    def on_mount(self) -> None:
        article_list = self.query_one(ArticleList)
        article_list.show_scores = True
        article_list.focus()
        self.load()

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def load(self) -> None:
        library = self.nr_app.library
        article = library.get(self.article_id)
        hits = related(library, self.article_id, limit=LIMIT)
        title = article.title if article is not None else self.article_id
        self.post_message(self.Loaded(title, [Entry.from_hit(h) for h in hits]))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
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
            self.load_pair(self.article_id, entry.id)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def load_pair(self, id_a: str, id_b: str) -> None:
        a, b = self.nr_app.library.get(id_a), self.nr_app.library.get(id_b)
        if a is None or b is None:
            raise LookupError(f"article not in the index: {id_a if a is None else id_b}")
        self.post_message(self.PairLoaded(a, b))

    @on(PairLoaded)
    def pair_loaded(self, message: PairLoaded) -> None:
        from newsreader.tui.screens.compare import (
            CompareScreen,  # written alongside; imported on use
        )

        self.app.push_screen(CompareScreen(self.nr_app.library, message.a, message.b))
