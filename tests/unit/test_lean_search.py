"""`search --json` of plain words and phrases without Whoosh (`index.search.lean`, reading the
index through `index.store.plain`) gives the JSON the usual path gives (`results.search`), on a
library written here: several segments, deleted articles, titles and bodies that share words,
phrases, misspellings that "did you mean" corrects, a source filter."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsreader.index.config import SourceConfig, settings_for
from newsreader.index.search import lean
from newsreader.index.search.results import search
from newsreader.index.store import plain
from newsreader.index.store.library import Library

WORDS = [
    "government",
    "minister",
    "election",
    "economy",
    "market",
    "prices",
    "oil",
    "bank",
    "interest",
    "rates",
    "growth",
    "film",
    "music",
    "award",
    "festival",
    "rugby",
    "football",
    "coach",
    "match",
    "cup",
    "world",
    "england",
    "chelsea",
    "arsenal",
    "club",
    "phone",
    "mobile",
    "software",
    "internet",
    "users",
    "games",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "is",
    "was",
    "for",
    "on",
    "that",
    "with",
    "running",
    "runs",
    "ran",
    "runner",
    "economic",
    "economies",
    "harbour",
    "council",
    "warning",
    "naïve",
    "café",
    "straße",
    "minster",
]
RARE = ("kilroy", "ebbers", "lighthouse", "quarantine", "governess")


def _write(folder: Path, first: int, count: int, seed: int) -> None:
    rng = random.Random(seed)
    for n in range(first, first + count):
        day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(365))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize()
        paragraphs = []
        for _ in range(rng.randint(1, 4)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(5, 50))]
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words) + 1), "interest rates")
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words) + 1), "prime minister")
            if rng.random() < 0.05:
                words.append(rng.choice(RARE))
            paragraphs.append(" ".join(words).capitalize() + ".")
        dated = f"date: {day.isoformat()}\n" if n % 7 else ""
        text = f"---\ntitle: {title}\n{dated}---\n\n" + "\n\n".join(paragraphs)
        (folder / f"article-{n:04d}.md").write_text(text + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("lean")
    news, wire = root / "news", root / "wire"
    news.mkdir()
    wire.mkdir()
    _write(news, 0, 300, 1)
    _write(wire, 300, 60, 2)
    lib = Library(
        settings_for([SourceConfig("news", news), SourceConfig("wire", wire)], root / "index"),
        procs=1,
    )
    lib.update(warn=lambda _message: None)
    _write(news, 400, 40, 3)  # a second segment
    for path in sorted(news.glob("article-00[0-4]*.md")):  # deleted from the first
        path.unlink()
    lib.update(warn=lambda _message: None)
    yield lib
    lib.close()


QUERIES = [
    "government",
    "Government",
    "film",
    "runs",  # stems to "run", as "running" and "runner" do not
    "running runs",  # two words, one stem: Whoosh's And drops the repeated group
    "oil oil",
    "oil prices",
    "england rugby coach",
    '"interest rates"',
    '"prime minister"',
    '"prime minister" economy',
    '"the the"',
    "kilroy",
    "lighthouse",
    "naïve",
    "café",
    "straße",
    "goverment",  # finds the governess by its stem: "did you mean" government
    "goverment budget",
    "lighthuose",  # nothing found: the nearest word
    "harbuor",
    "econmy",
    "minster",
    "nothingatall",
    "42",
    "apple OR chelsea",
    "oil OR film OR music",
    "oil OR oil",
    "oil film OR music",
    "film OR music oil OR bank",
    '"prime minister" OR economy',
    "running OR runs",
    "kilroy OR ebbers",
    "goverment OR lighthuose",
    "oil or",  # (Whoosh's operators are upper case: a word)
]


def _usual(library: Library, query: str, **kwargs: Any) -> dict[str, Any]:
    answer = search(library, query, **kwargs).to_json()
    answer.pop("took_ms")
    return answer


def _lean(library: Library, query: str, **kwargs: Any) -> dict[str, Any]:
    answer = lean.search_json(str(library.index_dir), query, **kwargs)
    assert answer is not None, f"{query!r} took the usual path"
    answer.pop("took_ms")
    return answer


@pytest.mark.parametrize("query", QUERIES)
def test_the_lean_path_gives_the_usual_answer(library: Library, query: str) -> None:
    for limit in (1, 20, 500):
        assert _lean(library, query, limit=limit) == _usual(library, query, limit=limit)
    for source in ("news", "wire", "elsewhere"):
        assert _lean(library, query, limit=20, source=source) == _usual(
            library, query, limit=20, source=source
        )


def test_the_answers_are_not_trivial(library: Library) -> None:
    # (the comparisons above compare something: hits, snippets with matches, suggestions)
    answer = _lean(library, '"prime minister" economy', limit=20)
    assert answer["total"] > 20 and len(answer["hits"]) == 20
    assert any(seg["match"] for hit in answer["hits"] for seg in hit["snippet"])
    assert _lean(library, "goverment", limit=20)["suggestion"] == "government"
    assert _lean(library, "lighthuose", limit=20)["suggestion"] == "lighthouse"


@pytest.mark.parametrize(
    "query",
    ["OR film", "film OR", "oil OR OR film", "title:oil", "oil NOT film", "econom*",
     "goverment~", "date:2021 oil", "", "oil  prices", " oil", "oil-prices", "AND"],
)  # fmt: skip
def test_any_other_query_takes_the_usual_path(library: Library, query: str) -> None:
    from newsreader.cli.main import _maybe_plain

    assert lean.search_json(str(library.index_dir), query, limit=20) is None
    # (the command checks first, without importing the lean path: only what it cannot read)
    if _maybe_plain(query):
        assert query in ("oil  prices", " oil", "OR film", "film OR", "oil OR OR film")


def test_the_command_tries_the_lean_path_for_every_plain_query() -> None:
    from newsreader.cli.main import _SYNTAX, _maybe_plain
    from newsreader.index.search.spelling import _SYNTAX_WORDS

    assert _SYNTAX | {"OR"} == _SYNTAX_WORDS
    assert all(_maybe_plain(query) for query in QUERIES)


def test_past_the_budget_the_usual_path_answers(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (light's budget: past it, numpy's engine is faster than Python)
    monkeypatch.setattr(lean, "BUDGET", 10)
    assert lean.search_json(str(library.index_dir), "government", limit=20) is None


def test_an_index_it_does_not_read_goes_to_the_usual_path(tmp_path: Path) -> None:
    assert lean.search_json(str(tmp_path), "government", limit=20) is None  # no index at all
    (tmp_path / "newsreader-index.json").write_text('{"schema_version": 1}')
    assert lean.search_json(str(tmp_path), "government", limit=20) is None


def test_the_reader_reads_what_whoosh_reads(library: Library) -> None:
    with library.searcher() as searcher, plain.PlainIndex(str(library.index_dir)) as ix:
        reader = searcher.reader()
        leaves = reader.leaf_readers()
        assert [s.id for s in ix.segments] == [r.segment().segment_id() for r, _ in leaves]
        assert [s.offset for s in ix.segments] == [offset for _, offset in leaves]
        assert len(ix.segments) == 2 and any(s.deleted for s in ix.segments)
        assert ix.doc_count_all() == reader.doc_count_all()
        assert ix.doc_count() == reader.doc_count()
        for field in ("title", "body"):
            assert ix.avg_field_length(field) == searcher.avg_field_length(field)
        for field, word in [("body", "govern"), ("title", "film"), ("spell_body", "naïve"),
                            ("body", "nowhere"), ("source", "wire")]:  # fmt: skip
            assert ix.doc_frequency(field, word) == reader.doc_frequency(field, word)
            assert ix.frequency(field, word) == reader.frequency(field, word)
        for seg, (sub, _offset) in zip(ix.segments, leaves, strict=True):
            for d in range(seg.doccount):
                assert seg.stored_fields(d) == sub.stored_fields(d)
            for field in ("title", "body"):
                assert seg.lengths(field) == _lengths(sub, field)
            for field, prefix in [("spell_body", "g"), ("spell_title", "e"), ("body", "run"),
                                  ("body", ""), ("spell_body", "zzz")]:  # fmt: skip
                assert list(seg.expand_prefix(field, prefix)) == list(
                    sub.expand_prefix(field, prefix)
                )


def _lengths(sub: Any, field: str) -> bytes:
    """The length bytes `store.whoosh.light` reads through Whoosh's column reader."""
    from whoosh.codec import whoosh3

    col = sub._perdoc._cached_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)
    return bytes(col._dbfile.get(col._basepos, col._count))


def test_what_it_copies_from_whoosh_is_whoosh_s() -> None:
    from whoosh.lang.porter import stem
    from whoosh.scoring import BM25F
    from whoosh.util.numeric import byte_to_length

    from newsreader.index.search import snippets
    from newsreader.index.store.schema import TEXT_ANALYZER, make_schema
    from newsreader.index.store.whoosh import light

    assert tuple(byte_to_length(i) for i in range(256)) == plain.BYTE_LENGTHS
    assert (lean.K1, lean.B) == (BM25F().K1, BM25F().B)
    assert lean.BUDGET == light.BUDGET
    assert lean.POSTINGS_WORDS_MAX == snippets.POSTINGS_WORDS_MAX
    assert frozenset(make_schema().names()) == plain.Schema.NAMES
    text = "The Runners' U.S. café-straße 2021 running naïve ÉCOLE x_y"
    assert plain.analyse(text) == [t.text for t in TEXT_ANALYZER(text, mode="query")]
    assert plain.analyse("running") == [stem("running")]
    schema = make_schema()
    for name in ("title", "body"):
        assert plain.SCHEMA[name].spelling_fieldname(name) == schema[name].spelling_fieldname(name)
