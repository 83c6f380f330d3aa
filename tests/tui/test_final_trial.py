"""Defects found trying the reader in tmux at 80x24, 100x30 and 160x45 (issue 10, final trial),
each pressed again here on articles written for the test."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot

from newsreader.index.config import Settings, SourceConfig, settings_for
from newsreader.index.store.library import Library
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.widgets.article_list import ArticleList

Settle = Callable[[Pilot[None]], Awaitable[None]]


def rows(app: NewsreaderApp) -> list[str]:
    """The lines the article list draws, as plain text, blank lines dropped."""
    article_list = app.screen.query_one("#articles", ArticleList)
    height = article_list.scrollable_content_region.height
    lines = [article_list.render_line(y).text.rstrip() for y in range(height)]
    return [line for line in lines if line]


async def test_a_twin_keeps_half_its_title_and_its_file_name_in_a_narrow_list(
    tmp_path: Path, new_app: Callable[[Settings], NewsreaderApp], settle: Settle
) -> None:
    # At 100 columns the BBC library showed `'D…  politics/059.txt`: the path took all but two
    # cells of the title.
    folder = tmp_path / "news"
    (folder / "politics").mkdir(parents=True)
    story = "Debt rules anger the unions again\n\nThe unions said so on Monday.\n"
    for name in ("059.txt", "298.txt"):
        (folder / "politics" / name).write_text(story, encoding="utf-8")
    # A dated article in view: the date column takes its room from every title.
    (folder / "dated.json").write_text(json.dumps({
        "title": "A dated story", "date": "2021-11-14", "body": "It has a date."}))
    settings = settings_for([SourceConfig("news", folder)], tmp_path / "index", tmp_path / "st")
    library = Library(settings)
    library.update()
    library.close()
    app = new_app(settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        lines = rows(app)
        assert len(lines) == 3, lines
        for line, name in zip(lines[1:], ("059.txt", "298.txt"), strict=True):
            title, _, path = line.strip(" •").partition("  ")
            assert path.endswith(name), line
            assert len(title) >= len(path) and title.startswith("Debt rules"), line


async def test_help_at_80_columns_gives_the_descriptions_the_room_the_headings_took(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    # The section headings sat in the key column, which was as wide as the longest heading:
    # at 80 columns the descriptions had 17 cells, "Move to the next pane" on two lines.
    from textual.widgets import Static

    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        table = app.screen.query_one("#help-table", Static)
        width = table.content_region.width
        lines = ["".join(segment.text for segment in line).rstrip() for line in
                 app.console.render_lines(table.content, app.console.options.update_width(width))]
        assert lines[0].strip() == "Main screen · here", lines[:3]
        tab = next(line for line in lines if line.split()[:1] == ["tab"])
        assert "Move to the next pane" in tab and "main.next_pane" in tab, tab
        # Every key starts in one column, and every id.
        keyed = [line for line in lines if "main." in line]
        assert len({len(line) - len(line.lstrip()) for line in keyed}) == 1
        assert len({line.index("main.") for line in keyed}) == 1, keyed


def test_a_story_timeline_row_with_an_undated_report_fits_its_width() -> None:
    # At 80x24 (seeds) the row of an outlet with an undated report ended "+1" and the word
    # "undated" fell to a line of its own: the track was one cell too long.
    import datetime as dt

    from newsreader.index.stories.model import Story, StoryArticle
    from newsreader.tui.screens.story import timeline

    articles = (
        StoryArticle("a/1", "Ferry sails", "Harbour Post", dt.date(2024, 5, 6), first=True),
        StoryArticle("b/2", "Ferry sails again", "Valley Times", dt.date(2024, 5, 16)),
        StoryArticle("c/3", "Ferry sailed", "Island Wire", None),
    )
    story = Story("s1", "Ferry sails", ("Harbour Post", "Valley Times", "Island Wire"), 3,
                  dt.date(2024, 5, 6), dt.date(2024, 5, 16), articles)
    for width in (40, 73, 120):
        lines = timeline(story, width).wrap(Console(), width)
        assert all(line.cell_len <= width for line in lines)
        island = [line.plain for line in lines if "Island Wire" in line.plain]
        assert island and island[0].endswith("+1 undated"), [line.plain for line in lines]


@pytest.mark.parametrize("width", [80, 100, 120, 160])
async def test_the_compare_summary_keeps_its_legend_at_every_width(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    width: int,
) -> None:
    # At 100 columns the summary bar was one line and cut its legend after "other words".
    from textual.widgets import Static

    from newsreader.tui.screens.compare import CompareScreen

    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "j", "c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("right_square_bracket")  # a passage's place in the summary too
        await settle(pilot)
        summary = app.screen.query_one("#compare-summary", Static)
        region = summary.content_region
        lines = ["".join(segment.text for segment in line).rstrip() for line in
                 app.console.render_lines(summary.content,
                                          app.console.options.update_width(region.width))]
        assert len(lines) <= region.height, lines
        text = " ".join(lines)
        for words in ("Similarity", "sync on", "shared", "other words", "differs",
                      "one side only"):
            assert words in text, lines
