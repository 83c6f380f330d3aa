"""Reading the user's query: Whoosh's parser plus the checks that make a bad query degrade
gracefully, and the "did you mean" corrector.

The parser is Whoosh's `MultifieldParser` over title and body (AND by default) with dates
(`date:2021`, `date:[2021-10-01 to 2021-10-31]`, `date:yesterday`) and fuzzy terms (`word~`),
set up in `whoosh_syntax`; plain words and phrases are built by `simple_query` without it, the
same tree (a `search` command then never imports the parser). Whoosh's parser is lenient: it
rarely raises, it silently reads `"abc` or `(a OR` as something else. `find_problem` spots
those shapes first so the user is told instead of surprised.

The checks, plain words, dates and the "did you mean" corrector need no Whoosh: they live in
`spelling` and are re-exported here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from whoosh import query as wq
from whoosh.fields import FieldType, Schema
from whoosh.reading import IndexReader

# The query's text checks and "did you mean" need no Whoosh: they live in `spelling` (the
# lean `search` command uses them too) and are re-exported here.
from newsreader.index.search.spelling import (  # noqa: F401
    _BLOCKS,
    _BLOCKS_LOCK,
    _CLOSE,
    _DATE_CLAUSE,
    _EMPTY_FIELD,
    _FIELD_BEFORE,
    _ISO_DATETIME,
    _ISO_MONTH,
    _MAX_BLOCKS,
    _MAX_NEAR,
    _NEAR,
    _OPEN,
    _PLAIN_TOKEN,
    _SYNTAX_WORDS,
    _TOKEN,
    _WORD,
    BINARY_OPERATORS,
    DEFAULT_FIELDS,
    MAX_SUGGEST_CHARS,
    OPERATORS,
    QUERY_FIELDS,
    RARE_MIN_LETTERS,
    RARE_RATIO,
    _blank_dates,
    _blank_quotes,
    _Block,
    _block,
    _clause_end,
    _compact_dates,
    _correct,
    _matches,
    _more_frequent,
    _name,
    _near_in,
    _operator_problem,
    _segment_id,
    _stems,
    _written,
    find_problem,
    near_words,
    normalise_dates,
    plain_words,
    rare_limit,
    suggest,
)
from newsreader.index.store.schema import make_schema

if TYPE_CHECKING:
    from whoosh.qparser import QueryParser


@dataclass(frozen=True, slots=True)
class Prepared:
    """A query ready to run. `query` is None when there is nothing to search for; `notice`
    explains a degraded query (`degraded` is then True)."""

    query: wq.Query | None
    notice: str | None = None
    degraded: bool = False


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


@lru_cache(maxsize=1)
def parser() -> QueryParser:
    """The query parser. It keeps plugin state while it parses, so the UI's worker threads
    parse through `_parse`, one at a time (a parse takes a millisecond or two). One parser,
    not one per thread: what the reader holds does not depend on how many threads it ran."""
    # Whoosh's parser and its plugins: imported by the first query `simple_query` cannot
    # read (a `search` command with plain words never loads them).
    from newsreader.index.search.whoosh_syntax import make_parser

    return make_parser(default_schema(), DEFAULT_FIELDS)


_parsing = threading.Lock()


def _parse(text: str) -> wq.Query:
    with _parsing:
        return parser().parse(text)


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
            q = _parse(normalise_dates(text))
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
        q = _parse(" ".join(words))
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
