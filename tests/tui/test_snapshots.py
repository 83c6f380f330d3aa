"""SVG snapshots of the app's screens (pytest-textual-snapshot). Update with
`pytest tests/tui/test_snapshots.py --snapshot-update` and look at the SVGs before committing.

Deterministic by construction: fixed article dates, the index built before the app starts (no
"indexed in 0.1 s" toast), search timing hidden, the input cursor not blinking.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.index.config import Settings
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.widgets.search_bar import SearchBar

# What the `settle` fixture (tests/tui/conftest.py) gives: wait until the app is idle.
Settle = Callable[[Pilot[None]], Awaitable[None]]

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _fixed_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The welcome screen shows where the config file goes: make that path the same everywhere.
    monkeypatch.setenv("XDG_CONFIG_HOME", "/home/reader/.config")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.delenv("NEWSREADER_CONFIG", raising=False)


@pytest.fixture
def ready(settle: Settle) -> Settle:
    """Wait for the workers, then freeze the search bar's cursor so snapshots are stable."""

    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for bar in pilot.app.screen.query(SearchBar):
            bar.cursor_blink = False

    return ready


def test_main_screen(
    snap_compare: Callable[..., bool],
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    ready: Settle,
) -> None:
    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=SIZE,
                        run_before=ready)


def test_search_results(
    snap_compare: Callable[..., bool],
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    ready: Settle,
) -> None:
    async def run_before(pilot) -> None:
        await ready(pilot)
        await pilot.press("slash", *"ferry")
        await pilot.app.screen.query_one(SearchBar).wait_for_debounce()
        await ready(pilot)

    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=SIZE,
                        run_before=run_before)


def test_open_article_with_highlights(
    snap_compare: Callable[..., bool],
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    ready: Settle,
) -> None:
    async def run_before(pilot) -> None:
        await ready(pilot)
        await pilot.press("slash", *"ferry", "enter")
        await ready(pilot)
        await pilot.press("enter")
        await ready(pilot)
        await pilot.press("n")
        await ready(pilot)

    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=SIZE,
                        run_before=run_before)


def test_help_screen(
    snap_compare: Callable[..., bool],
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    ready: Settle,
) -> None:
    async def run_before(pilot) -> None:
        await ready(pilot)
        await pilot.press("question_mark")
        await ready(pilot)

    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=SIZE,
                        run_before=run_before)


def test_narrow_layout(
    snap_compare: Callable[..., bool],
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    ready: Settle,
) -> None:
    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=(80, 30),
                        run_before=ready)


def test_narrow_layout_reading(
    snap_compare: Callable[..., bool],
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    ready: Settle,
) -> None:
    async def run_before(pilot) -> None:
        await ready(pilot)
        await pilot.press("j", "enter")
        await ready(pilot)

    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=(80, 30),
                        run_before=run_before)


def test_empty_library_welcome(
    snap_compare: Callable[..., bool],
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    ready: Settle,
) -> None:
    assert snap_compare(new_app(make_settings(tmp_path, sources=[])), terminal_size=SIZE,
                        run_before=ready)
