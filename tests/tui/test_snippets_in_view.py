"""Search hits get their snippets as they come into view: the rows on screen with the hits,
the next screenful right after, the rest when the list scrolls to them."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.index.config import Settings, SourceConfig
from newsreader.index.search.results import search
from newsreader.index.store.library import Library
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.models import EntryRows
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.search_bar import SearchBar

Settle = Callable[[Pilot[None]], Awaitable[None]]
SIZE = (100, 30)
HITS = 70


def _write_colony(folder: Path) -> None:
    """HITS articles that all match "albatross", each snippet of its own (a number in it)."""
    folder.mkdir(parents=True)
    for n in range(HITS):
        body = (
            f"Report {n} from the island. The wardens counted {n * 7 + 3} nests this spring.\n\n"
            f"An albatross with ring {n:03d} came back to the cliff, as it has for years."
        )
        (folder / f"colony-{n:03d}.json").write_text(
            json.dumps(
                {
                    "title": f"Colony count {n:03d}",
                    "date": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    "body": body,
                }
            ),
            encoding="utf-8",
        )


def _snippet_lines(article_list: ArticleList) -> dict[int, str]:
    """The snippet line drawn for each row in view, by row index."""
    height = article_list.scrollable_content_region.height
    first = int(article_list.scroll_offset.y)
    out: dict[int, str] = {}
    for y in range(height):
        index, sub = divmod(first + y, 2)
        if sub and index < len(article_list):
            out[index] = article_list.render_line(y).text.strip()
    return out


async def test_hits_scrolled_into_view_get_their_snippets(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    folder = tmp_path / "library" / "colony"
    _write_colony(folder)
    settings = indexed_settings(tmp_path, sources=[SourceConfig(name="colony", path=folder)])
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"albatross")
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        rows = article_list.rows
        assert isinstance(rows, EntryRows) and len(rows) == HITS
        # Every row on screen shows its snippet, the match in it.
        in_view = _snippet_lines(article_list)
        assert len(in_view) >= 5
        assert all("albatross" in line for line in in_view.values())
        # Rows far below have not been given theirs yet.
        assert HITS - 1 in rows.pending
        assert rows.entries[HITS - 1].snippet == ()

        await pilot.press("tab")  # from the search bar to the list
        await pilot.press("G")
        await settle(pilot)
        at_end = _snippet_lines(article_list)
        assert HITS - 1 in at_end
        assert all("albatross" in line for line in at_end.values())
        assert not set(at_end) & rows.pending

        # What came later is what a search gives every hit at once.
        whole = search(Library(settings), "albatross", limit=HITS)
        want = {h.id: h.snippet for h in whole.hits}
        given = [e for i, e in enumerate(rows.entries) if i not in rows.pending]
        assert len(given) > len(in_view) + len(at_end) - 2
        for entry in given:
            assert entry.snippet == want[entry.id], entry.id


async def test_snippets_arriving_below_the_view_do_not_repaint_the_list(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "library" / "colony"
    _write_colony(folder)
    settings = indexed_settings(tmp_path, sources=[SourceConfig(name="colony", path=folder)])
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"albatross")
        await app.screen.query_one(SearchBar).wait_for_debounce()
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        rows = article_list.rows
        assert isinstance(rows, EntryRows) and HITS - 1 in rows.pending
        repaints: list[int] = []
        monkeypatch.setattr(article_list, "refresh", lambda *a, **k: repaints.append(1))
        # The snippets of the next screenful come while the user reads this one: nothing on
        # screen changes, so the list is not drawn again (a search's dearest repaint) ...
        rows.fill([HITS - 1], {})
        article_list.snippets_filled(rows, [HITS - 1])
        assert repaints == []
        # ... while a row in view that gets its snippet is drawn with it.
        article_list.snippets_filled(rows, [1])
        assert repaints == [1]
