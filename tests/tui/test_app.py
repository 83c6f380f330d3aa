"""Pilot tests of the app: real key presses, assertions on what the widgets show."""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from newsreader.index.config import Settings, SourceConfig
from newsreader.index.search.results import Segment
from newsreader.index.store.library import Progress, UpdateReport
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.models import Entry, EntryRows, Reading
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.related import RelatedScreen
from newsreader.tui.screens.welcome import WelcomeScreen
from newsreader.tui.text import from_segments
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.source_list import SourceList
from newsreader.tui.widgets.status import LibraryHeader, StatusLine

# What the `settle` fixture (tests/tui/conftest.py) gives: wait until the app is idle.
Settle = Callable[[Pilot[None]], Awaitable[None]]

SIZE = (120, 40)


def rows(app: NewsreaderApp, selector: str = "#articles") -> list[str]:
    """The lines the article list draws, as plain text (trailing spaces dropped)."""
    article_list = app.screen.query_one(selector, ArticleList)
    height = article_list.scrollable_content_region.height
    return [article_list.render_line(y).text.rstrip() for y in range(height)]


def shown(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def article_text(app: NewsreaderApp) -> str:
    view = app.screen.query_one(ArticleView)
    parts = ("title", "meta", "url", "body")
    return "\n".join(shown(view.query_one(f"#article-{p}", Static)) for p in parts)


def status(app: NewsreaderApp) -> str:
    return app.screen.query_one("#status", StatusLine).plain


@pytest.fixture
def search_for(settle: Settle) -> Callable[[Pilot[None], str], Awaitable[None]]:
    """Type `text` into the search bar and wait for its results."""

    async def search_for(pilot: Pilot[None], text: str) -> None:
        await pilot.press("slash")
        await pilot.press(*text)
        await pilot.app.screen.query_one(SearchBar).wait_for_debounce()
        await settle(pilot)

    return search_for


async def test_main_screen_lists_articles_newest_first(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:  # wide enough for the outlet column
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        lines = [line for line in rows(app) if line]
        assert len(lines) == total
        assert "Ferry fares" in lines[0]
        assert "2024-12-05" in lines[0]
        assert "Valley" in lines[0]
        assert lines[0].startswith(" •")  # unread
        header = app.screen.query_one(LibraryHeader)
        assert header.library_name == "Test library"
        assert header.articles == total
        assert status(app) == f"All · {total} articles · newest first"
        # The wide layout previews the article under the cursor.
        assert "Ferry fares rise again" in article_text(app)
        assert "https://valley.example/fares" in article_text(app)


async def test_first_screen_takes_keys_while_the_list_loads(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    """The first screen does not wait for the index: at 100,000 articles the list takes a
    moment, and meanwhile the list says so and keys work."""
    import threading

    from newsreader.tui import loaders

    release = threading.Event()
    load_rows = loaders.load_rows

    def held_back(*args: object, **kwargs: object) -> object:
        release.wait(timeout=30)  # (a guard against a hung test, not a timing)
        return load_rows(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loaders, "load_rows", held_back)
    app = new_app(indexed_settings(tmp_path))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert isinstance(app.focused, ArticleList)
            assert rows(app)[0] == " Loading…"
            assert status(app) == "loading…"
            await pilot.press("j", "question_mark")  # keys are answered: help opens
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
            release.set()
            await settle(pilot)
            assert "Ferry fares" in rows(app)[0]
            assert status(app) == f"All · {total} articles · newest first"
    finally:
        release.set()


async def test_a_list_that_fails_to_load_does_not_say_loading(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    from newsreader.tui import loaders

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(loaders, "load_rows", broken)
    app = new_app(indexed_settings(tmp_path))
    reported: list[str] = []
    app.report_worker_error = lambda worker: reported.append(repr(worker.error))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rows(app)[0] == " The articles could not be loaded."
        assert status(app) == ""
        assert reported == ["RuntimeError('disk on fire')"]

async def test_a_big_library_is_checked_in_a_child_process(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    """Stat-ing every file in a thread starved the UI thread of the GIL: from CHILD_FROM
    articles the start-up check runs in a child process, and its answer still counts."""
    import newsreader.tui.index_check as index_check
    from newsreader.index.store.library import Library

    children: list[object] = []
    in_child = index_check._in_child

    def spy(*args: object) -> bool | None:
        children.append(args)
        return in_child(*args)  # type: ignore[arg-type]

    def not_here(_self: Library) -> bool:
        raise AssertionError("checked in the UI's process")

    monkeypatch.setattr(index_check, "CHILD_FROM", 1)
    monkeypatch.setattr(index_check, "_in_child", spy)
    monkeypatch.setattr(Library, "needs_update", not_here)
    settings = indexed_settings(tmp_path)
    extra = settings.sources[0].path / "new.json"
    extra.write_text('{"title": "Brand new pier", "date": "2025-01-01", "body": "Pier."}')
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = app.screen.query_one(LibraryHeader)
        assert len(children) == 1
        # The child found the new file: the app indexed it.
        assert header.state == "index up to date"
        assert header.articles == total + 1


async def test_source_selection_filters_the_list(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab")  # article list -> sources
        assert isinstance(app.focused, SourceList)
        sources = app.screen.query_one(SourceList)
        await pilot.press("down")  # from All, over the "Sources" heading, to harbour
        assert sources.highlighted_option is not None
        assert sources.highlighted_option.id == "source:harbour"
        await pilot.press("enter")
        await settle(pilot)
        lines = [line for line in rows(app) if line]
        assert len(lines) == 3
        shown_rows = app.screen.query_one(ArticleList).rows
        assert {shown_rows.get(i).source for i in range(3)} == {"harbour"}  # type: ignore[union-attr]
        assert status(app).startswith("harbour · 3 articles")
        await pilot.press("G", "enter")  # the last entry: an outlet
        await settle(pilot)
        # Outlets come most articles first: the last one is the smaller, Harbour Gazette.
        assert sources.highlighted_option.id == "outlet:Harbour Gazette"
        assert len([line for line in rows(app) if line]) == 3


async def test_search_as_you_type_shows_highlighted_hits(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    search_for: Callable[[Pilot[None], str], Awaitable[None]],
    settle: Settle,
    total: int,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        assert isinstance(app.focused, SearchBar)
        assert status(app).startswith("3 results")
        lines = rows(app)
        titles = lines[0::2]
        assert any("Ferry timetable" in t for t in titles[:3])
        assert "ms" not in status(app)  # timing hidden in tests
        # Each hit has a snippet line with the match styled.
        article_list = app.screen.query_one(ArticleList)
        strip = article_list.render_line(1)
        assert "ferry" in strip.text.lower()
        match_style = article_list.get_component_rich_style("article-list--match")
        styled = [seg.text for seg in strip if seg.style and seg.style.reverse]
        assert match_style.reverse and any(s.lower() == "ferry" for s in styled)
        # Results respect the selected source.
        await pilot.press("escape")
        await settle(pilot)
        assert status(app).startswith(f"All · {total}")


async def test_snippet_rows_show_their_match_however_deep_it_is(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    search_for: Callable[[Pilot[None], str], Awaitable[None]],
    settle: Settle,
) -> None:
    # A snippet keeps up to 100 characters before its match: the row cuts that lead short so
    # that the match is on screen, not past the edge of a 46-column list.
    folder = tmp_path / "library" / "deep"
    folder.mkdir(parents=True)
    lead = "The committee met on a grey morning and talked at length about budgets and roads. "
    body = lead * 2 + "Then the albatross landed on the roof.\n\nNobody expected it."
    (folder / "deep.json").write_text(
        json.dumps({"title": "A quiet meeting", "date": "2024-05-01", "body": body}),
        encoding="utf-8",
    )
    app = new_app(indexed_settings(tmp_path, sources=[SourceConfig(name="deep", path=folder)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, "albatross")
        article_list = app.screen.query_one(ArticleList)
        line = article_list.render_line(1).text
        assert "albatross" in line
        start = line.index("albatross")
        assert line.lstrip().startswith("…") and start < article_list.size.width // 2
        strip = article_list.render_line(1)
        assert "albatross" in [seg.text for seg in strip if seg.style and seg.style.reverse]


def test_snippet_cut_counts_wide_characters_as_two_cells() -> None:
    segments = [Segment("日本語の文章です" * 3 + " ", False), Segment("東京", True),
                Segment(" then more text", False)]
    line = from_segments(segments, width=40)
    line.truncate(40, overflow="ellipsis")
    assert line.plain.startswith("…") and "東京" in line.plain
    assert cell_len(line.plain[: line.plain.index("東京")]) <= 40 // 3 + 1
    # A match already on screen is left where it is.
    near = from_segments([Segment("a few words ", False), Segment("here", True)], width=40)
    assert near.plain == "a few words here"


async def test_search_status_suggests_and_notices(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    search_for: Callable[[Pilot[None], str], Awaitable[None]],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, "fery")
        assert "0 results" in status(app)
        assert "did you mean ferry?" in status(app)
        assert "No matches." in rows(app)[0]


async def test_search_respects_the_selected_source(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    search_for: Callable[[Pilot[None], str], Awaitable[None]],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.choose_scope(app.screen.palette_scopes()[2][1])  # source: valley
        await settle(pilot)
        await search_for(pilot, "ferry")
        assert status(app).startswith("1 result ")
        assert "Ferry fares" in rows(app)[0]


async def test_opened_hit_highlights_matches_and_n_walks_them(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    search_for: Callable[[Pilot[None], str], Awaitable[None]],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        await pilot.press("enter")  # submit: focus goes to the results
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        article_list = app.screen.query_one(ArticleList)
        assert article_list.cursor == 0
        for _ in range(3):  # ranking is the index's business: find the article we want
            if article_list.entry.id == "harbour/ferry-winter.json":  # type: ignore[union-attr]
                break
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert app.focused is view
        # Title once, body four times ("ferry" x4).
        assert len(view.matches) == 5
        assert view.border_subtitle == "match 1/5"
        await pilot.press("n", "n")
        assert view.border_subtitle == "match 3/5"
        await pilot.press("N")
        assert view.border_subtitle == "match 2/5"
        await pilot.press("N", "N")
        assert view.border_subtitle == "match 5/5"  # wraps round
        body = view.query_one("#article-body", Static).content
        assert isinstance(body, Text)
        spans = [body.plain[s.start:s.end] for s in body.spans if "reverse" in str(s.style)]
        assert [s.lower() for s in spans] == ["ferry"] * 4, "every body match is highlighted"


def footer(app: NewsreaderApp) -> list[str]:
    """The descriptions of the keys the footer shows."""
    return [key.description for key in app.screen.query("FooterKey")]  # type: ignore[attr-defined]


async def test_footer_shows_the_keys_that_apply_now(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    search_for: Callable[[Pilot[None], str], Awaitable[None]],
    settle: Settle,
) -> None:
    # The footer skips rebuilds that would show the same keys: it must still follow the focus
    # and the article pane's n/N, which only apply to an article with matches.
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Open" in footer(app) and "Next hit" not in footer(app)
        await search_for(pilot, "ferry")
        await pilot.press("enter", "enter")  # to the results, then open the first hit
        await settle(pilot)
        assert isinstance(app.focused, ArticleView)
        assert {"Next hit", "Prev hit"} <= set(footer(app)) and "Open" not in footer(app)
        await pilot.press("escape")  # back to the list
        await settle(pilot)
        assert "Open" in footer(app) and "Next hit" not in footer(app)

async def test_n_walks_the_previewed_article_from_the_list(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    search_for: Callable[[Pilot[None], str], Awaitable[None]],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, "ferry")
        await pilot.press("enter")  # to the results; the first hit is previewed
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        view = app.screen.query_one(ArticleView)
        assert view.border_subtitle == f"match 1/{len(view.matches)}"
        await pilot.press("n")
        assert view.border_subtitle == f"match 2/{len(view.matches)}"
        assert isinstance(app.focused, ArticleList)
        await pilot.press("N", "N")
        assert view.border_subtitle == f"match {len(view.matches)}/{len(view.matches)}"


async def test_read_state_survives_a_restart(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    settings = indexed_settings(tmp_path)
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # open the first article; read_delay is 0
        await settle(pilot)
        assert app.read_state.is_read("valley/fares.json")
        assert not rows(app)[0].startswith(" •")
        all_option = app.screen.query_one(SourceList).get_option("all")
        assert f"{total - 1} new" in str(all_option.prompt)
    again = new_app(settings)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.read_state.is_read("valley/fares.json")
        lines = rows(again)
        assert "Ferry fares" in lines[0] and not lines[0].startswith(" •")
        assert lines[1].startswith(" •")


async def test_moving_away_before_the_delay_does_not_mark_read(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[..., NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path), read_delay=30.0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape", "j")  # back to the list, next article: timer cancelled
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert not app.screen.actions.timer_running
        assert not app.read_state.is_read("valley/fares.json")


async def test_m_toggles_read(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "m")
        assert app.read_state.is_read("harbour/storm.json")
        assert not rows(app)[1].startswith(" •")
        await pilot.press("m")
        assert not app.read_state.is_read("harbour/storm.json")
        assert rows(app)[1].startswith(" •")


async def test_unread_filter(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "j", "m")  # two read
        await pilot.press("u")
        await settle(pilot)
        assert "unread only" in status(app)
        lines = [line for line in rows(app) if line]
        assert len(lines) == total - 2
        assert not any("Ferry fares" in line or "Storm closes" in line for line in lines)
        await pilot.press("u")
        await settle(pilot)
        assert len([line for line in rows(app) if line]) == total


async def test_sort_toggles_between_date_and_title_or_relevance(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    search_for: Callable[[Pilot[None], str], Awaitable[None]],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "by title" in status(app)
        titles = [line for line in rows(app) if line]
        assert "Ferry fares" in titles[1] and "Storm closes" in titles[-1]
        await search_for(pilot, "ferry")
        await pilot.press("enter")
        await settle(pilot)
        assert "by relevance" in status(app)
        await pilot.press("s")
        await settle(pilot)
        assert "newest first" in status(app)
        assert "Ferry fares" in rows(app)[0]


async def test_first_launch_indexes_and_fills_the_lists(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    app = new_app(make_settings(tmp_path))  # no index yet
    async with app.run_test(size=SIZE) as pilot:
        # The screen is up before indexing is done...
        assert isinstance(app.screen, MainScreen)
        await settle(pilot)
        header = app.screen.query_one(LibraryHeader)
        assert header.state == "index up to date"
        assert header.articles == total
        assert len([line for line in rows(app) if line]) == total
        assert app.screen.query_one(SourceList).option_count == 1 + 1 + 2 + 1 + 2


async def test_first_launch_lists_fill_in_batch_by_batch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    import newsreader.tui.jobs.indexer as indexer
    from newsreader.tui.messages import IndexBatchCommitted, IndexDone, RowsLoaded

    monkeypatch.setattr(indexer, "FIRST_BATCH", 2)
    seen: list[str] = []
    # The test library indexes in milliseconds: on a loaded machine the indexer thread used to
    # finish the whole library before the list's loader thread ran, so the batch's reload read
    # every article. The indexer waits after its first commit until the list has been reloaded
    # (whatever that reload shows), as a big library's indexer is still busy at that point.
    reloaded = threading.Event()

    def hook(message: object) -> None:
        if isinstance(message, RowsLoaded):
            seen.append(f"rows:{len(message.rows)}")
            if "IndexBatchCommitted" in seen:
                reloaded.set()
        elif isinstance(message, (IndexBatchCommitted, IndexDone)):
            seen.append(type(message).__name__)

    app = new_app(make_settings(tmp_path))  # no index yet
    update = app.library.update

    def held_update(*, progress: Callable[[Progress], None], **kwargs: Any) -> UpdateReport:
        def progress_then_wait(p: Progress) -> None:
            progress(p)
            if p.committed:
                reloaded.wait(timeout=60)  # only a broken reload waits this long

        return update(progress=progress_then_wait, **kwargs)

    monkeypatch.setattr(app.library, "update", held_update)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        assert app.screen.query_one(LibraryHeader).articles == total
    before_done = seen[: seen.index("IndexDone")]
    assert "IndexBatchCommitted" in before_done
    # The list showed some articles, not yet all, while indexing went on.
    assert any(r not in ("rows:0", f"rows:{total}") for r in before_done if r.startswith("rows:"))


async def test_first_launch_indexes_with_writer_processes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_settings: Callable[..., Settings],
    settle: Settle,
    total: int,
) -> None:
    import newsreader.index.store.ingest as ingest
    from newsreader.index.store.library import Library
    from newsreader.tui.app import make_app

    # Whoosh's sub-writers are spawned from inside the running app (they used to fail there).
    monkeypatch.setattr(ingest, "MP_MIN_FILES", 1)
    monkeypatch.setattr(ingest, "MP_BATCH_DOCS", 2)
    started: list[ingest._SpawnedSubWriter] = []
    start = ingest._SpawnedSubWriter.start

    def counted_start(task: ingest._SpawnedSubWriter) -> None:
        started.append(task)
        start(task)

    monkeypatch.setattr(ingest._SpawnedSubWriter, "start", counted_start)
    settings = make_settings(tmp_path)
    app = make_app(settings, library=Library(settings, procs=2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(LibraryHeader).articles == total
        assert app.screen.query_one(LibraryHeader).state == "index up to date"
    # (Not a segment per process: the first one started may take every job before the second
    # has imported Whoosh; a process that indexed nothing hands in no segment.)
    assert len(started) == 2, "indexed by two writer processes"
    assert not any(task.is_alive() for task in started), "and both ended"
    with app.library.searcher() as s:
        assert s.doc_count() == total


async def test_an_indexing_progress_tick_redraws_the_header_line_not_the_screen(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each progress tick of an update (four a second) says how far it has come in the header
    without a layout pass, which redrew every pane of the screen (issue 10, item 10)."""
    from textual.widget import Widget

    from newsreader.tui.messages import IndexProgress

    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = app.screen.query_one(LibraryHeader)
        header.indexing(1, 10)  # the bar shown, as from the update's first tick on
        await settle(pilot)
        laid_out: list[str] = []
        for widget in [header, *header.query(Widget)]:

            def spy(*regions: object, layout: bool = False, _name: str = str(widget),
                    _refresh: Callable[..., object] = widget.refresh, **kwargs: object) -> object:
                if layout:
                    laid_out.append(_name)
                return _refresh(*regions, layout=layout, **kwargs)

            monkeypatch.setattr(widget, "refresh", spy)
        for done in (2, 3, 4):
            app.screen.post_message(IndexProgress(done, 10))
            await settle(pilot)
            assert header.state == f"indexing {done}/10"
            assert shown(header.query_one("#header-state", Static)) == f"indexing {done}/10"
        assert laid_out == []


async def test_rescan_picks_up_new_files(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    settings = indexed_settings(tmp_path)
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        extra = settings.sources[0].path / "new.json"
        extra.write_text('{"title": "Brand new pier", "date": "2025-01-01", "body": "Pier."}')
        await pilot.press("R")
        await settle(pilot)
        assert app.screen.query_one(LibraryHeader).articles == total + 1
        assert "Brand new pier" in rows(app)[0]


async def test_empty_library_shows_the_welcome_screen(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    app = new_app(make_settings(tmp_path, sources=[SourceConfig("mine", empty)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        text = shown(app.screen.query_one("#welcome-text", Static))
        assert "sources:" in text and "Add a source" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_no_sources_shows_the_welcome_screen(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(make_settings(tmp_path, sources=[]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "config.yaml" in shown(app.screen.query_one("#welcome-text", Static))


async def test_hostile_text_is_shown_literally(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("G", "enter")
        await settle(pilot)
        text = article_text(app)
        assert "[bold]Loud[/bold]" in text
        assert "[link=x]here[/link]" in text
        assert "[link=https://evil.example]a link[/link]" in text
        assert "[i]Mallory[/i]" in text
        for bad in ("\x1b", "\x07", "]52;"):
            assert bad not in text
        title = app.screen.query_one("#article-title", Static).content
        assert isinstance(title, Text)
        assert all("link" not in str(span.style) for span in title.spans)
        assert "[bold]Loud[/bold]" in rows(app)[total - 1]


async def test_hostile_text_from_any_source_never_reaches_the_terminal(
    tmp_path: Path,
    hostile_body: str,
    hostile_title: str,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    """Even if the index handed over raw escapes, the widgets drop them and show markup as text
    (the list and the pane are fed directly here, bypassing the parser's own cleaning)."""
    from newsreader.index.model import Article
    from newsreader.tui.text import clean, one_line

    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        raw = Article("x/1", hostile_title, hostile_body, "x", "p", outlet="\x1b[2J[b]Out",
                      url="https://a.example/\x1b]52;c;ZXZpbA==\x07")
        article_list = app.screen.query_one(ArticleList)
        article_list.show(EntryRows([Entry(raw.id, raw.title, raw.outlet)]))
        await pilot.pause()
        line = article_list.render_line(0)
        assert "[bold]Loud[/bold]" in line.text and "\x1b" not in line.text
        assert "\x07" not in line.text
        view = app.screen.query_one(ArticleView)
        await view.show(Reading(raw, one_line(raw.title), clean(raw.body)))
        await pilot.pause()
        text = article_text(app)
        assert "[bold]wombat[/bold]" in text
        assert "\x1b" not in text and "\x07" not in text and "52;c" not in text
        url = shown(app.screen.query_one("#article-url", Static))
        assert url == "https://a.example/"


async def test_narrow_layout_enter_and_escape(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-narrow")
        assert not screen.query_one("#sources").display
        assert not screen.query_one("#article").display
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.has_class("-reading")
        assert screen.query_one("#article").display
        assert not screen.query_one("#list-pane").display
        assert "Storm closes the harbour terminal" in article_text(app)
        await pilot.press("escape")
        assert not screen.has_class("-reading")
        assert screen.query_one("#list-pane").display
        assert isinstance(app.focused, ArticleList)


async def test_help_screen_lists_keys(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", Static).content
        lines = app.console.render_lines(table, app.console.options.update_width(100))
        text = "\n".join("".join(seg.text for seg in line) for line in lines)
        for expected in ("main.search", "Search the library", "article.next_match",
                         "related.compare", "app.quit"):
            assert expected in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_keys_can_be_rebound_from_config(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    settings = indexed_settings(
        tmp_path, keys={"search": "f", "main.toggle_read": "x", "nope.nothing": "z"}
    )
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.keymap_overrides == {"main.search": "f", "main.toggle_read": "x"}
        assert any("nope.nothing" in w for w in app.key_warnings)
        await pilot.press("x")
        assert app.read_state.is_read("valley/fares.json")
        await pilot.press("slash")  # no longer bound
        assert not app.screen.has_class("-searching")
        await pilot.press("f")
        assert app.screen.has_class("-searching")
        assert isinstance(app.focused, SearchBar)


async def test_related_screen_lists_and_opens(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RelatedScreen)
        lines = [line for line in rows(app, "#related-list") if line]
        assert lines and not any("Ferry fares rise again" in line for line in lines)
        chosen = app.screen.query_one(ArticleList).entry
        assert chosen is not None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(ArticleView).article.id == chosen.id


async def test_mark_and_compare_open_the_compare_screen(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    compare = pytest.importorskip("newsreader.tui.screens.compare")
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")  # nothing marked yet: a hint, no screen
        assert isinstance(app.screen, MainScreen)
        await pilot.press("space")
        assert app.screen.marked == "valley/fares.json"
        assert rows(app)[0].startswith("◆")
        await pilot.press("j", "c")
        await settle(pilot)
        assert isinstance(app.screen, compare.CompareScreen)


async def test_compare_from_the_related_list(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    compare = pytest.importorskip("newsreader.tui.screens.compare")
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, compare.CompareScreen)


async def test_space_pages_in_the_article_pane(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")  # list -> article
        assert isinstance(app.focused, ArticleView)
        await pilot.press("space")
        assert app.screen.marked is None


async def test_url_without_web_scheme_is_not_opened(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert copied == ["https://valley.example/fares"]
        await pilot.press("j", "y")  # straight after moving: the URL comes from the index
        await settle(pilot)
        assert copied == ["https://valley.example/fares", "https://harbour.example/storm"]
        await pilot.press("G", "y")
        await settle(pilot)
        assert len(copied) == 2  # the hostile article's javascript: URL was dropped


async def test_command_palette_offers_screen_commands(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    from newsreader.tui.commands import NewsreaderCommands

    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = NewsreaderCommands(app.screen)
        names = [name for name, _help, _cb in provider._commands()]
        assert "Search" in names and "Related" in names and "Help" in names
        assert "Show: Source: harbour" in names
        await pilot.press("ctrl+p")
        await pilot.press(*"unread")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.unread_only


async def test_a_hundred_thousand_rows_need_no_widget_per_article(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    from newsreader.tui.models import PagedRows

    fetched: list[int] = []

    def fetch(offset: int, limit: int) -> list[Entry]:
        fetched.append(offset)
        end = min(offset + limit, 100_000)
        return [Entry(f"big/{i}", f"Article number {i}", "Outlet") for i in range(offset, end)]

    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        widgets_before = len(list(app.screen.walk_children()))
        article_list = app.screen.query_one(ArticleList)
        article_list.show(PagedRows(fetch, 100_000, page_size=200))
        article_list.focus()
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        assert article_list.cursor == 99_999
        assert any("Article number 99999" in line for line in rows(app))
        await pilot.press("k", "pagedown", "g")
        await pilot.pause()
        assert "Article number 0" in rows(app)[0]
        # Only the pages drawn were fetched, and the screen grew no widgets.
        assert sorted(set(fetched)) == [0, 99_800]
        assert len(list(app.screen.walk_children())) <= widgets_before


async def test_a_failed_worker_is_reported_once(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(indexed_settings(tmp_path))
    reported: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.report_worker_error = lambda worker: reported.append(repr(worker.error))  # type: ignore[method-assign]

        def broken(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError("disk on fire")

        await pilot.press("space", "j")
        await settle(pilot)
        app.library.get = broken  # type: ignore[method-assign]
        await pilot.press("c")  # compare reads both articles in a worker
        await settle(pilot)
        assert reported == ["RuntimeError('disk on fire')"]
        assert isinstance(app.screen, MainScreen)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("/", "slash"), ("?", "question_mark"), ("ctrl+f, x", "ctrl+f,x"), ("slash", "slash")],
)
def test_config_keys_are_normalised_to_textual_names(given: str, expected: str) -> None:
    from newsreader.tui.keys import normalize_keys

    assert normalize_keys(given) == expected


def test_keymap_accepts_short_ids_and_warns_about_unknown_ones() -> None:
    from newsreader.tui.keys import build_keymap

    keymap, warnings = build_keymap(
        {"search": "/", "quit": "ctrl+q", "list.down": "J", "bogus": "b", "main.sort": " , "},
        ["main.search", "app.quit", "list.down", "main.sort"],
    )
    assert keymap == {"main.search": "slash", "app.quit": "ctrl+q", "list.down": "J"}
    assert len(warnings) == 2 and "bogus" in warnings[0] and "main.sort" in warnings[1]
