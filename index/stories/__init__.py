"""Stories: the articles from any outlets that report the same event, grouped.

- `vectors`: what an article is about, as weights of its most telling words (from the index).
- `clustering`: articles -> events -> stories, a pure function of vectors and dates.
- `store`: the stories file beside the index, updated from scratch or article by article.
- `identity`: the file's name, version and parameters, and whether it is up to date.
- `coverage`: how a story's reports differ: what each adds over time, what only one reports.
- `model`: the Story records and their JSON.

The names below are loaded when first used: importing one light module of this package (e.g.
`identity`, for a no-change update) must not load `store`, which loads numpy and scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsreader.index.stories.identity import STORIES_NAME, SyncReport
    from newsreader.index.stories.model import Story, StoryArticle, StoryNotFound
    from newsreader.index.stories.store import StoryIndex

_HOME = {
    "STORIES_NAME": "identity",
    "SyncReport": "identity",
    "Story": "model",
    "StoryArticle": "model",
    "StoryNotFound": "model",
    "StoryIndex": "store",
}

__all__ = ["STORIES_NAME", "Story", "StoryArticle", "StoryIndex", "StoryNotFound", "SyncReport"]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
