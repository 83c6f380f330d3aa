"""The welcome screen of an empty library: how to add a source, with an example config."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from newsreader.tui.screens.base import reader_app
from newsreader.tui.text import one_line
from newsreader.tui.widgets.footer import Footer

EXAMPLE = """\
name: my news
sources:
  - name: saved
    path: ~/Documents/news   # .txt .md .html .json .jsonl files
  - name: feeds
    path: ~/feeds
    glob: "**/*.jsonl"
    outlet: Example Times    # for articles that name none
"""


def config_location(config_path: object) -> str:
    """Where the user should edit their config (the one in use, or where one would be found)."""
    if config_path is not None:
        return one_line(str(config_path))
    from platformdirs import user_config_path

    return one_line(str(user_config_path("newsreader") / "config.yaml"))


class WelcomeScreen(Screen[bool]):
    """Shown when the library has no articles; dismisses with True to re-scan."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("R,r", "rescan", "Re-scan", id="welcome.rescan",
                tooltip="Read the source folders again"),
        Binding("escape", "close", "Close", id="welcome.close", tooltip="Show the empty library"),
        Binding("q", "app.quit", "Quit", id="welcome.quit", tooltip="Quit newsreader"),
    ]

    def compose(self) -> ComposeResult:
        settings = reader_app(self).settings
        text = Text(end="")
        text.append("Welcome to newsreader\n\n", style="bold")
        text.append("Your library has no articles yet.\n\n")
        if settings.sources:
            text.append("The configured folders hold no article files:\n")
            for source in settings.sources:
                text.append(f"  {one_line(source.name)}: {one_line(str(source.path))}\n")
            text.append("\n")
        text.append("Add a source: list a folder of articles under ")
        text.append("sources:", style="bold")
        text.append(" in\n  ")
        text.append(config_location(settings.config_path), style="underline")
        text.append("\n(or pass --config PATH), for example:\n\n")
        text.append(EXAMPLE, style="italic")
        if settings.sources:
            text.append("\nThen press ")
            text.append("R", style="bold")
            text.append(" to read the folders again, or restart newsreader.")
        else:
            text.append("\nThen start newsreader again.")
        with Center(), VerticalScroll(id="welcome-body"):
            yield Static(text, id="welcome-text")
        yield Footer()

    def action_rescan(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
