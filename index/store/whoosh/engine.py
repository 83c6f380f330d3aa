"""Running a query a block of postings at a time: the hits, scores, order and exact total that
Whoosh's matchers give, 10-50x faster at 100,000 articles.

Whoosh walks its matchers one posting at a time in Python (a few microseconds each), then walks
them again to count the matches; a phrase decodes every candidate's positions one pickle at a
time. Here each term's postings are read a block at a time into numpy arrays (the codec's
layout), scored with Whoosh's BM25F formula as arrays, and combined with set operations; a
phrase is matched by intersecting (document, position - offset) keys of the documents that
hold every word. Decoded postings and positions are kept by segment (`_TermCache`): typing
a query repeats its words at every key. A date range reads the date column instead of the
hundreds of terms it expands to.

Covered: terms, phrases (slop 1), AND, OR, AND NOT and NOT inside AND, prefix, wildcard and
fuzzy terms (scored as the words they expand to) and date ranges, with term filters, by
relevance or newest first: what plain words, quotes, the operators, `word*` and `date:` give,
and what `related` asks. Anything else (phrase slop, custom weighting, other segment layouts)
returns None, and index.search.results uses Whoosh's matchers. Scores equal Whoosh's up to the order
floating-point additions are made in; ties go to the lower document number, as in Whoosh's
collector.

Size: one algorithm (block-at-a-time matching, scoring, totals, order) whose parts share
its arrays; split, each part would need the others' internals.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import columns, fields, scoring
from whoosh import query as wq
from whoosh.codec import whoosh3
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from newsreader.index.store.whoosh import switch
from newsreader.index.store.whoosh.codec import (
    COMPRESSED,
    HAS_VALUES,
    HAS_WEIGHTS,
    BlockMatcher,
    term_blocks,
    term_ids_weights,
)
from newsreader.index.store.whoosh.codec import field_postings as codec_field_postings
from newsreader.index.store.whoosh.shapes import Unsupported, usable
from newsreader.index.store.whoosh.shapes import supported as _supported

_LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Found:
    """Matching documents of one segment: ascending local numbers and their scores."""

    ids: np.ndarray
    scores: np.ndarray


_NONE = Found(_EMPTY_IDS, _EMPTY_SCORES)

DENSE_UNION = 16
"""An OR adds up in an array over the segment's documents when its parts hold at least
1/DENSE_UNION as many postings as that array has entries; below, sorting the few is cheaper
than clearing and scanning the array."""


def top(
    searcher: Searcher,
    q: wq.Query,
    *,
    limit: int,
    filters: wq.Query | None = None,
    exclude: Iterable[int] = (),
    newest_by: str | None = None,
) -> tuple[int, list[tuple[int, float]]] | None:
    """(total, [(docnum, score)] best first) for `q`, only documents matching `filters` and not
    in `exclude`; None when the query takes Whoosh's path (see the module docstring).

    With `newest_by` (a DATETIME column), ordered by that column instead, newest first,
    documents without a value last, ties by the higher document number first, and scored 0:
    what Whoosh's sorting collector gives reversed, with index.search.results's date facet."""
    if not switch.ENABLED or not _supported(q) or (filters is not None and not _supported(filters)):
        return None
    if not usable(searcher):
        return None
    weighting = searcher.weighting
    try:
        parts_ids: list[np.ndarray] = []
        parts_scores: list[np.ndarray] = []
        parts_dates: list[np.ndarray] = []
        for leaf, offset in searcher.leaf_searchers():
            run = _Segment(searcher, leaf, weighting)
            found = run.evaluate(q)
            if not len(found.ids):
                continue
            keep = run.live(found.ids)
            if filters is not None:
                keep &= _member(found.ids, run.evaluate(filters).ids)
            parts_ids.append(found.ids[keep] + offset)
            parts_scores.append(found.scores[keep])
            if newest_by is not None:
                parts_dates.append(run.dates(newest_by)[found.ids[keep]])
    except Unsupported:
        return None
    if not parts_ids:
        return 0, []
    ids = np.concatenate(parts_ids)
    scores = np.concatenate(parts_scores)
    dates = np.concatenate(parts_dates) if newest_by is not None else None
    masked = np.fromiter(exclude, dtype=np.int64)
    if len(masked):
        keep = ~np.isin(ids, masked)
        ids, scores = ids[keep], scores[keep]
        dates = dates[keep] if dates is not None else None
    total = len(ids)
    if limit <= 0 or not total:
        return total, []
    if dates is not None:
        order = np.lexsort((-ids, -dates))[:limit]
        return total, [(int(ids[i]), 0.0) for i in order]
    if total > limit:
        # Everything scoring at least the limit-th best, ties included, then exact order.
        threshold = np.partition(scores, total - limit)[total - limit]
        near = scores >= threshold
        ids, scores = ids[near], scores[near]
    order = np.lexsort((ids, -scores))[:limit]
    return total, [(int(ids[i]), float(scores[i])) for i in order]


def field_postings(
    searcher: Searcher, fieldname: str
) -> Iterator[tuple[bytes, np.ndarray, np.ndarray]]:
    """(term, live document numbers, weights) of every term of a field, segment by segment
    (a term of two segments comes twice), a whole posting list at a time: what clustering
    stories reads to build every article's term vector without reading a stored field."""
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        deleted = (
            np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)
            if reader.has_deletions()
            else None
        )
        try:
            terms = list(codec_field_postings(reader, fieldname))
        except NotImplementedError:  # another layout: Whoosh's matchers, term by term
            terms = _matcher_postings(reader, fieldname)
        for btext, ids, weights in terms:
            ids = ids.astype(np.int64)
            weights = weights.astype(np.float64)
            if deleted is not None:
                keep = ~np.isin(ids, deleted)
                ids, weights = ids[keep], weights[keep]
            if len(ids):
                yield btext, ids + offset, weights


def _matcher_postings(reader: Any, fieldname: str) -> list[tuple[bytes, np.ndarray, np.ndarray]]:
    out: list[tuple[bytes, np.ndarray, np.ndarray]] = []
    if fieldname not in reader.indexed_field_names():
        return out
    for btext in reader.lexicon(fieldname):
        m = reader.postings(fieldname, btext)
        ids = np.fromiter(m.all_ids(), dtype=np.int64)
        m = reader.postings(fieldname, btext)
        weights = []
        while m.is_active():
            weights.append(m.weight())
            m.next()
        out.append((btext, ids, np.array(weights, dtype=np.float64)))
    return out


class _Segment:
    """Runs queries over one segment of `searcher` (global statistics from the parent, as
    Whoosh's BM25FScorer takes them)."""

    def __init__(self, parent: Searcher, leaf: Searcher, weighting: scoring.BM25F) -> None:
        self.parent = parent
        self.reader = leaf.reader()
        self.B = weighting.B
        self.K1 = weighting.K1
        self.schema = parent.schema
        self._deleted: np.ndarray | None = None
        segment = getattr(self.reader, "segment", None)
        info = segment() if callable(segment) else None
        self.segment_id: str | None = info.segment_id() if info is not None else None
        """What keys this segment's entries in the term cache (None: not cached)."""

    def live(self, ids: np.ndarray) -> np.ndarray:
        if not self.reader.has_deletions():
            return np.ones(len(ids), dtype=bool)
        if self._deleted is None:
            self._deleted = np.fromiter(self.reader.segment().deleted_docs(), dtype=np.int64)
        return ~np.isin(ids, self._deleted)

    def dates(self, fieldname: str) -> np.ndarray:
        """Every document's value of a DATETIME column (an int64 that orders like the date),
        -1 where it has none (Whoosh stores the largest value there)."""
        return self._cached(("dates", fieldname), lambda: self._read_dates(fieldname))

    def _read_dates(self, fieldname: str) -> np.ndarray:
        col = self.reader.column_reader(fieldname, translate=False)
        out = np.full(self.reader.doc_count_all(), -1, dtype=np.int64)
        if type(col) is columns.EmptyColumnReader:
            return out
        if type(col) is not columns.NumericColumn.Reader or col._typecode != "Q":
            raise Unsupported("not a DATETIME column")
        # Values lie end to end, big-endian; documents past the last one written have none.
        raw = np.frombuffer(col._dbfile.get(col._basepos, 8 * col._count), dtype=">u8")
        given = raw != col._default
        out[: len(raw)][given] = raw[given].astype(np.int64)
        return out

    def _cached(self, key: tuple[str, str], compute: Callable[[], np.ndarray]) -> np.ndarray:
        """A per-document array of this segment, read once: a segment's files never change,
        and its reader outlives this query (searchers are reused within a generation)."""
        cache = self.reader._perdoc.__dict__.setdefault("_newsreader_np_arrays", {})
        table = cache.get(key)
        if table is None:
            table = cache[key] = compute()
        return table

    def evaluate(self, q: wq.Query) -> Found:
        kind = type(q)
        if kind is wq.Term:
            return self.term(q.fieldname, q.text, q.boost)
        if kind is wq.Phrase:
            return self.phrase(q)
        if kind is wq.And:
            return self.conjunction(q)
        if kind is wq.AndNot:
            a = self.evaluate(q.a)
            b = self.evaluate(q.b)
            keep = ~_member(a.ids, b.ids)
            return _boosted(Found(a.ids[keep], a.scores[keep]), q.boost)
        if kind is wq.Not:
            return self.inverse(q)
        if isinstance(q, wq.NumericRange):
            return self.numeric_range(q)
        if isinstance(q, wq.MultiTerm):
            return self.expanded(q)
        return _boosted(_union([self.evaluate(c) for c in q.children()]), q.boost)

    def expanded(self, q: wq.MultiTerm) -> Found:
        """Whoosh's MultiTerm.matcher: the words the term expands to in this segment, a lone
        word unboosted, several as a boosted OR."""
        words = [w for w in q._btexts(self.reader) if w]
        if not words:
            return _NONE
        fieldname = q.field()
        if len(words) == 1:
            return self.term(fieldname, words[0], 1.0)
        return _boosted(_union([self.term(fieldname, w, 1.0) for w in words]), q.boost)

    def numeric_range(self, q: wq.NumericRange) -> Found:
        """Whoosh's NumericRange: an OR of term ranges over the field's tiered terms, every
        match scoring the range's boost (a ConstantScoreQuery, as Whoosh runs it to search)."""
        compiled = q._compile_query(self.reader)
        if compiled is wq.NullQuery:
            return _NONE
        if type(compiled) is not wq.ConstantScoreQuery:
            raise Unsupported("a scored range")
        ids = self.date_range(q)
        if ids is not None:
            return Found(ids, np.full(len(ids), compiled.score, dtype=np.float64))
        child = compiled.child
        parts = list(child.children()) if type(child) is wq.Or else [child]
        words: list[bytes] = []
        for part in parts:
            if type(part) is wq.TermRange:
                words += part._btexts(self.reader)
            elif type(part) is wq.Term:
                words.append(part.text)
            else:
                raise Unsupported("range layout")
        ids = _union([self.term(q.fieldname, w, 1.0) for w in words]).ids
        return Found(ids, np.full(len(ids), compiled.score, dtype=np.float64))

    def date_range(self, q: wq.NumericRange) -> np.ndarray | None:
        """The documents of a range over a DATETIME field, from its column: the documents
        whose value the range's terms hold (each indexed value is the column's value, as
        `fields.DATETIME` writes both), without reading the hundreds of terms a range of
        months expands to. None when the field is not a DATETIME column."""
        if q.fieldname not in self.schema:
            return None
        field = self.schema[q.fieldname]
        if type(field) is not fields.DATETIME or field.column_type is None:
            return None
        # The bounds as tiered_ranges takes them, as datetime_to_long values (the column's).
        low = 0 if q.start is None else field.prepare_number(q.start) + (1 if q.startexcl else 0)
        high = 2**63 - 1 if q.end is None else field.prepare_number(q.end) - (1 if q.endexcl else 0)
        values, given = self._cached_pair(
            ("date column", q.fieldname), lambda: self._read_date_column(q.fieldname)
        )
        if low > high:
            return _EMPTY_IDS
        inside = given & (values >= max(low, 0)) & (values <= high)
        return np.flatnonzero(inside).astype(np.int64)

    def _read_date_column(self, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
        """(value, has a value) of every document: DATETIME writes datetime_to_long's value,
        a non-negative int64, and the largest uint64 where a document has none."""
        col = self.reader.column_reader(fieldname, translate=False)
        count = self.reader.doc_count_all()
        values = np.zeros(count, dtype=np.uint64)
        given = np.zeros(count, dtype=bool)
        if type(col) is columns.EmptyColumnReader:
            return values, given
        if type(col) is not columns.NumericColumn.Reader or col._typecode != "Q":
            raise Unsupported("not a DATETIME column")
        raw = np.frombuffer(col._dbfile.get(col._basepos, 8 * col._count), dtype=">u8")
        values[: len(raw)] = raw
        given[: len(raw)] = raw != col._default
        if bool(np.any(values[given] >= 2**63)):
            raise Unsupported("a date column value outside datetime_to_long's range")
        return values, given

    def _cached_pair(
        self, key: tuple[str, str], compute: Callable[[], tuple[np.ndarray, np.ndarray]]
    ) -> tuple[np.ndarray, np.ndarray]:
        cache = self.reader._perdoc.__dict__.setdefault("_newsreader_np_arrays", {})
        pair = cache.get(key)
        if pair is None:
            pair = cache[key] = compute()
        return pair

    def conjunction(self, q: wq.And) -> Found:
        positive = [self.evaluate(c) for c in q.children() if type(c) is not wq.Not]
        negative = [self.inverse(c) for c in q.children() if type(c) is wq.Not]
        return _boosted(_intersection(positive + negative), q.boost)

    def inverse(self, q: wq.Not) -> Found:
        """Every live document `q.query` does not match, scoring 1 (Whoosh's InverseMatcher)."""
        outside = np.ones(self.reader.doc_count_all(), dtype=bool)
        outside[self.evaluate(q.query).ids] = False
        ids = np.flatnonzero(outside).astype(np.int64)
        ids = ids[self.live(ids)]
        return Found(ids, np.ones(len(ids), dtype=np.float64))

    # ---- terms ---------------------------------------------------------------------------

    def _btext(self, fieldname: str, text: Any) -> bytes | None:
        if fieldname not in self.schema:
            return None
        if isinstance(text, bytes):
            return text
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def term_postings(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(ids, weights) of a term here, kept in the term cache (see `_TermCache`)."""
        key = (self.segment_id, "ids", fieldname, btext) if self.segment_id else None
        found = _TERMS.get(key) if key else None
        if found is None:
            ids, tf, _ = self.postings(fieldname, btext)
            found = _TERMS.put(key, (ids, tf)) if key else (ids, tf)
        return found

    def term_positions(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(offsets, positions) of a term here: posting i's positions, ascending, are
        positions[offsets[i]:offsets[i + 1]]; kept in the term cache."""
        key = (self.segment_id, "positions", fieldname, btext) if self.segment_id else None
        found = _TERMS.get(key) if key else None
        if found is None:
            ids, _, blocks = self.postings(fieldname, btext, values=True)
            found = _positions(blocks) if len(ids) else (np.zeros(1, dtype=np.int64), _EMPTY_IDS)
            if key:
                found = _TERMS.put(key, found)
        return found

    def postings(
        self, fieldname: str, btext: bytes, values: bool = False
    ) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, bytes]]]:
        """(ids, weights, [(value sizes, values) per block if `values`]) of a term here, read
        from the file."""
        if not values:
            try:
                id_bytes, weight_bytes = term_ids_weights(self.reader, fieldname, btext)
            except TermNotFound:
                return _EMPTY_IDS, _EMPTY_SCORES, []
            except NotImplementedError:
                pass  # an inlined term or another layout: Whoosh's matcher, below
            else:
                return (
                    np.frombuffer(id_bytes, dtype="<u4").astype(np.int64),
                    np.frombuffer(weight_bytes, dtype="<f4").astype(np.float64),
                    [],
                )
        try:
            raw: Iterable[tuple[int, int, Any]] = term_blocks(self.reader, fieldname, btext)
        except TermNotFound:
            return _EMPTY_IDS, _EMPTY_SCORES, []
        except NotImplementedError:
            raw = self._matcher_blocks(fieldname, btext)
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        blocks: list[tuple[np.ndarray, bytes]] = []
        for n, flags, data in raw:
            ids.append(np.frombuffer(data, dtype="<u4", count=n))
            at = 4 * n
            if flags & HAS_WEIGHTS:
                weights.append(np.frombuffer(data, dtype="<f4", count=n, offset=at))
                at += 4 * n
            else:
                weights.append(np.ones(n, dtype=np.float32))
            if values:
                if not flags & HAS_VALUES:
                    raise Unsupported("no positions")
                sizes = np.frombuffer(data, dtype="<u4", count=n, offset=at)
                blob = data[at + 4 * n :]
                blocks.append((sizes, zlib.decompress(blob) if flags & COMPRESSED else blob))
        if not ids:
            return _EMPTY_IDS, _EMPTY_SCORES, []
        return (
            np.concatenate(ids).astype(np.int64),
            np.concatenate(weights).astype(np.float64),
            blocks,
        )

    def _matcher_blocks(self, fieldname: str, btext: bytes) -> Iterator[tuple[int, int, bytes]]:
        """The blocks through Whoosh's matcher (an inlined term, say)."""
        try:
            m = self.reader.postings(fieldname, btext)
        except TermNotFound:
            return
        if isinstance(m, FilterMatcher):  # hides deleted documents: `live` does that here
            m = m.child
            m.reset()  # the filter may have moved past deleted documents already
        if not isinstance(m, BlockMatcher):
            raise Unsupported("segment not in index.store.whoosh.codec's layout")
        yield from m.raw_blocks()

    def scores(self, fieldname: str, btext: bytes, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F scorer (`scoring.bm25`) for these postings, operation for operation."""
        field = self.schema[fieldname]
        if not field.scorable:
            return tf  # WeightScorer: the weight is the score
        idf = self.parent.idf(fieldname, btext)
        avgfl = self.parent.avg_field_length(fieldname) or 1
        fl = _LENGTHS[self._lengths(fieldname)[ids]]
        B, K1 = self.B, self.K1
        return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

    def _lengths(self, fieldname: str) -> np.ndarray:
        return self._cached(("lengths", fieldname), lambda: self._read_lengths(fieldname))

    def _read_lengths(self, fieldname: str) -> np.ndarray:
        perdoc = self.reader._perdoc
        col = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if col is None:  # no lengths: Whoosh's doc_field_length default, 1
            return np.full(self.reader.doc_count_all(), 1, dtype=np.uint8)
        return np.frombuffer(bytes(col._dbfile.get(col._basepos, col._count)), dtype=np.uint8)

    def term(self, fieldname: str, text: Any, boost: float) -> Found:
        btext = self._btext(fieldname, text)
        if btext is None or (fieldname, btext) not in self.reader:
            return _NONE
        ids, tf = self.term_postings(fieldname, btext)
        return _boosted(Found(ids, self.scores(fieldname, btext, ids, tf)), boost)

    # ---- phrases -------------------------------------------------------------------------

    def phrase(self, q: wq.Phrase) -> Found:
        """Documents with the words at consecutive positions; scored as the AND of its terms
        (Whoosh's SpanNear2 matcher scores its intersection)."""
        if q.fieldname not in self.schema:
            return _NONE
        field = self.schema[q.fieldname]
        if not field.format or not field.format.supports("positions"):
            # Whoosh raises QueryError, and index.search.results reads the query as plain words.
            raise Unsupported("a phrase on a field without positions")
        if type(field.format).__name__ != "PackedCharacters":
            raise Unsupported("positions not packed")
        terms = []
        for word in q.words:
            btext = self._btext(q.fieldname, word)
            if btext is None or (q.fieldname, btext) not in self.reader:
                return _NONE
            terms.append(btext)
        lists = [self.term_postings(q.fieldname, b) for b in terms]
        candidates = lists[0][0]
        for ids, _ in lists[1:]:
            candidates = _common(candidates, ids)
        if not len(candidates):
            return _NONE
        # (document << 32 | position - i) of each word i, for the candidates only: ascending
        # (documents ascend, and positions within one), so matching keys are found by binary
        # search rather than by sorting every occurrence.
        keys = None
        for i, (btext, (ids, _)) in enumerate(zip(terms, lists, strict=True)):
            offsets, positions = self.term_positions(q.fieldname, btext)
            doc, pos = _gather(np.searchsorted(ids, candidates), candidates, offsets, positions)
            near = pos >= i
            mine = (doc[near] << 32) | (pos[near] - i)
            if len(mine) > 1 and not bool(np.all(mine[1:] > mine[:-1])):
                mine = np.unique(mine)  # positions out of order: never written by this codec
            keys = mine if keys is None else _common(keys, mine)
            if not len(keys):
                return _NONE
        assert keys is not None
        docs = keys >> 32
        matched = docs[np.concatenate(([True], docs[1:] != docs[:-1]))]
        total = np.zeros(len(matched), dtype=np.float64)
        for btext, (ids, tf) in zip(terms, lists, strict=True):
            at = np.searchsorted(ids, matched)
            total = total + self.scores(q.fieldname, btext, matched, tf[at])
        return _boosted(Found(matched, total), q.boost)


def _positions(blocks: list[tuple[np.ndarray, bytes]]) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, positions) of every posting in a term's PackedCharacters values: per posting
    [n, then n times (position delta, start delta, length)], int32 little-endian; posting i's
    positions are positions[offsets[i]:offsets[i + 1]]."""
    sizes = np.concatenate([s for s, _ in blocks]).astype(np.int64) // 4
    ints = np.frombuffer(b"".join(v for _, v in blocks), dtype="<i4").astype(np.int64)
    starts = np.cumsum(sizes) - sizes
    counts = ints[starts]
    ends = np.cumsum(counts)
    first = ends - counts  # index of each posting's first occurrence
    nth = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) - np.repeat(first, counts)
    deltas = ints[np.repeat(starts + 1, counts) + 3 * nth]
    running = np.cumsum(deltas)
    # Positions restart at each posting: subtract the running sum before its first one.
    pos = running - np.repeat(running[first] - deltas[first], counts)
    return np.concatenate(([0], ends)), pos


def _gather(
    at: np.ndarray, ids: np.ndarray, offsets: np.ndarray, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(document, position) of every occurrence of the postings at indexes `at` (their
    documents `ids`), in posting order."""
    starts = offsets[at]
    counts = offsets[at + 1] - starts
    ends = np.cumsum(counts)
    index = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    index += np.repeat(starts - (ends - counts), counts)
    return np.repeat(ids, counts), positions[index]


def _member(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each value of `a` is in `b` (ascending): np.isin's answer by binary search,
    without sorting both."""
    if not len(b):
        return np.zeros(len(a), dtype=bool)
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return np.asarray(b[at] == a)


def _common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both `a` and `b`, both ascending without repeats: np.intersect1d's
    answer, the shorter looked up in the longer instead of a sort of both."""
    if len(a) > len(b):
        a, b = b, a
    return a[_member(a, b)]


_Key = tuple[str, str, str, bytes]
"""(segment id, what: "ids" or "positions", field, term)."""


class _TermCache:
    """Decoded postings, most recently used kept, up to BYTES in all: typing a query repeats
    its words at every key, and a phrase's positions cost far more to decode (zlib, then
    every occurrence) than to look up. Keyed by segment id: a segment's files never change
    once written, so entries never go stale, and every searcher of the index (a new one
    each generation, several at once) shares them. Only what the segment holds is kept (no
    scores: they depend on the whole index's statistics)."""

    BYTES = 64 << 20

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[_Key, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def get(self, key: _Key) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: _Key, value: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        size = value[0].nbytes + value[1].nbytes
        if size > self.BYTES // 8:  # one huge list would push out everything else
            return value
        for array in value:
            array.flags.writeable = False  # shared by later queries: nobody may change it
        with self._lock:
            if key not in self._entries:
                self._entries[key] = value
                self._size += size
                while self._size > self.BYTES:
                    _, (a, b) = self._entries.popitem(last=False)
                    self._size -= a.nbytes + b.nbytes
        return value


_TERMS = _TermCache()


def _boosted(found: Found, boost: float) -> Found:
    return found if boost == 1.0 else Found(found.ids, found.scores * boost)


def _union(parts: list[Found]) -> Found:
    parts = [p for p in parts if len(p.ids)]
    if not parts:
        return _NONE
    if len(parts) == 1:
        return parts[0]
    size = max(int(p.ids[-1]) for p in parts) + 1
    if sum(len(p.ids) for p in parts) * DENSE_UNION >= size:
        # Many postings over the segment's numbers (related's 50 terms, many of them common,
        # at a million articles): add up in an array indexed by document, as Whoosh's array
        # matcher does, instead of sorting and searching every part in the merged ids (80%
        # of related's union time). Same additions in the same order: the same sums.
        summed = np.zeros(size, dtype=np.float64)
        hit = np.zeros(size, dtype=bool)
        for p in parts:  # each part's ids are distinct: one addition per document
            summed[p.ids] += p.scores
            hit[p.ids] = True
        unique = np.flatnonzero(hit).astype(np.int64)
        return Found(unique, summed[unique])
    # Ascending runs: a stable (merging) sort handles them in about linear time.
    ids = np.sort(np.concatenate([p.ids for p in parts]), kind="stable")
    unique = ids[np.concatenate(([True], ids[1:] != ids[:-1]))]
    summed = np.zeros(len(unique), dtype=np.float64)
    for p in parts:  # each part's ids are distinct: one addition per document, parts in order
        summed[np.searchsorted(unique, p.ids)] += p.scores
    return Found(unique, summed)


def _intersection(parts: list[Found]) -> Found:
    if not parts or any(not len(p.ids) for p in parts):
        return _NONE
    ids = parts[0].ids
    for p in parts[1:]:
        ids = _common(ids, p.ids)
    total = np.zeros(len(ids), dtype=np.float64)
    for p in parts:
        total = total + p.scores[np.searchsorted(p.ids, ids)]
    return Found(ids, total)
