"""SVG snapshots of the app's screens (pytest-textual-snapshot). Update with
`pytest tests/test_snapshots.py --snapshot-update` and look at the SVGs before committing.

Deterministic by construction: fixed article dates, the index built before the app starts (no
"indexed in 0.1 s" toast), search timing hidden, the input cursor not blinking.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import indexed_settings, make_settings, new_app, settle

from newsreader.tui.widgets.search_bar import SearchBar

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _fixed_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The welcome screen shows where the config file goes: make that path the same everywhere.
    monkeypatch.setenv("XDG_CONFIG_HOME", "/home/reader/.config")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.delenv("NEWSREADER_CONFIG", raising=False)


async def _ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    for bar in pilot.app.screen.query(SearchBar):
        bar.cursor_blink = False


def test_main_screen(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=SIZE,
                        run_before=_ready)


def test_search_results(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        await pilot.press("slash", *"ferry")
        await pilot.app.screen.query_one(SearchBar).wait_for_debounce()
        await _ready(pilot)

    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=SIZE,
                        run_before=run_before)


def test_open_article_with_highlights(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        await pilot.press("slash", *"ferry", "enter")
        await _ready(pilot)
        await pilot.press("enter")
        await _ready(pilot)
        await pilot.press("n")
        await _ready(pilot)

    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=SIZE,
                        run_before=run_before)


def test_help_screen(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        await pilot.press("question_mark")
        await _ready(pilot)

    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=SIZE,
                        run_before=run_before)


def test_narrow_layout(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=(80, 30),
                        run_before=_ready)


def test_narrow_layout_reading(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        await pilot.press("j", "enter")
        await _ready(pilot)

    assert snap_compare(new_app(indexed_settings(tmp_path)), terminal_size=(80, 30),
                        run_before=run_before)


def test_empty_library_welcome(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(new_app(make_settings(tmp_path, sources=[])), terminal_size=SIZE,
                        run_before=_ready)
