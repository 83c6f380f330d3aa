"""The search input: debounces typing and says when the query has settled."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Input

from newsreader.tui.text import pasted

DEBOUNCE = 0.15
"""Seconds of quiet typing before a query is sent."""


class SearchBar(Input):
    """An Input that posts `QueryChanged` once typing pauses, and at once on enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear search", id="search.clear",
                tooltip="Clear the search and show every article"),
        Binding("down", "done", "Results", show=False, id="search.results",
                tooltip="Go to the results"),
        # Only while a suggestion is shown (`check_action`): otherwise tab moves on as usual.
        Binding("tab", "accept_suggestion", "Accept suggestion", show=False,
                id="search.accept_suggestion", tooltip="Search for the suggested query instead"),
    ]

    # Textual's Input makes its virtual size as wide as its text, for horizontal scrolling: a
    # change of it asked for a layout of the whole screen at every keystroke (2-4 ms of the UI
    # thread at 100,000 articles, then a repaint of scrollbars). The bar is as wide as its
    # pane whatever it holds, so its own size is what needs no layout; scrolling within it
    # reads the virtual size, which still follows the text.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    class _Message(Message):
        def __init__(self, search_bar: SearchBar) -> None:
            super().__init__()
            self.search_bar = search_bar

        @property
        def control(self) -> SearchBar:
            return self.search_bar

    class QueryChanged(_Message):
        """The query settled (or was submitted): search for it."""

        def __init__(self, search_bar: SearchBar, query: str) -> None:
            super().__init__(search_bar)
            self.query = query

    class Done(_Message):
        """The user is done typing (enter or down): move to the results."""

    class Cleared(_Message):
        """The user cleared the search (escape)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(placeholder="Search: words, \"a phrase\", title:word, outlet:name …",
                         id=id, classes=classes)
        self._timer: Timer | None = None
        self._sent: str | None = None
        self._settled = asyncio.Event()
        self._settled.set()
        self.suggestion: str | None = None
        """The "did you mean" of the query's results, which tab accepts; set by the screen."""

    @property
    def query_text(self) -> str:
        """The query as typed, without surrounding spaces."""
        return self.value.strip()

    async def wait_for_debounce(self) -> None:
        """Return once the current text has been sent as `QueryChanged` (no fixed waits)."""
        await self._settled.wait()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept_suggestion":
            return bool(self.suggestion) and self.suggestion != self.query_text
        return super().check_action(action, parameters)

    def action_accept_suggestion(self) -> None:
        if self.suggestion:
            self.value = self.suggestion
            self.cursor_position = len(self.value)
            self._send()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.suggestion = None  # it was for the query before this edit
        if self._timer is not None:
            self._timer.stop()
        self._settled.clear()
        self._timer = self.set_timer(DEBOUNCE, self._send, name="search-debounce")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._send()
        self.post_message(self.Done(self))

    def _send(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        query = self.query_text
        if query != self._sent:
            self._sent = query
            self.post_message(self.QueryChanged(self, query))
        self._settled.set()

    def action_done(self) -> None:
        self._send()
        self.post_message(self.Done(self))

    def action_clear(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._sent = ""
        self.value = ""
        self._settled.set()
        self.post_message(self.Cleared(self))

    def reset(self, value: str = "") -> None:
        """Set the text without triggering a search."""
        with self.prevent(Input.Changed):
            self.value = value
        self._sent = value.strip()

    def _on_paste(self, event: events.Paste) -> None:
        # Input keeps only the first line of a paste; a query is one line, so the lines are
        # joined with spaces (and escape sequences in the pasted text dropped).
        event.stop()
        event.prevent_default()  # Input's own handler would paste the first line again
        text = pasted(event.text)
        if text:
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)

    def on_blur(self, _event: events.Blur) -> None:
        # Leaving the input (tab, mouse) sends what was typed rather than keep it waiting.
        if self._timer is not None:
            self._send()
