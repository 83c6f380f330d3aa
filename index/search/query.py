"""Reading the user's query: Whoosh's parser plus the checks that make a bad query degrade
gracefully, and the "did you mean" corrector.

The parser is Whoosh's `MultifieldParser` over title and body (AND by default) with dates
(`date:2021`, `date:[2021-10-01 to 2021-10-31]`, `date:yesterday`) and fuzzy terms (`word~`),
set up in `whoosh_syntax`; plain words and phrases are built by `simple_query` without it, the
same tree (a `search` command then never imports the parser). Whoosh's parser is lenient: it
rarely raises, it silently reads `"abc` or `(a OR` as something else. `find_problem` spots
those shapes first so the user is told instead of surprised.

Size: query reading and "did you mean" share the schema and the parser; the corrector
(suggest, near_words) is the part to move to its own module next.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from whoosh import query as wq
from whoosh.fields import FieldType, Schema
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from newsreader.index.distance import edit_distance
from newsreader.index.store.schema import make_schema

if TYPE_CHECKING:
    from whoosh.qparser import QueryParser

DEFAULT_FIELDS = ("title", "body")
# Fields a user may name in a query; the checks only flag an empty value for these.
QUERY_FIELDS = frozenset({"title", "body", "outlet", "author", "source", "tags", "date"})
BINARY_OPERATORS = frozenset({"AND", "OR", "ANDNOT", "ANDMAYBE"})
OPERATORS = BINARY_OPERATORS | {"NOT"}
_OPEN = "([{"
_CLOSE = ")]}"

_WORD = re.compile(r"\w+", re.UNICODE)
# A query token for the operator check: a quoted phrase, a bracket, or a run of other text.
_TOKEN = re.compile(r'"[^"]*"|[()]|[^\s()"]+')
_EMPTY_FIELD = re.compile(r"(?<![\w:])(\w+):(?=\s|$|\))")
_DATE_CLAUSE = re.compile(r"(?<![\w:])date:", re.IGNORECASE)
_ISO_DATETIME = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2})?)?"
)
_ISO_MONTH = re.compile(r"\b(\d{4})[-/](\d{1,2})\b")
_FIELD_BEFORE = re.compile(r"(\w+):$")
MAX_SUGGEST_CHARS = 500  # longer "queries" are pasted text: no spelling suggestions


@dataclass(frozen=True, slots=True)
class Prepared:
    """A query ready to run. `query` is None when there is nothing to search for; `notice`
    explains a degraded query (`degraded` is then True)."""

    query: wq.Query | None
    notice: str | None = None
    degraded: bool = False


_local = threading.local()


@lru_cache(maxsize=1)
def default_schema() -> Schema:
    """The index schema; fixed by SCHEMA_VERSION, so parsing needs no open index."""
    return make_schema()


def _has_spelling(schema: Schema | None, fieldname: str) -> bool:
    """Whether the field is stemmed and keeps its words as written in a spelling field."""
    if schema is None or fieldname not in schema:
        return False
    spell = schema[fieldname].spelling_fieldname(fieldname)
    return spell != fieldname and spell in schema


class _Memo:
    """Remembers a multi-term query's expansion per reader: Whoosh asks for it several times
    per search (size estimate, matcher, count, snippets), and fuzzy expansion is not cheap.

    Prefix, fuzzy and wildcard terms are scored like the words they expand to
    (`constantscore=False`): Whoosh's constant score applies only where a segment holds two
    expansions or more, so ranking would hang on how the index is split into segments."""

    def _btexts(self, ixreader: IndexReader) -> list[bytes]:
        memo: list[tuple[IndexReader, list[bytes]]] = self.__dict__.setdefault("_memo", [])
        for reader, btexts in memo:
            if reader is ixreader:
                return btexts
        btexts = list(self._expand(ixreader))
        memo.append((ixreader, btexts))
        return btexts

    def _expand(self, ixreader: IndexReader) -> Iterator[bytes]:
        raise NotImplementedError


class WordPrefix(_Memo, wq.Prefix):
    """`text*` over a stemmed field, matching the words as written: `irrigat*` finds
    "irrigation" (indexed as the stem "irrig"). Expands through the field's unstemmed spelling
    field, plus the stems that start with the stemmed prefix (`deploy*` -> "deploi")."""

    def __init__(
        self,
        fieldname: str,
        text: str,
        stemmed: str,
        boost: float = 1.0,
        constantscore: bool = False,
    ) -> None:
        super().__init__(fieldname, text, boost=boost, constantscore=constantscore)
        self.stemmed = stemmed

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.stemmed == getattr(other, "stemmed", None)

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.stemmed)

    def _expand(self, ixreader: IndexReader) -> Iterator[bytes]:
        field = ixreader.schema[self.fieldname]
        seen: set[bytes] = set()
        for btext in ixreader.expand_prefix(self.fieldname, self.stemmed):
            seen.add(btext)
            yield btext
        spell = field.spelling_fieldname(self.fieldname)
        if spell == self.fieldname or spell not in ixreader.schema:
            return
        for bword in ixreader.expand_prefix(spell, self.text):
            for token in field.analyzer(bword.decode("utf-8"), mode="index"):
                btext = field.to_bytes(token.text)
                if btext not in seen:
                    seen.add(btext)
                    yield btext


class WordFuzzy(_Memo, wq.FuzzyTerm):
    """`word~n` over a stemmed field, measured on the words as written: `goverment~` finds
    "government" (indexed as "govern"). Whoosh alone compares the stem "gover" with unstemmed
    spelling words and matches "over". The first letter must match (see `near_words`)."""

    def __init__(
        self,
        fieldname: str,
        text: str,
        raw: str,
        boost: float = 1.0,
        maxdist: int = 1,
        prefixlength: int = 0,
        constantscore: bool = False,
    ) -> None:
        super().__init__(fieldname, text, boost, maxdist, prefixlength, constantscore)
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.raw == getattr(other, "raw", None)

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.raw)

    def _expand(self, ixreader: IndexReader) -> Iterator[bytes]:
        field = ixreader.schema[self.fieldname]
        spell = field.spelling_fieldname(self.fieldname)
        seen: set[bytes] = set()
        near = near_words(ixreader, spell, self.raw, self.maxdist, max(1, self.prefixlength))
        for word in near:
            for token in field.analyzer(word, mode="index"):
                btext = field.to_bytes(token.text)
                if btext not in seen:
                    seen.add(btext)
                    yield btext


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
_BLOCKS_LOCK = threading.Lock()
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


def parser() -> QueryParser:
    """This thread's parser (the UI searches from worker threads; parsers keep plugin state)."""
    p = getattr(_local, "parser", None)
    if p is None:
        # Whoosh's parser and its plugins: imported by the first query `simple_query` cannot
        # read (a `search` command with plain words never loads them).
        from newsreader.index.search.whoosh_syntax import make_parser

        p = make_parser(default_schema(), DEFAULT_FIELDS)
        _local.parser = p
    return p


# A word of letters and digits, or a quoted phrase of two or more such words one space apart.
_PLAIN_TOKEN = re.compile(r'"([^\W_]+(?: [^\W_]+)+)"|([^\W_]+)')
_SYNTAX_WORDS = frozenset(OPERATORS | {"TO"})


def simple_query(text: str, schema: Schema) -> wq.Query | None:
    """What `parser().parse(text)` gives, built without Whoosh's parser, for the plainest
    queries: words (letters and digits) and quoted phrases of such words, one space apart;
    None for anything else (the caller asks Whoosh's parser then). Each word and phrase goes
    through the fields' analysers as Whoosh's parser sends it, and the tree is normalised by
    Whoosh's own code; a word the analyser splits or drops is left to Whoosh's parser.
    tests/unit/test_simple_query.py compares the two trees, node by node and attribute by
    attribute, over hand-picked and generated queries."""
    groups: list[wq.Query] = []
    at = 0
    while True:
        m = _PLAIN_TOKEN.match(text, at)
        if m is None:
            return None  # syntax, punctuation, an empty query
        phrase, word = m.groups()
        if phrase is not None:
            start = m.start(1)
            fields = [_phrase(schema[name], name, phrase, start) for name in DEFAULT_FIELDS]
        elif word in _SYNTAX_WORDS:
            return None
        else:
            fields = [_word(schema[name], name, word, m.start()) for name in DEFAULT_FIELDS]
        if None in fields:
            return None
        groups.append(wq.Or(fields))
        at = m.end()
        if at == len(text):
            return wq.And(groups).normalize()
        if text[at] != " " or at + 1 == len(text):
            return None  # not one space and another token
        at += 1


def _word(field: FieldType, fieldname: str, word: str, start: int) -> wq.Query | None:
    # QueryParser.term_query, then attach(): the term, where it was in the query
    texts = list(field.process_text(word, mode="query", tokenize=True, removestops=True))
    if len(texts) != 1:
        return None
    q = wq.Term(fieldname, texts[0], boost=1.0)
    q.startchar, q.endchar = start, start + len(word)
    return q


def _phrase(field: FieldType, fieldname: str, words: str, start: int) -> wq.Query | None:
    # PhrasePlugin.PhraseNode.query: the words as tokens, each with its place in the query
    tokens = [
        (t.text, start + t.startchar, start + t.endchar)
        for t in field.tokenize(words, mode="query", chars=True)
    ]
    if len(tokens) != words.count(" ") + 1:
        return None
    return wq.Phrase(
        fieldname, [t[0] for t in tokens], slop=1, boost=1.0, char_ranges=[t[1:] for t in tokens]
    )


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
    for m in _EMPTY_FIELD.finditer(_blank_quotes(text)):
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
    tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(flat)]
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

    value = _ISO_DATETIME.sub(full, value)
    return _ISO_MONTH.sub(lambda m: f"{m.group(1)}{int(m.group(2)):02d}", value)


def prepare(text: str) -> Prepared:
    """Parse `text`; on a malformed query, fall back to an AND of its plain words with a
    notice. Never raises."""
    if not text.strip():
        return Prepared(None)
    problem = find_problem(text)
    if problem is None:
        simple = simple_query(text, default_schema())
        if simple is not None:
            return Prepared(simple)
        try:
            q = parser().parse(normalise_dates(text))
        except Exception as exc:  # a parser bug must not reach the user as a traceback
            problem = f"parse error: {type(exc).__name__}"
        else:
            bad = _parse_error(q)
            if bad is not None:
                problem = f"can't read {bad!r}"
            elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
                problem = "nothing to search for"
            else:
                return Prepared(q)
    return degrade(text, problem)


def degrade(text: str, problem: str) -> Prepared:
    """The plain-words reading of `text`, with a notice naming `problem`."""
    words = plain_words(text)
    if not words:
        return Prepared(None, f"Couldn't read the query ({problem}).", True)
    notice = f"Couldn't read the query ({problem}); searched for the words instead."
    try:
        q = parser().parse(" ".join(words))
    except Exception:
        return Prepared(None, f"Couldn't read the query ({problem}).", True)
    return Prepared(q, notice, True)


def _parse_error(q: wq.Query) -> str | None:
    for node in _walk(q):
        err = getattr(node, "error", None)
        if err:
            return str(err)
    return None


def _walk(q: wq.Query) -> Iterator[wq.Query]:
    yield q
    for child in q.children():
        yield from _walk(child)


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
    return any(
        reader.frequency(schema[name].spelling_fieldname(name), word) > 0 for name in fields
    )


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
