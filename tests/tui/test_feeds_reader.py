"""The reader and feeds: F fetches with progress in the header, the new articles appear, failed
feeds are marked in the source list with their error in the status line, fetch_on_start, and
feed sources grouped (by OPML folder) in the source list. Feeds come from a server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from feed_docs import Item, long_paragraphs, opml, rss20
from feed_server import FeedServer, send
from textual.message import Message
from textual.pilot import Pilot

from newsreader.index.config import Settings, feed_source
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.messages import FetchProgress
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.source_list import SourceList
from newsreader.tui.widgets.status import LibraryHeader, StatusLine

pytestmark = pytest.mark.usefixtures("loopback_only")
Settle = Callable[[Pilot[None]], Awaitable[None]]
SIZE = (150, 40)


def _items(prefix: str, n: int) -> list[Item]:
    return [
        Item(
            title=f"{prefix.title()} wombat story {i}",
            link=f"https://{prefix}.example/{i}",
            guid=f"{prefix}-{i}",
            content=long_paragraphs(f"{prefix} {i}"),
            date=f"Tue, 0{i + 1} Apr 2025 09:30:00 GMT",
        )
        for i in range(n)
    ]


def _settings(
    tmp_path: Path, make_settings: Callable[..., Settings], *feeds: tuple[str, str], **extra: object
) -> Settings:
    base = make_settings(tmp_path)
    feeds_dir = tmp_path / "feeds"
    sources = [*base.sources]
    for name, where in feeds:
        if where.startswith("http"):
            sources.append(feed_source(name, feeds_dir, feed=where))
        else:
            sources.append(feed_source(name, feeds_dir, opml=Path(where)))
    return make_settings(tmp_path, sources=sources, feeds_dir=feeds_dir, **extra)


def _prompts(app: NewsreaderApp) -> list[str]:
    source_list = app.screen.query_one(SourceList)
    return [str(source_list.get_option_at_index(i).prompt) for i in range(source_list.option_count)]


def _titles(app: NewsreaderApp) -> set[str]:
    rows = app.screen.query_one(ArticleList).rows
    return {rows.get(i).title for i in range(len(rows))}  # type: ignore[union-attr]


async def test_f_fetches_with_progress_and_the_articles_appear(
    tmp_path: Path,
    feed_server: FeedServer,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    url = feed_server.static("/world.xml", rss20(_items("world", 3), title="World Desk"))
    go = threading.Event()
    waiting = threading.Event()

    def held(h: BaseHTTPRequestHandler) -> None:
        waiting.set()
        go.wait(30)  # the fetch stays in progress until the test has looked at the header
        send(h, 200, rss20(_items("slow", 1), title="Slow Desk").encode(), content_type="text/xml")

    slow = feed_server.route("/slow.xml", held)
    settings = _settings(tmp_path, make_settings, ("world", url), ("slow", slow))
    app = new_app(settings)
    seen: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(pilot)
        assert "Feeds" in _prompts(app)
        assert not any("World wombat" in t for t in _titles(app))
        await pilot.press("F")
        assert await asyncio.to_thread(waiting.wait, 30)
        while not any(isinstance(m, FetchProgress) for m in seen):
            await pilot.pause()
        header = app.screen.query_one(LibraryHeader)
        assert header.state == "fetching 1/2 feeds" and header.has_class("-indexing")
        go.set()
        await settle(pilot)
        progress = [m for m in seen if isinstance(m, FetchProgress)]
        assert sorted({(m.done, m.total) for m in progress}) == [(1, 2), (2, 2)]
        assert {"World wombat story 0", "World wombat story 2"} <= _titles(app)
        assert header.state == "index up to date"
        world = next(p for p in _prompts(app) if p.startswith("world"))
        assert world.startswith("world  3") and "✗" not in world
        # A second F: the feed answers the same, nothing new, nothing indexed twice.
        await pilot.press("F")
        await settle(pilot)
        assert len([t for t in _titles(app) if t.startswith("World wombat")]) == 3


async def test_a_failed_feed_is_marked_and_its_error_told(
    tmp_path: Path,
    feed_server: FeedServer,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    good = feed_server.static("/good.xml", rss20(_items("good", 1), title="Good Feed"))
    gone = feed_server.static("/gone.xml", "gone", status=410, content_type="text/plain")
    settings = _settings(tmp_path, make_settings, ("good", good), ("gone", gone))
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        prompts = _prompts(app)
        assert next(p for p in prompts if p.startswith("gone")).endswith("✗")
        assert "✗" not in next(p for p in prompts if p.startswith("good"))
        status = app.screen.query_one(StatusLine)
        # After the list status, until another scope is chosen.
        assert status.plain.startswith("All · ")
        assert "· Feed failed: gone: " in status.plain and "HTTP 410 Gone" in status.plain
        header = app.screen.query_one(LibraryHeader)
        assert header.state == "index up to date"  # the good feed's article was indexed
        assert "Good wombat story 0" in _titles(app)
        # The mark stays across a restart (the last fetch's state is on disk), and the cursor
        # on the failed feed tells its error again.
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert next(p for p in _prompts(app) if p.startswith("gone")).endswith("✗")
        source_list = app.screen.query_one(SourceList)
        source_list.focus()
        source_list.highlighted = source_list.get_option_index("source:gone")
        await pilot.pause()
        status = app.screen.query_one(StatusLine)
        assert status.plain.startswith("Feed failed: gone: ") and "410" in status.plain


async def test_fetch_on_start(
    tmp_path: Path,
    feed_server: FeedServer,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    url = feed_server.static("/world.xml", rss20(_items("world", 2)))
    settings = _settings(tmp_path, make_settings, ("world", url), fetch_on_start=True)
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert feed_server.hits["/world.xml"] == 1
        assert {"World wombat story 0", "World wombat story 1"} <= _titles(app)


async def test_opml_feeds_grouped_by_folder(
    tmp_path: Path,
    feed_server: FeedServer,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    subs = tmp_path / "subs.opml"
    subs.write_text(
        opml(
            {
                "Science": [("Lab Notes", feed_server.static("/lab.xml", rss20(_items("lab", 2))))],
                "Sport": [("Pitch Side", feed_server.static("/pitch.xml", "nope", status=404))],
            },
            top=[("Top Wire", feed_server.static("/wire.xml", rss20(_items("wire", 1))))],
        )
    )
    settings = _settings(tmp_path, make_settings, ("subs", str(subs)))
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        prompts = [p.strip() for p in _prompts(app)]
        start = prompts.index("Feeds")
        assert prompts[start + 1].startswith("subs  3") and prompts[start + 1].endswith("✗")
        assert prompts[start + 2].startswith("Top Wire  1")
        assert prompts[start + 3] == "Science"
        assert prompts[start + 4].startswith("Lab Notes  2")
        assert prompts[start + 5] == "Sport"
        assert prompts[start + 6].startswith("Pitch Side  0") and prompts[start + 6].endswith("✗")
        # Choosing a feed lists its articles.
        source_list = app.screen.query_one(SourceList)
        source_list.focus()
        source_list.highlighted = source_list.get_option_index("feed:Lab Notes")
        await pilot.press("enter")
        await settle(pilot)
        assert _titles(app) == {"Lab wombat story 0", "Lab wombat story 1"}


async def test_f_without_feed_sources_says_how_to_add_one(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert any("No feed sources" in str(n.message) for n in app._notifications)
        assert "Feeds" not in _prompts(app)


async def test_the_readers_fetch_indexes_just_the_files_it_wrote(
    tmp_path: Path,
    feed_server: FeedServer,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    url = feed_server.static("/world.xml", rss20(_items("world", 3), title="World Desk"))
    settings = _settings(tmp_path, make_settings, ("world", url))
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        library = app.library
        asked: list[object] = []
        update = library.update

        def spy(**kwargs: object) -> object:
            asked.append(kwargs.get("paths"))
            return update(**kwargs)  # type: ignore[arg-type]

        library.update = spy  # type: ignore[method-assign]
        await pilot.press("F")
        await settle(pilot)
        assert {"World wombat story 0", "World wombat story 2"} <= _titles(app)
        [paths] = asked
        written = sorted((tmp_path / "feeds" / "world").glob("[!.]*.json"))
        assert sorted(Path(p) for p in paths) == written and len(written) == 3  # type: ignore[attr-defined]


async def test_what_f_writes_into_a_watched_feed_folder_is_indexed_without_a_loop(
    tmp_path: Path,
    feed_server: FeedServer,
    make_settings: Callable[..., Settings],
    new_app: Callable[..., NewsreaderApp],
) -> None:
    # The reader watches its feed folders too (a fetch by another program shows up by itself):
    # its own fetch's files are indexed by the fetch, and the watch may update them once more
    # (unchanged: nothing to do), never again and again.
    import json
    import time

    from newsreader.tui.jobs.indexer import Indexer
    from newsreader.tui.jobs.watcher import Watcher
    from newsreader.tui.messages import IndexDone

    url = feed_server.static("/world.xml", rss20(_items("world", 3), title="World Desk"))
    settings = _settings(tmp_path, make_settings, ("world", url))
    (settings.feeds_dir / "world").mkdir(parents=True)  # fetched into before: watched
    app = new_app(settings, watch_quiet=0.1)
    seen: list[Message] = []

    async def until(condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 30
        while not condition():
            assert time.monotonic() < deadline, "not within 30 s"
            await pilot.pause(0.02)

    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        watcher, indexer = app.screen.query_one(Watcher), app.screen.query_one(Indexer)
        await until(lambda: bool(watcher.roots) and bool(_titles(app)) and not indexer.checking)
        assert settings.feeds_dir / "world" in watcher.roots
        await pilot.press("F")
        await until(lambda: "World wombat story 2" in _titles(app) and not indexer.indexing
                    and "fetching" not in app.screen.query_one(LibraryHeader).state)
        # A file written after the fetch's: once it is listed, the watch has handled the
        # fetch's files (its events come in order).
        def updates() -> int:
            return len({id(m) for m in seen if isinstance(m, IndexDone)})

        folder = settings.sources[0].path
        for n in range(2):  # and then nothing but each one's own update: no loop
            before = updates()
            (folder / f"later{n}.json").write_text(json.dumps({"title": f"Later wombat {n}"}))
            await until(lambda n=n: f"Later wombat {n}" in _titles(app) and not indexer.indexing)
        assert updates() == before + 1
        assert len([t for t in _titles(app) if t.startswith("World wombat")]) == 3
