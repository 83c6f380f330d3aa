"""The query engine in plain Python, for a process that has not imported numpy.

`engine` answers in numpy; importing numpy costs more than most queries take (a third of a
`newsreader search` command's instructions, bench/bench_cli.py). This module answers the same
queries with the same arithmetic in Python's own arrays, sets and floats, and gives up (None)
once a query's postings pass a budget: the caller then takes `engine`, which imports numpy.

Same hits, scores, totals and order as `engine.top` (and so as Whoosh): each score is computed
with the same operations in the same order (Python floats are the float64 numpy uses), and sums
over several terms add in the same order. tests/system/test_perf_equivalence.py runs every
query of its set through both and Whoosh.

Size: one engine, function for function the mirror of `engine`, which is read beside it.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Iterable
from itertools import compress
from typing import Any

from whoosh import columns
from whoosh import query as wq
from whoosh.codec import whoosh3
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from newsreader.index.store.scores import Found, intersection, phrase_matches, union
from newsreader.index.store.whoosh import switch
from newsreader.index.store.whoosh.codec import COMPRESSED, HAS_VALUES, HAS_WEIGHTS, BlockMatcher
from newsreader.index.store.whoosh.shapes import Unsupported, supported, usable

BUDGET = 40_000
"""Postings this engine decodes before handing the query to numpy's: in Python a posting costs
~0.5-1 us to decode, score and combine, numpy's import ~40 ms and then ~0.1 us a posting, so
past ~40,000 numpy is the faster way (bench/bench_cli.py; measured at 100,000 articles)."""

MODE = "auto"
"""When `index.search.results` asks this engine first: "auto" while numpy is not loaded (a
one-shot process: the CLI), "always" (tests), "never"."""

_LENGTHS = [float(byte_to_length(i)) for i in range(256)]
_SWAP = sys.byteorder != "little"


"""Matching documents of one segment: local number -> score (in no particular order)."""


def wanted() -> bool:
    """Whether to try this engine first (see MODE). Never while the fast paths are switched
    off (`switch.ENABLED`): Whoosh's own matchers answer then."""
    if not switch.ENABLED:
        return False
    if MODE == "auto":
        return "numpy" not in sys.modules
    return MODE == "always"


def top(
    searcher: Searcher,
    q: wq.Query,
    *,
    limit: int,
    filters: wq.Query | None = None,
    exclude: Iterable[int] = (),
    newest_by: str | None = None,
    budget: int | None = None,
) -> tuple[int, list[tuple[int, float]]] | None:
    """`engine.top`, in Python: None when the query is not one the engines run or its
    postings pass `budget` (default BUDGET)."""
    if not supported(q) or (filters is not None and not supported(filters)):
        return None
    if not usable(searcher):
        return None
    budget = BUDGET if budget is None else budget
    spent = [0]
    scores: dict[int, float] = {}  # docnum -> score
    dates: dict[int, int] = {}
    try:
        for leaf, offset in searcher.leaf_searchers():
            run = _Segment(searcher, leaf, spent, budget)
            found = run.evaluate(q)
            if not found:
                continue
            deleted = run.deleted()
            if filters is not None:
                allowed = run.evaluate(filters)
                found = {d: s for d, s in found.items() if d in allowed and d not in deleted}
            elif deleted:
                found = {d: s for d, s in found.items() if d not in deleted}
            if newest_by is not None:
                column = run.dates(newest_by)
                dates.update((d + offset, column[d]) for d in found)
            if offset:
                scores.update(zip(map(offset.__add__, found), found.values(), strict=True))
            else:
                scores.update(found)
    except Unsupported:
        return None
    for d in exclude:
        scores.pop(d, None)
    total = len(scores)
    if limit <= 0 or not total:
        return total, []
    # Only what can make the page is sorted (the limit-th best key, ties included), in
    # engine.top's order: newest first, then the higher docnum; or best score, then docnum.
    if newest_by is not None:
        keyed = {d: dates[d] for d in scores}
        newest = sorted(keyed.values())[total - limit] if total > limit else None
        page = [d for d, v in keyed.items() if newest is None or v >= newest]
        page.sort(key=lambda d: (-keyed[d], -d))
        return total, [(d, 0.0) for d in page[:limit]]
    if total > limit:
        best = sorted(scores.values())[total - limit]
        near = list(compress(scores.items(), map(best.__le__, scores.values())))
    else:
        near = list(scores.items())
    near.sort(key=lambda r: (-r[1], r[0]))
    return total, near[:limit]


class _Segment:
    """Runs queries over one segment of `parent` (global statistics from the parent, as
    Whoosh's BM25FScorer takes them), counting decoded postings against the budget."""

    def __init__(self, parent: Searcher, leaf: Searcher, spent: list[int], budget: int) -> None:
        self.parent = parent
        self.reader = leaf.reader()
        weighting = parent.weighting
        self.B = weighting.B
        self.K1 = weighting.K1
        self.schema = parent.schema
        self.spent = spent
        self.budget = budget

    def _spend(self, n: int) -> None:
        self.spent[0] += n
        if self.spent[0] > self.budget:
            raise Unsupported("over the budget")

    def deleted(self) -> frozenset[int]:
        if not self.reader.has_deletions():
            return frozenset()
        return frozenset(self.reader.segment().deleted_docs())

    def dates(self, fieldname: str) -> list[int]:
        """Every document's value of a DATETIME column, -1 where it has none (`engine`'s)."""
        count = self.reader.doc_count_all()
        self._spend(count)
        col = self.reader.column_reader(fieldname, translate=False)
        out = [-1] * count
        if type(col) is columns.EmptyColumnReader:
            return out
        if type(col) is not columns.NumericColumn.Reader or col._typecode != "Q":
            raise Unsupported("not a DATETIME column")
        raw = array("Q")
        raw.frombytes(bytes(col._dbfile.get(col._basepos, 8 * col._count)))
        if sys.byteorder == "little":  # the column is big-endian
            raw.byteswap()
        default = col._default
        for i, value in enumerate(raw):
            if value != default:
                out[i] = value
        return out

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
            return _boosted({d: s for d, s in a.items() if d not in b}, q.boost)
        if kind is wq.Not:
            return self.inverse(q)
        if isinstance(q, wq.NumericRange):
            return self.numeric_range(q)
        if isinstance(q, wq.MultiTerm):
            return self.expanded(q)
        return _boosted(union([self.evaluate(c) for c in q.children()]), q.boost)

    def expanded(self, q: wq.MultiTerm) -> Found:
        words = [w for w in q._btexts(self.reader) if w]
        if not words:
            return {}
        fieldname = q.field()
        if len(words) == 1:
            return self.term(fieldname, words[0], 1.0)
        return _boosted(union([self.term(fieldname, w, 1.0) for w in words]), q.boost)

    def numeric_range(self, q: wq.NumericRange) -> Found:
        compiled = q._compile_query(self.reader)
        if compiled is wq.NullQuery:
            return {}
        if type(compiled) is not wq.ConstantScoreQuery:
            raise Unsupported("a scored range")
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
        ids = union([self.term(q.fieldname, w, 1.0) for w in words])
        score = compiled.score
        return {d: score for d in ids}

    def conjunction(self, q: wq.And) -> Found:
        positive = [self.evaluate(c) for c in q.children() if type(c) is not wq.Not]
        negative = [self.inverse(c) for c in q.children() if type(c) is wq.Not]
        return _boosted(intersection(positive + negative), q.boost)

    def inverse(self, q: wq.Not) -> Found:
        inside = self.evaluate(q.query)
        count = self.reader.doc_count_all()
        self._spend(count)
        deleted = self.deleted()
        return {d: 1.0 for d in range(count) if d not in inside and d not in deleted}

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

    def postings(
        self, fieldname: str, btext: bytes, values: bool = False
    ) -> tuple[list[int], list[float], list[bytes]]:
        """(ids, weights, [each posting's value if `values`]) of a term here."""
        try:
            m = self.reader.postings(fieldname, btext)
        except TermNotFound:
            return [], [], []
        if isinstance(m, FilterMatcher):  # hides deleted documents: `top` does that here
            m = m.child
            m.reset()
        if not isinstance(m, BlockMatcher):
            raise Unsupported("segment not in index.store.whoosh.codec's layout")
        ids = array("I")
        weights = array("f")
        found: list[bytes] = []
        for n, flags, data in m.raw_blocks():
            self._spend(n)
            ids.frombytes(data[: 4 * n])
            at = 4 * n
            if flags & HAS_WEIGHTS:
                weights.frombytes(data[at : at + 4 * n])
                at += 4 * n
            else:
                weights.extend([1.0] * n)
            if values:
                if not flags & HAS_VALUES:
                    raise Unsupported("no positions")
                sizes = array("I")
                sizes.frombytes(data[at : at + 4 * n])
                blob = data[at + 4 * n :]
                if flags & COMPRESSED:
                    blob = zlib.decompress(blob)
                if _SWAP:
                    sizes.byteswap()
                start = 0
                for size in sizes:
                    found.append(blob[start : start + size])
                    start += size
        if _SWAP:
            ids.byteswap()
            weights.byteswap()
        return ids.tolist(), weights.tolist(), found

    def scores(self, fieldname: str, btext: bytes, postings: Iterable[tuple[int, float]]) -> Found:
        """Whoosh's BM25F scorer (`scoring.bm25`) for (docnum, weight) postings, with the
        operations in `engine.scores`' order. The length part of the denominator depends on
        the document's length byte alone: computed once per byte value, the same floats."""
        field = self.schema[fieldname]
        if not field.scorable:
            return dict(postings)  # WeightScorer: the weight is the score
        idf = self.parent.idf(fieldname, btext)
        avgfl = self.parent.avg_field_length(fieldname) or 1
        lengths = self._lengths(fieldname)
        B, K1 = self.B, self.K1
        k1_plus_1 = K1 + 1
        norm = [K1 * ((1 - B) + B * fl / avgfl) for fl in _LENGTHS]
        return {d: idf * ((w * k1_plus_1) / (w + norm[lengths[d]])) for d, w in postings}

    def _lengths(self, fieldname: str) -> bytes:
        cache = self.reader._perdoc.__dict__.setdefault("_newsreader_lengths", {})
        found = cache.get(fieldname)
        if found is None:
            perdoc = self.reader._perdoc
            col = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
            if col is None:  # no lengths: Whoosh's doc_field_length default, 1
                found = bytes([1]) * self.reader.doc_count_all()
            else:
                found = bytes(col._dbfile.get(col._basepos, col._count))
            cache[fieldname] = found
        return found

    def term(self, fieldname: str, text: Any, boost: float) -> Found:
        btext = self._btext(fieldname, text)
        if btext is None or (fieldname, btext) not in self.reader:
            return {}
        ids, tf, _ = self.postings(fieldname, btext)
        return _boosted(self.scores(fieldname, btext, zip(ids, tf, strict=True)), boost)

    # ---- phrases -------------------------------------------------------------------------

    def phrase(self, q: wq.Phrase) -> Found:
        """Documents with the words at consecutive positions; scored as the AND of its terms."""
        if q.fieldname not in self.schema:
            return {}
        field = self.schema[q.fieldname]
        if not field.format or not field.format.supports("positions"):
            raise Unsupported("a phrase on a field without positions")
        if type(field.format).__name__ != "PackedCharacters":
            raise Unsupported("positions not packed")
        terms = []
        for word in q.words:
            btext = self._btext(q.fieldname, word)
            if btext is None or (q.fieldname, btext) not in self.reader:
                return {}
            terms.append(btext)
        lists = [self.postings(q.fieldname, b, values=True) for b in terms]
        matched = phrase_matches(lists, _positions)
        if not matched:
            return {}
        total = dict.fromkeys(matched, 0.0)
        for btext, (ids, tf, _) in zip(terms, lists, strict=True):
            weight = {d: w for d, w in zip(ids, tf, strict=True) if d in total}
            scored = self.scores(q.fieldname, btext, ((d, weight[d]) for d in matched))
            for d in matched:
                total[d] = total[d] + scored[d]
        return _boosted(total, q.boost)


def _positions(value: bytes) -> list[int]:
    """The positions in one PackedCharacters value: [n, then n times (position delta, start
    delta, length)], int32 little-endian."""
    ints = array("i")
    ints.frombytes(value)
    if _SWAP:
        ints.byteswap()
    out = []
    pos = 0
    for delta in ints[1::3]:
        pos += delta
        out.append(pos)
    return out


def _boosted(found: Found, boost: float) -> Found:
    return found if boost == 1.0 else {d: s * boost for d, s in found.items()}


