"""What each article of a story reports that the others do not (`index.stories.coverage`):
computed in a worker, one article at a time, since each needs a few comparisons."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from newsreader.tui.messages import ExclusiveFound
from newsreader.tui.screens.base import ReaderModal, ReportsWorkerErrors, reader_app
from newsreader.tui.text import one_line
from newsreader.tui.widgets.footer import Footer
from newsreader.tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from newsreader.index.stories import Story


class ExclusiveScreen(ReportsWorkerErrors, ReaderModal[None]):
    """For each article of the story, in date order: the sentences only it reports."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,e", "close", "Back", id="exclusive.close", tooltip="Back to the story"),
        Binding("j,down", "scroll_down", "Down", id="exclusive.down", tooltip="Scroll down"),
        Binding("k,up", "scroll_up", "Up", id="exclusive.up", tooltip="Scroll up"),
    ]

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        with Vertical(id="exclusive-body") as body:
            body.border_title = "Only here: what each article reports that the others do not"
            body.border_subtitle = "escape back"
            yield StatusLine(
                f"comparing the {self.story.count} articles…", id="exclusive-status"
            )
            yield VerticalScroll(Static(id="exclusive-text"), id="exclusive-scroll")
        # Its own keys underneath, not the story's (which stay in its footer).
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#exclusive-scroll").focus()
        self.find()

    @work(thread=True, exclusive=True, group="exclusive", exit_on_error=False)
    def find(self) -> None:
        # Imported here, not at the top: the stories package loads numpy and scipy (0.6 s),
        # and the app imports every screen at start-up (tui.app.HELP_SECTIONS).
        from newsreader.index.stories.coverage import exclusive

        library = reader_app(self).library
        articles = [a for a in (library.get(s.id) for s in self.story.articles) if a is not None]
        self.post_message(ExclusiveFound(exclusive(articles)))

    @on(ExclusiveFound)
    def found(self, message: ExclusiveFound) -> None:
        out = Text(end="")
        for article in self.story.articles:
            spans = message.found.get(article.id)
            if spans is None:
                continue
            when = article.date.isoformat()[:10] if article.date is not None else "undated"
            outlet = article.outlet or article.id.split("/", 1)[0]
            out.append(f"{one_line(outlet)} · {when}\n", style="bold")
            out.append(f"{one_line(article.title)}\n", style="italic")
            if not spans:
                out.append("  nothing the other reports do not say\n", style="dim")
            for span in spans:
                out.append("  • ")
                out.append(one_line(span.text))
                out.append("\n")
            out.append("\n")
        self.query_one("#exclusive-text", Static).update(out)
        self.query_one(StatusLine).say(
            f"{sum(1 for s in message.found.values() if s)} of {len(message.found)} articles "
            "report something the others do not"
        )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#exclusive-scroll", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#exclusive-scroll", VerticalScroll).scroll_up()
