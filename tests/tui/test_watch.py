"""Pilot tests of the watcher: files that appear, change or go in a source folder while the
reader runs reach the list (and a search) by themselves, a burst of them is one update, and
what is no article file (an editor's swap file) or cannot be watched changes nothing.

These apps watch (`watch_quiet`), so their watch worker never finishes: they wait on what the
screen shows (`until`), bounded in time, never with the `settle` fixture (which waits for every
worker to finish) nor with fixed sleeps.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot

from newsreader.index.config import Settings, SourceConfig, settings_for
from newsreader.index.store.library import Library
from newsreader.tui.app import NewsreaderApp, Timings, make_app
from newsreader.tui.jobs.indexer import Indexer
from newsreader.tui.jobs.watcher import Watcher
from newsreader.tui.messages import FilesChanged, IndexDone, WatchProblem
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.status import LibraryHeader

SIZE = (120, 40)
BOUND = 30.0
"""Seconds a wait gives up after, failing the test: far above what a change takes (well under
a second), for a loaded machine running the suite on both cores."""
WATCHING = Timings(read_delay=0.0, preview_delay=0.0, show_took=False, watch_quiet=0.1)


def write(folder: Path, name: str, title: str, day: str = "2025-01-10") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"title": title, "date": day, "body": f"All about {title}."}),
                    encoding="utf-8")
    return path


def library(root: Path, *names: str) -> Settings:
    """Two sources (`news`, `more`) of indexed articles; `names` are news's, titled alike."""
    news, more = root / "news", root / "more"
    for n, name in enumerate(names, 1):
        write(news, f"{name}.json", f"{name.capitalize()} story", f"2024-0{n}-01")
    write(more, "other.json", "Other story", "2024-01-15")
    settings = settings_for([SourceConfig("news", news), SourceConfig("more", more)],
                            root / "index", root / "state")
    lib = Library(settings)
    lib.update()
    lib.close()
    return settings


def rows(app: NewsreaderApp) -> list[str]:
    article_list = app.screen.query_one("#articles", ArticleList)
    height = article_list.scrollable_content_region.height
    return [line for y in range(height) if (line := article_list.render_line(y).text.strip())]


def listed(app: NewsreaderApp, title: str) -> bool:
    return any(title in line for line in rows(app))


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds; fail after `BOUND` seconds."""
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, f"not within {BOUND} s: {what}"
        await pilot.pause(0.02)


async def watching(pilot: Pilot[None]) -> Watcher:
    """Wait for the first list, the index check and the watch to be set up."""
    app = pilot.app
    watcher = app.screen.query_one(Watcher)
    await until(pilot, lambda: bool(rows(app)) and bool(watcher.roots)
                and not app.screen.query_one(Indexer).checking, "the watch started")
    # watchfiles sets its inotify watches up in the watch's thread and says nothing until a
    # change: a hidden file (seen by the watch, never by the index) touched until it is seen.
    probe = watcher.roots[0] / ".probe"
    deadline = time.monotonic() + BOUND
    while not watcher.bursts:
        assert time.monotonic() < deadline, "the watch never saw a change"
        probe.write_text(str(time.monotonic()))
        await pilot.pause(0.05)
    return watcher


def done(messages: list[Message]) -> int:
    """Index updates finished (a message is seen once per widget it bubbles through)."""
    return len({id(m) for m in messages if isinstance(m, IndexDone)})


def changed(messages: list[Message]) -> list[FilesChanged]:
    return list({id(m): m for m in messages if isinstance(m, FilesChanged)}.values())


async def test_a_new_file_appears_in_the_list_and_in_a_search(tmp_path: Path) -> None:
    settings = library(tmp_path, "apple", "bridge")
    app = make_app(settings, timings=WATCHING)
    async with app.run_test(size=SIZE) as pilot:
        await watching(pilot)
        await until(pilot, lambda: listed(app, "Apple story"), "the list")
        write(settings.sources[0].path / "deep" / "down", "comet.json", "Comet zebra story")
        await until(pilot, lambda: listed(app, "Comet zebra story"), "the new file listed")
        await until(pilot, lambda: app.screen.query_one(LibraryHeader).articles == 4,
                    "the counts")
        await pilot.press("slash", *"zebra")
        await until(pilot, lambda: rows(app) and listed(app, "Comet zebra story")
                    and not listed(app, "Apple story"), "the new file found by a search")
        assert app.screen.query_one(SearchBar).value == "zebra"


async def test_a_changed_file_shows_its_new_title_and_the_open_article_stays(
    tmp_path: Path,
) -> None:
    settings = library(tmp_path, "apple", "bridge")
    app = make_app(settings, timings=WATCHING)
    async with app.run_test(size=SIZE) as pilot:
        await watching(pilot)
        await until(pilot, lambda: listed(app, "Other story"), "the list")
        await pilot.press("j", "enter")  # open the second article (not the one changed)
        view = app.screen.query_one(ArticleView)
        await until(pilot, lambda: view.reading is not None, "the article open")
        assert view.reading is not None
        opened = view.reading.id
        # Rewritten in place, and an editor's save by rename: a new file moved over the old.
        news = settings.sources[0].path
        write(news, "apple.json", "Apple story rewritten", "2024-01-01")
        write(news, ".bridge.json.tmp", "Bridge story renamed", "2024-02-01").replace(
            news / "bridge.json")
        await until(pilot, lambda: listed(app, "Apple story rewritten")
                    and listed(app, "Bridge story renamed"), "the new titles")
        assert not any(line.endswith("Apple story") for line in rows(app))
        assert view.reading is not None and view.reading.id == opened
        assert app.screen.focused is view


async def test_a_deleted_file_and_a_folder_moved_away_leave_the_list(tmp_path: Path) -> None:
    settings = library(tmp_path, "apple", "bridge")
    news = settings.sources[0].path
    write(news / "2024" / "may", "deep.json", "Deep story", "2024-05-01")
    Library(settings).update()
    app = make_app(settings, timings=WATCHING)
    async with app.run_test(size=SIZE) as pilot:
        await watching(pilot)
        await until(pilot, lambda: listed(app, "Deep story"), "the list")
        (news / "apple.json").unlink()
        # Moved out of the source: the watch sees the folder go, not its files.
        (news / "2024").rename(tmp_path / "elsewhere")
        await until(pilot, lambda: not listed(app, "Apple story")
                    and not listed(app, "Deep story"), "the deleted files gone")
        assert listed(app, "Bridge story") and listed(app, "Other story")


async def test_a_burst_of_files_is_one_update(tmp_path: Path) -> None:
    settings = library(tmp_path, "apple")
    # A burst ends after 0.5 s without a change: the loop below writes far faster, even on a
    # loaded machine (this test's own figure: 150 files in ~15 ms).
    app = make_app(settings, timings=replace(WATCHING, watch_quiet=0.5))
    seen: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await watching(pilot)
        before = done(seen)
        more = settings.sources[1].path
        for n in range(150):  # what a fetch by another program writes
            write(more / "burst", f"{n:03}.json", f"Burst story {n:03}", "2025-02-01")
        header = app.screen.query_one(LibraryHeader)
        await until(pilot, lambda: done(seen) > before and header.state == "index up to date"
                    and listed(app, "Burst story"), "the burst indexed")
        assert done(seen) - before == 1
        assert len(changed(seen)) == 1
        assert app.library.count() == 152


async def test_a_source_folder_removed_while_running_does_not_crash(tmp_path: Path) -> None:
    settings = library(tmp_path, "apple", "bridge")
    app = make_app(settings, timings=WATCHING)
    seen: list[Message] = []
    async with app.run_test(size=SIZE, notifications=True, message_hook=seen.append) as pilot:
        await watching(pilot)
        shutil.rmtree(settings.sources[0].path)  # unplugged
        def said() -> list[str]:
            toasts = [" ".join(str(t.render()).split()) for t in app.screen.query("Toast")]
            return [t for t in toasts if "folder not found" in t and "news" in t]

        await until(pilot, lambda: bool(said()), "the missing folder said")
        assert any(isinstance(m, WatchProblem) for m in seen)
        # Its articles stay (as in a full update), and the other source is still watched.
        write(settings.sources[1].path, "late.json", "Late story")
        indexer = app.screen.query_one(Indexer)
        await until(pilot, lambda: listed(app, "Late story") and not indexer.indexing,
                    "the other source watched")
        assert listed(app, "Apple story") and listed(app, "Bridge story")
        assert len(said()) == 1 and app.is_running


async def test_an_editor_swap_file_is_ignored(tmp_path: Path) -> None:
    settings = library(tmp_path, "apple")
    app = make_app(settings, timings=WATCHING)
    seen: list[Message] = []
    async with app.run_test(size=SIZE, notifications=True, message_hook=seen.append) as pilot:
        await watching(pilot)
        before = done(seen)
        news = settings.sources[0].path
        for name in (".apple.json.swp", "apple.json~", "4913", "#apple.json#", "x.json.part"):
            (news / name).write_text("half a file")
        for name in ("4913", "#apple.json#"):
            (news / name).unlink()
        # Then a real file: once it is listed, the swap files' events (earlier) are handled.
        write(settings.sources[1].path, "real.json", "Real story")
        indexer = app.screen.query_one(Indexer)
        await until(pilot, lambda: listed(app, "Real story") and not indexer.indexing,
                    "the real file listed, the update done")
        paths = [p for m in changed(seen) for p in m.paths]
        assert paths == [str(settings.sources[1].path / "real.json")]
        assert done(seen) - before == 1
        toasts = [" ".join(str(t.render()).split()) for t in app.screen.query("Toast")]
        assert not [t for t in toasts if "skipped" in t.lower() or "not an article" in t]


async def test_a_folder_that_cannot_be_watched_is_said_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.tui.jobs import watcher

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise OSError("OS file watch limit reached")  # what watchfiles raises then

    monkeypatch.setattr(watcher, "watch_batches", refuse)
    settings = library(tmp_path, "apple")
    app = make_app(settings, timings=WATCHING)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: any("not watched" in str(t.render())
                                       for t in app.screen.query("Toast")), "said")
        await until(pilot, lambda: listed(app, "Apple story"), "the list")
        toasts = [" ".join(str(t.render()).split()) for t in app.screen.query("Toast")]
        assert len([t for t in toasts if "watch limit" in t]) == 1
        await pilot.press("R")  # the reader goes on: a re-scan works
        write(settings.sources[0].path, "new.json", "New story")
        await pilot.press("R")
        await until(pilot, lambda: listed(app, "New story"), "R re-scans")


async def test_files_that_change_during_an_update_are_updated_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = library(tmp_path, "apple")
    gate = threading.Event()
    update = Library.update

    def held(self: Library, **kwargs: Any) -> Any:  # the first watched update waits at the gate
        if kwargs.get("paths") is not None:
            assert gate.wait(BOUND), "the gate never opened"
        return update(self, **kwargs)

    monkeypatch.setattr(Library, "update", held)
    app = make_app(settings, timings=WATCHING)
    seen: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await watching(pilot)
        before = done(seen)
        news = settings.sources[0].path
        write(news, "first.json", "First story")
        indexer = app.screen.query_one(Indexer)
        await until(pilot, lambda: indexer.indexing, "the first update running")
        write(news, "second.json", "Second story")
        await until(pilot, lambda: bool(indexer.again), "the second file queued")
        gate.set()
        await until(pilot, lambda: listed(app, "First story") and listed(app, "Second story")
                    and not indexer.indexing, "both files listed, the updates done")
        assert done(seen) - before == 2
        assert indexer.again == set()


def test_the_reader_watches_by_default_a_fifth_of_a_second_a_burst() -> None:
    assert Timings().watch_quiet == 0.2  # the README's figure
