"""`query.simple_query` builds what Whoosh's parser builds for plain words and phrases, so a
`search` command need not load the parser: the two trees are compared node by node, with every
attribute (field, text, boost, slop, character ranges), over hand-picked and generated queries."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from newsreader.index.search.query import default_schema, parser, prepare, simple_query


def tree(q: wq.Query) -> tuple[Any, ...]:
    attributes = {k: v for k, v in getattr(q, "__dict__", {}).items() if k != "subqueries"}
    return (type(q), attributes, [tree(c) for c in q.children()])


def check(text: str) -> wq.Query | None:
    simple = simple_query(text, default_schema())
    if simple is not None:
        assert tree(simple) == tree(parser().parse(text)), text
    return simple


PLAIN = [
    "government",
    "oil prices",
    "mobile phone users",
    '"prime minister"',
    '"interest rates" bank',
    'bank "interest rates" cut',
    '"world cup" "chief executive"',
    "film film",
    '"film film"',
    "the",
    "the film",
    '"the film"',
    "a b c d e f g",
    "x1 2004",
    "2004",
    "Café crème",
    "Ærø",
    "İstanbul",
    "straße",
    "東京 大学",
    "x²",
    "and or not",
    "And Or Not",
    '"and or"',
    "ﬁne",
    "running runs ran",
    '"running runs"',
    "ⅷ",
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_words_and_phrases_are_built_as_whoosh_parses_them(text: str) -> None:
    assert check(text) is not None


# Syntax, punctuation and anything else Whoosh's parser reads its own way: left to it.
@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "government ",
        " government",
        "oil  prices",
        "oil\tprices",
        "oil\nprices",
        "apple OR microsoft",
        "strike NOT island",
        "a AND b",
        "a ANDNOT b",
        "a ANDMAYBE b",
        "x TO y",
        "title:film",
        "goverment~",
        "econmy~2",
        "technolog*",
        "te?t",
        "e-mail",
        "don't",
        "'single quoted'",
        "snake_case",
        "_",
        "film^2",
        "(film)",
        "[a TO b]",
        '"film"',
        '""',
        '"prime  minister"',
        '"prime minister"~3',
        '"prime minister',
        'prime"minister"',
        "date:2004",
        "*",
        "a.b",
        "3.14",
        "a,b",
        "é\u0301",
        "\x00",
    ],
)
def test_anything_else_is_left_to_whoosh(text: str) -> None:
    assert check(text) is None


_WORDS = st.one_of(
    st.text(st.sampled_from(list("abcxyzAZ09é²ß東_İﬁ\u0301")), min_size=1, max_size=6),
    st.sampled_from(["AND", "OR", "NOT", "TO", "and", "film", "the"]),
)
_PHRASES = st.lists(_WORDS, min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"')
_PIECES = st.sampled_from([*'ab é_ "*?~:^()[]{}-.,!\t\n\x00+', "AND ", " OR ", "NOT "])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_WORDS, _PHRASES), min_size=1, max_size=4).map(" ".join))
def test_generated_plain_queries_are_built_as_whoosh_parses_them(text: str) -> None:
    check(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_generated_hostile_queries_are_built_as_whoosh_parses_them_or_left_to_it(
    text: str,
) -> None:
    check(text)


def test_prepare_takes_the_simple_reading_and_whooshs_for_the_rest() -> None:
    assert prepare("oil prices").query == parser().parse("oil prices")
    assert prepare('"prime minister"').query == parser().parse('"prime minister"')
    assert prepare("apple OR microsoft").query == parser().parse("apple OR microsoft")
