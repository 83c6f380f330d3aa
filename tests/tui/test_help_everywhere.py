"""`?` opens help wherever a user can be (issue 10, tmux trial): over the story and the related
list it did nothing, Textual leaving the app's keys out while a modal screen is in front. Help
opens on the screen it was pressed on, that screen's keys first; only a text input takes `?` as
a character."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from test_stories_screen import lab_settings, open_story
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from newsreader.index.config import Settings, SourceConfig
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.differences import DifferencesScreen
from newsreader.tui.screens.exclusive import ExclusiveScreen
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.related import RelatedScreen
from newsreader.tui.screens.story import StoryScreen
from newsreader.tui.screens.welcome import WelcomeScreen
from newsreader.tui.widgets.footer import Footer
from newsreader.tui.widgets.search_bar import SearchBar

Settle = Callable[[Pilot[None]], Awaitable[None]]


def first_heading(app: NewsreaderApp) -> str:
    """The first section heading of the help on show."""
    table = app.screen.query_one("#help-table", Static).content
    lines = app.console.render_lines(table, app.console.options.update_width(100))
    text = ["".join(seg.text for seg in line).strip() for line in lines]
    return next(line for line in text if line)


def footer_keys(app: NewsreaderApp) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(key.render().plain for key in footer.children  # type: ignore[union-attr]
                    if key.display)


async def help_opens_on(pilot: Pilot[None], settle: Settle, screen: type[Screen[object]],
                        heading: str) -> None:
    """On `screen`, `?` opens help with `heading`'s keys first; escape goes back to it."""
    app = pilot.app
    assert isinstance(app, NewsreaderApp)
    assert type(app.screen) is screen
    await pilot.press("question_mark")
    await settle(pilot)
    assert isinstance(app.screen, HelpScreen), f"? did nothing on {screen.__name__}"
    assert first_heading(app) == f"{heading} · here"
    await pilot.press("escape")
    await settle(pilot)
    assert type(app.screen) is screen


async def test_help_opens_on_the_story_its_compare_and_what_only_each_reports(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(lab_settings(tmp_path, make_settings))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_story(pilot, settle, "Halvik")
        assert footer_keys(app).strip().endswith("? Help")  # last, as on the main screen
        await help_opens_on(pilot, settle, StoryScreen, "A story")
        await pilot.press("e")
        await settle(pilot)
        await help_opens_on(pilot, settle, ExclusiveScreen, "Only here (a story)")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("space", "j", "c")  # compare two articles of the story
        await settle(pilot)
        await help_opens_on(pilot, settle, CompareScreen, "Compare screen")
        await pilot.press("d")
        await settle(pilot)
        await help_opens_on(pilot, settle, DifferencesScreen, "Where they differ")


async def test_help_opens_on_related_and_on_the_question(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await help_opens_on(pilot, settle, MainScreen, "Main screen")
        await pilot.press("r")
        await settle(pilot)
        assert "? Help" in footer_keys(app)
        await help_opens_on(pilot, settle, RelatedScreen, "Related articles")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("A")  # mark all read: a question first
        await settle(pilot)
        await help_opens_on(pilot, settle, ConfirmScreen, "A question")
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen) is MainScreen
        # `?` on the help itself closes it.
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert type(app.screen) is MainScreen
        # In the search bar `?` is a character of the query, not help.
        await pilot.press("slash", "question_mark")
        await settle(pilot)
        assert type(app.screen) is MainScreen
        assert app.screen.query_one(SearchBar).value == "?"


@pytest.mark.parametrize("width", [80, 160])
async def test_help_opens_on_the_welcome_screen(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    width: int,
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    app = new_app(make_settings(tmp_path, sources=[SourceConfig("mine", folder)]))
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await help_opens_on(pilot, settle, WelcomeScreen, "Welcome screen")


@pytest.mark.parametrize("width", [80, 160])
async def test_in_the_search_bar_the_footer_shows_f1_and_f1_opens_help(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    width: int,
) -> None:
    """Issue 10 (tmux trial): in the search bar `?` is typed, and the footer showed no help key
    at all. F1 opens help everywhere, the search bar included, and the footer there says so."""
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        assert "? Help" in footer_keys(app)  # elsewhere `?` is the key shown
        await pilot.press("slash", *"ferry")
        await settle(pilot)
        search_bar = app.screen.query_one(SearchBar)
        assert search_bar.has_focus
        keys = footer_keys(app)
        assert "f1 Help" in keys and "? Help" not in keys, keys
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")  # F1 closes it again, as ? does
        await settle(pilot)
        assert type(app.screen) is MainScreen
        assert search_bar.has_focus and search_bar.value == "ferry"  # the query untouched
        await pilot.press("escape", "escape")  # out of the search; the story list: F1 as well
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert first_heading(app) == "Related articles · here"


async def test_rebinding_help_moves_every_help_key(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    """`keys: {help: f2}` replaces `?` and F1, on the main screen, in the search bar and over
    a modal screen alike (README: the keys given replace all of a binding's keys)."""
    app = new_app(indexed_settings(tmp_path, keys={"help": "f2"}))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "f2 Help" in footer_keys(app)
        await pilot.press("question_mark", "f1")
        await settle(pilot)
        assert type(app.screen) is MainScreen  # neither opens help now
        await pilot.press("slash")
        await settle(pilot)
        assert "f2 Help" in footer_keys(app)
        await pilot.press("escape", "r")
        await settle(pilot)
        assert isinstance(app.screen, RelatedScreen)
        assert "f2 Help" in footer_keys(app)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, RelatedScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
