"""What the panes show when a name or a status is longer than the room for it (issue 10, item
7 area): the name gives way, never the counts; the status line drops its least important parts
whole, never cuts a phrase."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from feed_server import FeedServer
from textual.pilot import Pilot

from newsreader.index.config import Settings, SourceConfig, feed_source
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.source_list import SourceList
from newsreader.tui.widgets.status import StatusLine

Settle = Callable[[Pilot[None]], Awaitable[None]]
LONG_SOURCE = "kallenport-herald"


def _long_named_library(root: Path) -> list[SourceConfig]:
    """Three unread articles in a source whose name (with its counts) is wider than the
    sources pane at 100-155 columns."""
    folder = root / LONG_SOURCE
    folder.mkdir(parents=True)
    for n, topic in enumerate(["tides", "bridges", "lanterns"]):
        article = {
            "title": f"Town council debates {topic}",
            "date": f"2024-10-0{n + 1}",
            "body": f"The council met on a wet evening to talk about {topic}.\n\n"
            f"Nobody agreed about the {topic}, and the meeting ran late.",
        }
        (folder / f"{topic}.json").write_text(json.dumps(article), encoding="utf-8")
    return [SourceConfig(name=LONG_SOURCE, path=folder, outlet="Kallenport Herald")]


def _source_lines(app: NewsreaderApp) -> list[str]:
    sources = app.screen.query_one(SourceList)
    return [sources.render_line(y).text.rstrip()
            for y in range(sources.scrollable_content_region.height)]


async def test_a_long_source_name_gives_way_to_its_counts(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    settings = indexed_settings(tmp_path, sources=_long_named_library(tmp_path / "lib"))
    for width in (100, 120, 155):
        app = new_app(settings)
        async with app.run_test(size=(width, 40)) as pilot:
            await settle(pilot)
            line = next(s for s in _source_lines(app) if s.strip().startswith("kallenport"))
            assert line.rstrip().endswith("3 · 3 new"), (width, line)
            assert "…" in line, (width, line)  # the name was shortened, not the counts


async def test_the_search_status_fits_at_160_columns_without_cutting_a_phrase(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[..., NewsreaderApp],
    settle: Settle,
) -> None:
    # With the search time shown, as a user sees it (the tests hide it elsewhere).
    app = new_app(indexed_settings(tmp_path), show_took=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab", "j", "j", "enter")  # the sources: All, harbour, valley
        await settle(pilot)
        await pilot.press("u", "slash", *"harvst")  # unread only; a word with a suggestion
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await settle(pilot)
        status = app.screen.query_one("#status", StatusLine)
        said = status.plain
        assert "did you mean harvest?" in said and "by relevance" in said  # longer than the line
        shown = status.render_line(0).text.strip()
        assert shown.startswith("0 results in valley · did you mean harvest?"), shown
        assert len(shown) <= status.content_region.width
        # The parts shown are whole ones of what the line says: none is cut ("· by").
        parts = said.split(" · ")
        for part in shown.split(" · "):
            assert part in parts, (part, shown, said)


@pytest.mark.usefixtures("loopback_only")
@pytest.mark.parametrize("width", [80, 160])
async def test_the_list_status_leaves_out_whole_parts_for_a_long_notice(
    tmp_path: Path,
    feed_server: FeedServer,
    make_settings: Callable[..., Settings],
    new_app: Callable[..., NewsreaderApp],
    settle: Settle,
    width: int,
) -> None:
    """Issue 10 (tmux trial): a failed feed's notice made the browse list's status line longer
    than the pane, and the line was cut at its end, mid-word."""
    gone = feed_server.static("/a-feed-with-a-rather-long-address/gone.xml", "gone", status=410,
                              content_type="text/plain")
    base = make_settings(tmp_path)
    feeds = tmp_path / "feeds"
    settings = make_settings(tmp_path, feeds_dir=feeds,
                             sources=[*base.sources, feed_source("gone", feeds, feed=gone)])
    app = new_app(settings)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.press("u", "F")  # unread only; fetch: the feed fails
        await settle(pilot)
        status = app.screen.query_one("#status", StatusLine)
        said = status.plain
        assert "Feed failed: gone: " in said and "unread only" in said, said
        shown = status.render_line(0).text.strip()
        assert len(shown) < len(said), (shown, said)  # too long for the line: parts left out
        assert shown.startswith("All · "), shown
        parts = said.split(" · ")
        for part in shown.split(" · "):
            assert part in parts, (part, shown, said)
