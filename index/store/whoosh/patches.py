"""Whoosh 2.7.4 patched where it is slow, by one explicit call: `install()`.

Nothing is patched by importing a module. `install()` is called where indexes are opened
(`store.library.Library`), where writers are made (`store.ingest.open_writer`) and in each
sub-writer process (`store.ingest._SpawnedSubWriter.run`); it is idempotent.

- `W3PerDocReader.has_column` and `doc_field_length`: cached per segment (same answers).
- `SegmentWriter.add_document` and Whoosh's `PostingPool`: the compact pool of
  `store.whoosh.pool` (Whoosh's own when `switch.ENABLED` is off).
"""

from __future__ import annotations

import threading
from typing import Any

from whoosh import writing as whoosh_writing
from whoosh.codec import whoosh3
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from newsreader.index.store.whoosh import pool

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Put every patch in place (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        whoosh3.W3PerDocReader.has_column = _cached_has_column
        whoosh3.W3PerDocReader.doc_field_length = _doc_field_length
        SegmentWriter.add_document = pool.add_document
        whoosh_writing.PostingPool = pool.posting_pool  # looked up when a writer is made
        _installed = True


def _cached_has_column(self: Any, fieldname: str) -> bool:
    """Whoosh 2.7.4 stats the column file for every posting of every field that has no lengths
    column (ID, KEYWORD, DATETIME) while flushing a segment, hundreds of thousands of stat calls
    per build. A segment's files never change once written, so the answer can be cached."""
    cache = self.__dict__.setdefault("_newsreader_has_column", {})
    if fieldname not in cache:
        cache[fieldname] = _original_has_column(self, fieldname)
    return bool(cache[fieldname])


_original_has_column = whoosh3.W3PerDocReader.has_column

_NO_TABLE = object()


def _doc_field_length(self: Any, docnum: int, fieldname: str, default: Any = 0) -> Any:
    """Whoosh 2.7.4's `doc_field_length` with the segment's one-byte length column read into
    memory once per field (N bytes) instead of one file read per call: BM25 asks for it for
    every posting it scores, and the writer for every posting it writes. Same answers,
    including Whoosh's None for a zero length byte."""
    if docnum > self._doccount:
        raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
    tables = self.__dict__.setdefault("_newsreader_lengths", {})
    table = tables.get(fieldname, _NO_TABLE)
    if table is _NO_TABLE:
        reader = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if reader is not None:
            table = bytes(reader._dbfile.get(reader._basepos, reader._count))
        else:
            table = None
        tables[fieldname] = table
    if table is None:
        return default
    lbyte = table[docnum] if docnum < len(table) else 0
    if lbyte:
        return byte_to_length(lbyte)
    return None


_original_doc_field_length = whoosh3.W3PerDocReader.doc_field_length
