"""The Whoosh schema: one document per Article, plus what incremental updates need.

Bump SCHEMA_VERSION whenever a field changes, or the parsers in index.parsing give different
articles from the same files (unchanged files are never re-read otherwise); an index written with
another version is rebuilt.
"""

from __future__ import annotations

import re
import struct
import sys
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import accumulate
from typing import Any

from whoosh import columns, fields, formats
from whoosh.analysis import (
    CompositeAnalyzer,
    IDAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StandardAnalyzer,
    StemFilter,
    StemmingAnalyzer,
)
from whoosh.analysis.analyzers import Analyzer

from newsreader.index.model import stored_date  # noqa: F401  (re-exported: it was defined here)
from newsreader.index.store.layout import SCHEMA_VERSION  # noqa: F401  (re-exported)
from newsreader.index.store.whoosh import switch

# Stopwords kept: news queries like "to be or not to be" or "The Who" must still match phrases.
TEXT_ANALYZER = StemmingAnalyzer(stoplist=None, minsize=1)
NAME_ANALYZER = StandardAnalyzer(stoplist=None, minsize=1)
KEY_ANALYZER = IDAnalyzer(lowercase=True)


_STEM_CACHE_MAX = 200_000
_FastParts = tuple[re.Pattern[str], Callable[[str], str], frozenset[str], dict[str, str]]
_fast_cache: dict[int, tuple[Analyzer, _FastParts | None]] = {}


def fast_parts(analyzer: Analyzer | None) -> _FastParts | None:
    """(token regex, stem function, words not stemmed, stem memo) when `analyzer` is exactly
    regex tokenizer | lowercase | stem, as TEXT_ANALYZER is; None for any other analyzer."""
    if analyzer is None:
        return None
    cached = _fast_cache.get(id(analyzer))
    if cached is not None and cached[0] is analyzer:
        return cached[1]
    parts: _FastParts | None = None
    if isinstance(analyzer, CompositeAnalyzer) and len(analyzer.items) == 3:
        tok, low, stem = analyzer.items
        if (
            type(tok) is RegexTokenizer
            and not tok.gaps
            and type(low) is LowercaseFilter
            and type(stem) is StemFilter
        ):
            parts = (tok.expression, stem._stem, frozenset(stem.ignore or ()), {})
    _fast_cache[id(analyzer)] = (analyzer, parts)
    return parts


class PackedCharacters(formats.Characters):
    """Whoosh's Characters posting format (positions and character offsets), encoded as
    little-endian int32s instead of a pickle: [n, then per occurrence: position delta, start
    delta from the previous end, length]. Python packs one occurrence with a single struct
    call, and whoosh.engine reads a whole block of values as one array to match phrases."""

    def encode(self, poslist: list[tuple[int, int, int]]) -> bytes:
        return _pack_spans([pos for pos, _, _ in poslist], {pos: (s, e) for pos, s, e in poslist})

    def decode_characters(self, value: bytes) -> list[tuple[int, int, int]]:
        codes = _from_ints(value)
        out = []
        pos = end = 0
        for i in range(1, len(codes), 3):
            pos += codes[i]
            start = end + codes[i + 1]
            end = start + codes[i + 2]
            out.append((pos, start, end))
        return out

    def decode_positions(self, value: bytes) -> list[int]:
        return list(accumulate(_from_ints(value)[1::3]))

    def decode_frequency(self, value: bytes) -> int:
        return int(_from_ints(value[:4])[0])

    def decode_weight(self, value: bytes) -> float:
        return self.decode_frequency(value) * self.field_boost

    def decode_position_boosts(self, value: bytes) -> list[tuple[int, float]]:
        return [(pos, 1.0) for pos in self.decode_positions(value)]

    def decode_character_boosts(self, value: bytes) -> list[tuple[int, int, int, float]]:
        return [(pos, start, end, 1.0) for pos, start, end in self.decode_characters(value)]

    def combine(self, vs: list[bytes]) -> bytes:
        spans: dict[int, tuple[int, int]] = {}
        for v in vs:
            for pos, start, end in self.decode_characters(v):
                old = spans.get(pos)
                spans[pos] = (start, end) if old is None else (min(start, old[0]), max(end, old[1]))
        return self.encode([(pos, *spans[pos]) for pos in sorted(spans)])


_ONE = struct.Struct("<4i")
_LITTLE = sys.byteorder == "little"


def _ints(values: list[int]) -> bytes:
    a = array("i", values)
    if not _LITTLE:
        a.byteswap()
    return a.tobytes()


def _pack_spans(
    positions: list[int], spans: Sequence[tuple[int, int]] | Mapping[int, tuple[int, int]]
) -> bytes:
    """The PackedCharacters value of the occurrences at `positions` (ascending), their
    character spans `spans[position]`: `Text.index` passes the spans of every token of a text,
    so a word's occurrences are packed without a tuple each."""
    flat = [len(positions)]
    posbase = charbase = 0
    for pos in positions:
        start, end = spans[pos]
        flat += (pos - posbase, start - charbase, end - start)
        posbase, charbase = pos, end
    return _ints(flat)


_group, _span = re.Match.group, re.Match.span


def _from_ints(value: bytes) -> array[int]:
    a = array("i")
    a.frombytes(value)
    if not _LITTLE:
        a.byteswap()
    return a


class Text(fields.TEXT):
    """Whoosh's TEXT, indexing the same terms with the same postings (positions and character
    offsets) and the same spelling words, in one pass over the text instead of Whoosh's
    token-object pipeline: about 3x faster for the title and body, which is most of the time
    `add_document` takes. Any analyzer or value the fast path does not know takes Whoosh's
    path.

    Character offsets are kept (`chars=True`) in the PackedCharacters format."""

    format: Any  # Whoosh's posting format object (Whoosh has no type information)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if type(self.format) is formats.Characters:
            self.format = PackedCharacters(field_boost=self.format.field_boost)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        fast = (
            fast_parts(self.analyzer)
            if switch.ENABLED
            and not kwargs
            and isinstance(value, str)
            and type(self.format) is PackedCharacters
            else None
        )
        if fast is None:
            yield from super().index(value, **kwargs)
            return
        expression, stem, ignore, stems = fast
        if len(stems) > _STEM_CACHE_MAX:
            stems.clear()
        # Group by the word as written first: stemming and the spelling words then cost one
        # step per distinct word rather than per token. The words and their spans are taken
        # from the matches by `map` (a loop in C); the loop left in Python only groups
        # positions, and a position's span is looked up once, when its term is packed.
        matches = list(expression.finditer(value))
        spans = list(map(_span, matches))
        bylow: dict[str, list[int]] = {}
        get = bylow.get
        for pos, low in enumerate(map(str.lower, map(_group, matches))):
            found = get(low)
            if found is None:
                bylow[low] = [pos]
            else:
                found.append(pos)
        _last_words[:] = [value, bylow]
        seen: dict[str, list[int]] = {}
        for low, positions in bylow.items():
            term = stems.get(low)
            if term is None:
                term = stems[low] = low if low in ignore else stem(low)
            other = seen.get(term)
            seen[term] = positions if other is None else sorted(other + positions)
        fb = self.format.field_boost
        one = _ONE.pack
        for term, positions in seen.items():
            n = len(positions)
            if n == 1:  # PackedCharacters.encode of most postings, in one call
                pos = positions[0]
                start, end = spans[pos]
                value_bytes = one(1, pos, start, end - start)
            else:
                value_bytes = _pack_spans(positions, spans)
            yield term.encode("utf-8"), n, float(n) * fb, value_bytes

    def spellable_words(self, value: Any) -> Iterator[str]:
        fast = fast_parts(self.analyzer) if switch.ENABLED and isinstance(value, str) else None
        if fast is None:
            return iter(super().spellable_words(value))
        last, words = _last_words
        if last is value:  # `index` just went over this very text: its words are known
            return iter(sorted(words))
        return iter(sorted({m.group(0).lower() for m in fast[0].finditer(value)}))


# The text `Text.index` went over last and its words as written: a writer asks for a field's
# spelling words right after indexing it.
_last_words: list[Any] = [None, {}]


def make_schema() -> fields.Schema:
    """The Article's fields. Text fields keep character offsets (`chars=True`) so snippets and
    in-article highlights come straight from the postings instead of re-tokenising."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=Text(analyzer=TEXT_ANALYZER, stored=True, chars=True, field_boost=2.5, spelling=True),
        body=Text(analyzer=TEXT_ANALYZER, stored=True, chars=True, spelling=True),
        outlet=fields.TEXT(analyzer=NAME_ANALYZER, stored=True),
        author=fields.TEXT(analyzer=NAME_ANALYZER, stored=True),
        url=fields.STORED(),
        # Exact, case-folded keys used for filters (source list, --source).
        source=fields.ID(analyzer=KEY_ANALYZER, stored=True),
        outlet_key=fields.ID(analyzer=KEY_ANALYZER),
        date=fields.DATETIME(stored=True, sortable=True),
        # "date" (day precision) or "datetime": lets a date-only article round-trip as a date.
        date_kind=fields.STORED(),
        tags=fields.KEYWORD(stored=True, lowercase=True, commas=True),
        # What incremental updates need: the file an article came from and its fingerprint.
        # Both are columns too, so a no-change run reads them without unpickling every
        # document's stored fields (which include the body).
        path=fields.ID(stored=True),
        file_key=fields.ID(stored=True, sortable=True),
        fingerprint=fields.ID(stored=True, sortable=True),
        # Sort keys for the article list (see index.store.library): newest first, undated last, then
        # title; and title alone. Columns only: a DATETIME column sorts missing dates first.
        list_key=fields.COLUMN(columns.VarBytesColumn()),
        title_key=fields.COLUMN(columns.VarBytesColumn()),
    )


def column_values(sub: Any, column: str) -> list[Any]:
    """Every document's value of `column` in one segment (deleted ones too), in docnum order."""
    reader = sub.column_reader(column, translate=False)
    if type(reader) is columns.VarBytesColumn.Reader:
        # Whoosh reads such a column value by value, a file read each (50 ms per 100,000); the
        # values lie end to end in the file, so read them in one go and cut them apart. Its
        # reader's fields are not public API: Whoosh is pinned to 2.7.4 (pyproject.toml), and
        # tests/unit/test_store.py compares the result with Whoosh's own sort and
        # its own column reads.
        lengths, offsets = reader._lengths, reader._offsets
        end = offsets[-1] + lengths[-1] if len(lengths) else 0
        data = reader._dbfile.get(reader._basepos, end)
        return [data[o : o + n] for o, n in zip(offsets, lengths, strict=True)]
    return list(reader)


def column_texts(sub: Any, column: str) -> list[str]:
    """`column_values` of a column of UTF-8 text (ID columns hold its bytes), as text. Values
    that are all ASCII (file keys and fingerprints nearly always are) are decoded in one go:
    a decode per value was a tenth of a no-change re-scan at 100,000 articles."""
    reader = sub.column_reader(column, translate=False)
    if type(reader) is columns.VarBytesColumn.Reader:
        lengths, offsets = reader._lengths, reader._offsets
        end = offsets[-1] + lengths[-1] if len(lengths) else 0
        data = bytes(reader._dbfile.get(reader._basepos, end))
        if data.isascii():
            text = data.decode("ascii")
            return [text[o : o + n] for o, n in zip(offsets, lengths, strict=True)]
    return [
        v.decode("utf-8") if isinstance(v, bytes) else v for v in column_values(sub, column)
    ]


PREFIX_CHUNK = 65_536
"""Documents whose column bytes are read at a time by `column_prefixes` (a few MB)."""


def column_words(sub: Any, column: str, words: int, skip: int = 0, docs: Any = None) -> Any:
    """Bytes `skip` to `skip + 8 * words` of a bytes `column`'s value, for every document of one
    segment (deleted ones too) in docnum order, or for the segment's docnums `docs` (ascending),
    as big-endian 8-byte words: a numpy uint64 array of shape (documents, words). Rows compared
    word by word order like the values they were cut from, up to ties between equal slices (a
    value ending inside the slice is padded with NULs, so it sorts before any longer value it
    begins). Where `column_values` makes a bytes object per document (90 MB of sort keys at
    1,000,000 articles), this holds `8 * words` bytes each, reads the column a chunk of
    documents at a time and picks each word out of a chunk with one gather."""
    import numpy as np

    reader = sub.column_reader(column, translate=False)
    width = 8 * words
    if type(reader) is not columns.VarBytesColumn.Reader:
        values = list(reader)
        chosen = values if docs is None else [values[int(d)] for d in docs]
        cut = b"".join(v[skip : skip + width].ljust(width, b"\0") for v in chosen)
        return np.frombuffer(cut, dtype=">u8").astype(np.uint64).reshape(len(chosen), words)
    lengths = np.asarray(reader._lengths, dtype=np.int64)
    offsets = np.asarray(reader._offsets, dtype=np.int64)
    wanted = np.arange(len(lengths)) if docs is None else np.asarray(docs, dtype=np.int64)
    out = np.zeros((len(wanted), words), dtype=np.uint64)
    for start in range(0, len(lengths), PREFIX_CHUNK):
        stop = min(start + PREFIX_CHUNK, len(lengths))
        first, last = np.searchsorted(wanted, (start, stop))
        if first == last:
            continue
        picked = wanted[first:last]
        lo = int(offsets[start])
        hi = int(offsets[stop - 1] + lengths[stop - 1])
        raw = reader._dbfile.get(reader._basepos + lo, hi - lo) + bytes(8 + width)
        data = np.frombuffer(raw, dtype=np.uint8)
        starts = offsets[picked] - lo + skip
        left = lengths[picked] - skip  # bytes of the value from this word on
        for w in range(words):
            word = _words_at(data, starts + 8 * w).astype(np.uint64)
            keep = np.clip(left - 8 * w, 0, 8)
            # Bytes past the value's end belong to the next value: zeroed (NUL padding).
            shift = (8 * (8 - keep)).astype(np.uint64)
            mask = np.where(keep > 0, (~np.uint64(0) >> shift) << shift, np.uint64(0))
            out[first:last, w] = word & mask
    return out


def _words_at(data: Any, starts: Any) -> Any:
    """The big-endian 8-byte words of `data` starting at byte positions `starts`."""
    import numpy as np

    view = np.ndarray(shape=(len(data) - 7,), dtype=">u8", buffer=data, strides=(1,))
    return view[starts]
