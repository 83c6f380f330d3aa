"""Property tests of the hostile-input promises:

- the parsers never raise on any bytes (only ArticleError, one line), never leave a control
  character in a field, never store what the display would remove (one stripper for both,
  index.untrusted), and never lose a sentence of plain prose in any format;
- the query path turns any string into results or a notice, never an exception;
- compare turns any two texts into shared passages whose spans hold equal normalised text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsreader.index.compare import compare
from newsreader.index.compare.text import normalize_words
from newsreader.index.config import SourceConfig, settings_for
from newsreader.index.model import Article
from newsreader.index.parsing import FORMATS, ArticleError, parse_articles
from newsreader.index.search.results import Results, highlight_spans, search
from newsreader.index.store.library import Library
from newsreader.tui.terminal import printable

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Every code point, lone surrogates and controls included (the default leaves surrogates out).
ANY_CHAR = st.characters(codec=None, categories=None)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def parse(data: bytes, fmt: str) -> list[Article]:
    return parse_articles(data, path=Path("lib/x"), article_id="s/x", source="s", fmt=fmt)


def check_parse(data: bytes, fmt: str) -> list[Article]:
    try:
        found = parse(data, fmt)
    except ArticleError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("lib/x: ")
        return []
    for article in found:
        assert article.id.startswith("s/x")
        for value in (article.title, article.body, article.outlet, article.author, article.url):
            assert not CONTROL.search(value), value
        for value in (article.title, article.body, article.outlet, article.author, article.url,
                      *article.tags):
            assert printable(value) == value, value  # the display has nothing left to remove
        assert "\n" not in article.title and article.body == article.body.strip()
    return found


# What a terminal could be made to obey, or could show other than it is, packed close together.
HOSTILE_CHAR = st.sampled_from([
    "\x1b", "[", "]", "0", "2", ";", "m", "P", "\x07", "\x9b", "\x9d", "\x9c", "\\", "\u202e",
    "\u2066", "\u2069", "\ufeff", "\r", "\x85", "\u2028", "\x0b", "\x00", "\x7f", "\ud800", "a",
    " ", "\n", "\t", "<", ">", "&", "#",
])  # fmt: skip
HOSTILE_TEXT = st.text(st.one_of(HOSTILE_CHAR, HOSTILE_CHAR, ANY_CHAR), max_size=200)


def document(fmt: str, title: str, body: str) -> bytes:
    if fmt == "txt":
        text = f"{title}\n\n{body}\n"
    elif fmt == "md":
        text = f"---\nauthor: {json.dumps(title)}\n---\n# {title}\n\n{body}\n"
    elif fmt == "html":
        text = (f"<html><head><title>{title}</title><meta name='author' content='{title}'>"
                f"</head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>")
    else:
        entry = {"title": title, "body": body, "author": title, "tags": [title, body[:20]]}
        text = json.dumps(entry) + ("\n" if fmt == "jsonl" else "")
    return text.encode("utf-8", "surrogatepass")


@SETTINGS
@given(HOSTILE_TEXT, HOSTILE_TEXT, st.sampled_from(FORMATS))
def test_nothing_stored_is_what_the_display_would_remove(title: str, body: str, fmt: str) -> None:
    check_parse(document(fmt, title, body), fmt)


# ---- parsers on any bytes --------------------------------------------------------------------


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(FORMATS))
def test_parsers_never_raise_on_any_bytes(data: bytes, fmt: str) -> None:
    check_parse(data, fmt)


# Text that looks like each format, so the parsers get past their first checks.
_SHAPES = st.sampled_from(
    [
        "{}",
        "---\n{}\n---\n{}",
        '{{"title": {}, "body": {}}}',
        '[{{"headline": {}, "text": {}}}]',
        "<html><head><meta name='author' content={}></head><body><p>{}</p></body></html>",
        "Title {}\nBy {}\n\n2021-10-11\n\nBody {}",
    ]
)


@SETTINGS
@given(
    _SHAPES,
    st.lists(st.text(ANY_CHAR, max_size=40), min_size=3, max_size=3),
    st.sampled_from(FORMATS),
    st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]),
)
def test_parsers_never_raise_on_format_shaped_text(
    shape: str, parts: list[str], fmt: str, encoding: str
) -> None:
    values = [json.dumps(p) if "{{" in shape else p for p in parts]
    text = shape.format(*values[: shape.count("{}")])
    check_parse(text.encode(encoding, "surrogatepass" if "utf" in encoding else "replace"), fmt)


# ---- no sentence of plain prose is lost ------------------------------------------------------

# Ordinary words only: no boilerplate ("share", "print"), no dates, months or weekdays, no
# section words ("news", "live") and nothing a byline or label pattern could take.
_WORD_TEXT = """
harbour council ferry river bridge minister workers village budget plan timetable crews
voted closed opened new old storm school road water price market farmers said agreed the a
of and to in was were will they it with after before island train station mayor town rain
wind coast boats fish nets winter summer morning evening ten many few
"""
_WORDS = _WORD_TEXT.split()
_SENTENCE = st.builds(
    lambda ws, end: " ".join(ws).capitalize() + end,
    st.lists(st.sampled_from(_WORDS), min_size=3, max_size=14),
    st.sampled_from([".", "!", "?"]),
)
_PARAGRAPH = st.lists(_SENTENCE, min_size=1, max_size=4).map(" ".join)
_TITLE = st.lists(st.sampled_from(_WORDS), min_size=2, max_size=7).map(
    lambda ws: " ".join(w.capitalize() for w in ws)
)


def _render(fmt: str, title: str, paragraphs: list[str]) -> str:
    if fmt == "txt":
        return title + "\n\n" + "\n\n".join(paragraphs) + "\n"
    if fmt == "md":
        return f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    if fmt == "html":
        paras = "".join(f"<p>{p}</p>" for p in paragraphs)
        return f"<html><body><article><h1>{title}</h1>{paras}</article></body></html>"
    entry = {"title": title, "body": "\n\n".join(paragraphs)}
    return json.dumps(entry) if fmt == "json" else json.dumps(entry) + "\n"


@SETTINGS
@given(
    st.sampled_from(FORMATS),
    _TITLE,
    st.lists(_PARAGRAPH, min_size=1, max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_no_sentence_of_plain_prose_is_lost(
    fmt: str, title: str, paragraphs: list[str], newline: str, encoding: str
) -> None:
    # A paragraph that only repeats the title is the "title repeated in the body" shape,
    # dropped on purpose.
    assume(
        all(
            re.sub(r"\W", "", p).casefold() != re.sub(r"\W", "", title).casefold()
            for p in paragraphs
        )
    )
    text = _render(fmt, title, paragraphs).replace("\n", newline)
    [article] = parse(text.encode(encoding), fmt)
    assert article.title == title
    # Word for word (the standfirst rule may merge a paragraph into the one repeating it).
    body = f" {' '.join(normalize_words(article.body))} "
    for paragraph in paragraphs:
        for sentence in re.findall(r"[^.!?]+[.!?]", paragraph):
            assert f" {' '.join(normalize_words(sentence))} " in body, (sentence, article.body)


# ---- the query path --------------------------------------------------------------------------

_LIBRARY_ARTICLES = [
    ("a.txt", "Harbour council votes\n\nThe harbour council voted to close the old bridge.\n"),
    ("b.md", "# Ferry crews strike\n\nFerry crews walked out on Monday, 2021-10-11.\n"),
    ("c.json", json.dumps({"title": "港口 timetable 🚢", "body": "New winter timetable."})),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    folder = tmp_path_factory.mktemp("props")
    (folder / "news").mkdir()
    for name, text in _LIBRARY_ARTICLES:
        (folder / "news" / name).write_text(text, encoding="utf-8")
    lib = Library(settings_for([SourceConfig("news", folder / "news")], folder / "index"))
    lib.update()
    yield lib
    lib.close()


_QUERY_BITS = st.sampled_from(
    ["harbour", "ferry", "AND", "OR", "NOT", "ANDNOT", '"', "(", ")", "[", "]", "{", "}", "*",
     "?", "~", "~2", "^", ":", "title:", "date:", "outlet:", "source:", "to", "TO", "2021-10",
     "-", "+", "\\", "/", "'", "港口", "🚢", "\x00", "\x1b[2J", "\ud800", "\u202e", " ", "  "]
)  # fmt: skip
_QUERIES = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.lists(_QUERY_BITS, max_size=12).map("".join),
    st.lists(_QUERY_BITS, max_size=12).map(" ".join),
)


@SETTINGS
@given(_QUERIES, st.sampled_from(["relevance", "date"]))
def test_any_query_gives_results_or_a_notice(library: Library, query: str, sort: str) -> None:
    results = search(library, query, limit=3, sort=sort)
    assert isinstance(results, Results)
    assert results.total >= len(results.hits)
    if results.notice is not None:
        assert "\n" not in results.notice
    json.dumps(results.to_json())  # serialisable
    spans = highlight_spans(query, "The harbour council voted to close the old bridge.")
    assert spans == sorted(spans)


# ---- compare ---------------------------------------------------------------------------------

_COMPARE_WORDS = st.sampled_from(
    ["The", "the", "harbour", "HARBOUR", "council", "“closed”", "don’t", "don't", "Ukraine's",
     "港口", "🚢", "Ärger", "ärger", "ﬁsh", "fish", "e\u0301", "é", "½", "1", "2", "x_y"]
)  # fmt: skip
_COMPARE_TEXTS = st.lists(
    st.one_of(_COMPARE_WORDS, st.text(ANY_CHAR, min_size=1, max_size=3)), max_size=60
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(_COMPARE_TEXTS, _COMPARE_TEXTS, st.integers(min_value=1, max_value=6))
def test_compare_spans_hold_equal_normalised_text(x: str, y: str, k: int) -> None:
    a = Article("t/a", "A", x, "t", "a.txt")
    b = Article("t/b", "B", y, "t", "b.txt")
    result = compare(a, b, min_words=k)
    assert 0.0 <= result.similarity <= 1.0
    for passage in result.shared:
        sa, ea, sb, eb = passage.a.start, passage.a.end, passage.b.start, passage.b.end
        assert 0 <= sa < ea <= len(x) and 0 <= sb < eb <= len(y)
        assert x[sa:ea] == passage.a.text and y[sb:eb] == passage.b.text
        assert normalize_words(x[sa:ea]) == normalize_words(y[sb:eb])
        assert len(normalize_words(x[sa:ea])) >= k
    for span in result.only_a:
        assert x[span.start : span.end] == span.text
    for span in result.only_b:
        assert y[span.start : span.end] == span.text
    json.dumps(result.to_json())


def test_compare_of_an_article_with_itself_shares_everything() -> None:
    text = "The harbour council voted. “We closed it,” the mayor said. Ferry crews struck."
    a = Article("t/a", "A", text, "t", "a.txt")
    result = compare(a, Article("t/b", "B", text, "t", "b.txt"))
    assert result.similarity == 1.0
    shared = [w for p in result.shared for w in normalize_words(p.a.text)]
    assert shared == normalize_words(text)


# Text with every kind of character `clean` acts on, among plain ones.
_HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("ab \n\t\r\x0b\x0c\x85\u2028\u2029\x1b[]0;m\x07\\\x9b\ufeff\u202e\u2066é"),
        st.characters(),
    ),
    max_size=60,
)


@given(_HOSTILE_TEXT)
def test_clean_is_its_three_steps_whatever_the_text(text: str) -> None:
    # clean() returns text with none of its characters as it is, without the three steps:
    # the answer must be the three steps' answer for every text.
    from newsreader.index import untrusted as u

    breaks, escapes, unsafe, _ = u._compiled()
    assert unsafe is u.UNSAFE
    steps = unsafe.sub("", escapes.sub("", breaks.sub("\n", text)))
    assert u.clean(text) == steps
