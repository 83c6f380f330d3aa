"""Reading a query's text without Whoosh: the checks that spot a malformed query, the plain
words and dates of a query, and the "did you mean" corrector.

`query` re-exports all of it (one implementation): a `search --json` command of plain words
(`index.search.lean`) corrects its words here over the Whoosh-free reader of
`index.store.plain`, which offers the few reader and schema methods the corrector uses.
"""

from __future__ import annotations

import re
from _thread import allocate_lock
from typing import TYPE_CHECKING

from newsreader.index.distance import edit_distance

if TYPE_CHECKING:
    from whoosh.fields import Schema
    from whoosh.reading import IndexReader
    from whoosh.searching import Searcher

DEFAULT_FIELDS = ("title", "body")
# Fields a user may name in a query; the checks only flag an empty value for these.
QUERY_FIELDS = frozenset({"title", "body", "outlet", "author", "source", "tags", "date"})
BINARY_OPERATORS = frozenset({"AND", "OR", "ANDNOT", "ANDMAYBE"})
OPERATORS = BINARY_OPERATORS | {"NOT"}
_OPEN = "([{"
_CLOSE = ")]}"

_WORD = re.compile(r"\w+", re.UNICODE)
# Patterns the checks and dates use, compiled on first use by `re`'s own cache: a `search`
# command of plain words never needs them (compiling costs it 1% of its instructions).
# A query token for the operator check: a quoted phrase, a bracket, or a run of other text.
_TOKEN = r'"[^"]*"|[()]|[^\s()"]+'
_EMPTY_FIELD = r"(?<![\w:])(\w+):(?=\s|$|\))"
_DATE_CLAUSE = re.compile(r"(?<![\w:])date:", re.IGNORECASE)
_ISO_DATETIME = r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2})?)?"
_ISO_MONTH = r"\b(\d{4})[-/](\d{1,2})\b"
_FIELD_BEFORE = re.compile(r"(\w+):$")
MAX_SUGGEST_CHARS = 500  # longer "queries" are pasted text: no spelling suggestions


def near_words(
    reader: IndexReader, fieldname: str, word: str, maxdist: int, prefix: int = 1
) -> dict[str, int]:
    """Terms of `fieldname` within `maxdist` edits of `word` (Damerau-Levenshtein) that share
    its first `prefix` characters, with their distances. Whoosh's own `terms_within` builds a
    Levenshtein automaton in pure Python: ~650 ms for two edits over the BBC vocabulary; this
    filtered scan of one cached first-letters block takes a few ms."""
    out: dict[str, int] = {}
    if not word or fieldname not in reader.schema:
        return out
    for leaf, _offset in reader.leaf_readers():
        for cand, d in _near_in(leaf, fieldname, word, maxdist, prefix):
            if d < out.get(cand, maxdist + 1):
                out[cand] = d
    return out


_Block = dict[int, tuple[tuple[str, frozenset[str]], ...]]
"""A segment's terms of one field starting with one prefix, by length."""
_BLOCKS: dict[tuple[str, str, str], _Block] = {}
_NEAR: dict[tuple[str, str, str, int, int], tuple[tuple[str, int], ...]] = {}
_BLOCKS_LOCK = allocate_lock()  # (threading.Lock, without importing threading)
_MAX_BLOCKS = 256
_MAX_NEAR = 4096


def _segment_id(leaf: IndexReader) -> str | None:
    segment = getattr(leaf, "segment", None)
    info = segment() if callable(segment) else None
    return info.segment_id() if info is not None else None


def _near_in(
    leaf: IndexReader, fieldname: str, word: str, maxdist: int, prefix: int
) -> tuple[tuple[str, int], ...]:
    """`near_words` in one segment. Segments never change once written, so the answer is kept
    by segment id: typing repeats a query's words at every key, and "did you mean" looks at
    each word of every query."""
    seg_id = _segment_id(leaf)
    key = (seg_id, fieldname, word, maxdist, prefix) if seg_id else None
    if key is not None:
        cached = _NEAR.get(key)
        if cached is not None:
            return cached
    n = len(word)
    letters = frozenset(word)
    found: list[tuple[str, int]] = []
    block = _block(leaf, fieldname, word[:prefix])
    for length in range(n - maxdist, n + maxdist + 1):
        for cand, cand_letters in block.get(length, ()):
            # One edit changes the set of letters by at most two: a cheap bound.
            if len(letters ^ cand_letters) > 2 * maxdist:
                continue
            d = edit_distance(word, cand, maxdist)
            if d <= maxdist:
                found.append((cand, d))
    answer = tuple(sorted(found))  # the lexicon's order (code points: UTF-8's byte order)
    if key is not None:
        with _BLOCKS_LOCK:
            if len(_NEAR) >= _MAX_NEAR:
                _NEAR.pop(next(iter(_NEAR)))
            _NEAR[key] = answer
    return answer


def _block(leaf: IndexReader, fieldname: str, prefix: str) -> _Block:
    """The terms of one segment starting with `prefix`, by length. Segments never change once
    written, so the block is cached by segment id across searchers (reading terms costs ~3 us
    each)."""
    seg_id = _segment_id(leaf)
    key = (seg_id, fieldname, prefix) if seg_id else None
    if key is not None:
        cached = _BLOCKS.get(key)
        if cached is not None:
            return cached
    from_bytes = leaf.schema[fieldname].from_bytes
    block: dict[int, list[tuple[str, frozenset[str]]]] = {}
    for b in leaf.expand_prefix(fieldname, prefix):
        w = from_bytes(b)
        block.setdefault(len(w), []).append((w, frozenset(w)))
    frozen = {length: tuple(words) for length, words in block.items()}
    if key is not None:
        with _BLOCKS_LOCK:
            if len(_BLOCKS) >= _MAX_BLOCKS:
                _BLOCKS.pop(next(iter(_BLOCKS)))
            _BLOCKS[key] = frozen
    return frozen


# A word of letters and digits, or a quoted phrase of two or more such words one space apart.
_PLAIN_TOKEN = re.compile(r'"([^\W_]+(?: [^\W_]+)+)"|([^\W_]+)')
_SYNTAX_WORDS = frozenset(OPERATORS | {"TO"})


def find_problem(text: str) -> str | None:
    """A short description of what makes `text` malformed ("unbalanced quote at position 7"),
    or None. Positions are 1-based character positions in `text`."""
    quote_at: int | None = None
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch == '"':
            quote_at = i if quote_at is None else None
        elif quote_at is not None:
            continue
        elif ch in _OPEN:
            stack.append((ch, i))
        elif ch in _CLOSE:
            if not stack:
                return f"unmatched {_name(ch)} at position {i + 1}"
            stack.pop()
    if quote_at is not None:
        return f"unbalanced quote at position {quote_at + 1}"
    if stack:
        ch, i = stack[-1]
        return f"unmatched {_name(ch)} at position {i + 1}"
    for m in re.finditer(_EMPTY_FIELD, _blank_quotes(text)):
        if m.group(1).lower() in QUERY_FIELDS:
            return f"no value after {m.group(0)!r} at position {m.start() + 1}"
    return _operator_problem(text)


def _name(ch: str) -> str:
    return "parenthesis" if ch in "()" else "bracket"


def _blank_quotes(text: str) -> str:
    """`text` with the inside of quoted phrases blanked out, offsets unchanged."""
    return re.sub(r'"[^"]*"', lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', text)


def _operator_problem(text: str) -> str | None:
    # Inside [..] ranges "TO" and words are range syntax, not operators: blank ranges out.
    flat = re.sub(r"[\[{][^\]}]*[\]}]", lambda m: "x" * len(m.group(0)), _blank_quotes(text))
    tokens = [(m.group(0), m.start()) for m in re.finditer(_TOKEN, flat)]
    for k, (tok, pos) in enumerate(tokens):
        if tok not in OPERATORS:
            continue
        prev = tokens[k - 1][0] if k > 0 else None
        nxt = tokens[k + 1][0] if k + 1 < len(tokens) else None
        where = f"at position {pos + 1}"
        if nxt is None or nxt == ")" or nxt in BINARY_OPERATORS:
            if nxt in BINARY_OPERATORS:
                return f"{tok} followed by {nxt} {where}"
            return f"nothing after {tok} {where}"
        if tok in BINARY_OPERATORS and (prev is None or prev == "(" or prev in OPERATORS):
            return f"nothing before {tok} {where}"
    return None


def plain_words(text: str) -> list[str]:
    """The words of `text` with query syntax, field names, operators and date clauses removed
    (a date value is never a word of an article)."""
    text = _blank_dates(text)
    out = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        end = m.end()
        if end < len(text) and text[end] == ":" and word.lower() in QUERY_FIELDS:
            continue
        if word in OPERATORS or word == "TO":
            continue
        out.append(word)
    return out


def _blank_dates(text: str) -> str:
    for m in _DATE_CLAUSE.finditer(text):
        end = _clause_end(text, m.end())
        text = text[: m.start()] + " " * (end - m.start()) + text[end:]
    return text


def normalise_dates(text: str) -> str:
    """Rewrite ISO dates inside `date:` clauses into the compact forms Whoosh's English date
    parser reads (it takes "2021-10-01" for the year 2021): 2021-10-01 -> 20211001,
    2021-10-01T10:00 -> 202110011000, 2021-10 -> 202110."""
    if "date:" not in text.lower():
        return text
    out: list[str] = []
    last = 0
    for m in _DATE_CLAUSE.finditer(text):
        start = m.end()
        end = _clause_end(text, start)
        if start < last:
            continue
        out.append(text[last:start])
        out.append(_compact_dates(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def _clause_end(text: str, start: int) -> int:
    if start >= len(text):
        return start
    closer = {"[": "]}", "{": "]}", "(": ")", '"': '"'}.get(text[start])
    if closer:
        for i in range(start + 1, len(text)):
            if text[i] in closer:
                return i + 1
        return len(text)
    m = re.compile(r"[\s()]").search(text, start)
    return m.start() if m else len(text)


def _compact_dates(value: str) -> str:
    def full(m: re.Match[str]) -> str:
        y, mo, d, h, mi = m.groups()
        out = f"{y}{int(mo):02d}{int(d):02d}"
        return out + (f"{int(h):02d}{mi}" if h else "")

    value = re.sub(_ISO_DATETIME, full, value)
    return re.sub(_ISO_MONTH, lambda m: f"{m.group(1)}{int(m.group(2)):02d}", value)


# ---- "did you mean" ------------------------------------------------------------------------


RARE_RATIO = 10
"""A word is worth correcting although it finds something when a neighbour one edit away is
written in at least this many times more articles than the word matches ("goverment" matches
one article, through the stem it shares with "governess"; "government" is in hundreds)."""
RARE_MIN_LETTERS = 5
"""Shorter words have too many real neighbours ("bat" and "but"): corrected only when unknown."""


def rare_limit(doc_count: int) -> int:
    """At most this many matching articles make a word rare: 3 in a small library, one in
    10,000 articles in a big one (a typo recurs in a big library: 10 at 100,000 articles)."""
    return max(3, doc_count // 10_000)


def suggest(searcher: Searcher, text: str) -> str | None:
    """`text` with each word replaced by a better one where the index suggests it, or None when
    no word changed. A word the index does not know becomes its closest indexed word (edit
    distance, then document frequency). A word of at least `RARE_MIN_LETTERS` letters that
    matches rarely (`rare_limit`), or that no article has as written (it matches through its
    stem alone: "goverment" and "governess"), becomes the most frequent word one edit away that
    is in `RARE_RATIO` times more articles than it matches and is not the same word to the
    stemmer. The caller checks that the suggestion finds more than the query did."""
    if len(text) > MAX_SUGGEST_CHARS:
        return None
    reader = searcher.reader()
    schema = reader.schema
    rare = rare_limit(reader.doc_count())
    changed = False
    out: list[str] = []
    last = 0
    flat = _blank_quotes(text)
    undated = _blank_dates(text)
    for m in _WORD.finditer(text):
        word = m.group(0)
        start, end = m.span()
        if undated[start] == " ":
            continue  # inside a date: clause
        field_m = _FIELD_BEFORE.search(flat, max(0, start - 40), start)
        if word in OPERATORS or word == "TO" or word.isdigit():
            continue
        if end < len(text) and text[end] in ":~*?":
            continue  # a field name, fuzzy or wildcard term: already loose
        if start > 0 and text[start - 1] in "*?":
            continue
        fields: tuple[str, ...] = DEFAULT_FIELDS
        if field_m is not None:
            name = field_m.group(1).lower()
            if name not in ("title", "body", "outlet", "author"):
                continue
            fields = (name,)
        matches = _matches(reader, schema, fields, word)
        if matches == 0:
            fix = _correct(reader, schema, fields, word.lower())
        elif len(word) >= RARE_MIN_LETTERS and (
            matches <= rare or not _written(reader, schema, fields, word.lower())
        ):
            fix = _more_frequent(reader, schema, fields, word.lower(), matches)
        else:
            continue
        if fix is None:
            continue
        if word[:1].isupper():
            fix = fix[:1].upper() + fix[1:]
        out.append(text[last:start])
        out.append(fix)
        last = end
        changed = True
    if not changed:
        return None
    out.append(text[last:])
    return "".join(out)


def _matches(reader: IndexReader, schema: Schema, fields: tuple[str, ...], word: str) -> int:
    """About how many articles `word` matches as a query term (its stem's document frequency
    in the field where it is most frequent; 0 for a word the index does not know)."""
    most = 0
    for name in fields:
        for token in schema[name].analyzer(word, mode="query"):
            most = max(most, reader.doc_frequency(name, token.text))
    return most


def _written(reader: IndexReader, schema: Schema, fields: tuple[str, ...], word: str) -> bool:
    """Whether some article has `word` as written (not only a word with the same stem)."""
    return any(reader.frequency(schema[name].spelling_fieldname(name), word) > 0 for name in fields)


def _stems(schema: Schema, name: str, word: str) -> tuple[str, ...]:
    return tuple(t.text for t in schema[name].analyzer(word, mode="query"))


def _more_frequent(
    reader: IndexReader, schema: Schema, fields: tuple[str, ...], word: str, matches: int
) -> str | None:
    """The most frequent word one edit from `word` written in `RARE_RATIO` times more articles
    than `word` matches, and that the stemmer does not already match; None if there is none."""
    best: tuple[int, str] | None = None
    for name in fields:
        spell = schema[name].spelling_fieldname(name)
        stems = _stems(schema, name, word)
        for cand in near_words(reader, spell, word, 1):
            # Spelling postings' weights count the articles with the word (index.ingest
            # keeps one posting per word and segment), so the total weight is its frequency.
            freq = int(reader.frequency(spell, cand))
            if freq < RARE_RATIO * matches or cand == word or _stems(schema, name, cand) == stems:
                continue
            if best is None or (-freq, cand) < (-best[0], best[1]):
                best = (freq, cand)
    return best[1] if best else None


def _correct(reader: IndexReader, schema: Schema, fields: tuple[str, ...], word: str) -> str | None:
    # Nearest first, then the most common. Short words only get one edit: two edits of a
    # four-letter word reach too many unrelated words.
    maxdist = 1 if len(word) <= 4 else 2
    best: tuple[int, int, str] | None = None
    for name in fields:
        spell = schema[name].spelling_fieldname(name)
        for cand, dist in near_words(reader, spell, word, maxdist).items():
            if cand == word:
                continue
            # Spelling postings' weights count the articles with the word (index.store.ingest
            # keeps one posting per word and segment), so the total weight is its frequency.
            key = (dist, -int(reader.frequency(spell, cand)), cand)
            if best is None or key < best:
                best = key
    return best[2] if best else None
