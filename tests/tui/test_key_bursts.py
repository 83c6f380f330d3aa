"""Keys that arrive together (a paste, a macro, a fast typist, `tmux send-keys`) are handled in
order, each after the one before has had its effect: the letters after `/` land in the search
input, never in the list as commands (issue 18).

`pilot.press` waits for the app to be idle after every key, which hides the problem; `burst`
hands every key to the driver at once, as a terminal does when it delivers one read of input.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual import events
from textual.command import CommandInput, CommandPalette
from textual.pilot import Pilot

from newsreader.index.config import Settings
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.search_bar import SearchBar

Settle = Callable[[Pilot[None]], Awaitable[None]]
Reader = Callable[..., NewsreaderApp]

SIZE = (120, 40)

# Key names for the characters a burst may hold (the rest are their own names).
_NAMES = {"/": "slash", " ": "space", "\r": "enter", "\n": "ctrl+j", "?": "question_mark"}


@pytest.fixture
def reader(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
) -> Reader:
    """The app on the test library, indexed; keyword arguments go to the settings."""
    return lambda **extra: new_app(indexed_settings(tmp_path, **extra))


def key_event(key: str) -> events.Key:
    """The event a terminal read produces for `key` (a character or a key name)."""
    if len(key) == 1:
        name = _NAMES.get(key, key)
        character = " " if key == " " else ("\r" if key == "\r" else key)
        return events.Key(name, None if key == "\n" else character)
    return events.Key(key, None)


KEY_NAMES = {"escape", "enter", "tab"}


async def burst(pilot: Pilot[None], settle: Settle, *parts: str) -> None:
    """Give the app every key at once, with no pause between them, then let it settle. Each
    part is a key name (`escape`, `ctrl+f`) or text typed a character at a time."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    keys = [part for key in parts for part in ([key] if key in KEY_NAMES or "+" in key else [*key])]
    events_of_one_read = [key_event(key) for key in keys]
    # One read of the terminal stamps its keys together; on a loaded machine this loop can be
    # descheduled between two keys, which would make them look typed apart.
    for event in events_of_one_read:
        event.time = events_of_one_read[0].time
        event.set_sender(app)
        driver.send_message(event)
    await settle(pilot)


def search_text(app: NewsreaderApp) -> str:
    return app.screen.query_one(SearchBar).value


async def test_letters_typed_together_with_slash_go_to_the_search(
    reader: Reader, settle: Settle
) -> None:
    # "ferry" holds r (related articles) and y (copy the URL); "mood" holds m (mark read) and
    # o (open the URL): before, they ran as commands on the list and the search stayed empty.
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, settle, "/ferry")
        assert isinstance(app.screen, MainScreen)
        assert search_text(app) == "ferry"
        assert isinstance(app.focused, SearchBar)
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await settle(pilot)
        assert app.screen.query_text == "ferry"
        assert len(app.screen.query_one(ArticleList)) == 3
        # The same after escape escape (the search closed, then the list focused again).
        await burst(pilot, settle, "escape", "escape", "/mood")
        assert isinstance(app.screen, MainScreen)
        assert search_text(app) == "mood"
        assert not app.read_state.snapshot()


async def test_a_burst_ending_in_enter_searches_and_goes_to_the_results(
    reader: Reader, settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, settle, "/ferry", "enter")  # a line break at the end of a burst submits
        await settle(pilot)
        assert app.screen.query_text == "ferry"
        article_list = app.screen.query_one(ArticleList)
        assert app.focused is article_list and article_list.cursor == 0
        await burst(pilot, settle, "jj")
        assert article_list.cursor == 2


async def test_a_key_rebound_to_search_takes_the_letters_after_it(
    reader: Reader, settle: Settle
) -> None:
    app = reader(keys={"search": "ctrl+f,f"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, settle, "ctrl+f", "quay")  # q quits the reader if it reaches the list
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert search_text(app) == "quay"
        await burst(pilot, settle, "escape", "escape", "fmoor")
        assert search_text(app) == "moor"
        assert not app.read_state.snapshot()


async def test_the_command_palette_input_takes_the_letters_after_its_key(
    reader: Reader, settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, settle, "ctrl+p", "unread")
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).value == "unread"


async def test_keys_after_help_go_to_the_help_screen(reader: Reader, settle: Settle) -> None:
    from newsreader.tui.screens.help import HelpScreen

    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, settle, "?", "escape", "m")
        # escape closed the help (not the list's back), m then marked the article read.
        assert not isinstance(app.screen, HelpScreen)
        assert app.read_state.snapshot()


async def test_a_paste_into_the_search_bar_is_text_on_one_line(
    reader: Reader, settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.post_message(events.Paste("winter\nferry\r\ntimetable\x1b[31m"))
        await settle(pilot)
        assert search_text(app) == "winter ferry timetable"
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await settle(pilot)
        assert len(app.screen.query_one(ArticleList)) == 1


async def test_a_paste_on_the_list_opens_the_search_with_it(reader: Reader, settle: Settle) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        # q, m, o would be commands on the list; tmux pastes a line break as CR.
        app.post_message(events.Paste("quiet\rmoor"))
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert isinstance(app.focused, SearchBar)
        assert search_text(app) == "quiet moor"
        assert not app.read_state.snapshot()


async def test_a_paste_typed_as_keys_folds_its_newlines(reader: Reader, settle: Settle) -> None:
    # A terminal without bracketed paste types the text: its line breaks arrive as enter or
    # ctrl+j in the same read as the letters around them.
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, settle, "/winter\rferry\nmoor")
        assert isinstance(app.focused, SearchBar)
        assert search_text(app) == "winter ferry moor"
        assert not app.read_state.snapshot()


async def test_enter_typed_on_its_own_still_submits(reader: Reader, settle: Settle) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"storm", "enter", "j")
        await settle(pilot)
        assert search_text(app) == "storm"
        assert isinstance(app.focused, ArticleList)
