"""A day of reading at small scale (issue 19): hundreds of searches, opens, related lists and
compares leave what the app holds bounded. Counted, not timed and not measured in bytes:
`bench/bench_soak.py` prints the memory figures."""

from __future__ import annotations

import functools
import gc
import operator
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from textual._context import visible_screen_stack
from textual.message import Message
from textual.pilot import Pilot
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker
from whoosh.searching import Searcher

from newsreader.index.config import Settings, SourceConfig, settings_for
from newsreader.index.search import search
from newsreader.index.store import Library
from newsreader.index.store.library import _IDLE_SEARCHERS as IDLE_SEARCHERS_CAP
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.related import RelatedScreen
from newsreader.tui.widgets.footer import Footer

SIZE = (100, 30)
"""The wide layout (three panes) at its smallest: drawing is most of a round's time."""
QUERIES = [
    "ferry", "harbour winter", '"ferry timetable"', "lighthouse OR orchard", "qwzxv",
    "title:storm", "fares", "apples summer", "library", "ferri",
]
"""One cycle of queries (words of tui_support's articles, a phrase, an OR, a field, one that
finds nothing and one that is misspelt, for "did you mean"). Counts are compared at the same
point of the cycle, so the lists shown then are the same."""
WARM_UP = 2 * len(QUERIES)
ROUNDS = 10 * len(QUERIES)
"""100 rounds: 200 searches and opens, 20 related lists, 10 compares; a structure that grows
by one a round shows as 80 more."""


async def settle(pilot: Pilot[None]) -> None:
    """One step's workers done and its messages handled (one pass of the `settle` fixture's
    loop: here no worker's result starts another, and drawing is most of a round's time)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


OWN_PACKAGES = {NewsreaderApp.__module__.split(".")[0], Library.__module__.split(".")[0]}


def clear_own_lru_caches() -> None:
    """Empty the project's `functools.lru_cache`s: what they hold is bounded by their maxsize
    (the query term specs, stems ...), and a cache still filling is not a leak."""
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in OWN_PACKAGES:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


def live_objects() -> Counter[str]:
    """With the project's lru_caches emptied, after a full collection: the live objects of each
    of the project's own classes (entries, hits, results, rows, articles ...), and of what
    Textual and Whoosh keep per use: widgets (and those no longer in the DOM), workers,
    messages, timers, open searchers."""
    clear_own_lru_caches()
    gc.collect()
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        module = getattr(type(obj), "__module__", None)
        if isinstance(module, str) and module.split(".")[0] in OWN_PACKAGES:
            counts[type(obj).__qualname__] += 1
        if isinstance(obj, Widget):
            counts["widgets"] += 1
            counts["widgets not in the DOM"] += not obj.is_attached
        elif isinstance(obj, Worker):
            counts["workers"] += 1
        elif isinstance(obj, Message):
            counts["messages"] += 1
        elif isinstance(obj, Timer):
            counts["timers"] += 1
        elif isinstance(obj, Searcher) and not obj.is_closed:
            counts["open searchers"] += 1
    return counts


def held(app: NewsreaderApp) -> Counter[str]:
    """What the app holds now: live objects by kind, and the entries of the caches it keeps."""
    # The Pilot draws the screen from the test's own task (`Pilot.pause` and the conftest's wait
    # call the screen's update), and drawing sets Textual's `visible_screen_stack` context
    # variable in that task: the screens under the one drawn last stay referenced until the test
    # next draws something (a closed RelatedScreen when that was a compare screen over it; only
    # seen under load, when a later draw had nothing to repaint). In the app the variable is set
    # at every draw in the app's own task; here it is set to what the next draw would set.
    visible_screen_stack.set(app._background_screens)
    # The idle searchers are a pool the library caps: how many are idle at a count is how many
    # reads overlapped last (a search, the preview, off-screen snippets, "did you mean"), which
    # depends on the machine's load, not on how long the app has run. Its cap is what must
    # hold; then it is emptied, as the lru caches are, so that what its searchers hold is not
    # taken for growth.
    library = app.library
    assert len(library._idle) <= IDLE_SEARCHERS_CAP
    with library._guard:
        pool, library._idle = library._idle, []
    for searcher in pool:
        searcher.close()
    counts = live_objects()
    counts["workers in the manager"] = len(app.workers)
    counts["library cache entries"] = len(library._cache)
    return counts


def grown(before: Counter[str], after: Counter[str]) -> dict[str, tuple[int, int]]:
    return {k: (before[k], after[k]) for k in after if after[k] > before[k]}


@pytest.mark.slow
async def test_hundreds_of_searches_and_opens_hold_no_more_than_the_first_few(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
) -> None:
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        # A leak grows from cycle to cycle of the queries; what is merely in flight at one
        # count (an answer on its way, one screen's last draw) comes and goes. So the least of
        # each kind over the last cycle must not exceed the most over the warm-up's last cycle.
        first_cycle: list[Counter[str]] = []
        last_cycle: list[Counter[str]] = []
        for n in range(1, ROUNDS + 1):
            query = QUERIES[(n - 1) % len(QUERIES)]
            await pilot.press("slash", "ctrl+u", *query, "enter")
            await settle(pilot)
            await pilot.press("enter")  # open the first hit (none when nothing was found)
            await settle(pilot)
            if n % 5 == 1:  # "ferry" or "title:storm": an article is open
                await pilot.press("r")  # the open article's related list ...
                await settle(pilot)
                assert isinstance(app.screen, RelatedScreen)
                if n % 10 == 1:
                    await pilot.press("c")  # ... compared with the open article ...
                    await settle(pilot)
                    assert isinstance(app.screen, CompareScreen)
                    await pilot.press("escape")
                    await settle(pilot)
                    await pilot.press("escape")
                else:
                    await pilot.press("enter")  # ... or one of them opened
                await settle(pilot)
            await pilot.press("escape")  # back to the list
            await settle(pilot)
            if WARM_UP - len(QUERIES) < n <= WARM_UP:
                first_cycle.append(held(app))
            elif n > ROUNDS - len(QUERIES):
                last_cycle.append(held(app))
    before = functools.reduce(operator.or_, first_cycle)  # the most of each kind
    after = functools.reduce(operator.and_, last_cycle)  # the least of each kind
    assert not grown(before, after), grown(before, after)


async def test_the_footer_frees_the_keys_it_replaces(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
) -> None:
    """Each focus change rebuilds the footer's keys; the replaced keys must not stay
    reachable from the footer (Textual keeps data-bound widgets among its watchers)."""
    app = new_app(indexed_settings(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        for _ in range(30):
            await pilot.press("slash")  # the search bar's keys
            await pilot.press("escape")  # the list's keys
            await settle(pilot)
        gc.collect()
        keys = [w for w in gc.get_objects() if isinstance(w, Widget) and w.parent is footer]
        stale = [w for w in gc.get_objects()
                 if isinstance(w, Widget) and not w.is_attached and type(w).__name__ == "FooterKey"]
        assert keys and not stale


@pytest.mark.slow
def test_thousands_of_library_searches_hold_no_more_than_the_first_few_hundred(
    tmp_path: Path,
) -> None:
    """The CLI side: one `Library`, many `search()` calls; searchers are reused or closed,
    and the caches stay within their limits."""
    folder = tmp_path / "library"
    folder.mkdir()
    for i in range(30):
        (folder / f"a{i}.txt").write_text(
            f"Ferry report {i}\n\nThe harbour ferry sailed {i} times in winter.\n\n"
            f"Orchard apples and lighthouse storms, day {i}.\n",
            encoding="utf-8",
        )
    library = Library(settings_for([SourceConfig("town", folder)], tmp_path / "index"))
    library.update()
    queries = ["ferry", "harbour winter", '"ferry sailed"', "apples OR storm", "qwzxv",
               "title:ferry", "lighthous"]

    def counts() -> Counter[str]:
        found = live_objects()
        found["library cache entries"] = len(library._cache)
        found["idle searchers"] = len(library._idle)
        return found

    try:
        for n in range(1, 2101):
            search(library, queries[n % len(queries)], limit=20)
            if n == 700:
                before = counts()
        after = counts()
    finally:
        library.close()
    assert after["open searchers"] <= 4
    assert not grown(before, after), grown(before, after)
