"""Fixtures of the TUI tests: a small library of articles written for them, and the app on it.

Tests ask for what they need by name (`indexed_settings`, `make_settings`, `new_app`, `settle`,
`total`, `hostile_title`, `hostile_body`); nothing here is imported. Two fixtures apply to every
test by themselves: the XDG folders point into the test's own folder (`_no_home`), and
`pilot.press` and `pilot.pause` wait until what they set off has been handled
(`_pilot_waits_for_quiet`), not until the process looks idle.

Every article is written here (fixed dates, so lists and snapshots are deterministic); one of
them carries hostile text: Rich markup, ANSI and OSC escape sequences, a bell.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from newsreader.index.config import Settings, SourceConfig, settings_for
from newsreader.index.store.library import Library
from newsreader.tui.app import NewsreaderApp, Timings, make_app
from newsreader.tui.key_order import KeyOrder

HOSTILE_TITLE = "[bold]Loud[/bold] \x1b[31mred\x1b[0m headline [link=x]here[/link]\x07"
HOSTILE_BODY = (
    "Shouting [bold]wombat[/bold] text and [link=https://evil.example]a link[/link] here.\n\n"
    "An escape \x1b[31mturns red\x1b[0m and a clipboard write \x1b]52;c;ZXZpbA==\x07 hides, "
    "and the bell \x07 rings for the wombat."
)

ARTICLES: dict[str, list[dict[str, str]]] = {
    "harbour": [
        {
            "file": "ferry-winter.json",
            "title": "Ferry timetable changes for the winter",
            "date": "2024-11-02",
            "author": "Ada Quill",
            "url": "https://harbour.example/ferry-winter",
            "body": "The island ferry will sail four times a day from November.\n\n"
            "Harbour staff said the winter ferry timetable follows a survey of passengers. "
            "The last ferry now leaves at nine.\n\n"
            "Cyclists may still board every ferry without booking.",
        },
        {
            "file": "lighthouse.json",
            "title": "Lighthouse keeper retires after forty years",
            "date": "2024-10-15",
            "author": "Ada Quill",
            "url": "https://harbour.example/lighthouse",
            "body": "Mara Bell climbed the tower stairs for the last time on Tuesday.\n\n"
            "She kept the lamp burning through eleven winters of storms.",
        },
        {
            "file": "storm.json",
            "title": "Storm closes the harbour terminal",
            "date": "2024-12-01",
            "author": "Tom Reed",
            "url": "https://harbour.example/storm",
            "body": "High winds shut the terminal on Sunday and no ferry sailed.\n\n"
            "The harbour master expects services to resume on Monday morning.",
        },
    ],
    "valley": [
        {
            "file": "orchard.json",
            "title": "Orchard harvest breaks records",
            "date": "2024-09-20",
            "author": "Lena Fox",
            "url": "https://valley.example/orchard",
            "body": "Growers picked more apples than in any year since records began.\n\n"
            "A warm spring and a wet summer helped the trees.",
        },
        {
            "file": "fares.json",
            "title": "Ferry fares rise again",
            "date": "2024-12-05",
            "author": "Lena Fox",
            "url": "https://valley.example/fares",
            "body": "A return ticket on the valley ferry will cost more from January.\n\n"
            "The operator blamed fuel prices for the rise.",
        },
        {
            "file": "reading-room.json",
            "title": "Library opens a night reading room",
            "date": "2024-08-01",
            "author": "Sam Vale",
            "url": "https://valley.example/reading-room",
            "body": "The town library will stay open until midnight on Fridays.\n\n"
            "Volunteers will staff the reading room.",
        },
        {
            "file": "hostile.json",
            "title": HOSTILE_TITLE,
            "date": "2024-07-01",
            "author": "[i]Mallory[/i]",
            "url": "javascript:alert(1)",
            "body": HOSTILE_BODY,
        },
    ],
}
OUTLETS = {"harbour": "Harbour Gazette", "valley": "Valley Post"}
TOTAL = sum(len(items) for items in ARTICLES.values())


def _write_library(root: Path) -> list[SourceConfig]:
    """Write the test articles under `root`; the sources that read them."""
    sources = []
    for name, items in ARTICLES.items():
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for item in items:
            fields = {k: v for k, v in item.items() if k != "file"}
            (folder / item["file"]).write_text(json.dumps(fields), encoding="utf-8")
        sources.append(SourceConfig(name=name, path=folder, outlet=OUTLETS[name]))
    return sources


def _make_settings(tmp_path: Path, *, sources: list[SourceConfig] | None = None,
                  **extra: object) -> Settings:
    """Settings on `tmp_path`: index and state folders there, never in the user's home."""
    if sources is None:
        sources = _write_library(tmp_path / "library")
    extra.setdefault("name", "Test library")
    return settings_for(sources, tmp_path / "index", tmp_path / "state", **extra)


def _indexed_settings(tmp_path: Path, **extra: object) -> Settings:
    """Settings whose index is already up to date (no indexing when the app starts)."""
    settings = _make_settings(tmp_path, **extra)
    library = Library(settings)
    library.update()
    library.close()
    return settings


TEST_TIMINGS = Timings(read_delay=0.0, preview_delay=0.0, show_took=False, watch_quiet=None)
"""No waiting: an opened article is read at once, the preview follows the cursor at once; no
search times in the status line (snapshots); the source folders not watched (a test that
writes files and presses R counts its own updates; tests/tui/test_watch.py watches)."""


def _new_app(settings: Settings, **timings: float) -> NewsreaderApp:
    return make_app(settings, timings=replace(TEST_TIMINGS, **timings))


QUIET_ROUNDS = 200
"""Turns of every queue after which a wait for quiet gives up (an app that never stops
posting messages): a bound on a count of events, not on time."""


def _quiet(app: App[object]) -> bool:
    """No message waits in the app's queue or in any queue of its current screen's widgets, and
    no key is on its way (tui.key_order)."""
    screen = app.screen
    nodes = [app, *screen.walk_children(with_self=True)]
    key_order = getattr(app, "key_order", None)
    # (`_message_queue` and `_callbacks` are Textual's own: there is no public way to ask
    # whether a queue is empty or callbacks wait for the next repaint.)
    return (
        all(node._message_queue.empty() for node in nodes)
        and not screen._callbacks
        and not (isinstance(key_order, KeyOrder) and key_order.busy)
    )


async def _until_quiet(pilot: Pilot[object]) -> None:
    """Let every widget of the screen process what it has queued, again while that posts more.

    Pilot's own `press` and `pause` wait for queued messages once, then for the process to look
    idle (less than 1 ms of CPU in 20 ms). A key bubbles up from the focused widget through its
    parents to the app, where its binding runs, one queue after the other; on a loaded machine
    the process gets no CPU for a while and looks idle with the key halfway up, and the test
    then looks at a screen the key has not reached yet (test_compare_screen's escape test
    failed so in full runs).
    """
    for _ in range(QUIET_ROUNDS):
        await pilot._wait_for_screen()
        # What waits for the screen's update timer (a repaint, a layout, `call_after_refresh`
        # callbacks) is done now, as `Pilot.pause` does once: a timer is a wait on time.
        pilot.app.screen._on_timer_update()
        if _quiet(pilot.app):
            return


@pytest.fixture(autouse=True)
def _no_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a reader test runs may touch the real user's folders (read state, config)."""
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "xstate"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(tmp_path / "xdg" / sub))
    monkeypatch.delenv("NEWSREADER_CONFIG", raising=False)


@pytest.fixture(autouse=True)
def _pilot_waits_for_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test's `pilot.press(...)` and `pilot.pause()` return once the keys and the messages
    they caused have been handled everywhere (see `_until_quiet`)."""
    press, pause = Pilot.press, Pilot.pause

    async def press_then_quiet(self: Pilot[object], *keys: str) -> None:
        await press(self, *keys)  # (several keys still go as one burst, as Pilot sends them)
        await _until_quiet(self)

    async def pause_then_quiet(self: Pilot[object], delay: float | None = None) -> None:
        await pause(self, delay)
        if delay is None:
            await _until_quiet(self)

    monkeypatch.setattr(Pilot, "press", press_then_quiet)
    monkeypatch.setattr(Pilot, "pause", pause_then_quiet)


async def _settle(pilot: Pilot[None]) -> None:
    """Wait until every worker is done and the screen has caught up, again while a worker's
    result starts another worker."""
    app = pilot.app
    for _ in range(QUIET_ROUNDS):
        # A worker that failed or was cancelled is done too: the app reports it, and the test
        # asserts on what the app shows (`wait_for_complete` would raise its error here).
        # The watch of the source folders (tui/jobs/watcher.py, on in an app a test builds
        # with the reader's own timings) runs until the app closes: it is not waited for.
        running = [worker for worker in app.workers if not worker.is_finished
                   and worker.group != "watch"]
        await asyncio.gather(*(worker.wait() for worker in running), return_exceptions=True)
        await pilot.pause()
        if all(worker.is_finished or worker.group == "watch" for worker in app.workers):
            return


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    """`make_settings(tmp_path, sources=None, **extra)`: settings on the test library."""
    return _make_settings


@pytest.fixture
def indexed_settings() -> Callable[..., Settings]:
    """`indexed_settings(tmp_path, **extra)`: the same, with the index already up to date."""
    return _indexed_settings


@pytest.fixture
def new_app() -> Callable[..., NewsreaderApp]:
    """`new_app(settings, **timings)`: the app as the CLI makes it, with no read or preview
    delay (`TEST_TIMINGS`; a test may set one, `read_delay=30.0`)."""
    return _new_app


@pytest.fixture
def settle() -> Callable[[Pilot[None]], Awaitable[None]]:
    """`await settle(pilot)`: wait until every worker is done and the screen caught up."""
    return _settle


@pytest.fixture
def total() -> int:
    """How many articles the test library holds."""
    return TOTAL


@pytest.fixture
def hostile_title() -> str:
    return HOSTILE_TITLE


@pytest.fixture
def hostile_body() -> str:
    return HOSTILE_BODY
