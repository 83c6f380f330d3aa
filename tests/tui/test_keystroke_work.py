"""What a search keystroke costs the UI thread (issue 14, "keystroke to results"): counted, not
timed (`bench/bench_tui.py` times it). A keystroke that keeps the first hit only redraws the
article pane's highlights; start-up's objects are left out of Python's cyclic collections while
the app runs."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from newsreader.index.config import Settings
from newsreader.tui import loaders
from newsreader.tui.app import GC_YOUNG, NewsreaderApp
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.list_pane import ListPane
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.status import StatusLine

Settle = Callable[[Pilot[None]], Awaitable[None]]
SIZE = (120, 40)
PARTS = ("title", "meta", "url", "body")


def highlighted(view: ArticleView, part: str) -> list[str]:
    """The words the pane shows highlighted (reverse) in its title or body."""
    content = view.query_one(f"#article-{part}", Static).content
    assert isinstance(content, Text)
    return [content.plain[s.start:s.end].lower() for s in content.spans
            if "reverse" in str(s.style)]


async def type_query(pilot: Pilot[None], keys: list[str], settle: Settle) -> None:
    await pilot.press(*keys)
    await pilot.app.screen.query_one(SearchBar).wait_for_debounce()
    await settle(pilot)


async def test_a_keystroke_that_keeps_the_first_hit_only_redraws_its_highlights(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_query(pilot, list("timetable"), settle)  # one article has the word
        view = app.screen.query_one(ArticleView)
        assert view.reading is not None
        assert view.reading.article.id == "harbour/ferry-winter.json"
        assert highlighted(view, "title") == ["timetable"]
        assert highlighted(view, "body") == ["timetable"]
        body = view.query_one("#article-body", Static)
        height = body.size.height
        meta = str(view.query_one("#article-meta", Static).content)

        # Every layout the pane's parts ask for from here on.
        laid_out: list[str] = []
        for part in PARTS:
            widget = view.query_one(f"#article-{part}", Static)

            def spy(*regions: object, layout: bool = False, _part: str = part,
                    _refresh: Callable[..., object] = widget.refresh, **kwargs: object) -> object:
                if layout:
                    laid_out.append(_part)
                return _refresh(*regions, layout=layout, **kwargs)

            monkeypatch.setattr(widget, "refresh", spy)

        await type_query(pilot, ["space", *"ferry"], settle)  # the same article comes first
        assert view.reading is not None and view.reading.query == "timetable ferry"
        assert view.reading.article.id == "harbour/ferry-winter.json"
        # The new query's matches are highlighted and counted ...
        assert highlighted(view, "title") == ["ferry", "timetable"]
        assert sorted(set(highlighted(view, "body"))) == ["ferry", "timetable"]
        assert view.border_subtitle == f"match 1/{len(view.matches)}"
        assert len(view.matches) == 2 + 5
        # ... in the same lines as before, which were not laid out again.
        assert body.size.height == height
        assert str(view.query_one("#article-meta", Static).content) == meta
        assert laid_out == []

        # Another article first: laid out as ever.
        await type_query(pilot, ["ctrl+u", *"lighthouse"], settle)
        assert view.reading is not None
        assert view.reading.article.id == "harbour/lighthouse.json"
        assert highlighted(view, "title") == ["lighthouse"]
        assert "body" in laid_out


async def test_start_up_objects_are_left_out_of_collections_while_the_app_runs(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    threshold = gc.get_threshold()
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == GC_YOUNG
    # Collectable again once it closes, and Python's thresholds back.
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == threshold


class HeldSearch:
    """`loaders.run_search` held until the test lets it go: a search that takes a while."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        run_search = loaders.run_search

        def held(*args: Any, **kwargs: Any) -> Any:
            self.started.set()
            self.release.wait(timeout=60)
            return run_search(*args, **kwargs)

        monkeypatch.setattr(loaders, "run_search", held)

    async def wait_started(self) -> None:
        assert await asyncio.to_thread(self.started.wait, 60)


def spy_repaints(widget: Widget, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every repaint `widget` asks for from now on (its name, once a call)."""
    asked: list[str] = []
    refresh = widget.refresh

    def spy(*regions: Any, **kwargs: Any) -> Any:
        asked.append(type(widget).__name__)
        return refresh(*regions, **kwargs)

    monkeypatch.setattr(widget, "refresh", spy)
    return asked


async def test_nothing_is_repainted_while_a_quick_search_runs(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[..., NewsreaderApp],
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A search that answers within `searching_delay` leaves the screen as it is until its hits
    # are painted: a repaint before ("searching…", the pane's unchanged title) held the hits
    # back until Textual's next frame. (Here the delay is one no search reaches.)
    search = HeldSearch(monkeypatch)
    app = new_app(indexed_settings(tmp_path), searching_delay=3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ferry")
        pane = app.screen.query_one(ListPane)
        status = app.screen.query_one(StatusLine)
        before = status.plain
        assert before.startswith("All · ")
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await search.wait_started()  # the first search (a title of "Results" now)
        search.release.set()
        await settle(pilot)
        assert status.plain.startswith("3 results")

        search.release.clear()
        search.started.clear()
        asked = spy_repaints(pane, monkeypatch)
        asked_status = spy_repaints(status, monkeypatch)
        await pilot.press("space", *"fares")
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await search.wait_started()
        await pilot.pause()
        assert (asked, asked_status) == ([], [])
        assert status.plain.startswith("3 results")  # the hits on show are still those
        search.release.set()
        await settle(pilot)
        assert status.plain.startswith("1 result ")
        assert asked_status


async def test_a_search_that_takes_a_while_says_searching(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[..., NewsreaderApp],
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    search = HeldSearch(monkeypatch)
    app = new_app(indexed_settings(tmp_path))  # the reader's own searching_delay
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = app.screen.query_one(StatusLine)
        said = asyncio.Event()
        say = status.say

        def spy(text: Any) -> None:
            say(text)
            if status.plain == "searching…":
                said.set()

        monkeypatch.setattr(status, "say", spy)
        await pilot.press("slash", *"ferry")
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await search.wait_started()
        await asyncio.wait_for(said.wait(), 60)
        assert status.plain == "searching…"
        search.release.set()
        await settle(pilot)
        assert status.plain.startswith("3 results")


async def test_typing_in_the_search_bar_lays_nothing_out_and_a_long_query_scrolls(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[..., NewsreaderApp],
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        bar = app.screen.query_one(SearchBar)
        layouts: list[bool] = []
        refresh = bar.refresh

        def spy(*regions: Any, layout: bool = False, **kwargs: Any) -> Any:
            layouts.append(layout)
            return refresh(*regions, layout=layout, **kwargs)

        monkeypatch.setattr(bar, "refresh", spy)
        # Longer than the bar: the input scrolls to keep the cursor, at the text's end, in view.
        query = ("ferry timetable harbour terminal orchard harvest records reading room "
                 "lighthouse keeper winter storm")
        await pilot.press(*[c if c != " " else "space" for c in query])
        assert bar.value == query
        assert layouts and not any(layouts)  # repainted at each key, never laid out
        width = bar.scrollable_content_region.width
        assert len(query) > width
        shown = bar.render_line(0).text
        assert "lighthouse keeper winter storm" in shown
        assert "ferry" not in shown
        assert bar.virtual_size.width == len(query) + 1  # the text and the cursor after it
        await bar.wait_for_debounce()
        await settle(pilot)
        await pilot.press("home")
        assert "ferry timetable" in bar.render_line(0).text
