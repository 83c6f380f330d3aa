"""Pilot tests of how the reader treats the library: missing source folders, read state and
unread counts, rebinding from config. Real key presses, assertions on what the widgets show."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import TOTAL, indexed_settings, new_app, settle

from tui.app import NewsreaderApp
from tui.widgets.article_list import ArticleList

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _no_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test runs may touch the real user's folders."""
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "xstate"),
                     ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(var, str(tmp_path / "xdg" / sub))
    monkeypatch.delenv("NEWSREADER_CONFIG", raising=False)


def rows(app: NewsreaderApp) -> list[str]:
    """The lines the article list draws, as plain text, blank lines dropped."""
    article_list = app.screen.query_one("#articles", ArticleList)
    height = article_list.scrollable_content_region.height
    lines = [article_list.render_line(y).text.rstrip() for y in range(height)]
    return [line for line in lines if line]


def toasts(app: NewsreaderApp) -> list[str]:
    """The text of every notification on screen."""
    return [" ".join(str(toast.render()).split()) for toast in app.screen.query("Toast")]


async def test_a_missing_source_folder_warns_once_and_its_articles_stay(tmp_path: Path) -> None:
    settings = indexed_settings(tmp_path)
    harbour = settings.sources[0].path
    harbour.rename(tmp_path / "unplugged")
    app = new_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        warned = [t for t in toasts(app) if "folder not found" in t]
        assert len(warned) == 1 and "harbour" in warned[0] and "stay in the index" in warned[0]
        assert len(rows(app)) == TOTAL
        assert any("Storm closes the harbour" in line for line in rows(app))
        await pilot.press("R")  # a re-scan goes on, keeps them, and does not say it again
        await settle(pilot)
        assert len(rows(app)) == TOTAL
        assert len([t for t in toasts(app) if "folder not found" in t]) == 1
