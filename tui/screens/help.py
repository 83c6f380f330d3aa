"""The help screen: every key, by where it works, as currently bound (config `keys:` applied)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader.tui.keys import bindings_of, key_display
from newsreader.tui.widgets.footer import Footer


def sections_for(
    sections: Sequence[tuple[str, type[DOMNode]]], screen: DOMNode | None
) -> list[tuple[str, type[DOMNode], bool]]:
    """`sections` with the ones that work on `screen` first (the screen's own, then the widgets'
    on it: over a story, "A story" before "Article list"), each with whether it does."""
    if screen is None:
        return [(title, cls, False) for title, cls in sections]
    present = {type(screen), *(type(w) for w in screen.walk_children())}
    here: list[tuple[str, type[DOMNode], bool]] = []
    rest: list[tuple[str, type[DOMNode], bool]] = []
    for title, cls in sections:
        applies = any(issubclass(t, cls) for t in present)
        (here if applies else rest).append((title, cls, applies))
    here.sort(key=lambda section: not isinstance(screen, section[1]))  # stable: order kept
    return here + rest


class HelpScreen(ModalScreen[None]):
    """Lists every key, those of the screen it was opened on first; escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close",
                tooltip="Close the help"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down",
                tooltip="Scroll the help down a line"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up",
                tooltip="Scroll the help up a line"),
        Binding("space,pagedown", "scroll('page_down')", "Page down", show=False,
                id="help.page_down", tooltip="Scroll the help down a page"),
        Binding("b,pageup", "scroll('page_up')", "Page up", show=False, id="help.page_up",
                tooltip="Scroll the help up a page"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="help.top",
                tooltip="Go to the top of the help"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="help.bottom",
                tooltip="Go to the end of the help"),
    ]

    def __init__(self, sections: Sequence[tuple[str, type[DOMNode]]],
                 calling: DOMNode | None = None) -> None:
        super().__init__()
        self.sections = sections
        """(title, class) of every class with bindings (`tui.app.HELP_SECTIONS`)."""
        self.calling = calling
        """The screen `?` was pressed on: its keys come first."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = (
                "escape to close · j/k scroll · rebind in config.yaml keys: by id"
            )
            yield Static(self._table(), id="help-table")
        # Help's own keys underneath, not those of the screen it was opened on.
        yield Footer()

    def action_scroll(self, how: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        getattr(body, f"scroll_{how}")(animate=False)

    def _table(self) -> Group:
        """One table a section under its heading, all with the same columns: the key column as
        wide as the widest key (a heading in it made it as wide as the longest heading, which
        left the descriptions 17 cells at 80 columns, most on three lines)."""
        keymap: dict[str, str] = getattr(self.app, "keymap_overrides", {})
        sections: list[tuple[Text, list[tuple[str, str, str]]]] = []
        for title, cls, here in sections_for(self.sections, self.calling):
            heading = Text(f" {title}", style="bold underline")
            if here:
                heading.append(" · here", style="bold")
            rows = [(key_display(self.app, binding, keymap),
                     binding.tooltip or binding.description, binding.id or "")
                    for binding in bindings_of(cls)]
            sections.append((heading, rows))
        sections.append((Text(""), [
            ("mouse", "Click a source, an article or a pane; scroll with the wheel", "")]))
        every_row = [row for _heading, rows in sections for row in rows]
        key_width = max(cell_len(key) for key, _what, _id in every_row)
        id_width = max(cell_len(id_) for _key, _what, id_ in every_row)
        parts: list[Text | Table] = []
        for heading, rows in sections:
            if heading.plain:
                parts.append(heading)
            table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
            table.add_column("key", style="bold", no_wrap=True, width=key_width)
            table.add_column("what")
            table.add_column("id", style="dim", no_wrap=True, width=id_width)
            for row in rows:
                table.add_row(*row)
            parts.append(table)
            parts.append(Text(""))
        return Group(*parts[:-1])

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
