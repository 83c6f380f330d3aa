"""What the stories file is and whether it is up to date, known without computing stories.

The file's name, format version and clustering parameters, and what one sync did, live here
rather than beside the code that computes stories: that code loads numpy and scipy (about 0.3 s
of CPU), which a no-change index update must not pay just to learn there is nothing to do.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

STORIES_NAME = "newsreader-stories.sqlite"
VERSION = 1
"""The stories file's format: another version is rebuilt from scratch."""


@dataclass(frozen=True, slots=True)
class Params:
    """The clustering's thresholds (`index.stories.clustering`): a file made with others is
    rebuilt from scratch."""

    event_similarity: float = 0.25
    event_days: float = 3.0
    story_similarity: float = 0.38
    story_slope: float = 0.002
    story_days: float = 30.0
    undated_similarity: float = 0.35


PARAMS = Params()


@dataclass
class SyncReport:
    """What one `sync` did: `scratch` says why it started over (None: article by article)."""

    added: int = 0
    removed: int = 0
    scratch: str | None = None
    seconds: float = 0.0
    cancelled: bool = False


def in_step(folder: Path, generation: int, params: Params = PARAMS) -> bool:
    """Whether the stories file in `folder` is of this version and `params` and was last
    brought up to date with index generation `generation`: then an update that changed no
    file has nothing to do for the stories."""
    path = folder / STORIES_NAME
    if not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:
        return False
    return (
        meta.get("version") == str(VERSION)
        and meta.get("params") == repr(params)
        and meta.get("generation") == str(generation)
    )
