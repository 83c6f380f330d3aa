"""The command palette (ctrl+p): the current screen's commands, each with its key, and
"Show: <source or outlet>" to narrow the list (the only way to pick one in the narrow layout)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from newsreader.tui.keys import bindings_of, key_display
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.text import one_line

Command = tuple[str, str, Callable[[], object]]


class NewsreaderCommands(Provider):
    """Offers what fits the screen the palette was opened on."""

    def _commands(self) -> Iterator[Command]:
        screen = self.screen
        app = self.app
        keymap: dict[str, str] = getattr(app, "keymap_overrides", {})
        for node in (screen, app):
            for binding in bindings_of(type(node)):
                if binding.action in ("command_palette", "next_pane", "previous_pane", "back"):
                    continue
                keys = key_display(app, binding, keymap)
                help_text = f"{binding.tooltip}  [{keys}]" if binding.tooltip else f"[{keys}]"
                yield binding.description, help_text, partial(node.run_action, binding.action)
        if isinstance(screen, MainScreen):
            for label, scope in screen.palette_scopes():
                yield (f"Show: {label}", "Narrow the article list",
                       partial(screen.choose_scope, scope))

    # The palette parses `help` and highlighted names as markup, and names include source and
    # outlet names from the library: escape them so "[bold]" stays text. The help text is
    # escaped bracket by bracket: Textual's `escape` leaves "[R]" alone (an upper-case letter
    # is no tag to it), and the markup parser then drops it as an unknown style.

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(Content(one_line(name)), callback, text=name,
                               help=literal(one_line(help_text)))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(escape(one_line(name))), callback, text=name,
                          help=literal(one_line(help_text)))


def literal(text: str) -> str:
    """Textual markup that shows `text` as it is: every `[` escaped."""
    return text.replace("[", "\\[")
