"""The key footer: Textual's, fitted to the width it has and rebuilt only when the keys it
shows change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter

HELP_ACTION = "app.help"
"""The action of the help key (`screens.base.HELP_KEY`), drawn last."""

DROP_FIRST = (
    "main.sort", "main.toggle_read", "main.unread", "main.related", "main.compare", "main.mark",
    "article.previous_match", "compare.swap", "compare.save", "compare.sync", "compare.previous",
)
"""Binding ids a footer too narrow for every key leaves out first, in this order. Then it drops
the other keys from the right, and last those of DROP_LAST."""

DROP_LAST = ("app.help", "app.quit", "welcome.quit", "compare.close", "welcome.close",
             "story.close", "related.close", "help.close", "exclusive.close",
             "differences.close", "differences.go", "list.open", "main.search")
"""The keys kept longest, the most needed first: `? Help` is never dropped, since help lists
every key of every screen (and so every key the footer leaves out)."""


@dataclass(frozen=True)
class FooterKeyShown:
    """What the footer knows of a key to fit it: its binding id and the text it draws."""

    id: str
    action: str
    key_display: str
    description: str


@dataclass(frozen=True)
class FooterFit:
    """How the footer draws its keys at a given width."""

    compact: bool
    palette: bool
    """Whether the palette's key (`^p Commands`, docked right) is shown."""
    shown: tuple[int, ...]
    """The indices of the keys shown, in their order."""
    actions: frozenset[str] = frozenset()
    """The actions of the keys shown."""


def key_cells(key: FooterKeyShown, compact: bool) -> int:
    """The cells a key takes, by the padding and margins of Textual's footer CSS: wide,
    ` k Desc ` (padding both sides of the key, after the description); compact, `k Desc` and a
    margin of one after it."""
    return cell_len(key.key_display) + cell_len(key.description) + (2 if compact else 3)


def fit_keys(keys: Sequence[FooterKeyShown], palette: FooterKeyShown | None, width: int
             ) -> FooterFit:
    """The roomiest way to draw `keys` in `width` cells: wide with the palette's key, wide,
    compact; else compact without the keys least needed (DROP_FIRST, then from the right, then
    DROP_LAST's from its end). `? Help` stays: below its own width it is cut, not dropped."""
    everything = tuple(range(len(keys)))

    def actions(indices: Iterable[int]) -> frozenset[str]:
        return frozenset(keys[index].action for index in indices)

    wide = sum(key_cells(key, compact=False) for key in keys)
    if palette is not None and wide + key_cells(palette, compact=False) + 2 <= width:
        return FooterFit(False, True, everything, actions(everything))  # +2: border, padding
    if wide <= width:
        return FooterFit(False, False, everything, actions(everything))
    shown = list(everything)
    used = sum(key_cells(key, compact=True) for key in keys)
    for index in _drop_order(keys):
        if used <= width:
            break
        shown.remove(index)
        used -= key_cells(keys[index], compact=True)
    return FooterFit(True, False, tuple(shown), actions(shown))


def _drop_order(keys: Sequence[FooterKeyShown]) -> list[int]:
    """The indices of `keys` in the order a narrowing footer drops them (help never)."""
    rank_first = {id_: rank for rank, id_ in enumerate(DROP_FIRST)}
    rank_last = {id_: rank for rank, id_ in enumerate(DROP_LAST)}
    first = sorted((i for i, key in enumerate(keys) if key.id in rank_first),
                   key=lambda i: rank_first[keys[i].id])
    middle = [i for i in reversed(range(len(keys)))
              if keys[i].id not in rank_first and keys[i].id not in rank_last]
    last = sorted((i for i, key in enumerate(keys) if key.id in rank_last and key.id != "app.help"),
                  key=lambda i: -rank_last[keys[i].id])
    return first + middle + last


class Footer(TextualFooter):
    """Textual's Footer rebuilds all its keys (20-30 ms) after every change of the bindings:
    the screen shown, the focus moved, the article pane's n/N checked again for each article.
    Six rebuilds came before the first screen took a key. This one queues at most one rebuild
    at a time (it reads the bindings as they are when it runs, so later changes are in it),
    and skips a rebuild that would show the same keys.

    It also frees the keys it replaces: Textual's keys `data_bind` the footer's `compact`, which
    files each key among the footer's watchers, and Textual only drops closed watchers when
    `compact` changes (never, here; Textual issue #6666, open in 8.2.8). Without that, every
    rebuild kept ~10 dead keys and their styles and caches: 5-6 MB per 30 searches measured on
    the BBC library (2026-12), most of the reader's growth in issue 19."""

    _rebuild_queued = False
    _shown: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        """Textual's keys, those that fit (see `fit_keys`): Textual's footer draws every key in
        one row and cuts what passes its edge, `? Help` first, being last."""
        _keys, _palette, fit = self._fit()
        self.compact = fit.compact
        # `? Help` last, where the eye finds it on every screen: over a modal screen the help
        # binding comes first (its base class's, `ReaderModal`), before the screen's own keys.
        helps: list[Widget] = []
        for widget in super().compose():
            action = getattr(widget, "action", None)
            if widget.has_class("-command-palette"):
                yield from helps
                helps = []
                if fit.palette:
                    yield widget
            elif action == HELP_ACTION and action in fit.actions:
                helps.append(widget)
            elif action in fit.actions:
                yield widget
        yield from helps

    def _fit(self) -> tuple[list[FooterKeyShown], FooterKeyShown | None, FooterFit]:
        """The keys Textual's footer would draw now (the first shown binding of each action, in
        order; the palette's apart), and how they fit the footer's width."""
        keys: dict[str, FooterKeyShown] = {}
        palette: FooterKeyShown | None = None
        for key, (_node, binding, _enabled, _tooltip) in self.screen.active_bindings.items():
            if key == self.app.COMMAND_PALETTE_BINDING:
                palette = self._shown_key(binding)
            if binding.show and binding.action not in keys:
                keys[binding.action] = self._shown_key(binding)
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            palette = None
        # Docked at the foot of a full-screen screen: before its first layout, the app's width.
        width = self.size.width or self.app.size.width
        shown = list(keys.values())
        return shown, palette, fit_keys(shown, palette, width)

    def _shown_key(self, binding: Binding) -> FooterKeyShown:
        return FooterKeyShown(id=binding.id or binding.action, action=binding.action,
                              key_display=self.app.get_key_display(binding),
                              description=binding.description)

    def on_resize(self, event: Resize) -> None:
        # A rebuild only when what fits changes (`recompose` compares what it would show).
        if self.is_attached and self._bindings_ready and self._keys_shown() != self._shown:
            self.refresh(recompose=True)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if not self.is_attached:
            return  # its screen is gone (closed while this change was on its way)
        if self._rebuild_queued and screen is self.screen:
            return
        # Textual's own test: only then does it queue the rebuild (a recompose).
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._rebuild_queued = True
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        self._rebuild_queued = False  # any change from now on needs another rebuild
        if not self.is_attached:
            # The rebuild was queued (call_after_refresh) before the screen closed: R on the
            # welcome screen closes it at once, and `self.screen` would raise NoScreen.
            return
        shown = self._keys_shown()
        if shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
        # Setting `compact` again (to the same value) makes Textual prune the watchers of the
        # keys just removed; the new keys are handed the value they already have: a no-op.
        self.mutate_reactive(TextualFooter.compact)

    def _keys_shown(self) -> tuple[object, ...]:
        """Everything Textual's `Footer.compose` draws from: the shown bindings (and the
        palette's, shown or not) with their enabled state and tooltip."""
        palette = self.app.COMMAND_PALETTE_BINDING
        keys = tuple(
            (key, binding, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )
        return (self.show_command_palette, self._fit()[2], keys)
