"""Keys one at a time: each key reaches the widget that has the focus once the key before it has
had its effect.

Textual routes a key the moment the app dequeues it: to the widget focused *then*, into that
widget's own queue. The key's binding runs only later, when the key has bubbled back up to the
app. So when a terminal delivers `/economy` in one read (a paste, a macro, a fast typist,
`tmux send-keys`), all eight keys are queued on the article list before `/` has focused the
search input, and `c`, `o`, `m` then run as the list's commands; a `q` quits (issue 18). The
same holds for any key whose action moves the focus or opens a screen (the command palette, a
key rebound to `main.search`), and for editing keys against the letters typed around them
(Textual issue 6605: a backspace's binding runs after the letters that followed it).

`KeyOrder` routes a key, then holds the keys (and bracketed pastes) that arrive after it until
it has been handled everywhere:
- a `KeyHandled` marker follows the key into the same widget's queue and bubbles up the same
  way, so it reaches the app after the key's bindings ran there (every queue is first in,
  first out);
- the release then waits one turn of the app's queue (`widget.focus()` queues the change
  there) and one of the current screen's (a screen just pushed composes and focuses its first
  widget before it reads its queue), then routes the next key to whatever has the focus.
A printable character typed into a text input is the exception: the input inserts it itself
(no binding, no focus change), so the next key follows at once, and a pasted text typed as keys
costs no more than before. Every other key waits for the one before: a burst of `j` repaints
the list once a key (measured: 8 ms a key on a loaded 2-core machine, against 33 ms between
two keys of a held-down key).

No timing is involved in the normal path; a marker that never comes back (its widget removed
with the key still queued) stops holding keys after `LOST_AFTER` seconds.

A line break that arrives in the same read as more text is part of a pasted text, not someone
pressing enter: into a text input it goes as a space (the search bar has one line, and enter
there submits). To see what follows it, a line break for a text input waits one turn of the
app's queue, where the rest of its read is by then.
"""

from __future__ import annotations

from collections import deque
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App

LOST_AFTER = 1.0
"""Seconds after which a key whose marker has not come back no longer holds the next ones."""
SAME_READ = 0.005
"""Keys created this close together (seconds) came in one read of the terminal: a human
typist's keys are tens of milliseconds apart, one read's are microseconds apart."""
LINE_BREAKS = ("enter", "ctrl+j", "ctrl+m")


class KeyHandled(Message):
    """Follows a key through the widgets it went to; back at the app, the key is done."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number


Arrival = events.Key | events.Paste


class KeyOrder:
    """The app's input in order: call `arrived` for each key or paste the terminal sends, and
    `handled` when a `KeyHandled` message reaches the app."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._held: deque[Arrival] = deque()
        self._in_flight: int | None = None  # the number of the key on its way, if one is
        self._count = 0
        self._lost_timer: Timer | None = None
        self._routed_at = 0.0

    @property
    def busy(self) -> bool:
        """Whether a key is on its way to the widgets or held until the one before it is done."""
        return self._in_flight is not None or bool(self._held)

    async def arrived(self, event: Arrival) -> None:
        """A key or paste from the terminal: route it now, or after the one on its way."""
        self._held.append(event)
        if self._in_flight is None and len(self._held) == 1:
            await self._route_held()
        else:
            self._watch()

    def handled(self, message: KeyHandled) -> None:
        """The key's marker is back at the app: release the next key once the focus changes
        the key asked for are done."""
        message.stop()
        if message.number != self._in_flight:
            return  # a marker that came back after LOST_AFTER: its key no longer holds anything
        # First the app's queue (where `widget.focus()` queued the change), then the screen's.
        self.app.call_later(self._after_screen, message.number)

    def _after_screen(self, number: int) -> None:
        self.app.screen.call_later(self.app.call_later, self._release, number)

    async def _release(self, number: int) -> None:
        if number == self._in_flight:
            self._in_flight = None
            await self._route_held()

    async def _looked_ahead(self, number: int) -> None:
        if number == self._in_flight:
            self._in_flight = None
            await self._route_held(looked_ahead=True)

    async def _route_held(self, *, looked_ahead: bool = False) -> None:
        """Route held keys until one must be waited for."""
        while self._held and self._in_flight is None:
            event = self._held[0]
            if self._is_line_break(event) and len(self._held) == 1 and not looked_ahead:
                # Wait a turn of the app's queue for the rest of the read, if any.
                self._in_flight = self._next_number()
                self.app.call_later(self._looked_ahead, self._in_flight)
                return
            looked_ahead = False
            self._held.popleft()
            await self._route(event)

    def _watch(self) -> None:
        """While keys are held, check now and then that the key they wait for is not lost
        (no timer at all while keys come one at a time)."""
        if self._lost_timer is None and self._held:
            self._lost_timer = self.app.set_timer(LOST_AFTER, self._check_lost,
                                                  name="key-order-lost")

    async def _check_lost(self) -> None:
        self._lost_timer = None
        if self._in_flight is not None and monotonic() - self._routed_at >= LOST_AFTER:
            self._in_flight = None
            await self._route_held()
        self._watch()

    def _next_number(self) -> int:
        self._count += 1
        self._routed_at = monotonic()
        return self._count

    async def _route(self, event: Arrival) -> None:
        """Hand `event` to Textual's own routing (priority bindings, then the focused widget);
        unless it is a character typed into a text input, send the marker after it and hold
        the keys that follow."""
        from textual.app import App

        app = self.app
        event = self._as_text(event)
        target = app.focused or app.screen
        typed = isinstance(target, Input) and self._typed(event)
        if not typed:
            self._in_flight = self._next_number()
        await App.on_event(app, event)
        if not typed and self._in_flight is not None:
            target.post_message(KeyHandled(self._in_flight))

    def _typed(self, event: Arrival) -> bool:
        """Whether a text input takes `event` as a character, without a binding."""
        if not isinstance(event, events.Key) or not event.is_printable:
            return False
        active = self.app.screen.active_bindings.get(event.key)
        return active is None or not active.binding.priority

    def _is_line_break(self, event: Arrival) -> bool:
        return (
            isinstance(event, events.Key)
            and event.key in LINE_BREAKS
            and isinstance(self.app.focused, Input)
        )

    def _as_text(self, event: Arrival) -> Arrival:
        """A line break typed as part of a pasted text, into a text input, is a space."""
        if not self._is_line_break(event) or not self._held:
            return event
        following = self._held[0]
        if (
            isinstance(following, events.Key)
            and following.is_printable
            and following.time - event.time < SAME_READ
        ):
            return events.Key("space", " ")
        return event
