"""HTML character references in plain-text and Markdown articles (issue 10, item 13): text
saved from web pages keeps "&#163;1.8m"; the reader and the index want "£1.8m"."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.index.model import Article
from newsreader.index.parsing import parse_articles
from newsreader.index.parsing.decoding import decode_entities


def one(text: str, fmt: str = "txt") -> Article:
    [article] = parse_articles(text.encode("utf-8"), path=Path(f"/lib/a.{fmt}"),
                               article_id=f"src/a.{fmt}", source="src", fmt=fmt)
    return article


def test_references_in_a_plain_text_article_are_decoded() -> None:
    article = one("&#163;1.8m indecency fine for Viacom\n\n"
                  "Media giant Viacom has paid a record &#163;1.8m fine &amp; more.\n\n"
                  "Caf&#233; owners said &quot;no&quot; &#x2014; again.\n")
    assert article.title == "£1.8m indecency fine for Viacom"
    assert article.body == ("Media giant Viacom has paid a record £1.8m fine & more.\n\n"
                            "Café owners said \"no\" — again.")


def test_references_in_markdown_are_decoded_outside_code() -> None:
    article = one("# Tottenham bid &#163;8m\n\nA bid of &#163;8m &amp; a player.\n", "md")
    assert article.title == "Tottenham bid £8m"
    assert article.body == "A bid of £8m & a player."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AT&T and R&D", "AT&T and R&D"),  # no reference at all
        ("this&nothing &not; that", "this&nothing ¬ that"),  # only references ended by ";"
        ("&bogus; &#x41;", "&bogus; A"),  # an unknown name stays as written
        ("&#150; cp1252 dash", "– cp1252 dash"),  # as browsers read it
        # What the parser keeps out is not let back in by a reference: ESC, a line break,
        # a bidi override, a control HTML forbids.
        ("&#27;[31m red &#10; &#8238;x &#1;", "&#27;[31m red &#10; &#8238;x &#1;"),
    ],
)
def test_only_complete_safe_references_are_decoded(text: str, expected: str) -> None:
    assert decode_entities(text) == expected


def test_a_reference_cannot_smuggle_an_escape_into_an_article() -> None:
    article = one("Title &#27;]52;c;ZXZpbA==&#7;\n\nBody &#x1b;[2J text &#x202e;.\n")
    for text in (article.title, article.body):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
