"""What every screen of the app shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, ScreenResultType
from textual.worker import Worker, WorkerState

from newsreader.tui.messages import WorkerFailed

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp

NARROW = 100
"""Below this many columns a screen shows one pane at a time: the main screen's list and
article share one pane, the compare screen stacks A above B."""


HELP_KEY = Binding("question_mark,f1", "app.help", "Help", id="app.help", tooltip="Show every key")
"""The help keys, the app's (`NewsreaderApp.BINDINGS`) and every reader modal's: one binding, one
id, so `keys: {help: ...}` rebinds it everywhere at once. F1 as well as `?`: in the search bar
`?` is a character of the query, and the footer there shows `f1 Help` (its first key left)."""


class ReaderModal(ModalScreen[ScreenResultType]):
    """A screen over another (story, related, a question...) where `?` opens help on it.

    Textual leaves the app's bindings out while a modal screen is in front (`Screen.
    _modal_binding_chain`), so the app's `?` did nothing over the story and the related list.
    The same binding here runs the app's action, which opens help on this screen, and puts
    `? Help` in the screen's footer. Help lists it once, under "Everywhere" (the app's)."""

    BINDINGS: ClassVar[list[BindingType]] = [HELP_KEY]


def reader_app(node: DOMNode) -> NewsreaderApp:
    """`node.app`, as the reader's app: Textual types `DOMNode.app` as any `App`, and the screens
    cannot import `tui.app` to check (it imports them)."""
    return cast("NewsreaderApp", node.app)


class ReportsWorkerErrors:
    """Mixin: a failed worker of this screen is reported by the app's one handler.

    `Worker.StateChanged` does not bubble, so each screen that runs workers forwards the
    failure as `WorkerFailed`, which does. A naming-convention handler, not `@on`: Textual only
    collects `@on` handlers from classes built by its metaclass, and a mixin is not. A subclass
    may define its own `on_worker_state_changed`: Textual calls the handler of every class in
    the MRO, so this one still runs (no `super()` call, or it would run twice).
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and isinstance(self, MessagePump):
            self.post_message(WorkerFailed(event.worker))
