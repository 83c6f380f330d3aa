"""The help screen: every key, by where it works, as currently bound (config `keys:` applied)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static


def sections() -> list[tuple[str, type[DOMNode]]]:
    """Where bindings live, in the order the help screen lists them: every class of the app
    that declares bindings (tests/tui/test_reader_trial.py checks none is missing), so each
    key is listed, offered in the palette and can be rebound by its id."""
    from newsreader.tui.app import NewsreaderApp
    from newsreader.tui.screens.compare import ComparePane, CompareScreen
    from newsreader.tui.screens.confirm import ConfirmScreen
    from newsreader.tui.screens.differences import DifferencesScreen
    from newsreader.tui.screens.exclusive import ExclusiveScreen
    from newsreader.tui.screens.main import MainScreen
    from newsreader.tui.screens.related import RelatedScreen
    from newsreader.tui.screens.story import StoryScreen
    from newsreader.tui.screens.welcome import WelcomeScreen
    from newsreader.tui.widgets.article_list import ArticleList
    from newsreader.tui.widgets.article_view import ArticleView
    from newsreader.tui.widgets.search_bar import SearchBar
    from newsreader.tui.widgets.source_list import SourceList

    return [
        ("Everywhere", NewsreaderApp),
        ("Main screen", MainScreen),
        ("Article list", ArticleList),
        ("Article", ArticleView),
        ("Search input", SearchBar),
        ("Sources", SourceList),
        ("Related articles", RelatedScreen),
        ("A story", StoryScreen),
        ("Only here (a story)", ExclusiveScreen),
        ("Compare screen", CompareScreen),
        ("Compare: each side", ComparePane),
        ("Where they differ", DifferencesScreen),
        ("Welcome screen", WelcomeScreen),
        ("A question", ConfirmScreen),
        ("This help", HelpScreen),
    ]


def sections_for(screen: DOMNode | None) -> list[tuple[str, type[DOMNode], bool]]:
    """`sections()` with the ones that work on `screen` (the screen itself, the widgets on it)
    first, each with whether it does."""
    if screen is None:
        return [(title, cls, False) for title, cls in sections()]
    present = {type(screen), *(type(w) for w in screen.walk_children())}
    here, rest = [], []
    for title, cls in sections():
        applies = any(issubclass(t, cls) for t in present)
        (here if applies else rest).append((title, cls, applies))
    return here + rest


def bindings_of(node_type: type[DOMNode]) -> Iterator[Binding]:
    """The bindings a class declares itself, with an id (the ones users can rebind)."""
    for item in node_type.__dict__.get("BINDINGS", []):
        binding = item if isinstance(item, Binding) else Binding(*item)
        if binding.id:
            yield binding


def all_binding_ids() -> list[str]:
    return [b.id for _, cls in sections() for b in bindings_of(cls) if b.id]


def key_display(app: App[object], binding: Binding, keymap: dict[str, str]) -> str:
    """How the keys of `binding` are shown, after the user's rebinding."""
    keys = keymap.get(binding.id or "", binding.key)
    return ", ".join(
        app.get_key_display(binding.with_key(key.strip(), key_display=None))
        for key in keys.split(",")
        if key.strip()
    )


class HelpScreen(ModalScreen[None]):
    """Lists every key, those of the screen it was opened on first; escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close",
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

    def __init__(self, calling: DOMNode | None = None) -> None:
        super().__init__()
        self.calling = calling
        """The screen `?` was pressed on: its keys come first."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = (
                "escape to close · j/k scroll · rebind in config.yaml keys: by id"
            )
            yield Static(self._table(), id="help-table")

    def action_scroll(self, how: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        getattr(body, f"scroll_{how}")(animate=False)

    def _table(self) -> Table:
        keymap: dict[str, str] = getattr(self.app, "keymap_overrides", {})
        table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what")
        table.add_column("id", style="dim", no_wrap=True)
        for title, cls, here in sections_for(self.calling):
            heading = Text(title, style="bold underline", end="")
            if here:
                heading.append(" · here", style="bold")
            table.add_row(heading, "", "")
            for binding in bindings_of(cls):
                what = binding.tooltip or binding.description
                table.add_row(key_display(self.app, binding, keymap), what, binding.id)
            table.add_row("", "", "")
        table.add_row("mouse", "Click a source, an article or a pane; scroll with the wheel", "")
        return table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
