"""`newsreader search QUERY --json` for plain words, quoted phrases and OR, without Whoosh.

Importing Whoosh's query, reading, fields, analysis and searching modules costs a `search`
command more than its query does (README, Performance). A query of plain words and phrases
(`query.simple_query` reads exactly those without Whoosh's parser), joined by OR or not, needs
none of them: this module builds the same query, runs it with `store.whoosh.light`'s
arithmetic over the Whoosh-free reader of `store.plain`, cuts the snippets with `cutter` and
corrects the words with `spelling`: the same JSON as `results.search(...).to_json()`, byte
for byte but for "took_ms".

Anything else returns None and the command takes the usual path: another query syntax, a sort
by date, postings past light's budget (numpy's engine answers those), a snippet over many
words, an index this reader does not read (`plain.Unreadable`), any error (the usual path says
it the usual way). tests/unit/test_lean_search.py compares the two paths' JSON.

Size: the query's reading, light's engine, the snippets' postings and the JSON are one path
that must stay in step with the usual one, read beside `results` and `store.whoosh.light`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from heapq import nlargest
from typing import Any

from newsreader.index.model import iso_date, path_text, stored_date
from newsreader.index.search.cutter import TermSpec, Token, match_spans, snippet
from newsreader.index.search.spelling import (
    _PLAIN_TOKEN,
    _SYNTAX_WORDS,
    DEFAULT_FIELDS,
    find_problem,
    near_words,
    suggest,
)
from newsreader.index.store.plain import (
    BYTE_LENGTHS,
    COMPRESSED,
    HAS_VALUES,
    HAS_WEIGHTS,
    NO_DATE,
    SWAP,
    Block,
    PlainIndex,
    PlainSegment,
    Unreadable,
    analyse,
)
from newsreader.index.store.scores import Found, intersection, phrase_matches, union

BUDGET = 40_000
"""`store.whoosh.light.BUDGET`: past it the usual path's numpy engine is the faster way."""
K1 = 1.2
B = 0.75
"""Whoosh's BM25F defaults, the weighting of the library's searchers."""
SCORED = frozenset({"title", "body"})
"""Fields whose terms are scored by BM25F (the others' only use here is as a filter)."""
POSTINGS_WORDS_MAX = 64  # snippets.POSTINGS_WORDS_MAX: past it, the usual path re-tokenises

_LENGTHS = [float(n) for n in BYTE_LENGTHS]

Query = tuple[Any, ...]
"""("term", field, text) | ("phrase", field, words) | ("or", parts) | ("and", parts) |
("date", first, last): a DateRange, in microseconds (None: open) | ("prefix", field, text,
stemmed): query.WordPrefix | ("fuzzy", field, text, maxdist): query.WordFuzzy."""


class _Over(Exception):
    """The postings passed the budget."""


_DATE_VALUE = r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?"
_DATE = rf"date:(?:{_DATE_VALUE}|\[(?:{_DATE_VALUE} )?(?:to|TO)(?: {_DATE_VALUE})?\])"
"""A date clause the lean path reads: `date:YYYY`, `date:YYYY-MM`, `date:YYYY-MM-DD`, or a range
`date:[A to B]` of those (`TO` too; either end may be left out). Whoosh's date parser reads
more (`date:yesterday`, times, `{..}`): those take the usual path. Compiled on first use (re's
cache): a query without a date never needs it."""
_LOOSE = r"([^\W_]+)(?:(\*)|~([12]?))(?=\s|$)"
"""`word*` (query.WordPrefix) or `word~`, `word~1`, `word~2` (query.WordFuzzy), the word of
letters and digits. Compiled on first use."""
_EPOCH = dt.datetime(1, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)
_LAST = (23, 59, 59, 999_999)  # a day's last microsecond


def _long(when: dt.datetime) -> int:
    """whoosh.util.times.datetime_to_long: microseconds since 0001-01-01."""
    td = when - _EPOCH
    return (td.days * 86400 + td.seconds) * 1_000_000 + td.microseconds


Span = tuple[dt.datetime, dt.datetime, int]
"""(the first and the last microsecond of a date, how many of year, month, day it gives)."""


def _span(year: str, month: str | None, day: str | None) -> Span | None:
    """The period a date of the clause names (adatetime's floor and ceil), or None for one
    Whoosh would not read (month 13, February 30, a year before 1000)."""
    y = int(year)
    if y < 1000:
        return None
    try:
        if month is None:
            return dt.datetime(y, 1, 1), dt.datetime(y, 12, 31, *_LAST), 1
        m = int(month)
        if day is None:
            first = dt.datetime(y, m, 1)
            if m == 12:
                return first, dt.datetime(y, 12, 31, *_LAST), 2
            return first, dt.datetime(y, m + 1, 1) - _MICROSECOND, 2
        first = dt.datetime(y, m, int(day))
        return first, first.replace(hour=23, minute=59, second=59, microsecond=999_999), 3
    except ValueError:  # month 13, February 30
        return None


def _date_range(m: re.Match[str]) -> Query | None:
    """("date", first, last) of a date clause: DateRange's numbers as Whoosh's date parser
    makes them (`DateParserPlugin`: a date's floor and ceil; a range's ends through
    `timespan.disambiguated`: swapped when out of order), None (in microseconds) for an open
    end. None when Whoosh's answer would hang on today's date (two ends of one year, one with
    a month and one without: it fills the month in from the other end or from today) or it
    would not read the date."""
    g = m.groups()
    if g[0] is not None:
        one = _span(g[0], g[1], g[2])
        return None if one is None else ("date", _long(one[0]), _long(one[1]))
    start = _span(g[3], g[4], g[5]) if g[3] is not None else None
    end = _span(g[6], g[7], g[8]) if g[6] is not None else None
    if (g[3] is not None and start is None) or (g[6] is not None and end is None):
        return None
    if start is None and end is None:
        return None  # `date:[to]`: Whoosh's Every
    if start is None:
        assert end is not None
        return ("date", None, _long(end[1]))
    if end is None:
        return ("date", _long(start[0]), None)
    if start[0].year == end[0].year and start[2] != end[2]:
        return None
    if start[0].date() > end[1].date():
        start, end = end, start
    return ("date", _long(start[0]), _long(end[1]))


def parse(text: str) -> Query | None:
    """The tree `query.prepare(text)` gives (normalised as Whoosh normalises it) for words of
    letters and digits and quoted phrases one space apart (`query.simple_query`'s), joined by
    AND or by `OR` (Whoosh's parser groups `a OR b` tighter than the implicit AND and
    flattens it into one OR of each side's field terms), and at most one date clause (`_DATE`)
    not beside an OR (Whoosh's And merges overlapping ranges; its Or takes a range into one OR
    with the words); None for anything else."""
    groups: list[Query] = []
    joined = False  # the token before was OR
    dated = False
    at = 0
    while True:
        group: Query | None = None
        if text.startswith("date:", at):
            d = re.compile(_DATE).match(text, at)
            if d is None or dated or joined:
                return None
            group = _date_range(d)
            if group is None or find_problem(text) is not None:
                return None  # (prepare would degrade it with a notice)
            dated = True
            groups.append(group)
            at = d.end()
        else:
            m = _PLAIN_TOKEN.match(text, at)
            if m is None:
                return None
            phrase, word = m.groups()
            loose = None
            if word is not None and m.end() < len(text) and text[m.end()] in "*~":
                loose = re.compile(_LOOSE).match(text, at)
                if loose is None:
                    return None
            if loose is not None:
                m = loose
                word, star, dist = loose.groups()
                if word in _SYNTAX_WORDS:
                    return None
                raw = word.lower()
                if star:  # the parser's WordPrefix: the text as written and its stem
                    texts = analyse(raw)
                    if len(texts) != 1:
                        return None
                    group = ("or", tuple(("prefix", n, raw, texts[0]) for n in DEFAULT_FIELDS))
                else:  # WordFuzzy: measured on the word as written
                    group = ("or", tuple(("fuzzy", n, raw, int(dist or 1)) for n in DEFAULT_FIELDS))
            elif phrase is not None:
                words = tuple(analyse(phrase))
                if len(words) != phrase.count(" ") + 1:
                    return None
                group = ("or", tuple(("phrase", name, words) for name in DEFAULT_FIELDS))
            elif word == "OR":
                if not groups or joined:
                    return None  # (query.find_problem: nothing before OR, OR followed by OR)
                if groups[-1][0] == "date":
                    return None
                joined = True
            elif word in _SYNTAX_WORDS:
                return None
            else:
                texts = analyse(word)
                if len(texts) != 1:
                    return None
                group = ("or", tuple(("term", name, texts[0]) for name in DEFAULT_FIELDS))
            if group is not None:
                if joined:  # Or.normalize: one OR of both sides' parts, a repeated part dropped
                    parts = list(groups[-1][1])
                    parts += [p for p in group[1] if p not in parts]
                    groups[-1] = ("or", tuple(parts))
                    joined = False
                else:
                    groups.append(group)
            at = m.end()
        if at == len(text):
            if joined:
                return None  # (nothing after OR)
            unique: list[Query] = []
            for g in groups:  # And.normalize drops a repeated group
                if g not in unique:
                    unique.append(g)
            return unique[0] if len(unique) == 1 else ("and", tuple(unique))
        if text[at] != " " or at + 1 == len(text):
            return None
        at += 1


class _Searcher:
    """Light's `top` over a PlainIndex: the same arithmetic in the same order."""

    def __init__(self, ix: PlainIndex) -> None:
        self.ix = ix
        self.spent = 0
        self._idf: dict[tuple[str, bytes], float] = {}
        self.read: dict[tuple[str, str, bytes], tuple[list[int], list[int], list[Block]]] = {}
        """(segment, field, term) -> (document ids, where each block starts in them, the
        blocks): what the query read, for the snippets' positions."""
        self._expansions: dict[tuple[str, Query], list[bytes]] = {}

    def expansion(self, seg: PlainSegment, q: Query) -> list[bytes]:
        """The terms a ("prefix" | "fuzzy", field, ...) node expands to in `seg`, in
        query.WordPrefix's / WordFuzzy's `_expand` order (kept: the snippets ask again)."""
        key = (seg.id, q)
        found = self._expansions.get(key)
        if found is None:
            found = self._expansions[key] = list(_expand(seg, q))
        return found

    def idf(self, fieldname: str, btext: bytes) -> float:
        key = (fieldname, btext)
        found = self._idf.get(key)
        if found is None:  # scoring.WeightingModel.idf
            n = self.ix.doc_frequency(fieldname, btext)
            found = self._idf[key] = math.log(self.ix.doc_count_all() / (n + 1)) + 1
        return found

    def top(
        self, q: Query, limit: int, filters: Query | None = None, newest: bool = False
    ) -> tuple[int, list[tuple[int, float]]]:
        """light.top's answer: (total, the best `limit` (docnum, score), best first, ties by
        docnum). Each segment keeps only what can make the page (its own limit-th best score,
        ties included: the page's limit-th best is never below it), so the documents of all
        segments are never gathered in one dict and sorted. With `newest`, light.top's
        `newest_by="date"`: newest first (undated last), then the higher docnum, score 0."""
        self.spent = 0  # (a budget per query, as light.top has)
        total = 0
        near: list[tuple[int, float]] = []
        newest_near: list[tuple[int, int]] = []  # (date or -1, docnum)
        for seg in self.ix.segments:
            run = _Segment(self, seg)
            found = run.evaluate(q)
            if not found:
                continue
            deleted = seg.deleted
            if filters is not None:
                allowed = run.members(filters)
                if allowed is not None:
                    found = {d: s for d, s in found.items() if d in allowed and d not in deleted}
                elif deleted:  # (every document of the segment passes the filter)
                    found = {d: s for d, s in found.items() if d not in deleted}
            elif deleted:
                found = {d: s for d, s in found.items() if d not in deleted}
            total += len(found)
            if limit <= 0:
                continue
            if newest:
                newest_near += nlargest(limit, _dated(seg, found))
                continue
            if len(found) > limit:
                best = nlargest(limit, found.values())[-1]
                picked = [(d, s) for d, s in found.items() if s >= best]
            else:
                picked = list(found.items())
            offset = seg.offset
            near += [(d + offset, s) for d, s in picked] if offset else picked
        if limit <= 0 or not total:
            return total, []
        if newest:
            newest_near.sort(reverse=True)
            return total, [(d, 0.0) for _, d in newest_near[:limit]]
        near.sort(key=lambda r: (-r[1], r[0]))
        return total, near[:limit]


def _expand(seg: PlainSegment, q: Query) -> Iterator[bytes]:
    """query.WordPrefix._expand / WordFuzzy._expand over one segment."""
    kind, fieldname, text, arg = q
    spell = "spell_" + fieldname  # (Field.spelling_fieldname of title and body)
    seen: set[bytes] = set()
    if kind == "prefix":
        for btext in seg.expand_prefix(fieldname, arg):
            seen.add(btext)
            yield btext
        words: Iterable[str] = (b.decode("utf-8") for b in seg.expand_prefix(spell, text))
    else:
        words = near_words(seg, spell, text, arg, 1)  # (max(1, prefixlength): 0 in the parser)
    for word in words:
        for term in analyse(word):
            btext = term.encode("utf-8")
            if btext not in seen:
                seen.add(btext)
                yield btext


def _dated(seg: PlainSegment, found: Found) -> list[tuple[int, int]]:
    """(date, docnum in the index) of each found document, -1 for none (light's `dates`)."""
    column = seg.dates()
    n = len(column)
    offset = seg.offset
    out = []
    for d in found:
        value = column[d] if d < n else NO_DATE
        out.append((value if value != NO_DATE else -1, d + offset))
    return out


class _Segment:
    """light._Segment for one PlainSegment."""

    def __init__(self, parent: _Searcher, seg: PlainSegment) -> None:
        self.parent = parent
        self.seg = seg

    def evaluate(self, q: Query) -> Found:
        kind = q[0]
        if kind == "term":
            return self.term(q[1], q[2])
        if kind == "phrase":
            return self.phrase(q[1], q[2])
        if kind == "date":
            return self.dated(q[1], q[2], None)
        if kind == "prefix" or kind == "fuzzy":
            return self.expanded(q)
        if kind == "or":
            return union([self.evaluate(c) for c in q[1]])
        # An AND: the date range is read for the documents the other parts have in common
        # (the rest cannot be in the intersection), in the parts' order for the sums.
        found: list[Found | None] = [None if c[0] == "date" else self.evaluate(c) for c in q[1]]
        known = [p for p in found if p is not None]
        within = min(known, key=len) if known else None
        parts = [
            self.dated(c[1], c[2], within) if p is None else p
            for c, p in zip(q[1], found, strict=True)
        ]
        return intersection(parts)

    def members(self, q: Query) -> set[int] | frozenset[int] | None:
        """The documents of a filter's ("term", field, text) (the --source filter): what
        `evaluate` gives them, without their scores, None for every document of the segment.
        Only the ids are read (decoded in C, not Python's per-posting work light's budget
        counts): the one source of a 100,000-article library is 100,000 postings."""
        kind, fieldname, text = q
        if kind != "term":  # pragma: no cover - the filters are terms
            raise Unreadable("a filter that is not a term")
        info = self.seg.term_info(fieldname, text.encode("utf-8"))
        if info is None:
            return frozenset()
        if info[1] == self.seg.doccount:  # (document frequency: a term of every document)
            return None
        ids = array("I")
        for n, _flags, data in self.seg.blocks(info):
            ids.frombytes(data[: 4 * n])
        if SWAP:
            ids.byteswap()
        return set(ids)

    def expanded(self, q: Query) -> Found:
        """light.expanded: the union of the terms a prefix or fuzzy term expands to in this
        segment (Whoosh expands them segment by segment), summed in the expansion's order."""
        words = [w for w in self.parent.expansion(self.seg, q) if w]
        if not words:
            return {}
        if len(words) == 1:
            return self.term(q[1], words[0].decode("utf-8"))
        return union([self.term(q[1], w.decode("utf-8")) for w in words])

    def dated(self, first: int | None, last: int | None, within: Found | None) -> Found:
        """light.numeric_range of a DateRange: the documents whose date is in [first, last]
        (the column holds the number the date's terms encode; NO_DATE is past every date), each
        scored ConstantScoreQuery's 1.0; only those of `within` when it is given."""
        column = self.seg.dates()
        lo = 0 if first is None else first
        hi = NO_DATE - 1 if last is None else last
        if within is None:
            return {d: 1.0 for d, v in enumerate(column) if lo <= v <= hi}
        n = len(column)
        return {d: 1.0 for d in within if d < n and lo <= column[d] <= hi}

    def postings(
        self, fieldname: str, btext: bytes, values: bool = False
    ) -> tuple[list[int], list[float], list[bytes]]:
        info = self.seg.term_info(fieldname, btext)
        if info is None:
            return [], [], []
        ids = array("I")
        weights = array("f")
        found: list[bytes] = []
        starts = []
        read = self.seg.blocks(info)
        for n, flags, data in read:
            starts.append(len(ids))
            self.parent.spent += n
            if self.parent.spent > BUDGET:
                raise _Over
            ids.frombytes(data[: 4 * n])
            at = 4 * n
            if flags & HAS_WEIGHTS:
                weights.frombytes(data[at : at + 4 * n])
                at += 4 * n
            else:
                weights.extend([1.0] * n)
            if values:
                if not flags & HAS_VALUES:
                    raise Unreadable("no positions")
                sizes = array("I")
                sizes.frombytes(data[at : at + 4 * n])
                blob = bytes(data[at + 4 * n :])
                if flags & COMPRESSED:
                    blob = zlib.decompress(blob)
                if SWAP:
                    sizes.byteswap()
                start = 0
                for size in sizes:
                    found.append(blob[start : start + size])
                    start += size
        if SWAP:
            ids.byteswap()
            weights.byteswap()
        listed = ids.tolist()
        self.parent.read[self.seg.id, fieldname, btext] = (listed, starts, read)
        return listed, weights.tolist(), found

    def scores(self, fieldname: str, btext: bytes, postings: Any) -> Found:
        if fieldname not in SCORED:
            return dict(postings)
        parent = self.parent
        idf = parent.idf(fieldname, btext)
        avgfl = parent.ix.avg_field_length(fieldname) or 1
        lengths = self.seg.lengths(fieldname)
        k1_plus_1 = K1 + 1
        norm = [K1 * ((1 - B) + B * fl / avgfl) for fl in _LENGTHS]
        return {d: idf * ((w * k1_plus_1) / (w + norm[lengths[d]])) for d, w in postings}

    def term(self, fieldname: str, text: str) -> Found:
        btext = text.encode("utf-8")
        if self.seg.term_info(fieldname, btext) is None:
            return {}
        ids, tf, _ = self.postings(fieldname, btext)
        return self.scores(fieldname, btext, zip(ids, tf, strict=True))

    def phrase(self, fieldname: str, words: tuple[str, ...]) -> Found:
        terms = []
        for word in words:
            btext = word.encode("utf-8")
            if self.seg.term_info(fieldname, btext) is None:
                return {}
            terms.append(btext)
        lists = [self.postings(fieldname, b, values=True) for b in terms]
        matched = phrase_matches(lists, _positions)
        if not matched:
            return {}
        total = dict.fromkeys(matched, 0.0)
        for btext, (ids, tf, _) in zip(terms, lists, strict=True):
            weight = {d: w for d, w in zip(ids, tf, strict=True) if d in total}
            scored = self.scores(fieldname, btext, ((d, weight[d]) for d in matched))
            for d in matched:
                total[d] = total[d] + scored[d]
        return total


def _ints(value: bytes) -> array[int]:
    ints = array("i")
    ints.frombytes(value)
    if SWAP:
        ints.byteswap()
    return ints


def _positions(value: bytes) -> list[int]:
    """light._positions: the positions in one PackedCharacters value."""
    out = []
    pos = 0
    for delta in _ints(value)[1::3]:
        pos += delta
        out.append(pos)
    return out


def _characters(value: bytes) -> list[tuple[int, int, int]]:
    """schema.PackedCharacters.decode_characters: (position, start, end) of each occurrence."""
    codes = _ints(value)
    out = []
    pos = end = 0
    for i in range(1, len(codes), 3):
        pos += codes[i]
        start = end + codes[i + 1]
        end = start + codes[i + 2]
        out.append((pos, start, end))
    return out


def _spec(q: Query, ix: PlainIndex, searcher: _Searcher) -> TermSpec:
    """snippets.term_spec(q, "body") of a plain query: its body words and phrases, with what
    its prefix and fuzzy terms expand to over the whole index (snippets.expanded_words: the
    union of the segments' expansions)."""
    words: set[str] = set()
    phrases: list[tuple[tuple[str, ...], int]] = []

    def visit(node: Query) -> None:
        kind = node[0]
        if kind == "term":
            if node[1] == "body":
                words.add(node[2])
        elif kind == "phrase":
            if node[1] == "body":
                phrases.append((node[2], 1))  # max(1, slop): the parser's slop is 1
        elif kind == "prefix" or kind == "fuzzy":
            if node[1] == "body":
                for seg in ix.segments:
                    words.update(b.decode("utf-8") for b in searcher.expansion(seg, node))
        elif kind != "date":  # (no words)
            for child in node[1]:
                visit(child)

    visit(q)
    return TermSpec(frozenset(words), phrases=tuple(phrases))


def _matched_tokens(
    ix: PlainIndex, searcher: _Searcher, words: frozenset[str], docnums: list[int]
) -> dict[int, list[Token]]:
    """snippets.matched_tokens from the postings: each document's tokens of `words` in body.
    A document's posting is found by binary search in the term's ids (read by the query
    already, most often), and only its block's values are decoded."""
    docs = sorted(set(docnums))
    out: dict[int, list[Token]] = {d: [] for d in docs}
    for word in words:
        btext = word.encode("utf-8")
        for seg in ix.segments:
            mine = [d for d in docs if seg.offset <= d < seg.offset + seg.doccount]
            if not mine:
                continue
            read = searcher.read.get((seg.id, "body", btext))
            if read is None:
                info = seg.term_info("body", btext)
                if info is None:
                    continue
                read = _ids(seg.blocks(info))
            ids, starts, blocks = read
            values: dict[int, list[bytes]] = {}
            for d in mine:
                j = bisect_left(ids, d - seg.offset)
                if j == len(ids) or ids[j] != d - seg.offset:
                    continue
                k = bisect_right(starts, j) - 1
                if k not in values:
                    values[k] = _values(blocks[k])
                value = values[k][j - starts[k]]
                out[d].extend((p, s, e, word) for p, s, e in _characters(value))
    for tokens in out.values():
        tokens.sort()
    return out


def _ids(read: list[Block]) -> tuple[list[int], list[int], list[Block]]:
    ids = array("I")
    starts = []
    for n, _flags, data in read:
        starts.append(len(ids))
        ids.frombytes(data[: 4 * n])
    if SWAP:
        ids.byteswap()
    return ids.tolist(), starts, read


def _values(block: Block) -> list[bytes]:
    """The values (positions and characters) of one block's postings."""
    n, flags, data = block
    if not flags & HAS_VALUES:
        raise Unreadable("no positions")
    at = 8 * n if flags & HAS_WEIGHTS else 4 * n
    sizes = array("I")
    sizes.frombytes(data[at : at + 4 * n])
    if SWAP:
        sizes.byteswap()
    blob = bytes(data[at + 4 * n :])
    if flags & COMPRESSED:
        blob = zlib.decompress(blob)
    out = []
    start = 0
    for size in sizes:
        out.append(blob[start : start + size])
        start += size
    return out


def search_json(
    index_dir: str,
    text: str,
    *,
    limit: int,
    source: str | None = None,
    sort: str = "relevance",
) -> dict[str, Any] | None:
    """`results.search(library, text, limit=limit, source=source, sort=sort).to_json()`, or
    None when the usual path must answer (see the module's docstring)."""
    if sort not in ("relevance", "date"):
        return None  # (results.search raises ValueError)
    start = time.perf_counter()
    query = path_text(text)
    q = parse(query)
    if q is None:
        return None
    filters = ("term", "source", source.lower()) if source else None
    try:
        with PlainIndex(index_dir) as ix:
            searcher = _Searcher(ix)
            total, scored = searcher.top(q, limit, filters, newest=sort == "date")
            hits = _hits(ix, searcher, q, scored)
            suggestion = _did_you_mean(ix, searcher, query, filters, total)
    except Exception:  # past the budget, unreadable, damaged: the usual path says it
        return None
    took = (time.perf_counter() - start) * 1000
    return {
        "query": query,
        "total": total,
        "took_ms": round(took, 2),
        "hits": hits,
        "suggestion": suggestion,
        "notice": None,
    }


def _hits(
    ix: PlainIndex, searcher: _Searcher, q: Query, scored: list[tuple[int, float]]
) -> list[dict[str, Any]]:
    docnums = [d for d, _ in scored]
    stored = []
    for d in docnums:
        for seg in ix.segments:
            if seg.offset <= d < seg.offset + seg.doccount:
                stored.append(seg.stored_fields(d - seg.offset))
                break
    spec = _spec(q, ix, searcher)
    tokens: dict[int, list[Token]] = {}
    singles = spec.words
    if spec:
        phrase_words = frozenset(w for phrase, _slop in spec.phrases for w in phrase)
        words = singles | phrase_words
        if len(words) > POSTINGS_WORDS_MAX:
            raise Unreadable("a snippet of many words")
        tokens = _matched_tokens(ix, searcher, words, docnums)
    hits = []
    for (d, score), f in zip(scored, stored, strict=True):
        body = f.get("body", "") or ""
        found = tokens.get(d)
        spans = match_spans(found, spec, lambda t: t[3] in singles) if found else []
        hits.append(
            {
                "id": f.get("id", ""),
                "title": f.get("title", ""),
                "source": f.get("source", ""),
                "outlet": f.get("outlet", ""),
                "date": iso_date(stored_date(f)),
                "url": f.get("url", "") or "",
                "score": round(score, 4),
                "snippet": [{"text": s.text, "match": s.match} for s in snippet(body, spans)],
            }
        )
    return hits


def _did_you_mean(
    ix: PlainIndex, searcher: _Searcher, query: str, filters: Query | None, total: int
) -> str | None:
    """results._did_you_mean: a corrected query that finds more than this one."""
    fixed = suggest(ix, query)  # (a reader with the methods it asks for)
    if fixed is None:
        return None
    q = parse(fixed)
    if q is None:  # the usual path would ask Whoosh's parser
        raise Unreadable("a suggestion that is not plain")
    found, _ = searcher.top(q, 0, filters)
    return fixed if found > total else None
