"""Pilot tests of how the reader treats the library: missing source folders, read state and
unread counts, rebinding from config. Real key presses, assertions on what the widgets show."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.index.config import Settings, SourceConfig, load_config_file, settings_for
from newsreader.index.store.library import Library
from newsreader.tui import loaders
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.source_list import SourceList
from newsreader.tui.widgets.status import StatusLine

# What the `settle` fixture (tests/tui/conftest.py) gives: wait until the app is idle.
Settle = Callable[[Pilot[None]], Awaitable[None]]

SIZE = (120, 40)


def rows(app: NewsreaderApp) -> list[str]:
    """The lines the article list draws, as plain text, blank lines dropped."""
    article_list = app.screen.query_one("#articles", ArticleList)
    height = article_list.scrollable_content_region.height
    lines = [article_list.render_line(y).text.rstrip() for y in range(height)]
    return [line for line in lines if line]


def status(app: NewsreaderApp) -> str:
    return app.screen.query_one("#status", StatusLine).plain


def toasts(app: NewsreaderApp) -> list[str]:
    """The text of every notification on screen."""
    return [" ".join(str(toast.render()).split()) for toast in app.screen.query("Toast")]


async def test_a_missing_source_folder_warns_once_and_its_articles_stay(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    settings = indexed_settings(tmp_path)
    harbour = settings.sources[0].path
    harbour.rename(tmp_path / "unplugged")
    app = new_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        warned = [t for t in toasts(app) if "folder not found" in t]
        assert len(warned) == 1 and "harbour" in warned[0] and "stay in the index" in warned[0]
        assert len(rows(app)) == total
        assert any("Storm closes the harbour" in line for line in rows(app))
        await pilot.press("R")  # a re-scan goes on, keeps them, and does not say it again
        await settle(pilot)
        assert len(rows(app)) == total
        assert len([t for t in toasts(app) if "folder not found" in t]) == 1


def three_articles(root: Path) -> Settings:
    """A library of three unread articles in one source, indexed; its state in `root`."""
    folder = root / "news"
    folder.mkdir(parents=True)
    for n, word in enumerate(("Apples", "Bridges", "Comets"), 1):
        (folder / f"{n}.txt").write_text(f"{word} in the news\n\n2024-0{n}-01\n\nAbout {word}.\n",
                                         encoding="utf-8")
    settings = settings_for([SourceConfig("news", folder)], root / "index", root / "state")
    library = Library(settings)
    library.update()
    library.close()
    return settings


def all_prompt(app: NewsreaderApp) -> str:
    return " ".join(str(app.screen.query_one(SourceList).get_option("all").prompt).split())


async def test_unread_counts_only_count_articles_in_this_library(
    tmp_path: Path,
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    # Issue 10, item 2: mark one read, delete its file, re-scan: the count said "All 2 · 1 new"
    # while both rows were unread and `u` listed both.
    settings = three_articles(tmp_path / "one")
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert all_prompt(app) == "All 3 · 3 new"
        await pilot.press("m")
        assert all_prompt(app) == "All 3 · 2 new"
        read_id = app.screen.query_one("#articles", ArticleList).entry.id  # type: ignore[union-attr]
        (settings.sources[0].path / read_id.split("/", 1)[1]).unlink()
        await pilot.press("R")
        await settle(pilot)
        assert all_prompt(app) == "All 2 · 2 new"
        assert all(line.startswith(" •") for line in rows(app)) and len(rows(app)) == 2
        news = " ".join(str(app.screen.query_one(SourceList).get_option("source:news").prompt)
                        .split())
        assert news == "news 2 · 2 new"
        await pilot.press("u")
        await settle(pilot)
        assert len(rows(app)) == 2
    # A second library sharing the state folder sees none of the first one's read marks.
    other = three_articles(tmp_path / "two")
    other = settings_for(other.sources, other.index_dir, settings.state_dir)
    again = new_app(other)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert all_prompt(again) == "All 3 · 3 new"
        assert all(line.startswith(" •") for line in rows(again)) and len(rows(again)) == 3


async def test_a_bad_key_or_theme_in_config_keeps_the_default_and_says_so(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    # Issue 10, item 3: `search: "ctrl+shift+banana"` used to replace `/` with a dead key.
    settings = indexed_settings(tmp_path)
    path = tmp_path / "config.yaml"
    path.write_text(
        "sources:\n"
        + "".join(f"  - {{name: {s.name}, path: {s.path}}}\n" for s in settings.sources)
        + f"index_dir: {settings.index_dir}\nstate_dir: {settings.state_dir}\n"
        + 'theme: nrod\nkeys:\n  search: "ctrl+shift+banana"\n  toggle_read: x\n',
        encoding="utf-8",
    )
    app = new_app(load_config_file(path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        said = toasts(app)
        assert any(f"{path}:8: keys.search: unknown key name 'banana'" in t
                   and "default keys are kept" in t for t in said)
        assert any(f"{path}:6: theme: unknown theme 'nrod'" in t for t in said)
        assert app.theme == "textual-dark"
        await pilot.press("x")  # the good rebinding still applies
        assert app.read_state.is_read("valley/fares.json")
        await pilot.press("slash")  # and search keeps its default key
        assert app.screen.has_class("-searching")


async def test_tab_in_the_search_bar_accepts_the_suggestion(
    tmp_path: Path, new_app: Callable[[Settings], NewsreaderApp], settle: Settle
) -> None:
    # Issue 10, item 6: "goverment" finds the governess (a shared stem) and now suggests.
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(12):
        (folder / f"{n:02}.txt").write_text(
            f"Council news {n}\n\nThe government set a budget.\n", encoding="utf-8"
        )
    (folder / "gov.txt").write_text("The governess retires\n\nShe taught us.\n", encoding="utf-8")
    settings = settings_for([SourceConfig("news", folder)], tmp_path / "index", tmp_path / "st")
    library = Library(settings)
    library.update()
    library.close()
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"goverment")
        bar = app.screen.query_one(SearchBar)
        await bar.wait_for_debounce()
        await settle(pilot)
        assert status(app).startswith("1 result · did you mean government? (tab) · by relevance")
        await pilot.press("tab")
        await bar.wait_for_debounce()
        await settle(pilot)
        assert bar.value == "government" and bar.has_focus
        assert status(app).startswith("12 results") and "did you mean" not in status(app)
        await pilot.press("tab")  # no suggestion now: tab moves on, as everywhere
        assert not bar.has_focus


@pytest.mark.parametrize("page_size", [200, 2])  # 2: the twins fall on two pages
async def test_exact_duplicates_from_one_source_are_told_apart(
    tmp_path: Path, new_app: Callable[[Settings], NewsreaderApp], settle: Settle,
    monkeypatch: pytest.MonkeyPatch, page_size: int,
) -> None:
    # Issue 10, item 13: the same story filed twice showed two identical rows.
    monkeypatch.setattr(loaders, "PAGE_SIZE", page_size)
    folder = tmp_path / "news"
    (folder / "sport").mkdir(parents=True)
    story = "Tottenham bid &#163;8m for Forest duo\n\nSpurs made a bid for two players.\n"
    (folder / "sport" / "165.txt").write_text(story, encoding="utf-8")
    (folder / "sport" / "166.txt").write_text(story, encoding="utf-8")
    (folder / "sport" / "001.txt").write_text("Arsenal win\n\nA win.\n", encoding="utf-8")
    settings = settings_for([SourceConfig("news", folder)], tmp_path / "index", tmp_path / "st")
    library = Library(settings)
    library.update()
    library.close()
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = rows(app)
        assert len(lines) == 3 and lines[0].startswith(" • Arsenal win") and "001" not in lines[0]
        # (The title gives way, not the path: it is what tells the two apart. No article in
        # view has a date, so the date column takes no room: issue 10, item 7.)
        assert lines[1].startswith(" • Tottenham bid £8m for Fo…  sport/165.txt")
        assert lines[2].startswith(" • Tottenham bid £8m for Fo…  sport/166.txt")
        await pilot.press("slash", *"tottenham")
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await settle(pilot)
        told = [line for line in rows(app) if "Tottenham" in line]
        assert [line.split("  ")[-1].strip() for line in told] == ["sport/165.txt",
                                                                    "sport/166.txt"]


async def test_the_list_past_its_first_pages_comes_in_the_whole_order(
    tmp_path: Path, new_app: Callable[[Settings], NewsreaderApp], settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 14: the first pages come from the head of the order (a partial sort), the whole
    # order is sorted in a worker once they are painted; every row is where the order says.
    import newsreader.index.store.library as store_library
    monkeypatch.setattr(loaders, "PAGE_SIZE", 10)
    monkeypatch.setattr(store_library, "HEAD_ROWS", 11)  # the first page and the row after it
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(30):
        title = f"Story {(n * 7) % 30:02d}" if n % 4 else "Same story"
        (folder / f"{n:02d}.txt").write_text(f"{title}\n\nA body.\n", encoding="utf-8")
    settings = settings_for([SourceConfig("news", folder)], tmp_path / "index", tmp_path / "st")
    library = Library(settings)
    library.update()
    expected = [r.id for r in library.list_articles()]
    library.close()
    app = new_app(settings)
    async with app.run_test(size=(120, 10)) as pilot:  # less than a page in view
        await settle(pilot)
        with app.library.searcher() as s:
            assert app.library._known(s, ("list", None, None, "date")) is not None
        article_list = app.screen.query_one(ArticleList)
        shown = [article_list._rows.get(i) for i in range(len(expected))]
        assert [e.id for e in shown if e is not None] == expected
