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
    # A date clause: Whoosh's DateRange, read from the date column (1 in 7 articles undated).
    "government date:2021",
    "date:2021-03 oil",
    "date:2021-3",
    "date:2021-03-15",
    "oil date:2021-02-28 prices",
    "oil date:[2021-02 to 2021-06]",
    "oil date:[2020-12 to 2021-06-30]",  # (two years: ends of two precisions read)
    "film date:[2021-06 to 2021-02]",  # out of order: Whoosh swaps the ends
    "date:[2021-05-01 to] film",
    "date:[to 2021-03] music",
    "interest date:[2020 TO 2021]",
    '"prime minister" date:2021-07',
    "date:2020",  # nothing
    "goverment date:2021",  # "did you mean" keeps the date
    "lighthuose date:2021-05",
    "film OR music date:2021-04",
    "date:2021 date",  # ("date" without a colon: a word)
    "date:2021",  # the date alone: every dated article of 2021, each scored 1.0
    # Prefix and fuzzy terms: expanded segment by segment as Whoosh does (query.WordPrefix,
    # WordFuzzy), the snippets' words over the whole index.
    "econom*",
    "run*",
    "Interest*",
    "minist* oil",
    "naïv*",
    "zzz*",  # nothing
    "goverment~",
    "econmy~2",
    "minster~1",
    "harbuor~ council",
    "café~",
    "lighthous~",
    "film OR econom*",
    '"prime minister" econom*',
    "econom* date:2021-03",
    "goverment~ OR rates~",
    "run* run*",
    "governm*",  # (stems to "governm": "government", indexed as "govern", through spelling)
    "electio* OR festiva*",
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
    for sort in ("relevance", "date"):  # (newest first: undated last, ties by docnum)
        for limit in (1, 20, 500):
            assert _lean(library, query, limit=limit, sort=sort) == _usual(
                library, query, limit=limit, sort=sort
            )
        for source in ("news", "wire", "elsewhere"):
            assert _lean(library, query, limit=20, source=source, sort=sort) == _usual(
                library, query, limit=20, source=source, sort=sort
            )


def test_the_answers_are_not_trivial(library: Library) -> None:
    # (the comparisons above compare something: hits, snippets with matches, suggestions)
    answer = _lean(library, '"prime minister" economy', limit=20)
    assert answer["total"] > 20 and len(answer["hits"]) == 20
    assert any(seg["match"] for hit in answer["hits"] for seg in hit["snippet"])
    assert _lean(library, "goverment", limit=20)["suggestion"] == "government"
    assert _lean(library, "lighthuose", limit=20)["suggestion"] == "lighthouse"
    # a date narrows and adds ConstantScoreQuery's 1.0; newest first puts the undated last
    oil = _lean(library, "oil", limit=500)
    dated = _lean(library, "oil date:[2021-02 to 2021-06]", limit=500)
    assert 0 < dated["total"] < oil["total"]
    assert all("2021-02" <= h["date"][:7] <= "2021-06" for h in dated["hits"])
    scores = {h["id"]: h["score"] for h in oil["hits"]}
    assert all(h["score"] == round(scores[h["id"]] + 1, 4) for h in dated["hits"][:5])
    newest = _lean(library, "oil", limit=500, sort="date")["hits"]
    days = [h["date"] for h in newest if h["date"] is not None]
    assert days == sorted(days, reverse=True) and newest[-1]["date"] is None
    assert len(days) < len(newest) == oil["total"]


OTHER_DATES = [
    "date:2021 OR oil",  # (Whoosh's Or takes the range in with the words)
    "oil OR date:2021",
    "date:2021 date:2021-03",  # (Whoosh's And merges overlapping ranges)
    "date:[2021 to 2021-05]",  # (one year, one end with a month: Whoosh asks today's date)
    "date:[to]",
    "date:2021-13",
    "date:2021-02-30",
    "date:20210301",
    "oil date:2021-",
    "date:2021film",
    # (the command's check sends only the ones above to the lean path)
    "date:yesterday",
    "date:2021-03-01T10:00",
    "date:{2021 to 2022}",
    "date:[2021  to 2022]",
    "Date:2021",
    "date:",
]


@pytest.mark.parametrize(
    "query",
    ["OR film", "film OR", "oil OR OR film", "title:oil", "oil NOT film", "", "oil  prices",
     " oil", "oil-prices", "AND", "econ*my", "econmy~3", "*", "econmy~2/3", "r?n", "econ**",
     "econom*~", "OR*", *OTHER_DATES],
)  # fmt: skip
def test_any_other_query_takes_the_usual_path(library: Library, query: str) -> None:
    from newsreader.cli.main import _maybe_plain

    assert lean.search_json(str(library.index_dir), query, limit=20) is None
    assert lean.search_json(str(library.index_dir), query, limit=20, sort="date") is None
    # (the command checks first, without importing the lean path: only what it cannot read)
    if _maybe_plain(query):
        assert query in ("oil  prices", " oil", "OR film", "film OR", "oil OR OR film",
                         "econ*my", "econmy~3", "*", "econ**", "econom*~", "OR*",
                         *OTHER_DATES[:10])  # fmt: skip


@pytest.mark.parametrize(
    "word", ["econom", "Run", "technolog", "naïve", "café", "straße", "a1", "2004", "ÉCOLE", "x"]
)
def test_prefix_and_fuzzy_terms_are_the_parser_s(word: str) -> None:
    from newsreader.index.search.query import WordFuzzy, WordPrefix, prepare

    for suffix in ("*", "~", "~1", "~2"):
        whoosh = prepare(word + suffix).query
        ours = lean.parse(word + suffix)
        assert ours is not None and ours[0] == "or" and whoosh is not None
        assert [type(c) for c in whoosh.children()] == [
            WordPrefix if suffix == "*" else WordFuzzy
        ] * 2
        for node, (kind, field, text, arg) in zip(whoosh.children(), ours[1], strict=True):
            assert (node.fieldname, node.boost, node.constantscore) == (field, 1.0, False)
            if kind == "prefix":
                assert (node.text, node.stemmed) == (text, arg)
            else:  # (its text, the stem, follows from the word as written)
                assert (node.raw, node.maxdist, node.prefixlength) == (text, arg, 0)
                assert node.text == plain.analyse(text)[0]


def _range(text: str) -> tuple[int | None, int | None]:
    """The (start, end) of the date range Whoosh's parser makes of `text`."""
    from whoosh import query as wq

    from newsreader.index.search.query import prepare

    q = prepare(text).query
    assert isinstance(q, wq.NumericRange), (text, q)
    return q.start, q.end


def _dates() -> list[str]:
    rng = random.Random(4)
    one = [f"{y}" for y in range(1000, 3000)] + ["9999"]
    one += [f"{y}-{m:02d}" for y in (1999, 2000, 2021, 2024, 9999) for m in range(1, 13)]
    one += [f"2021-{m}" for m in range(1, 13)]
    day = dt.date(2019, 12, 1)
    while day < dt.date(2021, 3, 2):
        one.append(day.isoformat())
        day += dt.timedelta(days=1)
    one += ["2021-3-5", "2024-02-29", "9999-12-31", "1000-01-01"]
    ranges = [f"[{a} to {b}]" for a, b in (rng.sample(one, 2) for _ in range(600))]
    ranges += [f"[{a} TO]" for a in rng.sample(one, 30)] + [f"[to {b}]" for b in one[-40:]]
    ranges += ["[2021 to 2021]", "[2021-03 to 2021-01]", "[2021-03-05 to 2021-03-04]"]
    return one + ranges


def test_a_date_clause_is_whoosh_s_date_range() -> None:
    # (the dates Whoosh's English date parser reads from the forms the lean path reads)
    read = 0
    for value in _dates():
        q = lean.parse(f"date:{value}")
        if q is None:  # only a range of one year, its ends of two precisions
            a, b = value[1:-1].replace(" TO ", " to ").split(" to ")
            assert a[:4] == b[:4] and a.count("-") != b.count("-"), value
            continue
        read += 1
        assert q[1:] == _range(f"date:{value}"), value
    assert read > 2500


def test_the_command_tries_the_lean_path_for_every_plain_query() -> None:
    assert all(lean.parse(query) is not None for query in QUERIES)
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
            column = sub.column_reader("date", translate=False)
            dates = [v if v != plain.NO_DATE else None for v in seg.dates()]
            dates += [None] * (seg.doccount - len(dates))
            assert dates == [None if v == plain.NO_DATE else v for v in column]
            assert any(v is None for v in dates) and any(dates)
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
