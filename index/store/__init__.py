"""The library's Whoosh index on disk.

- `library`: `Library`, where the index lives, opening or (re)creating it, incremental updates
  and the reads the UI and the CLI need (article rows, counts, one article).
- `sources`: config sources -> the article files below them, keyed for incremental updates.
- `ingest`: the write half: what changed since the last run, parsing, the Whoosh writer.
- `lock`: one writer per index, across threads and processes.
- `schema`: the Whoosh schema and its version.
- `whoosh`: the fast posting layout, the writer's posting pool and the query engine.
"""

from newsreader.index.store.library import (
    INDEX_NAME,
    ArticleRow,
    Library,
    Progress,
    SourceCount,
    UpdateReport,
)
from newsreader.index.store.lock import LOCK_NAME, IndexBusy, StoreError, WriteLock
from newsreader.index.store.schema import SCHEMA_VERSION, make_schema
from newsreader.index.store.sources import SourceFile, scan

__all__ = [
    "INDEX_NAME",
    "LOCK_NAME",
    "SCHEMA_VERSION",
    "ArticleRow",
    "IndexBusy",
    "Library",
    "Progress",
    "SourceCount",
    "SourceFile",
    "StoreError",
    "UpdateReport",
    "WriteLock",
    "make_schema",
    "scan",
]
