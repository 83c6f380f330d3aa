"""Small display widgets: the header with library name, size and index state; a status line."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from newsreader.tui.text import one_line


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
