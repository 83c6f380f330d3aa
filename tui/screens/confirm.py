"""A yes/no question over the current screen (mark all read asks it first)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from newsreader.tui.screens.base import ReaderModal


class ConfirmScreen(ReaderModal[bool]):
    """Dismisses with True for yes (y, enter), False for no (n, escape)."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #confirm-body {
        width: auto; max-width: 80%; height: auto;
        border: round $accent; background: $surface; padding: 1 2;
    }
    /* A text of the default width (1fr) in a box of width auto is 0 wide: the box showed
       empty. As wide as the question, wrapped within the box's 80% (60vw leaves the border
       and padding room down to 30 columns). */
    ConfirmScreen #confirm-text { width: auto; max-width: 60vw; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes", tooltip="Yes, do it"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="No, leave it"),
    ]

    def __init__(self, question: Text) -> None:
        super().__init__()
        self.question = question
        """Built from plain strings (it may name a source): never parsed as markup."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-body"):
            text = self.question.copy()
            text.append("\n\ny", style="bold")
            text.append(" yes · ")
            text.append("n", style="bold")
            text.append(" no")
            yield Static(text, id="confirm-text")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
