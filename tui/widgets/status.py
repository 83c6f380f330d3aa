"""Small display widgets: the header with library name, size and index state; a status line,
and what the status line says about a list (`list_status`) or a search (`search_status`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
        self.query_one("#header-state", Static).update(Text(one_line(state), end=""))

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

    def say(self, text: Text | str) -> None:
        """Show `text` (a plain string is shown literally, never parsed as markup)."""
        self.update(text if isinstance(text, Text) else Text(one_line(text), end=""))

    @property
    def plain(self) -> str:
        """What the line says, as plain text (for tests and the command palette)."""
        content = self.content
        return content.plain if isinstance(content, Text) else str(content)


def list_status(scope_name: str | None, total: int, sort: str, *, unread_only: bool,
                notice: str = "") -> str:
    """What the status line says about a browse list: "All · 2,231 articles · newest first"."""
    label = "All" if scope_name is None else one_line(scope_name)
    parts = [label, f"{total:,} article{'' if total == 1 else 's'}",
             "newest first" if sort == "date" else "by title"]
    if unread_only:
        parts.append("unread only")
    if notice:
        parts.append(notice)  # a failed feed, until the user moves on
    return " · ".join(parts)


def search_status(results: Results, shown: int, *, scope_name: str | None, sort: str,
                  unread_only: bool, accept_key: str, show_took: bool = True) -> Text:
    """What the status line says about a search: the total (and where), the suggestion and the
    key that accepts it, how long it took, the order, a notice about the query."""
    text = Text(end="")
    text.append(f"{results.total:,} result{'' if results.total == 1 else 's'}")
    if scope_name is not None:
        # The selected source or outlet narrows the search too: say so, or "61 results"
        # reads as the whole library's answer.
        text.append(f" in {one_line(scope_name)}", style="bold")
    if shown < results.total:
        text.append(f" (showing {shown:,})")
    if results.suggestion:
        # Right after the count: the line is cut at the pane's edge (64 cells at 160x45).
        text.append(" · did you mean ")
        text.append(one_line(results.suggestion), style="bold")
        text.append(f"? ({accept_key})")
    if show_took:
        text.append(f" · {results.took_ms:.0f} ms")
    text.append(" · by relevance" if sort == "relevance" else " · newest first")
    if unread_only:
        text.append(" · unread only")
    if results.notice:
        text.append(" · " + one_line(results.notice), style="italic")
    return text
