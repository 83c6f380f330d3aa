"""Whoosh's query parser as newsreader sets it up: `MultifieldParser` over the default fields
(AND by default) with dates (`date:2021`, `date:[2021-10-01 to 2021-10-31]`, `date:yesterday`)
and fuzzy terms (`word~`). Its own module so that a query of plain words, which
`query.simple_query` reads, loads none of it (its import and set-up were a twentieth of a
`search` command's instructions).
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import AndGroup, FuzzyTermPlugin, MultifieldPlugin, QueryParser
from whoosh.qparser.dateparse import DateParser, DateParserPlugin, English

from newsreader.index.search.query import WordFuzzy, WordPrefix, _has_spelling


def make_parser(schema: Schema, fields: tuple[str, ...]) -> QueryParser:
    """A new parser over `fields` (each thread keeps its own: parsers keep plugin state)."""
    p = _Parser(None, schema, group=AndGroup)
    p.add_plugin(MultifieldPlugin(list(fields)))
    p.add_plugin(_DatePlugin())
    p.add_plugin(FuzzyTermPlugin())
    return p


class _Parser(QueryParser):
    """Whoosh's parser, except for prefix, wildcard and fuzzy terms over stemmed fields.
    Whoosh stems their text: `deploy*` becomes `deploi*` (missing "deployment"), `happ*ness`
    becomes `happ*`, and `goverment~` compares the stem "gover" with unstemmed words."""

    def term_query(
        self,
        fieldname: str,
        text: str,
        termclass: type[wq.Query],
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> wq.Query | None:
        q = super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        raw = text.lower()
        if termclass is wq.FuzzyTerm:
            if isinstance(q, wq.FuzzyTerm) and _has_spelling(self.schema, fieldname):
                return WordFuzzy(fieldname, q.text, raw, boost=boost)
            return q
        if termclass not in (wq.Prefix, wq.Wildcard) or not isinstance(q, wq.PatternQuery):
            return q
        if termclass is wq.Wildcard:
            return wq.Wildcard(fieldname, raw, boost=boost, constantscore=False)
        if not _has_spelling(self.schema, fieldname):
            return q
        return WordPrefix(fieldname, raw, q.text, boost=boost)


class _DatePlugin(DateParserPlugin):
    """Whoosh's date plugin, its English date parser built when a query first has a date.
    Building it compiles some 30 regular expressions: a quarter of a `search` command's query
    phase, paid by every command although few queries name a date (bench/bench_cli.py)."""

    _later = object()

    def __init__(self) -> None:
        self._dates: DateParser | None = None
        super().__init__(dateparser=self._later)

    @property
    def dateparser(self) -> DateParser:
        if self._dates is None:
            self._dates = English()
        return self._dates

    @dateparser.setter
    def dateparser(self, value: object) -> None:
        self._dates = value if isinstance(value, DateParser) else None
