"""The Textual app: owns the library, the read state and the keymap; screens do the rest.

`make_app(settings)` is the one way to build it, used by the CLI and by the tests alike (the
tests pass `Timings` of their own through it). `HELP_SECTIONS` lists every class that declares
key bindings: the help, the palette and the config's `keys:` all read it.

Nothing in tui/ imports this module at run time (only for types): it imports the screens, and
the screens reach the app through `self.app` (tests/unit/test_architecture.py).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from newsreader.index.config import Settings
from newsreader.index.store.library import Library
from newsreader.index.store.sources import missing_sources, missing_warning
from newsreader.tui.commands import NewsreaderCommands
from newsreader.tui.config_check import theme_problem
from newsreader.tui.key_order import KeyHandled, KeyOrder
from newsreader.tui.keys import binding_ids, build_keymap
from newsreader.tui.messages import WorkerFailed
from newsreader.tui.screens.base import HELP_KEY
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.differences import DifferencesScreen
from newsreader.tui.screens.exclusive import ExclusiveScreen
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.related import RelatedScreen
from newsreader.tui.screens.story import StoryScreen
from newsreader.tui.screens.welcome import WelcomeScreen
from newsreader.tui.state import ReadState
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.compare_pane import ComparePane
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.source_list import SourceList


@dataclass(frozen=True, slots=True)
class Timings:
    """How long the reader waits before it acts on its own, and whether it shows how long a
    search took. The defaults are the reader's; tests pass others through `make_app` (no
    waiting, no times in snapshots) and the benchmarks a read delay no run reaches."""

    read_delay: float = 1.5
    """Seconds an opened article stays open before it counts as read."""
    preview_delay: float = 0.08
    """Seconds the list cursor must rest before the article pane previews its article: the
    list repaints at once, and a held-down j does not lay out every article it passes."""
    show_took: bool = True
    """Whether the search status shows how long the search took."""
    searching_delay: float = 0.1
    """Seconds a search runs before the status line says "searching…". A search that answers
    sooner changes nothing on screen until its hits are painted: a repaint for "searching…"
    (on screen for a frame or two) held the hits back until Textual's next frame, 17-33 ms
    later (bench/bench_tui.py)."""
    watch_quiet: float | None = 0.2
    """Seconds without a new event in the source folders that end a burst of them (a fetch
    by another program writing 500 files, an editor's save by rename): one index update a
    burst. None: the source folders are not watched (most tests: their own writes, R)."""


class NewsreaderApp(App[None]):
    """A keyboard-driven reader for a library of news articles."""

    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    COMMANDS: ClassVar = App.COMMANDS | {NewsreaderCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit newsreader"),
        HELP_KEY,
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette",
                tooltip="Open the command palette"),
    ]

    def __init__(self, settings: Settings, library: Library | None = None,
                 timings: Timings | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.library = library if library is not None else Library(settings)
        self.read_state = ReadState.for_library(settings)
        self.timings = timings or Timings()
        self.key_warnings: list[str] = []
        self.shown_warnings: set[str] = set()
        """Warnings this run has shown (`warn_once`), so a re-scan does not repeat them."""
        self.keymap_overrides: dict[str, str] = {}
        """Binding id -> keys, from config `keys:` (normalised), for the help screen."""
        self._gc_threshold: tuple[int, int, int] | None = None
        self.title = settings.name
        self.key_order = KeyOrder(self)
        """Routes each key once the one before it has had its effect (see tui.key_order)."""

    def on_mount(self) -> None:
        # A bad theme or key in the config stops the CLI (cli.main); the reader opens anyway,
        # with the default for what is wrong, and says so.
        theme = theme_problem(self.settings, self.available_themes)
        if theme is None:
            self.theme = self.settings.theme
        else:
            self.notify(f"{theme}; using the default theme", title="Config",
                        severity="warning", timeout=10, markup=False)
        keymap, self.key_warnings = build_keymap(
            self.settings.keys, all_binding_ids(), self.settings
        )
        self.keymap_overrides = keymap
        if keymap:
            self.set_keymap(keymap)
        for warning in self.key_warnings:
            self.notify(f"{warning}; the default keys are kept", title="Config",
                        severity="warning", timeout=10, markup=False)
        if self.read_state.error:
            self.notify(self.read_state.error, severity="warning", timeout=10)
        # A source folder that is missing (a drive not mounted) stops nothing: its articles
        # stay in the index and the list; say so once, here, not again after each re-scan.
        for source in missing_sources(self.settings.sources):
            self.warn_once(missing_warning(source), title="Source folder missing")
        self.push_screen(MainScreen())

    def warn_once(self, message: str, *, title: str = "") -> None:
        """A warning toast, unless this run has shown the same words already."""
        if message not in self.shown_warnings:
            self.shown_warnings.add(message)
            self.notify(message, title=title, severity="warning", timeout=10, markup=False)

    async def on_event(self, event: events.Event) -> None:
        # Keys and pastes from the terminal go through KeyOrder, which hands them back to
        # Textual's routing one at a time; forwarded ones are on their way back up already.
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            await self.key_order.arrived(event)
        else:
            await super().on_event(event)

    def on_key_handled(self, message: KeyHandled) -> None:
        self.key_order.handled(message)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(HELP_SECTIONS, self.screen))

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.report_worker_error(event.worker)

    @on(WorkerFailed)
    def _worker_failed(self, message: WorkerFailed) -> None:
        self.report_worker_error(message.worker)

    def report_worker_error(self, worker: Worker[object]) -> None:
        """The one place every failed worker is reported (workers use exit_on_error=False);
        the screens and jobs that run workers post their failures here (`WorkerFailed`)."""
        error = worker.error
        if error is None:
            return
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        self.notify(text, title=f"{worker.name or 'task'} failed", severity="error",
                    timeout=10, markup=False)

    def started(self) -> None:
        """The first list is on show: what start-up built (modules, widgets, the index's
        readers) lives as long as the app. Python's cyclic collector is told to stop looking
        at it, and to look at what is new less often: at 100,000 articles a full collection
        took 60-100 ms of the UI thread, several times a minute of typing (a search's objects,
        Textual's strips), and was most of the slowest keystrokes (bench/bench_tui.py)."""
        if self._gc_threshold is not None:
            return
        self._gc_threshold = gc.get_threshold()
        gc.collect(1)  # (the young garbage of start-up, not frozen with the rest)
        gc.freeze()
        gc.set_threshold(GC_YOUNG, *self._gc_threshold[1:])

    def on_unmount(self) -> None:
        self.library.close()
        if self._gc_threshold is not None:
            # Collectable again (tests run many apps in one process).
            gc.unfreeze()
            gc.set_threshold(*self._gc_threshold)
            self._gc_threshold = None


GC_YOUNG = 10_000
"""Container objects allocated (net) before a young collection, in place of Python's 700: each
collection then finds more garbage for its cost, and the older ones come 14 times less often."""


HELP_SECTIONS: list[tuple[str, type[DOMNode]]] = [
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
"""Where bindings live, in the order the help lists them: every class of the app that declares
bindings (tests/tui/test_reader_trial.py checks none is missing), so each key is listed,
offered in the palette and can be rebound by its id."""


def all_binding_ids() -> list[str]:
    """The id of every binding a user can rebind (config `keys:`)."""
    return binding_ids(cls for _, cls in HELP_SECTIONS)


def make_app(settings: Settings, *, library: Library | None = None,
             timings: Timings | None = None) -> NewsreaderApp:
    """The app for `settings`, built the same way by the CLI and the tests."""
    # Whoosh's writer processes need multiprocessing's resource tracker, which passes its
    # child sys.stderr's file descriptor: start it now, while stderr is still the terminal's,
    # not Textual's replacement (which has none: "bad value(s) in fds_to_keep").
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    return NewsreaderApp(settings, library, timings)
