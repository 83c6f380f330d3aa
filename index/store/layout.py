"""What the index folder holds, named without importing Whoosh: the schema version the index
was written with, the index's name (its TOC files are `_MAIN_<generation>.toc`) and the file
that records the version. `schema`, `library` and the Whoosh-free reader (`plain`) share them.
"""

from __future__ import annotations

SCHEMA_VERSION = 7  # 7: parsers drop bidi overrides (index.untrusted)
"""Bump it whenever a field of `schema.make_schema` changes, or the parsers in index.parsing give
different articles from the same files (unchanged files are never re-read otherwise); an index
written with another version is rebuilt."""

INDEX_NAME = "MAIN"
META_NAME = "newsreader-index.json"
