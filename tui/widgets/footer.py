"""The key footer: Textual's, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


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
        return (self.show_command_palette, keys)
