"""The library's Whoosh index on disk.

- `library`: `Library`, where the index lives, opening or (re)creating it, incremental updates
  and the reads the UI and the CLI need (article rows, counts, one article).
- `sources`: config sources -> the article files below them, keyed for incremental updates.
- `ingest`: the write half: what changed since the last run, parsing, the Whoosh writer.
- `lock`: one writer per index, across threads and processes.
- `schema`: the Whoosh schema and its version.
- `whoosh`: the fast posting layout, the writer's posting pool and the query engine.
"""

from __future__ import annotations

import importlib
from typing import Any

# What each exported name is read from. Looked up on first use (PEP 562), so that importing a
# submodule (`store.whoosh.startup`, `store.lock`) does not import the library and Whoosh.
_EXPORTS = {
    "INDEX_NAME": "library",
    "ArticleRow": "library",
    "Library": "library",
    "Progress": "library",
    "SourceCount": "library",
    "UpdateReport": "library",
    "LOCK_NAME": "lock",
    "IndexBusy": "lock",
    "StoreError": "lock",
    "WriteLock": "lock",
    "SCHEMA_VERSION": "schema",
    "make_schema": "schema",
    "SourceFile": "sources",
    "scan": "sources",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
