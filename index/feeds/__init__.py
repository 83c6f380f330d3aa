"""Feeds: fetching RSS, Atom and JSON Feed sources into article files (docs/ARCHITECTURE.md).

`fetch` runs a fetch, `parse` reads feed documents, `store` owns the files, `opml` reads and
writes subscription lists, `fulltext` decides when an entry's page is read, `http` is the
bounded HTTP client. Nothing here imports any UI code.
"""
