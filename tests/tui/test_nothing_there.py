"""An empty list says what is true (issue 10, final trial): an empty source folder is named as
soon as the index is known to be up to date, and `A` with nothing listed asks nothing."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from newsreader.index.config import Settings, SourceConfig
from newsreader.index.store.library import Library
from newsreader.tui import loaders
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.status import LibraryHeader

Settle = Callable[[Pilot[None]], Awaitable[None]]
SIZE = (120, 40)
ROUNDS = 2000
"""Turns of the app's queues a test waits for a state before it fails (a count, not a time)."""


def main_screen(app: NewsreaderApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def list_text(app: NewsreaderApp) -> str:
    """The article list's lines as drawn, without their spaces (a long text wraps, and a path
    may be cut at any character)."""
    article_list = main_screen(app).query_one(ArticleList)
    height = article_list.scrollable_content_region.height
    return "".join("".join(article_list.render_line(y).text.split()) for y in range(height))


def bare(text: str) -> str:
    return "".join(text.split())


async def until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    for _ in range(ROUNDS):
        if done():
            return
        await pilot.pause()
    raise AssertionError("the app never got there")


def toasts(app: NewsreaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_an_empty_folder_is_said_as_soon_as_the_index_is_up_to_date(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    # The list's reload after indexing is held until the test has looked: before the fix the
    # list said "Indexing the library…" under "index up to date" until that reload came in
    # (~5 s on a loaded machine).
    folder = tmp_path / "only"
    folder.mkdir()
    indexed, release = threading.Event(), threading.Event()
    update, load_rows = Library.update, loaders.load_rows

    def update_then_hold(self: Library, **kwargs: object) -> object:
        try:
            return update(self, **kwargs)  # type: ignore[arg-type]
        finally:
            indexed.set()

    def held_rows(*args: object) -> object:
        if indexed.is_set():
            release.wait(10)
        return load_rows(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "update", update_then_hold)
    monkeypatch.setattr(loaders, "load_rows", held_rows)
    app = new_app(make_settings(tmp_path, sources=[SourceConfig("only", folder)]))  # no index
    async with app.run_test(size=SIZE) as pilot:
        header = main_screen(app).query_one(LibraryHeader)
        await until(pilot, lambda: header.state == "index up to date")
        text = list_text(app)
        assert "Indexing" not in text, text
        assert text.startswith(bare("No articles yet: the source folders hold no article")), text
        release.set()
        await settle(pilot)
        assert "Welcome to newsreader" in str(app.screen.query_one("#welcome-text").render())


async def test_an_empty_source_next_to_others_names_its_folder(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    folder = tmp_path / "empty folder"
    folder.mkdir()
    sources = [*make_settings(tmp_path).sources, SourceConfig("later", folder)]
    settings = make_settings(tmp_path, sources=sources)
    Library(settings).update()
    app = new_app(settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab", "j", "j", "j", "enter")  # All, harbour, valley, later
        await settle(pilot)
        assert main_screen(app).scope.source == "later"
        text = list_text(app)
        assert text == bare(f"No articles in this folder yet: {folder}. Add article files to it, "
                            "then press R to read them."), text


async def test_a_on_a_search_without_hits_says_there_is_nothing_to_mark(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zeppelin")
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await settle(pilot)
        await pilot.press("enter", "A")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # nothing asked
        assert "No articles found for 'zeppelin': nothing to mark read." in toasts(app)
        assert not any("read already" in toast for toast in toasts(app))
        assert app.read_state.snapshot() == set()


async def test_an_empty_source_clears_the_article_pane(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    """Issue 10 (tmux trial): after an empty source was chosen the pane went on showing the
    article of the list before, as if it were in that source."""
    folder = tmp_path / "empty folder"
    folder.mkdir()
    sources = [*make_settings(tmp_path).sources, SourceConfig("later", folder)]
    settings = make_settings(tmp_path, sources=sources)
    Library(settings).update()
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert view.reading is not None  # the wide layout previews the first article
        await pilot.press("shift+tab", "j", "j", "j", "enter")  # All, harbour, valley, later
        await settle(pilot)
        assert main_screen(app).scope.source == "later"
        assert view.reading is None
        assert view.has_class("-empty")
        assert str(view.query_one("#article-title", Static).render()) == ""
        assert "Choose an article" in str(view.query_one("#article-empty", Static).render())
        # Back to a source with articles: the pane follows the list again.
        await pilot.press("k", "enter")  # the sources keep the focus: valley
        await settle(pilot)
        assert main_screen(app).scope.source == "valley"
        assert view.reading is not None


async def test_an_empty_source_says_so_while_the_first_index_runs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    """Issue 10 (tmux trial): during a first index an empty source's list said "Indexing the
    library…: articles appear here as they are added", though the update had nothing of it to
    read. The update is held after its first file, so the test looks while it runs."""
    folder = tmp_path / "empty folder"
    folder.mkdir()
    sources = [*make_settings(tmp_path).sources, SourceConfig("later", folder)]
    valley = sum(1 for f in next(s for s in sources if s.name == "valley").path.rglob("*")
                 if f.is_file())
    assert valley > 1
    reached, release = threading.Event(), threading.Event()
    update = Library.update

    def held_update(self: Library, **kwargs: Any) -> object:
        progress = kwargs["progress"]

        def held(p: Any) -> None:
            progress(p)
            if not p.committed and p.done == 1:
                reached.set()
                release.wait(10)

        kwargs["progress"] = held
        return update(self, **kwargs)

    monkeypatch.setattr(Library, "update", held_update)
    app = new_app(make_settings(tmp_path, sources=sources))  # no index yet
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, reached.is_set)
        await pilot.press("shift+tab", "j", "j", "j", "enter")  # All, harbour, valley, later
        await until(pilot, lambda: main_screen(app).scope.source == "later"
                    and main_screen(app).query_one(ArticleList).rows is not None)
        await pilot.pause()
        text = list_text(app)
        assert "Indexing" not in text, text
        assert text == bare(f"No articles in this folder yet: {folder}. Add article files to it, "
                            "then press R to read them."), text
        await pilot.press("k", "enter")  # valley: its files are still being read
        await until(pilot, lambda: main_screen(app).scope.source == "valley")
        await pilot.pause()
        text = list_text(app)
        assert text.startswith(bare("Indexing valley: ")), text
        assert bare(f"of {valley} files read; its articles appear here") in text, text
        release.set()
        await settle(pilot)
        assert "Indexing" not in list_text(app)
