"""Small display widgets: the header with library name, size and index state; a status line,
and what the status line says about a list (`list_status`) or a search (`search_status`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from newsreader.tui.text import one_line

if TYPE_CHECKING:
    from newsreader.index.search.results import Results


class LibraryHeader(Horizontal):
    """The library's name, its article count and the state of its index (with a progress bar)."""

    DEFAULT_CSS = """
    LibraryHeader {
        height: 1;
        dock: top;
        background: $panel;
        & > #header-title { width: auto; text-style: bold; padding: 0 1; }
        & > #header-count { width: auto; color: $text-muted; padding: 0 1; }
        & > #header-state { width: 1fr; color: $text-muted; text-align: right; padding: 0 1; }
        & > ProgressBar { width: 30; display: none; }
        &.-indexing > ProgressBar { display: block; }
    }
    """

    library_name: reactive[str] = reactive("newsreader")
    articles: reactive[int | None] = reactive(None)
    state: reactive[str] = reactive("opening…")
    """What the index is doing: "up to date", "indexing 120/900", …"""

    def compose(self) -> ComposeResult:
        yield Static(id="header-title")
        yield Static(id="header-count")
        yield Static(id="header-state")
        yield ProgressBar(show_eta=False, show_percentage=True, id="header-progress")

    def watch_library_name(self, name: str) -> None:
        self.query_one("#header-title", Static).update(Text(one_line(name), end=""))

    def watch_articles(self, count: int | None) -> None:
        text = "" if count is None else f"{count:,} article{'s' if count != 1 else ''}"
        self.query_one("#header-count", Static).update(Text(text, end=""))

    def watch_state(self, state: str) -> None:
        # Its width is the header's rest (1fr), whatever it says: no layout pass of the whole
        # screen for each progress tick of an update (each cost a redraw of every pane).
        self.query_one("#header-state", Static).update(Text(one_line(state), end=""),
                                                       layout=False)

    def progress(self, done: int | None, total: int | None = None) -> None:
        """Show indexing progress; `done=None` hides the bar."""
        bar = self.query_one(ProgressBar)
        self.set_class(done is not None, "-indexing")
        if done is not None:
            bar.update(total=total or None, progress=done)

    def indexing(self, done: int, total: int) -> None:
        """Show how far an index update has come."""
        if total and done >= total:
            self.state = "writing the index…"  # the commit can take a while on big updates
        else:
            self.state = f"indexing {done:,}/{total:,}"
        self.progress(done, total)


class StatusLine(Static):
    """One line under the search input: result count and time, a suggestion or a notice."""

    DEFAULT_CSS = """
    StatusLine { height: 1; color: $text-muted; padding: 0 1; }
    """

    def say(self, text: Text | FittedLine | str) -> None:
        """Show `text` (a plain string is shown literally, never parsed as markup)."""
        # One line high whatever it says (CSS): a repaint of the line, not a layout of the
        # pane around it (which redrew the whole article list twice a keystroke).
        self.update(text if not isinstance(text, str) else Text(one_line(text), end=""),
                    layout=False)

    @property
    def plain(self) -> str:
        """What the line says, as plain text (for tests and the command palette)."""
        content = self.content
        return content.plain if isinstance(content, Text) else str(content)


def list_status(scope_name: str | None, total: int, sort: str, *, unread_only: bool,
                notice: str = "") -> FittedLine:
    """What the status line says about a browse list: "All · 2,231 articles · newest first". A
    narrow line leaves out whole parts, as the search's does: the order first, then "unread
    only", then the notice (a failed feed: the header still counts it, and the source's row
    shows its error); never the scope and the count."""
    label = "All" if scope_name is None else one_line(scope_name)
    parts: list[tuple[Text, int]] = [
        (Text(label, end=""), 0),
        (Text(f"{total:,} article{'' if total == 1 else 's'}", end=""), 0),
        (Text("newest first" if sort == "date" else "by title", end=""), 4),
    ]
    if unread_only:
        parts.append((Text("unread only", end=""), 3))
    if notice:
        parts.append((Text(one_line(notice), end=""), 2))  # a failed feed, until the user moves on
    return FittedLine(parts)


class FittedLine:
    """A status line of " · "-separated parts that fits its width by leaving out the least
    important parts whole, never cutting one mid-phrase ("… · by" without "relevance"). `str()`
    is the whole line (what `StatusLine.plain` reports)."""

    SEPARATOR = " · "

    def __init__(self, parts: list[tuple[Text, int]]) -> None:
        """`parts` in the order shown, each with its rank: 0 is always shown, a higher rank is
        left out sooner."""
        self.parts = parts

    def __str__(self) -> str:
        return self.SEPARATOR.join(text.plain for text, _ in self.parts)

    def fitted(self, width: int) -> Text:
        """The parts that fit in `width` cells, most important first, in their order."""
        kept: set[int] = set()
        used = 0
        for i, (text, rank) in sorted(enumerate(self.parts), key=lambda p: p[1][1]):
            cost = text.cell_len + (len(self.SEPARATOR) if kept else 0)
            if rank == 0 or used + cost <= width:
                kept.add(i)
                used += cost
        line = Text(end="\n")  # Textual counts a Rich renderable's lines by its newlines
        line.no_wrap, line.overflow = True, "ellipsis"
        for i in sorted(kept):
            if len(line):
                line.append(self.SEPARATOR)
            line.append_text(self.parts[i][0])
        line.truncate(width, overflow="ellipsis")  # only the count itself can be too wide
        return line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        whole = sum(text.cell_len for text, _ in self.parts)
        whole += len(self.SEPARATOR) * max(0, len(self.parts) - 1)  # cells, not characters
        return Measurement(1, min(whole, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.fitted(options.max_width)


def search_status(results: Results, shown: int, *, scope_name: str | None, sort: str,
                  unread_only: bool, accept_key: str, show_took: bool = True) -> FittedLine:
    """What the status line says about a search: the total (and where), the suggestion and the
    key that accepts it, how long it took, the order, a notice about the query. A narrow line
    leaves out the time first, then the order, then "unread only", the notice, the suggestion."""
    count = Text(end="")
    count.append(f"{results.total:,} result{'' if results.total == 1 else 's'}")
    if scope_name is not None:
        # The selected source or outlet narrows the search too: say so, or "61 results"
        # reads as the whole library's answer.
        count.append(f" in {one_line(scope_name)}", style="bold")
    if shown < results.total:
        count.append(f" (showing {shown:,})")
    parts: list[tuple[Text, int]] = [(count, 0)]
    if results.suggestion:
        suggestion = Text("did you mean ", end="")
        suggestion.append(one_line(results.suggestion), style="bold")
        suggestion.append(f"? ({accept_key})")
        parts.append((suggestion, 1))
    if show_took:
        parts.append((Text(f"{results.took_ms:.0f} ms", end=""), 5))
    parts.append((Text("by relevance" if sort == "relevance" else "newest first", end=""), 4))
    if unread_only:
        parts.append((Text("unread only", end=""), 3))
    if results.notice:
        parts.append((Text(one_line(results.notice), style="italic", end=""), 2))
    return FittedLine(parts)
