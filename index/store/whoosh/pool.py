"""What a Whoosh writer holds while it indexes: postings grouped by term, in compact arrays.

`patches.install()` puts `CompactPool` in place of Whoosh's posting pool and `add_document` in
place of `SegmentWriter.add_document`; with `switch.ENABLED` off, Whoosh's own pool is used
(tests/system/test_perf_equivalence.py compares the two).
"""

from __future__ import annotations

import contextlib
import heapq
import marshal
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import writing as whoosh_writing
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from newsreader.index.store.whoosh import switch
from newsreader.index.store.whoosh.codec import Grouped, TermPostings

# A term's postings: document numbers, weights, value lengths, values joined.
_Lists = tuple["array[int]", "array[float]", "array[int]", bytearray]


def _new() -> _Lists:
    return array("I"), array("f"), array("I"), bytearray()


class CompactPool:
    """Whoosh's posting pool, without its per-posting objects and external sort.

    Whoosh's `PostingPool` keeps one tuple per posting (about 110 bytes) and, past `limitmb`,
    sorts them and pickles them one by one into run files, then merges the runs posting by
    posting: at 2,000 BBC articles that was a third of a build. This pool appends each posting
    to its term's arrays as it comes (a writer numbers documents in increasing order, so a
    term's postings are already in document order): about 30 bytes a posting, so a 50,000
    article segment fits in memory without spilling. Past `limitmb` it spills a whole term per
    record (marshal) to a run file, terms sorted; runs are merged term by term.

    Spelling fields (every posting on document 0, weight 1: Whoosh only needs the word to
    exist) are kept as one posting per word whose weight counts the documents, so
    `reader.frequency(spell_field, word)` is what `doc_frequency` was (see index.search.query)."""

    # Bytes held per posting besides its value, and per new term (Python objects).
    POSTING_BYTES = 12
    TERM_BYTES = 300

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **_kwargs: Any) -> None:
        self.tempstore = tempstore
        self.segment = segment
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        self.fieldnames: set[str] = set()
        self.terms: dict[tuple[str, bytes], _Lists] = {}
        self.spelling: dict[tuple[str, bytes], list[float]] = {}
        self.spelled: dict[str, Counter[str]] = {}
        """Documents per spelling word, by spelling field, as `add_spelling` counts them
        (`Counter.update` counts a document's words in C; folded into `spelling` when the
        pool is read or spilled)."""
        self.runs: list[str] = []

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting, as Whoosh's writer gives them (merging segments, say)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.fieldnames.add(fieldname)
        key = (fieldname, tbytes)
        if fieldname.startswith("spell_"):
            counted = self.spelling.get(key)
            if counted is None:
                self.spelling[key] = [weight, docnum]
                self.size += self.TERM_BYTES
            else:
                counted[0] += weight
                counted[1] = min(counted[1], docnum)
            return
        lists = self.terms.get(key)
        if lists is None:
            lists = self.terms[key] = _new()
            self.size += self.TERM_BYTES
        ids, weights, lengths, values = lists
        ids.append(docnum)
        weights.append(weight)
        vbytes = vbytes or b""
        lengths.append(len(vbytes))
        values += vbytes
        self.size += self.POSTING_BYTES + len(vbytes)
        if self.size > self.limit:
            self.save()

    def add_field(
        self, fieldname: str, docnum: int, items: Iterable[tuple[bytes, int, float, Any]]
    ) -> int:
        """`add` for every (term, frequency, weight, value) of one field of one document (not
        a spelling field); returns the sum of the frequencies, the field's length."""
        terms = self.terms
        size = 0
        length = 0
        per_posting = self.POSTING_BYTES
        for tbytes, freq, weight, vbytes in items:
            length += freq
            key = (fieldname, tbytes)
            lists = terms.get(key)
            if lists is None:
                lists = terms[key] = _new()
                size += self.TERM_BYTES
            ids, weights, lengths, values = lists
            ids.append(docnum)
            weights.append(weight)
            if vbytes:
                lengths.append(len(vbytes))
                values += vbytes
                size += per_posting + len(vbytes)
            else:
                lengths.append(0)
                size += per_posting
        self.fieldnames.add(fieldname)
        self.size += size
        if self.size > self.limit:
            self.save()
        return length

    def add_spelling(self, fieldname: str, words: Iterable[str]) -> None:
        """`add` for the spelling words of one document (each word once)."""
        counts = self.spelled.get(fieldname)
        if counts is None:
            counts = self.spelled[fieldname] = Counter()
            self.fieldnames.add(fieldname)
        before = len(counts)
        counts.update(words)
        self.size += (len(counts) - before) * self.TERM_BYTES
        if self.size > self.limit:
            self.save()

    def _merged(self) -> dict[tuple[str, bytes], _Lists]:
        merged = self.terms
        spelling = self.spelling
        for fieldname, counts in self.spelled.items():
            for word, count in counts.items():
                key = (fieldname, word.encode("utf-8"))
                counted = spelling.get(key)
                if counted is None:
                    spelling[key] = [count, 0]
                else:  # also added by `add`: one posting, on the first document
                    counted[0] += count
                    counted[1] = 0
        self.spelled = {}
        for key, (weight, docnum) in spelling.items():
            value = pack_uint(max(1, int(weight)))
            merged[key] = (
                array("I", [int(docnum)]),
                array("f", [weight]),
                array("I", [len(value)]),
                bytearray(value),
            )
        self.terms, self.spelling = {}, {}
        self.size = 0
        return merged

    def save(self) -> None:
        """Spill what is held to a run file, terms in order."""
        current = self._merged()
        if not current:
            return
        name = f"{whoosh_writing.random_name()}.run"
        with self.tempstore.create_file(name).raw_file() as f:
            for key in sorted(current):
                ids, weights, lengths, values = current.pop(key)
                record = (key, ids.tobytes(), weights.tobytes(), lengths.tobytes(), bytes(values))
                marshal.dump(record, f)
        self.runs.append(name)

    def _read_run(self, name: str, order: int) -> Iterator[tuple[tuple[str, bytes], int, Any]]:
        with self.tempstore.open_file(name).raw_file() as f:
            while True:
                try:
                    key, *lists = marshal.load(f)
                except EOFError:
                    return
                yield key, order, lists

    def iter_postings(self) -> Grouped:
        """Every posting, grouped by term in (field, term) order (see `codec.Grouped`:
        iterating it gives Whoosh's flat postings)."""
        return Grouped(self._terms())

    def items(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        return iter(self.iter_postings())

    def _terms(self) -> Iterator[TermPostings]:
        if not self.runs:
            current = self._merged()
            for key in sorted(current):
                yield (key[0], key[1], *current.pop(key))
            return
        self.save()
        runs, self.runs = self.runs, []
        sources = [self._read_run(name, order) for order, name in enumerate(runs)]
        pending_key: tuple[str, bytes] | None = None
        pending: _Lists = _new()
        # Equal terms come out in run order, which is document order.
        for key, _order, (ids, weights, lengths, values) in heapq.merge(*sources):
            if key != pending_key:
                if pending_key is not None:
                    yield (pending_key[0], pending_key[1], *pending)
                pending_key, pending = key, _new()
            if key[0].startswith("spell_") and pending[0]:
                # One posting per spelling word: add the counts up.
                pending[0][0] = min(pending[0][0], array("I", ids)[0])
                pending[1][0] += array("f", weights)[0]
                value = pack_uint(max(1, int(pending[1][0])))
                pending[2][0] = len(value)
                pending[3][:] = value
                continue
            pending[0].frombytes(ids)
            pending[1].frombytes(weights)
            pending[2].frombytes(lengths)
            pending[3].extend(values)
        if pending_key is not None:
            yield (pending_key[0], pending_key[1], *pending)
        for name in runs:
            self._remove(name)

    def _remove(self, name: str) -> None:
        with contextlib.suppress(OSError):
            self.tempstore.delete_file(name)

    def cleanup(self) -> None:
        for name in self.runs:
            self._remove(name)
        self.runs = []
        self.terms, self.spelling, self.spelled = {}, {}, {}


def add_document(self: SegmentWriter, **fields: Any) -> None:
    """Whoosh 2.7.4's `SegmentWriter.add_document`, handing each field's postings and spelling
    words to a `CompactPool` in one call instead of one call per posting. Documents with
    Whoosh's `_boost`/`_stored_` keys, vectors or another pool take Whoosh's code."""
    pool = self.pool
    schema = self.schema
    if type(pool) is not CompactPool or any(
        name.startswith("_") or (name in schema and schema[name].vector) for name in fields
    ):
        _original_add_document(self, **fields)
        return
    self._check_state()
    perdocwriter = self.perdocwriter
    docnum = self.docnum
    fieldnames = sorted(fields)
    self._check_fields(schema, fieldnames)
    perdocwriter.start_doc(docnum)
    for fieldname in fieldnames:
        value = fields[fieldname]
        if value is None:
            continue
        field = schema[fieldname]
        length = 0
        if field.indexed:
            length = pool.add_field(fieldname, docnum, field.index(value))
            if not field.scorable:
                length = 0
        if field.separate_spelling():
            pool.add_spelling(field.spelling_fieldname(fieldname), field.spellable_words(value))
        perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
        column = field.column_type
        if column:
            perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
    perdocwriter.finish_doc()
    self._added = True
    self.docnum += 1


_original_add_document = SegmentWriter.add_document
_WhooshPool = whoosh_writing.PostingPool


def posting_pool(tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> Any:
    cls = CompactPool if switch.ENABLED else _WhooshPool
    return cls(tempstore, segment, limitmb=limitmb, **kwargs)
