"""The reader open while `newsreader index` runs in another process: it keeps answering keys
and searches, and shows the new articles after a refresh."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.index.config import Settings
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.status import LibraryHeader, StatusLine

pytestmark = pytest.mark.slow  # another process indexes while the app runs

# What the `settle` fixture (tests/tui/conftest.py) gives: wait until the app is idle.
Settle = Callable[[Pilot[None]], Awaitable[None]]

SIZE = (120, 40)
NEW_FILES = 150


def config_for(tmp_path: Path, settings: object) -> Path:
    """A config file naming the same sources and index folder as `settings`."""
    lines = ["sources:"]
    for source in settings.sources:  # type: ignore[attr-defined]
        lines += [f"  - name: {source.name}", f"    path: {json.dumps(str(source.path))}"]
        if source.outlet:
            lines.append(f"    outlet: {json.dumps(source.outlet)}")
    lines.append(f"index_dir: {json.dumps(str(settings.index_dir))}")  # type: ignore[attr-defined]
    path = tmp_path / "config.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_reader_keeps_working_while_another_process_indexes(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    total: int,
) -> None:
    settings = indexed_settings(tmp_path)
    config = config_for(tmp_path, settings)
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = app.screen.query_one(LibraryHeader)
        assert header.articles == total
        article_list = app.screen.query_one(ArticleList)

        # New files arrive after the reader opened; another process indexes them.
        folder = settings.sources[0].path
        for n in range(NEW_FILES):
            body = f"Dispatch number {n} about the quarry dredging plan. " * 20
            (folder / f"dispatch-{n:03}.json").write_text(
                json.dumps(
                    {"title": f"Quarry dispatch {n:03}", "date": "2025-02-01", "body": body}
                ),
                encoding="utf-8",
            )

        indexer = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "import sys; from newsreader.cli.main import main; sys.exit(main())",
            "--config",
            str(config),
            "index",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            # While the other process writes, the reader answers keys and searches.
            await pilot.press("j")
            await pilot.pause()
            assert article_list.cursor == 1
            await pilot.press("slash", *"lamp")
            await app.screen.query_one(SearchBar).wait_for_debounce()
            await settle(pilot)
            assert app.screen.query_one("#status", StatusLine).plain.startswith("1 result")
            assert "Lighthouse keeper retires" in article_list.render_line(0).text
            await pilot.press("escape")
            await settle(pilot)
        finally:
            out, err = await indexer.communicate()
        assert indexer.returncode == 0, err.decode()
        assert f"{NEW_FILES} files added" in out.decode()

        # A refresh shows what the other process indexed.
        await pilot.press("R")
        await settle(pilot)
        assert header.articles == total + NEW_FILES
        await pilot.press("slash", *"quarry")
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await settle(pilot)
        assert app.screen.query_one("#status", StatusLine).plain.startswith(f"{NEW_FILES} results")
