"""Stories in the reader: the Stories section of the source list, the story screen (coverage
timeline, articles, compare two, what only each reports), driven by real keys."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from newsreader.index.config import Settings, SourceConfig
from newsreader.index.store.library import Library
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.exclusive import ExclusiveScreen
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.story import FIRST_MARK, REPORT_MARK, StoryScreen
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.footer import Footer
from newsreader.tui.widgets.source_list import SourceList

Settle = Callable[[Pilot[None]], Awaitable[None]]
DATA = Path(__file__).resolve().parent.parent / "data" / "stories" / "library.json"


def lab_settings(tmp_path: Path, make_settings: Callable[..., Settings]) -> Settings:
    """The labelled set of tests/unit/test_stories.py, one file per article, indexed."""
    folder = tmp_path / "lab"
    folder.mkdir()
    for k, entry in enumerate(json.loads(DATA.read_text(encoding="utf-8"))):
        (folder / f"a{k:02d}.json").write_text(json.dumps(entry), encoding="utf-8")
    settings = make_settings(tmp_path, sources=[SourceConfig("lab", folder)])
    library = Library(settings)
    library.update()
    library.close()
    return settings


def story_prompts(app: NewsreaderApp) -> list[str]:
    sources = app.screen.query_one(SourceList)
    out = []
    for index in range(sources.option_count):
        option = sources.get_option_at_index(index)
        if option.id and option.id.startswith("story:"):
            out.append(str(option.prompt))
    return out


async def open_story(pilot: Pilot[None], settle: Settle, words: str) -> StoryScreen:
    """Focus the source list, move to the story whose prompt has `words`, press enter."""
    app = pilot.app
    sources = app.screen.query_one(SourceList)
    sources.focus()
    target = next(
        i
        for i in range(sources.option_count)
        if (o := sources.get_option_at_index(i)).id
        and o.id.startswith("story:")
        and words in str(o.prompt)
    )
    await pilot.press("g")
    while sources.highlighted != target:
        await pilot.press("j")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, StoryScreen)
    return app.screen


async def test_stories_section_lists_stories_newest_first(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(lab_settings(tmp_path, make_settings))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        prompts = story_prompts(app)
        # Stories told by at least two outlets, each with its number of outlets.
        assert len(prompts) == 13
        assert prompts[0].startswith("2 ")  # the league match of 2024-05-25 is the newest
        assert "Dunmoor" in prompts[0]
        assert any(p.startswith("4 ") and ("Corvin" in p or "Halvik" in p) for p in prompts)


async def test_story_screen_timeline_and_articles(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(lab_settings(tmp_path, make_settings))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await open_story(pilot, settle, "Halvik")
        timeline = str(screen.query_one("#story-timeline", Static).render())
        rows = timeline.splitlines()
        # One row per outlet, the first to report first; the first report marked once.
        assert rows[0].startswith("Northwind Wire")
        assert timeline.count(FIRST_MARK) == 2  # on the track and in the legend
        assert rows[0].split(" ", 2)[-1].lstrip().startswith(FIRST_MARK)
        assert REPORT_MARK in rows[1]
        assert "2024-05-06" in timeline and "2024-05-16" in timeline
        assert "8 articles · 4 outlets" in str(screen.query_one("#story-status").render())
        articles = screen.query_one(ArticleList)
        assert articles.rows is not None and len(articles.rows) == 8
        # enter opens the article under the cursor in the reader.
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_compare_two_articles_of_a_story(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(lab_settings(tmp_path, make_settings))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await open_story(pilot, settle, "Halvik")
        await pilot.press("c")  # nothing marked yet: a hint, no compare
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        await pilot.press("space", "j", "j", "c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)


async def test_what_only_each_article_reports(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    app = new_app(lab_settings(tmp_path, make_settings))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await open_story(pilot, settle, "Dockers")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExclusiveScreen)
        text = str(app.screen.query_one("#exclusive-text", Static).render())
        # The deal's terms are in the last reports only; the first says ships were waiting.
        assert "2030" in text
        assert text.count("•") >= 3
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)


async def test_story_screen_footer_shows_its_own_keys(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    """Issue 10 (tmux trial): under the story the main screen's keys stayed (`/ Search`...)."""
    app = new_app(lab_settings(tmp_path, make_settings))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_story(pilot, settle, "Halvik")
        footer = screen.query_one(Footer)
        assert footer.region.bottom == app.size.height  # at the foot, over the main one
        shown = " ".join(
            key.render().plain for key in footer.children if key.display  # type: ignore[union-attr]
        )
        for key in ("esc Close", "space Mark", "c Compare", "e Only here"):
            assert key in shown, shown
        assert "Search" not in shown and "Sort" not in shown, shown
