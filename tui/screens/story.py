"""One story: its coverage timeline (which outlet reported when, the first report marked) and
its articles. enter opens one, space then c compares two, e shows what only each one reports."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from newsreader.tui.jobs.articles import ArticleJobs
from newsreader.tui.messages import PairLoaded, StoryLoaded
from newsreader.tui.models import Entry, EntryRows
from newsreader.tui.screens.base import ReaderModal, ReportsWorkerErrors, reader_app
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.exclusive import ExclusiveScreen
from newsreader.tui.text import one_line
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.footer import Footer
from newsreader.tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from textual.events import Resize

    from newsreader.index.stories import Story

FIRST_MARK = "◆"
"""The first report on the timeline (and in the legend)."""
REPORT_MARK = "●"
TRACK = "─"
_STYLES = {FIRST_MARK: "bold", REPORT_MARK: "", TRACK: "dim"}


class StoryScreen(ReportsWorkerErrors, ReaderModal[str | None]):
    """Dismisses with the id of the article to open, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="story.close", tooltip="Close the story"),
        Binding("space", "mark", "Mark", id="story.mark",
                tooltip="Mark this article to compare it with another"),
        Binding("c", "compare", "Compare", id="story.compare",
                tooltip="Compare the marked article with this one"),
        Binding("e", "exclusive", "Only here", id="story.exclusive",
                tooltip="What each article reports that the others in the story do not"),
    ]

    def __init__(self, story_id: str) -> None:
        super().__init__()
        self.story_id = story_id
        self.story: Story | None = None
        self.marked: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="story-body") as body:
            body.border_title = "Story"
            body.border_subtitle = (
                "enter open · space mark · c compare · e only here · escape close"
            )
            yield Static(id="story-headline")
            yield Static(id="story-timeline")
            yield StatusLine("loading the story…", id="story-status")
            yield ArticleList(is_read=reader_app(self).read_state.is_read, id="story-list")
        yield ArticleJobs(reader_app(self).library)
        # Its own keys underneath, not those of the screen below (which stay in its footer).
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ArticleList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="story", exit_on_error=False)
    def load(self) -> None:
        # Imported here, not at the top: the stories package loads numpy and scipy (0.6 s),
        # and the app imports every screen at start-up (tui.app.HELP_SECTIONS).
        from newsreader.index.stories import StoryIndex

        story = StoryIndex(reader_app(self).library.index_dir).story(self.story_id)
        self.post_message(StoryLoaded(story))

    @on(StoryLoaded)
    def loaded(self, message: StoryLoaded) -> None:
        story = self.story = message.story
        headline = Text(one_line(story.headline), style="bold", no_wrap=True, overflow="ellipsis")
        self.query_one("#story-headline", Static).update(headline)
        self._draw_timeline()
        self.query_one(StatusLine).say(summary(story))
        self.query_one(ArticleList).show(
            EntryRows(
                [Entry(a.id, a.title, a.outlet, a.date, a.id.split("/", 1)[0])
                 for a in story.articles]
            )
        )

    def on_resize(self, event: Resize) -> None:
        self._draw_timeline()

    def _draw_timeline(self) -> None:
        if self.story is None:
            return
        widget = self.query_one("#story-timeline", Static)
        width = max(20, (widget.size.width or self.app.size.width - 8))
        widget.update(timeline(self.story, width))

    @on(ArticleList.Opened)
    def opened(self, event: ArticleList.Opened) -> None:
        event.stop()
        self.dismiss(event.entry.id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_mark(self) -> None:
        articles = self.query_one(ArticleList)
        entry = articles.entry
        if entry is None:
            return
        self.marked = None if self.marked == entry.id else entry.id
        articles.marked = self.marked
        articles.refresh_rows()
        if self.marked:
            self.notify("Marked for comparison: move to another article and press c", timeout=3)

    def action_compare(self) -> None:
        entry = self.query_one(ArticleList).entry
        if self.marked is None:
            self.notify("Mark an article with space first, then press c on another one.")
            return
        if entry is None or entry.id == self.marked:
            self.notify("Move to another article to compare it with the marked one.")
            return
        self.query_one(ArticleJobs).load_pair(self.marked, entry.id)

    @on(PairLoaded)
    def pair_loaded(self, message: PairLoaded) -> None:
        self.app.push_screen(CompareScreen(reader_app(self).library, message.a, message.b))

    def action_exclusive(self) -> None:
        if self.story is None:
            return
        self.app.push_screen(ExclusiveScreen(self.story))


def summary(story: Story) -> str:
    outlets = len(story.outlets)
    text = (
        f"{story.count} articles · {outlets} outlet{'' if outlets == 1 else 's'}"
    )
    if story.first is not None and story.last is not None:
        first, last = story.first.isoformat()[:10], story.last.isoformat()[:10]
        text += f" · {first}" if first == last else f" · {first} to {last}"
    return text


def timeline(story: Story, width: int) -> Text:
    """One row per outlet (in the order they first reported): its reports placed on a line
    from the story's first report to its last, the first report drawn as FIRST_MARK; then the
    dates at both ends and the legend. Undated articles are counted at the row's end."""
    names = list(story.outlets)
    label = min(24, max((len(one_line(n)) for n in names), default=0))
    # A row: the label, a space, the track and room for "  +N undated" (N at its largest).
    track = max(10, width - label - 1 - len(f"  +{len(story.articles)} undated"))
    moments = [(a, _moment(a.date)) for a in story.articles]
    dated = [m for _a, m in moments if m is not None]
    start, end = (min(dated), max(dated)) if dated else (None, None)
    span = (end - start).total_seconds() if start and end else 0.0
    out = Text(no_wrap=True, overflow="ellipsis", end="")
    for name in names:
        cells = [TRACK] * track
        undated = 0
        for article, moment in moments:
            if (article.outlet or article.id.split("/", 1)[0]) != name:
                continue
            if moment is None or start is None:
                undated += 1
                continue
            at = 0 if span == 0 else round((moment - start).total_seconds() / span * (track - 1))
            if cells[at] != FIRST_MARK:
                cells[at] = FIRST_MARK if article.first else REPORT_MARK
        shown = one_line(name)
        shown = shown if len(shown) <= label else shown[: label - 1] + "…"
        out.append(f"{shown:<{label}} ", style="bold")
        for cell in cells:
            out.append(cell, style=_STYLES[cell])
        if undated:
            out.append(f"  +{undated} undated", style="dim")
        out.append("\n")
    if start is not None and end is not None:
        left, right = _stamp(start, span), _stamp(end, span)
        gap = max(1, track - len(left) - len(right))
        out.append(f"{'':<{label}} {left}{' ' * gap}{right}\n", style="dim")
    out.append(f"{FIRST_MARK} first report   {REPORT_MARK} a report", style="dim")
    return out


def _moment(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, 12, tzinfo=dt.UTC)


def _stamp(value: dt.datetime, span: float) -> str:
    # Within two days the hour matters; over longer stories the day is enough.
    return value.strftime("%Y-%m-%d %H:%M") if span < 2 * 86400 else value.strftime("%Y-%m-%d")
