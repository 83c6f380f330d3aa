"""The key footer fits its width (issue 10, item 8): every key it shows is whole, `? Help` is
always among them, and the keys least needed go first when the width is short."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widget import Widget

from newsreader.index.config import Settings
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.screens.related import RelatedScreen
from newsreader.tui.widgets.footer import Footer

Settle = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture
def reader(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
) -> Callable[[], NewsreaderApp]:
    return lambda: new_app(indexed_settings(tmp_path))


def footer_line(app: NewsreaderApp) -> str:
    """The footer's row as drawn: each key's text at its place on the screen, cut at the
    screen's edge as the terminal would cut it. Asserts no key is drawn cut."""
    width = app.size.width
    row = [" "] * width
    footer = app.screen.query_one(Footer)
    assert footer.virtual_size.width <= footer.size.width, "keys run past the footer's edge"
    keys: list[Widget] = [key for key in footer.children if key.display]
    for key in keys:
        text = key.render().plain  # type: ignore[union-attr]
        region = key.content_region
        assert region.right <= width, f"{text!r} ends at {region.right}, past {width}"
        assert region.width >= cell_len(text), f"{text!r} is cut to {region.width} cells"
        for offset, char in enumerate(text):
            row[region.x + offset] = char
    return "".join(row)


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_the_footer_fits_with_help_at_every_width(
    reader: Callable[[], NewsreaderApp], settle: Settle, width: int
) -> None:
    app = reader()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        line = footer_line(app)
        for key in ("? Help", "q Quit", "/ Search", "⏎ Open", "c Compare"):
            assert key in line, line
        # Where every key fits, every key shows; the palette's key only with room to spare.
        assert ("s Sort" in line) == (width >= 100), line
        assert ("^p Commands" in line) == (width >= 120), line


async def test_the_footer_fits_again_after_each_resize(
    reader: Callable[[], NewsreaderApp], settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for width in (80, 120, 100, 64, 160):
            await pilot.resize_terminal(width, 30)
            await settle(pilot)
            line = footer_line(app)
            assert "? Help" in line and "q Quit" in line, (width, line)


async def test_below_80_columns_the_footer_keeps_the_keys_most_needed(
    reader: Callable[[], NewsreaderApp], settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot)
        line = footer_line(app)
        assert "? Help" in line and "q Quit" in line, line
        assert "s Sort" not in line and "m Read" not in line, line
        await pilot.resize_terminal(12, 20)  # too narrow for anything but help
        await settle(pilot)
        assert footer_line(app).strip() == "? Help"


async def test_the_footer_fits_while_reading_and_on_the_compare_screen_at_80_columns(
    reader: Callable[[], NewsreaderApp], settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # narrow: the article takes the list's place
        await settle(pilot)
        line = footer_line(app)
        assert "space Page down" in line and "? Help" in line, line
        await pilot.press("escape", "space", "j", "c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        line = footer_line(app)
        for key in ("] Next", "esc Back", "? Help"):
            assert key in line, line


@pytest.mark.parametrize("width", [80, 120])
async def test_related_and_help_show_their_own_keys(
    reader: Callable[[], NewsreaderApp], settle: Settle, width: int
) -> None:
    """Issue 10 (tmux trial): over the related list and help the main screen's keys stayed
    underneath (`/ Search`, `s Sort`...), keys that do nothing there."""
    app = reader()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RelatedScreen)
        line = footer_line(app)
        assert "esc Close" in line and "c Compare" in line, line
        assert "/ Search" not in line and "s Sort" not in line, line
        await pilot.press("escape")
        await settle(pilot)
        assert "/ Search" in footer_line(app)  # the main screen's own footer again
        # `?` on the main screen: help is a modal over it, with a footer of its own.
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        line = footer_line(app)
        assert "esc Close" in line, line
        assert "c Compare" not in line and "/ Search" not in line, line


@pytest.mark.parametrize("width", [80, 160])
async def test_what_only_each_reports_and_where_they_differ_show_their_own_keys(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    width: int,
) -> None:
    """Issue 10 (tmux trial): these two had no footer; the story's keys (`space Mark`...) and
    the compare screen's (`] Next`...) showed underneath, keys that do nothing there."""
    from test_stories_screen import lab_settings, open_story

    from newsreader.tui.screens.differences import DifferencesScreen
    from newsreader.tui.screens.exclusive import ExclusiveScreen

    app = new_app(lab_settings(tmp_path, make_settings))
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await open_story(pilot, settle, "Halvik")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExclusiveScreen)
        line = footer_line(app)
        assert app.screen.query_one(Footer).region.bottom == app.size.height
        for key in ("esc Back", "j Down", "k Up", "? Help"):
            assert key in line, line
        assert "Mark" not in line and "Only here" not in line, line
        await pilot.press("escape", "space", "j", "c")  # compare two articles of the story
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("d")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, DifferencesScreen)
        line = footer_line(app)
        for key in ("esc Close", "? Help"):
            assert key in line, line
        assert ("⏎ Go to" in line) == bool(listing.places), line
        assert "Next" not in line and "Sync" not in line, line
