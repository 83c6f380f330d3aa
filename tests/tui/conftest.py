"""Fixtures of the TUI tests: a small library of articles written for them, and the app on it.

Tests ask for what they need by name (`indexed_settings`, `make_settings`, `new_app`, `settle`,
`total`, `hostile_title`, `hostile_body`); nothing here is imported.

Every article is written here (fixed dates, so lists and snapshots are deterministic); one of
them carries hostile text: Rich markup, ANSI and OSC escape sequences, a bell.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.index.config import Settings, SourceConfig, settings_for
from newsreader.index.store.library import Library
from newsreader.tui.app import NewsreaderApp, make_app

HOSTILE_TITLE = "[bold]Loud[/bold] \x1b[31mred\x1b[0m headline [link=x]here[/link]\x07"
HOSTILE_BODY = (
    "Shouting [bold]wombat[/bold] text and [link=https://evil.example]a link[/link] here.\n\n"
    "An escape \x1b[31mturns red\x1b[0m and a clipboard write \x1b]52;c;ZXZpbA==\x07 hides, "
    "and the bell \x07 rings for the wombat."
)

ARTICLES: dict[str, list[dict[str, str]]] = {
    "harbour": [
        {
            "file": "ferry-winter.json",
            "title": "Ferry timetable changes for the winter",
            "date": "2024-11-02",
            "author": "Ada Quill",
            "url": "https://harbour.example/ferry-winter",
            "body": "The island ferry will sail four times a day from November.\n\n"
            "Harbour staff said the winter ferry timetable follows a survey of passengers. "
            "The last ferry now leaves at nine.\n\n"
            "Cyclists may still board every ferry without booking.",
        },
        {
            "file": "lighthouse.json",
            "title": "Lighthouse keeper retires after forty years",
            "date": "2024-10-15",
            "author": "Ada Quill",
            "url": "https://harbour.example/lighthouse",
            "body": "Mara Bell climbed the tower stairs for the last time on Tuesday.\n\n"
            "She kept the lamp burning through eleven winters of storms.",
        },
        {
            "file": "storm.json",
            "title": "Storm closes the harbour terminal",
            "date": "2024-12-01",
            "author": "Tom Reed",
            "url": "https://harbour.example/storm",
            "body": "High winds shut the terminal on Sunday and no ferry sailed.\n\n"
            "The harbour master expects services to resume on Monday morning.",
        },
    ],
    "valley": [
        {
            "file": "orchard.json",
            "title": "Orchard harvest breaks records",
            "date": "2024-09-20",
            "author": "Lena Fox",
            "url": "https://valley.example/orchard",
            "body": "Growers picked more apples than in any year since records began.\n\n"
            "A warm spring and a wet summer helped the trees.",
        },
        {
            "file": "fares.json",
            "title": "Ferry fares rise again",
            "date": "2024-12-05",
            "author": "Lena Fox",
            "url": "https://valley.example/fares",
            "body": "A return ticket on the valley ferry will cost more from January.\n\n"
            "The operator blamed fuel prices for the rise.",
        },
        {
            "file": "reading-room.json",
            "title": "Library opens a night reading room",
            "date": "2024-08-01",
            "author": "Sam Vale",
            "url": "https://valley.example/reading-room",
            "body": "The town library will stay open until midnight on Fridays.\n\n"
            "Volunteers will staff the reading room.",
        },
        {
            "file": "hostile.json",
            "title": HOSTILE_TITLE,
            "date": "2024-07-01",
            "author": "[i]Mallory[/i]",
            "url": "javascript:alert(1)",
            "body": HOSTILE_BODY,
        },
    ],
}
OUTLETS = {"harbour": "Harbour Gazette", "valley": "Valley Post"}
TOTAL = sum(len(items) for items in ARTICLES.values())


def _write_library(root: Path) -> list[SourceConfig]:
    """Write the test articles under `root`; the sources that read them."""
    sources = []
    for name, items in ARTICLES.items():
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for item in items:
            fields = {k: v for k, v in item.items() if k != "file"}
            (folder / item["file"]).write_text(json.dumps(fields), encoding="utf-8")
        sources.append(SourceConfig(name=name, path=folder, outlet=OUTLETS[name]))
    return sources


def _make_settings(tmp_path: Path, *, sources: list[SourceConfig] | None = None,
                  **extra: object) -> Settings:
    """Settings on `tmp_path`: index and state folders there, never in the user's home."""
    if sources is None:
        sources = _write_library(tmp_path / "library")
    extra.setdefault("name", "Test library")
    return settings_for(sources, tmp_path / "index", tmp_path / "state", **extra)


def _indexed_settings(tmp_path: Path, **extra: object) -> Settings:
    """Settings whose index is already up to date (no indexing when the app starts)."""
    settings = _make_settings(tmp_path, **extra)
    library = Library(settings)
    library.update()
    library.close()
    return settings


def _new_app(settings: Settings) -> NewsreaderApp:
    app = make_app(settings)
    app.read_delay = 0.0
    app.preview_delay = 0.0
    app.show_timing = False
    return app


async def _settle(pilot: Pilot[None]) -> None:
    """Wait until every worker is done and the screen has caught up (twice: a worker's
    result can start another worker)."""
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    """`make_settings(tmp_path, sources=None, **extra)`: settings on the test library."""
    return _make_settings


@pytest.fixture
def indexed_settings() -> Callable[..., Settings]:
    """`indexed_settings(tmp_path, **extra)`: the same, with the index already up to date."""
    return _indexed_settings


@pytest.fixture
def new_app() -> Callable[[Settings], NewsreaderApp]:
    """`new_app(settings)`: the app as the CLI makes it, with no read or preview delay."""
    return _new_app


@pytest.fixture
def settle() -> Callable[[Pilot[None]], Awaitable[None]]:
    """`await settle(pilot)`: wait until every worker is done and the screen caught up."""
    return _settle


@pytest.fixture
def total() -> int:
    """How many articles the test library holds."""
    return TOTAL


@pytest.fixture
def hostile_title() -> str:
    return HOSTILE_TITLE


@pytest.fixture
def hostile_body() -> str:
    return HOSTILE_BODY
