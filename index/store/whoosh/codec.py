"""Whoosh's W3 codec with a posting-block layout that Python reads and writes fast.

Whoosh 2.7.4 pickles every block of 128 postings as a tuple of three tuples (ids, weights and
one bytes object per posting for positions), zlib-compresses it, and needs all of it back, plus
a pickled info tuple, to read a single document id. At 100,000 articles that was most of a
query's time, and pickling postings one object at a time a third of a build.

A block here is a fixed struct header, then arrays: document ids (uint32), weights (float32,
left out when all are 1.0), value lengths (uint32) and the values joined in one bytes object,
zlib-compressed on its own (level 1). Ids and weights are read straight from the file, without
unpickling or decompressing anything; values only when a phrase or a highlight needs positions.
Term dictionary, term infos, columns and stored fields are W3's own.

Segments remember their codec, so an index written before this module existed still reads with
W3; `index.store.schema.SCHEMA_VERSION` rebuilds such an index anyway.

Size: the writer and the readers of one on-disk block layout (the matcher, the engine's whole
lists, a field's every list); apart, a change to the layout would have to find them all.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import Any

from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3LeafMatcher, W3Segment, W3TermInfo
from whoosh.matching import ListMatcher
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

MAGIC = b"NRb1"
BLOCK_LIMIT = 128
VALUES_LEVEL = 1  # zlib level for the values: level 1 keeps ~90% of level 3's saving
# count, last id, max weight, flags, min length byte, max length byte
_INFO = struct.Struct("<IIfBBB")
_LENGTH = struct.Struct("<i")
_HEAD = struct.Struct("<iIIfBBB")  # a block's length, then its _INFO: one unpack per block
HAS_WEIGHTS = 1
HAS_VALUES = 2
COMPRESSED = 4
_SWAP = sys.byteorder != "little"  # the file is little-endian on every machine


def _bytes(a: array[Any]) -> bytes:
    if _SWAP:
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


def _array(typecode: str, data: bytes) -> array[Any]:
    a = array(typecode)
    a.frombytes(data)
    if _SWAP:
        a.byteswap()
    return a


class NewsCodec(W3Codec):
    """W3 with the block layout of this module; see the module's docstring."""

    def __init__(self) -> None:
        super().__init__(blocklimit=BLOCK_LIMIT, compression=VALUES_LEVEL, inlinelimit=1)

    def field_writer(self, storage: Any, segment: Any) -> FieldWriter:
        return FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> PostingsWriter:
        return PostingsWriter(dbfile)

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():  # never written by this codec; kept for completeness
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(
                ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo
            )
        offset, length = terminfo.extent()
        return BlockMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def new_segment(self, storage: Any, indexname: str) -> W3Segment:
        return W3Segment(self, indexname)


TermPostings = tuple[str, bytes, "array[int]", "array[float]", "array[int]", bytes | bytearray]
"""(field, term, document numbers, weights, value lengths, values joined) of one term."""


class Grouped:
    """Postings grouped by term, in (field, term) order: what a pool hands the field writer.
    `terms()` gives `TermPostings`; iterating gives Whoosh's flat (field, term, docnum,
    weight, value) postings."""

    def __init__(self, terms: Iterable[TermPostings]) -> None:
        self._terms = terms

    def terms(self) -> Iterable[TermPostings]:
        return self._terms

    def __iter__(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        for fieldname, tbytes, ids, weights, lengths, values in self._terms:
            at = 0
            for docnum, weight, size in zip(ids, weights, lengths, strict=True):
                yield fieldname, tbytes, docnum, weight, bytes(values[at : at + size])
                at += size


class FieldWriter(W3FieldWriter):
    """W3's field writer, writing a whole term's postings at once when the pool hands them
    over grouped (see `Grouped`), instead of one method call per posting."""

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        terms = getattr(items, "terms", None)
        if terms is None:
            super().add_postings(schema, lengths, items)
            return
        tables: dict[str, bytes | None] = {}
        postwriter = PostingsWriter(self._postfile)
        fmap = self._fieldmap
        terms_file = _TermsFile(self._tindex)
        # Both files are written only here until the loop ends: their positions are counted,
        # not asked (a buffered file's tell() is a system call; two per term were a tenth of a
        # sub-writer's commit).
        at = self._postfile.tell()
        lastfn: str | None = None
        prefix = b""
        table: bytes | None = None
        for fieldname, tbytes, ids, weights, sizes, values in terms():
            if fieldname != lastfn:
                if fieldname not in fmap:
                    fmap[fieldname] = len(fmap)
                prefix = pack_ushort(fmap[fieldname])
                if fieldname not in tables:
                    tables[fieldname] = length_table(lengths, fieldname)
                table = tables[fieldname]
                lastfn = fieldname
            info = postwriter.write_term(ids, weights, sizes, values, table, start=at)
            at += info._length
            terms_file.add(prefix + tbytes, info.to_bytes())


class _TermsFile:
    """`OrderedHashWriter.add` (Whoosh 2.7.4, pinned) for a run of adds with nothing else
    writing to its file: the same bytes, one write per term, the position counted."""

    _PAIR = struct.Struct("!ii")  # filetables._lengths: a key's and a value's length

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.dbfile = writer.dbfile
        self.pos = self.dbfile.tell()

    def add(self, key: bytes, value: bytes) -> None:
        writer = self.writer
        if key <= writer.lastkey:
            raise ValueError(f"Keys must increase: {writer.lastkey!r}..{key!r}")
        pos = self.pos
        writer.index.append(pos)
        record = self._PAIR.pack(len(key), len(value)) + key + value
        self.dbfile.write(record)
        self.pos = pos + len(record)
        h = writer.hashfn(key)
        writer.buckets[h & 255].append((h, pos))
        writer.lastkey = key


def length_table(lengths: Any, fieldname: str) -> bytes | None:
    """The segment's one-byte field length per document, or None (no lengths column)."""
    if lengths is None:
        return None
    reader = lengths._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if reader is None:
        return None
    return bytes(reader._dbfile.get(reader._basepos, reader._count))


class PostingsWriter(whoosh3.W3PostingsWriter):
    """Writes posting lists in this module's block layout. Whoosh's per-posting interface
    (start_postings/add_posting/finish_postings, used when merging segments) buffers a term
    and writes it with `write_term`."""

    def __init__(self, postfile: Any) -> None:
        self._postfile = postfile
        self._terminfo: W3TermInfo | None = None
        self._start_term()

    def _start_term(self) -> None:
        self._ids: array[int] = array("I")
        self._weights: array[float] = array("f")
        self._sizes: array[int] = array("I")
        self._values = bytearray()
        self._lengths: list[int] = []

    def written(self) -> bool:
        return False

    def start_postings(self, format_: Any, terminfo: W3TermInfo) -> None:
        self._terminfo = terminfo
        self._start_term()

    def add_posting(
        self, id_: int, weight: float, vbytes: bytes, length: int | None = None
    ) -> None:
        self._ids.append(id_)
        self._weights.append(weight)
        self._sizes.append(len(vbytes or b""))
        self._values += vbytes or b""
        self._lengths.append(length_to_byte(length) if length else 0)

    def finish_postings(self) -> W3TermInfo:
        info = self.write_term(
            self._ids, self._weights, self._sizes, self._values, None, self._lengths,
            self._terminfo,
        )  # fmt: skip
        self._terminfo = None
        return info

    def write_term(
        self,
        ids: array[int],
        weights: array[float],
        sizes: array[int],
        values: bytes | bytearray,
        table: bytes | None,
        length_bytes: list[int] | None = None,
        terminfo: W3TermInfo | None = None,
        start: int | None = None,
    ) -> W3TermInfo:
        """Write one term's postings (ids ascending, value `i` is `sizes[i]` bytes of
        `values`) and return its term info. A posting's length byte comes from
        `length_bytes`, else from `table` (by document), else 0. `start`: where the file is
        (asked of the file when not given)."""
        postfile = self._postfile
        info = terminfo if terminfo is not None else W3TermInfo()
        if start is None:
            start = postfile.tell()
        out = bytearray(MAGIC)  # one write per term: StructFile.write costs a Python call
        n = len(ids)
        minb = 256
        maxb = 0
        total_weight = 0.0
        max_weight = 0.0
        at = 0
        for lo in range(0, n, BLOCK_LIMIT):
            hi = min(n, lo + BLOCK_LIMIT)
            bids = ids[lo:hi]
            bweights = weights[lo:hi]
            if length_bytes is not None:
                blens = [b for b in length_bytes[lo:hi] if b]
            elif table is not None:
                blens = [table[d] for d in bids if d < len(table) and table[d]]
            else:
                blens = []
            bmin = min(blens) if blens else 0
            bmax = max(blens) if blens else 0
            if blens:
                minb = min(minb, bmin)
                maxb = max(maxb, bmax)
            flags = 0
            parts = [_bytes(bids)]
            wmax = max(bweights)
            total_weight += sum(bweights)
            max_weight = max(max_weight, wmax)
            if wmax != 1.0 or min(bweights) != 1.0:
                flags |= HAS_WEIGHTS
                parts.append(_bytes(bweights))
            bsizes = sizes[lo:hi]
            size = sum(bsizes)
            if size:
                flags |= HAS_VALUES
                blob = bytes(values[at : at + size])
                at += size
                packed = zlib.compress(blob, VALUES_LEVEL) if size > 64 else blob
                if packed is not blob:
                    flags |= COMPRESSED
                parts.append(_bytes(bsizes))
                parts.append(packed)
            body = b"".join(parts)
            out += _LENGTH.pack(-(_INFO.size + len(body)) if hi == n else _INFO.size + len(body))
            out += _INFO.pack(hi - lo, bids[-1], wmax, flags, bmin, bmax)
            out += body
        postfile.write(out)
        info._weight = total_weight
        info._df = n
        info._minlength = byte_to_length(minb) if maxb else None
        info._maxlength = byte_to_length(maxb) if maxb else 0
        info._maxweight = max_weight
        info._minid = ids[0] if n else None
        info._maxid = ids[-1] if n else None
        info.set_extent(start, len(out))
        return info


class BlockMatcher(W3LeafMatcher):
    """Reads this module's blocks with W3's matcher interface (skipping, block quality)."""

    def _read_header(self) -> None:
        postfile = self._postfile
        if postfile.get(self._startoffset, 4) != MAGIC:
            raise ValueError(f"posting list at {self._startoffset}: bad block tag")
        self._baseoffset = self._startoffset + 4

    def _goto(self, position: int) -> None:
        self._data: bytes | None = None
        self._ids: array[int] | None = None
        self._weights: array[float] | None = None
        self._values: tuple[bytes, ...] | None = None
        self._i = 0
        head = self._postfile.get(position, 4 + _INFO.size)
        (length,) = _LENGTH.unpack_from(head)
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + 4 + length
        self._dataoffset = position + 4 + _INFO.size
        (count, self._maxid, self._maxweight, self._flags, mnlen, mxlen) = _INFO.unpack_from(
            head, 4
        )
        self._blocklength = count
        self._compression = self._flags & COMPRESSED
        self._minlength = byte_to_length(mnlen)
        self._maxlength = byte_to_length(mxlen)

    def _read_data(self) -> bytes:
        data: bytes = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        self._data = data
        return data

    def _read_ids(self) -> None:
        data = self._data if self._data is not None else self._read_data()
        self._ids = _array("I", data[: 4 * self._blocklength])

    def _read_weights(self) -> None:
        n = self._blocklength
        if not self._flags & HAS_WEIGHTS:
            self._weights = array("f", [1.0]) * n
            return
        data = self._data if self._data is not None else self._read_data()
        self._weights = _array("f", data[4 * n : 8 * n])

    def _read_values(self) -> None:
        n = self._blocklength
        if not self._flags & HAS_VALUES:
            self._values = (b"",) * n
            return
        data = self._data if self._data is not None else self._read_data()
        at = 8 * n if self._flags & HAS_WEIGHTS else 4 * n
        lengths = _array("I", data[at : at + 4 * n])
        blob = data[at + 4 * n :]
        if self._flags & COMPRESSED:
            blob = zlib.decompress(blob)
        ends = list(accumulate(lengths))
        starts = [0, *ends[:-1]]
        self._values = tuple(blob[s:e] for s, e in zip(starts, ends, strict=True))

    def all_ids(self) -> Iterator[int]:
        """Every document id from here on, a block at a time."""
        while self.is_active():
            if self._ids is None:
                self._read_ids()
            assert self._ids is not None
            yield from self._ids[self._i :]
            if self._lastblock:
                self._atend = True
                return
            self._goto(self._nextoffset)

    def raw_blocks(self) -> Iterator[tuple[int, int, bytes]]:
        """(postings, flags, data) of every block from the current one on, for readers that
        decode a whole block at once (the engine). Data: ids (uint32), weights (float32, if
        flags & HAS_WEIGHTS), then, if flags & HAS_VALUES, value sizes (uint32) and the values
        (zlib-compressed if flags & COMPRESSED); all little-endian."""
        while not self._atend:
            data = self._data if self._data is not None else self._read_data()
            yield self._blocklength, self._flags, data
            if self._lastblock:
                self._atend = True
                return
            self._goto(self._nextoffset)


def term_blocks(reader: Any, fieldname: str, btext: bytes) -> list[tuple[int, int, memoryview]]:
    """`BlockMatcher.raw_blocks`' (postings, flags, data) of every block of one term, deleted
    documents included, from one read of the file instead of two per block. Raises
    TermNotFound for a term the segment lacks, NotImplementedError when the segment is not in
    this module's layout."""
    return _blocks(_term_list(reader, fieldname, btext))


def _term_list(reader: Any, fieldname: str, btext: bytes) -> memoryview:
    """One term's posting list, blocks and all, from one read of the file; raises as
    term_blocks does."""
    terms: Any = getattr(reader, "_terms", None)
    if not isinstance(getattr(reader, "_codec", None), NewsCodec) or terms is None:
        raise NotImplementedError("segment not in this codec's layout")
    info = reader.term_info(fieldname, btext)
    if info.is_inlined():
        raise NotImplementedError("inlined postings")
    return _list_data(terms._postfile, info)


def _blocks(data: memoryview) -> list[tuple[int, int, memoryview]]:
    """(postings, flags, data) of each block of a posting list."""
    out: list[tuple[int, int, memoryview]] = []
    at = 4
    while at < len(data):
        (size,) = _LENGTH.unpack_from(data, at)
        last = size < 0
        size = -size if last else size
        count, _maxid, _maxw, flags, _mn, _mx = _INFO.unpack_from(data, at + 4)
        out.append((count, flags, data[at + 4 + _INFO.size : at + 4 + size]))
        at += 4 + size
        if last:
            break
    return out


def _list_data(postfile: Any, info: W3TermInfo) -> memoryview:
    """The posting list `info` points to, blocks and all, from one read of the file."""
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the length in a 1-tuple
        length = length[0]
    data = memoryview(postfile.get(offset, length))
    if data[:4] != MAGIC:
        raise ValueError(f"posting list at {offset}: bad block tag")
    return data


def term_ids_weights(reader: Any, fieldname: str, btext: bytes) -> tuple[bytes, bytes]:
    """The document ids (uint32) and weights (float32, 1.0 where a block stores none) of every
    posting of one term, little-endian, each as one byte string: `term_blocks` without a
    list entry and two numpy arrays per block of 128 postings (a common word at a million
    articles has thousands of blocks, and related articles reads 50 words' lists). Raises
    as term_blocks does."""
    data = _term_list(reader, fieldname, btext)
    ids: list[memoryview] = []
    weights: list[Any] = []
    unpack = _HEAD.unpack_from
    at = 4
    end = len(data)
    while at < end:
        size, count, _maxid, _maxw, flags, _mn, _mx = unpack(data, at)
        start = at + 4 + _INFO.size
        ids.append(data[start : start + 4 * count])
        if flags & HAS_WEIGHTS:
            weights.append(data[start + 4 * count : start + 8 * count])
        else:
            weights.append(_ones(count))
        if size < 0:
            break
        at += 4 + size
    return b"".join(ids), b"".join(weights)


_ONES: dict[int, bytes] = {}


def _ones(count: int) -> bytes:
    """`count` float32 1.0s, little-endian (a block without weights)."""
    found = _ONES.get(count)
    if found is None:
        found = _ONES[count] = struct.pack(f"<{count}f", *([1.0] * count))
    return found


def field_postings(reader: Any, fieldname: str) -> Iterator[tuple[bytes, Any, Any]]:
    """(term, document numbers as uint32, weights as float32) of every term of `fieldname` in
    one segment reader, deleted documents included, as numpy arrays: the term dictionary read
    in order (no hash lookup per term) and each term's blocks from one read. For readers that
    need a whole field at once (clustering stories); None when the segment is not in this
    module's layout (the caller then reads term by term)."""
    import numpy as np  # only the readers of whole fields need it

    terms: Any = getattr(reader, "_terms", None)
    codec: Any = getattr(reader, "_codec", None)
    if not isinstance(codec, NewsCodec) or not hasattr(terms, "items_from"):
        raise NotImplementedError("segment not in this codec's layout")
    if fieldname not in terms._fieldmap:
        return
    for (field, btext), info in terms.items_from(fieldname, b""):
        if field != fieldname:
            return
        if info.is_inlined():
            ids_, weights_, _values = info.inlined_postings()
            yield btext, np.array(ids_, dtype=np.uint32), np.array(weights_, dtype=np.float32)
            continue
        ids: list[Any] = []
        weights: list[Any] = []
        for count, flags, data in _blocks(_list_data(terms._postfile, info)):
            ids.append(np.frombuffer(data, dtype="<u4", count=count))
            if flags & HAS_WEIGHTS:
                weights.append(np.frombuffer(data, dtype="<f4", count=count, offset=4 * count))
            else:
                weights.append(np.ones(count, dtype=np.float32))
        yield btext, np.concatenate(ids), np.concatenate(weights)
