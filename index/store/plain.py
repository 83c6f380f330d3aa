"""Reading a committed index without importing Whoosh: what a `search --json` command of plain
words needs (`index.search.lean`), from the files Whoosh 2.7.4 and `store.whoosh.codec` write.

Whoosh's own readers need Whoosh's classes to unpickle the TOC (the schema and segment objects)
and its query, reading, fields and analysis modules: about a third of a `search` command's
instructions before it reads a byte (README, Performance). This module reads the same files:
- the newest TOC (`_MAIN_<generation>.toc`): its segment list, unpickled with stand-in classes
  (a segment is a plain record: id, document count, deleted documents, total field lengths);
- a segment's term table (`.trm`, Whoosh's ordered hash file: md5 hash tables for lookups, an
  array of key positions for prefix scans) and term infos;
- its postings (`.pst`, the block layout of `store.whoosh.codec`);
- its field-length and stored-field columns (`.<column>.col`).
It raises `Unreadable` for anything else (another codec, a compound segment, inlined postings):
the caller then takes Whoosh's path. tests/unit/test_plain_reader.py compares every read with
Whoosh's on indexes written in the tests.

It offers the few reader and schema methods the "did you mean" corrector uses
(`index.search.spelling`): `doc_count`, `doc_frequency`, `frequency`, `leaf_readers`,
`expand_prefix`, `schema[name].analyzer/spelling_fieldname/from_bytes`.

Size: the TOC, the term table, the postings and the columns are one file format (Whoosh's
W3 with `store.whoosh.codec`'s blocks), read here the way Whoosh reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import re
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Iterator
from io import BytesIO
from typing import Any

from newsreader.index.store.layout import INDEX_NAME, META_NAME, SCHEMA_VERSION

try:  # Python's own md5: hashlib would load OpenSSL (see store.whoosh.startup)
    from _md5 import md5
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import md5


class Unreadable(Exception):
    """Something this reader does not read: the caller asks Whoosh."""


# ---- the posting blocks of store.whoosh.codec (little-endian) ----------------------------

MAGIC = b"NRb1"
# count, last id, max weight, flags, min length byte, max length byte
BLOCK_INFO = struct.Struct("<IIfBBB")
BLOCK_LENGTH = struct.Struct("<i")
HAS_WEIGHTS = 1
HAS_VALUES = 2
COMPRESSED = 4
SWAP = sys.byteorder != "little"

# fmt: off
BYTE_LENGTHS = (
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20, 21, 23, 25, 26, 28, 30,
    32, 34, 36, 38, 40, 42, 45, 47, 49, 52, 54, 57, 60, 63, 66, 69, 72, 75, 79, 82, 86, 89,
    93, 97, 101, 106, 110, 114, 119, 124, 129, 134, 139, 145, 150, 156, 162, 169, 175, 182,
    189, 196, 203, 211, 219, 227, 235, 244, 253, 262, 271, 281, 291, 302, 313, 324, 336,
    348, 360, 373, 386, 399, 414, 428, 443, 459, 475, 491, 508, 526, 544, 563, 583, 603,
    623, 645, 667, 690, 714, 738, 763, 789, 816, 844, 873, 903, 933, 965, 998, 1032, 1066,
    1103, 1140, 1178, 1218, 1259, 1302, 1345, 1391, 1438, 1486, 1536, 1587, 1641, 1696,
    1753, 1811, 1872, 1935, 1999, 2066, 2135, 2207, 2280, 2356, 2435, 2516, 2600, 2687,
    2777, 2869, 2965, 3063, 3165, 3271, 3380, 3492, 3608, 3728, 3852, 3980, 4112, 4249,
    4390, 4536, 4686, 4842, 5002, 5168, 5340, 5517, 5700, 5889, 6084, 6286, 6494, 6709,
    6932, 7161, 7398, 7643, 7897, 8158, 8428, 8707, 8995, 9293, 9601, 9918, 10247, 10586,
    10936, 11298, 11671, 12057, 12456, 12868, 13294, 13733, 14187, 14656, 15141, 15641,
    16159, 16693, 17244, 17814, 18403, 19011, 19640, 20289, 20959, 21652, 22367, 23106,
    23869, 24658, 25472, 26314, 27183, 28081, 29009, 29967, 30957, 31979, 33035, 34126,
    35254, 36418, 37620, 38863, 40146, 41472, 42841, 44256, 45717, 47227, 48786, 50397,
    52061, 53780, 55556, 57390, 59285, 61242, 63264, 65352, 67510, 69739, 72041, 74419,
    76876, 79414, 82035, 84743, 87541, 90430, 93416, 96499, 99684, 102975, 106374,
)
# fmt: on
"""The field length each length byte stands for (Whoosh's `util.numeric.byte_to_length`)."""

NO_DATE = 2**64 - 1
"""The date column's value for a document without a date (DATETIME's default, the largest "Q")."""

Block = tuple[int, int, memoryview]
"""(postings, flags, data): data is ids (uint32), weights (float32, if flags & HAS_WEIGHTS),
then, if flags & HAS_VALUES, value sizes (uint32) and the values (zlib'd if COMPRESSED)."""


def blocks(data: memoryview, offset: int = 0) -> list[Block]:
    """The blocks of one term's posting list (`data`, read from `offset` in the file)."""
    if data[:4] != MAGIC:
        raise ValueError(f"posting list at {offset}: bad block tag")
    out: list[Block] = []
    at = 4
    while at < len(data):
        (size,) = BLOCK_LENGTH.unpack_from(data, at)
        last = size < 0
        size = -size if last else size
        count, _maxid, _maxw, flags, _mn, _mx = BLOCK_INFO.unpack_from(data, at + 4)
        out.append((count, flags, data[at + 4 + BLOCK_INFO.size : at + 4 + size]))
        at += 4 + size
        if last:
            break
    return out


# ---- Whoosh's structures (big-endian) ------------------------------------------------------

_LENGTHS = struct.Struct("!ii")  # key length, value length before each key/value pair
_POINTER = struct.Struct("!Iq")  # a hash table slot: hash, item position
_DIRECTORY = struct.Struct("!" + "qi" * 256)  # each hash table: position, slots
_TERMINFO = struct.Struct("!BfIBBfII")
_EXTENT = struct.Struct("!qi")
_INT = struct.Struct("!i")
_TOC_VERSION = -111
_TOC_RE = re.compile(rf"^_{INDEX_NAME}_([0-9]+).toc$")  # as whoosh.index.TOC._pattern

TermInfo = tuple[float, int, int, int]
"""(total weight, document frequency, postings offset, postings length) of a term in a segment."""


class _Stand:
    """Stands in for a Whoosh class while unpickling the TOC: keeps the object's attributes."""


_STANDS: dict[tuple[str, str], type] = {}
_ALLOWED = {("collections", "defaultdict"), ("builtins", "int"), ("builtins", "set")}


class _TocUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.startswith(("whoosh.", "newsreader.")):
            stand = _STANDS.get((module, name))
            if stand is None:
                stand = _STANDS[module, name] = type(name, (_Stand,), {"_from": (module, name)})
            return stand
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise Unreadable(f"a {module}.{name} in the TOC")


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[at]
        at += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, at
        shift += 7


def latest_toc(folder: str) -> str | None:
    """The newest TOC's file name, as Whoosh picks it (the highest generation)."""
    best, name = -1, None
    for filename in os.listdir(folder):
        m = _TOC_RE.match(filename)
        if m and int(m.group(1)) > best:
            best, name = int(m.group(1)), filename
    return name


def _segments(data: bytes) -> list[Any]:
    """The segment objects a TOC file holds (Whoosh's `TOC.read`), as stand-ins."""
    at = 0
    sizes = []
    for _ in range(3):
        value, at = _varint(data, at)
        sizes.append(value)
    if sizes != [4, 8, 4] or _INT.unpack_from(data, at)[0] != -12345:
        raise Unreadable("a TOC from another architecture")
    if _INT.unpack_from(data, at + 4)[0] != _TOC_VERSION:
        raise Unreadable("another TOC version")
    at += 8
    for _ in range(3):  # Whoosh's release
        _, at = _varint(data, at)
    length, at = _varint(data, at)  # the pickled schema: fixed by SCHEMA_VERSION, not read
    at += length + 8  # then the generation and an unused int
    segments = _TocUnpickler(BytesIO(data[at:])).load()
    if type(segments) is not list:
        raise Unreadable("no segment list")
    return segments


class PlainIndex:
    """The last committed generation of an index folder. Raises Unreadable when the folder
    holds no current index this module reads, OSError when a file cannot be read."""

    def __init__(self, folder: str) -> None:
        with open(os.path.join(folder, META_NAME), encoding="utf-8") as f:
            if json.load(f).get("schema_version") != SCHEMA_VERSION:
                raise Unreadable("another schema version")
        self.schema = SCHEMA
        # A commit may delete the files of the segments it merged between reading the TOC and
        # opening them: the next TOC then, as Library's searcher does (open files survive).
        for attempt in range(3):
            toc = latest_toc(folder)
            if toc is None:
                raise Unreadable("no index")
            self.segments: list[PlainSegment] = []
            try:
                with open(os.path.join(folder, toc), "rb") as f:
                    found = _segments(f.read())
                offset = 0
                for seg in found:
                    self.segments.append(PlainSegment(folder, seg, offset))
                    offset += self.segments[-1].doccount
                break
            except FileNotFoundError:
                self.close()
                if attempt == 2:
                    raise
        if not self.segments:
            raise Unreadable("an empty index")
        self._doccount = sum(s.doccount for s in self.segments)

    def close(self) -> None:
        for s in getattr(self, "segments", ()):
            s.close()

    def __enter__(self) -> PlainIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # The reader and searcher methods Whoosh's MultiReader/Searcher have, same answers.

    def reader(self) -> PlainIndex:
        return self

    def leaf_readers(self) -> list[tuple[PlainSegment, int]]:
        return [(s, s.offset) for s in self.segments]

    def doc_count_all(self) -> int:
        return self._doccount

    def doc_count(self) -> int:
        return sum(s.doccount - len(s.deleted) for s in self.segments)

    def field_length(self, fieldname: str) -> int:
        return sum(s.fieldlengths.get(fieldname, 0) for s in self.segments)

    def avg_field_length(self, fieldname: str) -> float:
        return self.field_length(fieldname) / (self._doccount or 1)

    def doc_frequency(self, fieldname: str, text: str | bytes) -> int:
        btext = text.encode("utf-8") if isinstance(text, str) else text
        return sum(i[1] for s in self.segments if (i := s.term_info(fieldname, btext)))

    def frequency(self, fieldname: str, text: str | bytes) -> float:
        btext = text.encode("utf-8") if isinstance(text, str) else text
        return sum(i[0] if (i := s.term_info(fieldname, btext)) else 0 for s in self.segments)


class PlainSegment:
    """One segment of a `PlainIndex`: its term table, postings and columns (files opened up
    front, as `Library`'s searcher opens them)."""

    def __init__(self, folder: str, seg: Any, offset: int) -> None:
        codec = getattr(seg, "_codec", None)
        if (
            getattr(seg, "_from", None) != ("whoosh.codec.whoosh3", "W3Segment")
            or getattr(codec, "_from", None) != ("newsreader.index.store.whoosh.codec", "NewsCodec")
            or getattr(seg, "compound", True)
        ):
            raise Unreadable("a segment of another codec")
        self.schema = SCHEMA
        self.offset = offset
        self.id = f"{seg.indexname}_{seg.segid}"
        self.doccount: int = seg._doccount
        self.deleted: frozenset[int] = frozenset(seg._deleted or ())
        self.fieldlengths: dict[str, int] = dict(seg._fieldlengths)
        self._fds: list[int] = []
        base = os.path.join(folder, self.id)
        self._terms = _TermTable(self._open(base + ".trm"))
        self._postings = self._open(base + ".pst")
        self._stored = self._open(base + "._stored.col")
        self._lengths: dict[str, bytes] = {}
        self._length_fds: dict[str, int] = {}
        for name in ("title", "body"):
            with contextlib.suppress(FileNotFoundError):  # none: Whoosh's default length, 1
                self._length_fds[name] = self._open(f"{base}._{name}_len.col")
        self._date_fd: int | None = None
        with contextlib.suppress(FileNotFoundError):  # none: no document has a date
            self._date_fd = self._open(base + ".date.col")
        self._dates: array[int] | None = None
        self._stored_index: tuple[array[int] | None, array[int]] | None = None

    def _open(self, path: str) -> int:
        fd = os.open(path, os.O_RDONLY)
        self._fds.append(fd)
        return fd

    def close(self) -> None:
        fds, self._fds = self._fds, []
        for fd in fds:
            os.close(fd)

    def segment(self) -> PlainSegment:  # (spelling._segment_id asks a reader for this)
        return self

    def leaf_readers(self) -> list[tuple[PlainSegment, int]]:  # (as Whoosh's SegmentReader)
        return [(self, 0)]

    def segment_id(self) -> str:
        return self.id

    # ---- terms

    def term_info(self, fieldname: str, btext: bytes) -> TermInfo | None:
        return self._terms.info(fieldname, btext)

    def __contains__(self, term: tuple[str, bytes]) -> bool:
        return self._terms.info(*term) is not None

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[bytes]:
        return self._terms.expand_prefix(fieldname, prefix.encode("utf-8"))

    def blocks(self, info: TermInfo) -> list[Block]:
        _weight, _df, offset, length = info
        return blocks(memoryview(os.pread(self._postings, length, offset)), offset)

    # ---- columns

    def lengths(self, fieldname: str) -> bytes:
        """Every document's length byte of `fieldname` (1 where the segment has none)."""
        found = self._lengths.get(fieldname)
        if found is None:
            fd = self._length_fds.get(fieldname)
            if fd is None:
                found = bytes([1]) * self.doccount
            else:
                found = os.pread(fd, os.fstat(fd).st_size, 0)
            self._lengths[fieldname] = found
        return found

    def dates(self) -> array[int]:
        """The date column: each document's date in microseconds since 0001-01-01 (Whoosh's
        DATETIME: `datetime_to_long`, the value its terms encode), NO_DATE where it has none.
        Whoosh's NumericColumn ("Q", big-endian) leaves out the trailing documents without
        one: the array may be shorter than the segment."""
        found = self._dates
        if found is None:
            found = array("Q")
            if found.itemsize != 8:  # pragma: no cover - a platform without 8-byte "Q"
                raise Unreadable("no 8-byte unsigned array")
            fd = self._date_fd
            if fd is not None:
                size = os.fstat(fd).st_size
                found.frombytes(os.pread(fd, size - size % 8, 0))
                if not SWAP:  # big-endian in the file
                    found.byteswap()
            self._dates = found
        return found

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        """The document's stored fields (Whoosh's `_stored` column: a compressed pickle)."""
        offsets, lengths = self._stored_index or self._read_stored_index()
        length = lengths[docnum]
        if not length:
            return {}
        at = offsets[docnum] if offsets is not None else sum(lengths[:docnum])
        data = os.pread(self._stored, length, at)
        value = pickle.loads(zlib.decompress(data)) if data else None
        return value if value is not None else {}

    def _read_stored_index(self) -> tuple[array[int] | None, array[int]]:
        # VarBytesColumn: the values, their lengths array, over 2**15 documents their offsets
        # array, then the lengths' type code (and the offsets' and "X" after it).
        fd = self._stored
        size = os.fstat(fd).st_size
        last = size - 1
        code = chr(os.pread(fd, 1, last)[0])
        offsets = None
        count = self.doccount
        if code == "X":
            codes = os.pread(fd, 2, last - 2).decode("ascii")
            code, offsets_code = codes[0], codes[1]
            offsets = array(offsets_code)
            start = (last - 2) - count * offsets.itemsize
            offsets.frombytes(os.pread(fd, count * offsets.itemsize, start))
            if not SWAP:  # big-endian in the file
                offsets.byteswap()
            last = start
        lengths = array(code)
        start = last - count * lengths.itemsize
        lengths.frombytes(os.pread(fd, count * lengths.itemsize, start))
        if not SWAP:
            lengths.byteswap()
        self._stored_index = (offsets, lengths)
        return self._stored_index


class _TermTable:
    """Whoosh's OrderedHashReader over a `.trm` file, read with `os.pread`."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        size = os.fstat(fd).st_size
        head = os.pread(fd, 5, 0)
        if head[:4] != b"HSH3" or head[4] != 0:  # 0: md5 hashes
            raise Unreadable("not an md5 hash file")
        (exlen,) = _INT.unpack(os.pread(fd, 4, size - 4))
        expos = size - 4 - exlen
        # The extras' pickle (a small dict) comes first, then the array of key positions.
        extras = pickle.loads(os.pread(fd, min(exlen, 4096), expos))
        if not isinstance(extras, dict):
            raise Unreadable("no extras")
        self.fieldmap: dict[str, int] = extras["fieldmap"]
        self.indexcode = extras["indextype"]
        self.indexlen: int = extras["indexlen"]
        self.indexsize = struct.calcsize(self.indexcode)
        self.indexbase = size - 4 - self.indexlen * self.indexsize
        flat = _DIRECTORY.unpack(os.pread(fd, _DIRECTORY.size, expos - _DIRECTORY.size))
        self.tables = list(zip(flat[0::2], flat[1::2], strict=True))
        self.endofdata = self.tables[0][0]

    def _key(self, fieldname: str, btext: bytes) -> bytes:
        return struct.pack("!H", self.fieldmap.get(fieldname, 65535)) + btext

    def info(self, fieldname: str, btext: bytes) -> TermInfo | None:
        value = self.get(self._key(fieldname, btext))
        if value is None:
            return None
        flags, weight, df, _mn, _mx, _mw, _minid, _maxid = _TERMINFO.unpack_from(value)
        if flags:
            raise Unreadable("inlined postings")
        offset, length = _EXTENT.unpack_from(value, _TERMINFO.size)
        return weight, df, offset, length

    def get(self, key: bytes) -> bytes | None:
        """The value of `key`, or None (HashReader.ranges_for_key)."""
        keyhash = int(md5(key).hexdigest(), 16) & 0xFFFFFFFF
        tablestart, numslots = self.tables[keyhash & 255]
        if not numslots:
            return None
        fd = self.fd
        slot = (keyhash >> 8) % numslots
        n = len(key)
        for _ in range(numslots):
            slothash, itempos = _POINTER.unpack(os.pread(fd, 12, tablestart + slot * 12))
            if not itempos:
                return None
            if slothash == keyhash:
                # The lengths, the key and (most often) the whole value in one read.
                item = os.pread(fd, 8 + n + 64, itempos)
                keylen, datalen = _LENGTHS.unpack_from(item)
                if keylen == n and item[8 : 8 + n] == key:
                    if len(item) < 8 + n + datalen:
                        item = os.pread(fd, 8 + n + datalen, itempos)
                    return item[8 + n : 8 + n + datalen]
            slot += 1
            if slot == numslots:
                slot = 0
        return None

    def _position(self, i: int) -> int:
        raw = os.pread(self.fd, self.indexsize, self.indexbase + i * self.indexsize)
        return int(struct.unpack("!" + self.indexcode, raw)[0])

    def _key_at(self, pos: int) -> bytes:
        head = os.pread(self.fd, 8 + 64, pos)
        (keylen,) = _INT.unpack_from(head)
        return head[8 : 8 + keylen] if keylen <= 64 else os.pread(self.fd, keylen, pos + 8)

    def expand_prefix(self, fieldname: str, prefix: bytes) -> Iterator[bytes]:
        """The terms of `fieldname` starting with `prefix`, in order (without the field)."""
        start = self._key(fieldname, b"")
        key = start + prefix
        lo, hi = 0, self.indexlen
        while lo < hi:  # OrderedHashReader.closest_key_pos
            mid = (lo + hi) // 2
            if self._key_at(self._position(mid)) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo == self.indexlen:
            return
        pos = self._position(lo)
        cut = len(start)
        # Read the pairs a chunk at a time from there on.
        chunk = b""
        base = pos
        while pos < self.endofdata:
            at = pos - base
            if at + 8 > len(chunk):
                base, chunk, at = pos, os.pread(self.fd, 65536, pos), 0
            keylen, datalen = _LENGTHS.unpack_from(chunk, at)
            if at + 8 + keylen > len(chunk):
                base, chunk, at = pos, os.pread(self.fd, max(65536, 8 + keylen), pos), 0
            found = chunk[at + 8 : at + 8 + keylen]
            if not found.startswith(key):
                return
            yield found[cut:]
            pos += 8 + keylen + datalen


# ---- the schema, as far as searching plain words asks it -----------------------------------

_TOKENS = re.compile(r"\w+(\.?\w+)*", re.UNICODE)  # whoosh.analysis's default_pattern


def _stemmer() -> Callable[[str], str]:
    from whoosh.lang.porter import stem  # its own module only: no Whoosh machinery

    return stem


class Token:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Field:
    """One field of the schema: the analyzer of title and body (`schema.TEXT_ANALYZER`:
    regex tokenizer, lowercase, Porter stemmer), their spelling fields' names, from_bytes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.stemmed = name in ("title", "body")

    def analyzer(self, text: str, mode: str = "") -> list[Token]:
        if not self.stemmed:
            raise Unreadable(f"no analyzer for {self.name}")
        return [Token(t) for t in analyse(text)]

    def spelling_fieldname(self, fieldname: str) -> str:
        return "spell_" + fieldname if self.stemmed else fieldname

    def from_bytes(self, value: bytes) -> str:
        return value.decode("utf-8")


_stems: dict[str, str] = {}
_stem: list[Callable[[str], str]] = []


def analyse(text: str) -> list[str]:
    """The terms `schema.TEXT_ANALYZER` makes of `text` (no stop words: its stoplist is None)."""
    if not _stem:
        _stem.append(_stemmer())
    stem = _stem[0]
    out = []
    for m in _TOKENS.finditer(text):
        low = m.group(0).lower()
        term = _stems.get(low)
        if term is None:
            term = _stems[low] = stem(low)
        out.append(term)
    return out


class Schema:
    """`schema.make_schema()`'s field names; fields for the ones the corrector analyses."""

    NAMES = frozenset(
        [
            "author",
            "body",
            "date",
            "date_kind",
            "file_key",
            "fingerprint",
            "id",
            "list_key",
            "outlet",
            "outlet_key",
            "path",
            "source",
            "spell_body",
            "spell_title",
            "tags",
            "title",
            "title_key",
            "url",
        ]
    )

    def __contains__(self, name: object) -> bool:
        return name in self.NAMES

    def __getitem__(self, name: str) -> Field:
        if name not in self.NAMES:
            raise KeyError(name)
        return Field(name)


SCHEMA = Schema()
