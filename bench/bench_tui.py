"""TUI responsiveness: start-up to the first screen accepting keys, keypress-to-repaint in the
article list, and search-as-you-type keystroke-to-results. Prints figures; asserts nothing.

    newsreader --config CONFIG index          # index first (indexing time is not measured here)
    python bench/bench_tui.py --config CONFIG [--runs 5]

Start-up runs the real `newsreader` entry point in a fresh process (headless), from the process
start to the moment the first key press has been handled. The other figures come from a
headless app in this process, driven by Textual's Pilot, on a 120x40 screen.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

QUERY_WORDS = ["government", "mobile phone", "oil prices", "world cup", "election", "music"]

STARTUP_PROBE = r"""
import asyncio, sys, time
start = float(sys.argv[1])
from newsreader.index.config import load_settings
from textual import events
from newsreader.tui.app import make_app
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.widgets.article_list import ArticleList
from pathlib import Path

# The first line the article list draws once it has been given rows: its first rows painted.
shown, painted = [], []
original_show, original_render_line = ArticleList.show, ArticleList.render_line
def show(widget, rows, **kw):
    if len(rows) and not shown:
        shown.append(time.time())
    return original_show(widget, rows, **kw)
def render_line(widget, y):
    if shown and not painted:
        painted.append(time.time())
    return original_render_line(widget, y)
ArticleList.show, ArticleList.render_line = show, render_line

app = make_app(load_settings(Path(sys.argv[2])))

async def probe(pilot):
    # Not pilot.press: it waits for the whole process to go idle, and the workers that load
    # the lists keep it busy. Send `?` as a terminal would; the help screen showing up means
    # the first key was handled.
    app.post_message(events.Key("question_mark", "?"))
    while not isinstance(app.screen, HelpScreen):
        await asyncio.sleep(0.001)
    ready = time.time() - start
    app.pop_screen()
    await app.workers.wait_for_complete()
    await pilot.pause()
    filled = time.time() - start
    print(f"{ready:.4f} {painted[0] - start if painted else float('nan'):.4f} {filled:.4f}")
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=probe)
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def show(label: str, values_ms: list[float]) -> None:
    print(f"  {label:<44} p50 {pct(values_ms, 50):8.1f} ms   p95 {pct(values_ms, 95):8.1f} ms"
          f"   (n={len(values_ms)})")


def startup(config: Path, runs: int) -> None:
    ready: list[float] = []
    rows: list[float] = []
    filled: list[float] = []
    env = dict(os.environ)
    for _ in range(runs):
        # time.time() in the parent, just before the child starts: includes interpreter start-up
        # and every import, as a user launching `newsreader` waits for them.
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", STARTUP_PROBE, repr(start), str(config)],
            capture_output=True, text=True, check=True, env=env,
        ).stdout.split()
        ready.append(float(out[-3]) * 1000)
        rows.append(float(out[-2]) * 1000)
        filled.append(float(out[-1]) * 1000)
    print("start-up (fresh process, index present):")
    show("process start -> first key handled", ready)
    show("process start -> first list rows painted", rows)
    show("process start -> lists filled (workers done)", filled)


class PaintClock:
    """Remembers when the article list last drew a line: the moment a change reached the
    screen (headless, Textual still composes every frame); and when it was last given rows
    (`ArticleList.show`), so that a search's time runs to the first paint after its rows are
    in, not to a repaint before (the key's echo, "searching…")."""

    def __init__(self) -> None:
        from newsreader.tui.widgets.article_list import ArticleList

        self.painted = 0.0
        self.shown = 0.0
        self._after = 0.0
        self._waiter: asyncio.Event | None = None
        original = ArticleList.render_line
        original_show = ArticleList.show

        def render_line(widget: ArticleList, y: int):  # type: ignore[no-untyped-def]
            strip = original(widget, y)
            self.painted = time.perf_counter()
            if self._waiter is not None and self.shown >= self._after:
                self._waiter.set()
            return strip

        def show(widget: ArticleList, rows, *, cursor: int = 0) -> None:  # type: ignore[no-untyped-def]
            self.shown = time.perf_counter()
            original_show(widget, rows, cursor=cursor)

        ArticleList.render_line = render_line  # type: ignore[method-assign]
        ArticleList.show = show  # type: ignore[method-assign]

    async def wait_after(self, t0: float, timeout: float = 10.0) -> float:
        """Milliseconds from `t0` to the first paint after it."""
        while self.painted < t0:
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"no repaint (last {self.painted - t0:.3f})")
            await asyncio.sleep(0.0005)
        return (self.painted - t0) * 1000

    async def wait_shown(self, t0: float, answered: Callable[[], bool],
                         timeout: float = 30.0) -> float:
        """Milliseconds from `t0` to the first paint of rows given to the list after `t0` that
        `answered()` accepts. Waits on an event, not by polling: the app's thread (this one)
        does no work of the benchmark's meanwhile, so its CPU time is the app's."""
        self._after = t0
        while True:
            self._waiter = asyncio.Event()
            try:
                await asyncio.wait_for(self._waiter.wait(), timeout)
            finally:
                self._waiter = None
            if answered():
                return (self.painted - t0) * 1000
            self._after = time.perf_counter()  # other rows (an older answer): wait on


async def interactive(config: Path, rounds: int, parts: set[str]) -> None:
    from textual import events

    from newsreader.index.config import load_settings
    from newsreader.tui import loaders
    from newsreader.tui.app import Timings, make_app
    from newsreader.tui.models import SearchKey
    from newsreader.tui.widgets.article_list import ArticleList
    from newsreader.tui.widgets.list_pane import ListPane
    from newsreader.tui.widgets.search_bar import DEBOUNCE, SearchBar

    clock = PaintClock()
    # The CPU time of each search worker (its own thread): comparable across runs on a loaded
    # machine, where the wall clock also counts other processes' turns.
    worker_cpu: list[float] = []
    run_search = loaders.run_search

    def timed_search(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.thread_time()
        try:
            return run_search(*args, **kwargs)
        finally:
            worker_cpu.append((time.thread_time() - start) * 1000)

    loaders.run_search = timed_search  # type: ignore[assignment]
    # Benchmarking must not mark the user's articles read: a read delay no run reaches.
    app = make_app(load_settings(config), timings=Timings(read_delay=3600.0))

    async def key(name: str) -> float:
        """Send one key as the terminal would and time it to the list's repaint."""
        t0 = time.perf_counter()
        char = name if len(name) == 1 else None
        app.post_message(events.Key(name, char))
        return await clock.wait_after(t0)

    async def idle() -> None:
        await app.workers.wait_for_complete()
        await asyncio.sleep(0.05)  # a benchmark may sleep: let previews and repaints finish

    async def settle() -> None:
        """Until what a keystroke set off is done, workers started after a repaint included."""
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await idle()
        await pilot.pause()
        await app.workers.wait_for_complete()

    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        article_list = app.screen.query_one(ArticleList)
        print(f"library: {len(article_list):,} articles in the list")

        moves: list[float] = []
        held: list[float] = []
        if "list" not in parts:
            rounds = 0
        for i in range(rounds):
            moves.append(await key("j" if i % 50 < 25 else "k"))
            await idle()
        for _ in range(rounds):  # a held-down key: no pause for the previews to finish
            held.append(await key("j"))
        await idle()
        jumps: list[float] = []
        for name in ["G", "g"] * (5 if rounds else 0):
            jumps.append(await key(name))
            await idle()
        if rounds:
            print("article list (wide layout: the article pane previews the highlighted article):")
            show("j/k keypress -> list repainted", moves)
            show("j held down -> list repainted", held)
            show("G/g (end/start of the whole list) -> repaint", jumps)

        if "search" not in parts:
            app.exit()
            return
        await pilot.press("slash")
        bar = app.screen.query_one(SearchBar)
        pane = app.screen.query_one(ListPane)
        typed: list[float] = []
        # The app's thread (this one: Pilot runs the app in this event loop) CPU per keystroke,
        # to the results painted and to everything the keystroke set off being done (the
        # preview of the first hit, snippets, "did you mean"): what counts on a loaded machine.
        ui_shown: list[float] = []
        ui_settled: list[float] = []
        for words in QUERY_WORDS:
            for n, char in enumerate(words, 1):
                t0, c0 = time.perf_counter(), time.thread_time()
                app.post_message(events.Key(char if char != " " else "space", char))
                wanted = words[:n].strip()
                if wanted == words[: n - 1].strip():  # a space: the query did not change
                    await idle()
                    continue

                def answered(wanted: str = wanted) -> bool:
                    return isinstance(pane.shown_key, SearchKey) and pane.shown_key.query == wanted

                typed.append(await clock.wait_shown(t0, answered))
                ui_shown.append((time.thread_time() - c0) * 1000)
                await settle()
                ui_settled.append((time.thread_time() - c0) * 1000)
            bar.value = ""
            await bar.wait_for_debounce()
            await idle()
        print("search as you type (each keystroke waits for its own results):")
        show("keystroke -> results shown", typed)
        show(f"  the same without the {DEBOUNCE * 1000:.0f} ms typing debounce",
             [t - DEBOUNCE * 1000 for t in typed])
        show("  the search worker's CPU (loaders.run_search)", worker_cpu)
        show("  UI thread CPU, keystroke -> results shown", ui_shown)
        show("  UI thread CPU, keystroke -> all it set off done", ui_settled)
        print(f"  load average {os.getloadavg()[0]:.1f}")
        app.exit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, required=True, help="a newsreader config.yaml")
    ap.add_argument("--runs", type=int, default=5, help="fresh-process start-ups to time")
    ap.add_argument("--rounds", type=int, default=200, help="list moves to time")
    ap.add_argument("--parts", default="startup,list,search",
                    help="what to time, of startup,list,search (comma-separated)")
    args = ap.parse_args()
    parts = set(args.parts.split(","))
    if "startup" in parts:
        startup(args.config, args.runs)
    if parts & {"list", "search"}:
        asyncio.run(interactive(args.config, args.rounds, parts))


if __name__ == "__main__":
    main()
