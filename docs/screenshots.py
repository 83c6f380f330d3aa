"""Make the README's pictures: SVG screenshots of the reader on the sample library.

    python docs/screenshots.py [--out docs/pictures]

Run it again after a change to the screens. It indexes the sample library that ships with
newsreader into a temporary folder (no read marks, no index of yours is touched), drives the real
app with key presses as a user would, and saves what Textual draws:
- main-search.svg: the three panes, a search for "ferry" with its highlighted matches;
- compare.svg: the compare screen on two reports of the Kallenport dock strike;
- narrow.svg: an article read in a terminal narrower than 100 columns (one pane).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import tempfile
from pathlib import Path

from textual.pilot import Pilot

from newsreader.index.config import builtin_settings
from newsreader.index.store.library import Library
from newsreader.tui.app import NewsreaderApp, Timings, make_app

HERE = Path(__file__).parent
COMPARED = (
    "kallenport-herald/2025-03-11-quays-fall-silent.html",
    "lodestar-wire/wire-feed-2025-03-11.jsonl#1",
)
"""The sample library's pair with the most to show: 7 shared passages, 2 paraphrases, 2 quotes."""


async def settle(pilot: Pilot[None]) -> None:
    """Until every worker is done and the screen has caught up with their results."""
    app = pilot.app
    for _ in range(20):
        running = [w for w in app.workers if not w.is_finished]
        await asyncio.gather(*(w.wait() for w in running), return_exceptions=True)
        await pilot.pause()
        if all(w.is_finished for w in app.workers):
            break


def reader(folder: Path) -> NewsreaderApp:
    """The app on the sample library, indexed in `folder`, with no timings in the status line
    (they would change each run)."""
    settings = dataclasses.replace(
        builtin_settings(), index_dir=folder / "index", state_dir=folder / "state"
    )
    library = Library(settings)
    library.update()
    return make_app(settings, library=library, timings=Timings(preview_delay=0.0, show_took=False))


async def main_search(folder: Path, out: Path) -> Path:
    app = reader(folder)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ferry")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        return Path(app.save_screenshot("main-search.svg", path=str(out)))


async def compare(folder: Path, out: Path) -> Path:
    from newsreader.tui.screens.compare import CompareScreen

    app = reader(folder)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        a, b = (app.library.get(article_id) for article_id in COMPARED)
        assert a is not None and b is not None, "the sample library changed: update COMPARED"
        await app.push_screen(CompareScreen(app.library, a, b))
        await settle(pilot)
        await pilot.press("right_square_bracket")  # to the first shared passage
        await settle(pilot)
        return Path(app.save_screenshot("compare.svg", path=str(out)))


async def narrow(folder: Path, out: Path) -> Path:
    app = reader(folder)
    async with app.run_test(size=(90, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        return Path(app.save_screenshot("narrow.svg", path=str(out)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "pictures", help="default docs/pictures")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for make in (main_search, compare, narrow):
        with tempfile.TemporaryDirectory(prefix="newsreader-pictures-") as tmp:
            print(asyncio.run(make(Path(tmp), args.out)))


if __name__ == "__main__":
    main()
