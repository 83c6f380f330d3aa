"""Search: query syntax, filters, sorting, snippets as segments, malformed queries, "did you
mean", related articles, in-article highlight spans and the JSON shapes."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as windex
from whoosh.searching import Searcher

from newsreader.index.model import Article
from newsreader.index.search.query import find_problem, normalise_dates, plain_words
from newsreader.index.search.results import (
    ArticleNotFound,
    Results,
    Segment,
    did_you_mean,
    highlight_spans,
    hit_snippets,
    key_terms,
    related,
    related_json,
    search,
)
from newsreader.index.search.snippets import tokenize
from newsreader.index.store.schema import make_schema

UTC = dt.UTC

ARTICLES = [
    Article(
        id="wire/harbour-herald.txt",
        title="Northland warns of harbour blockade",
        body=(
            "The government of Northland warned on Monday that it would answer any blockade of "
            "the Port Ellery harbour.\n\n"
            '"We will not stand by while the harbour is closed," said minister Tova Renn, '
            "adding that the warning had been passed to the coastal council.\n\n"
            "Fishing crews say the dispute has already cost them a week of work."
        ),
        source="wire",
        path="/lib/wire/harbour-herald.txt",
        date=dt.datetime(2022, 3, 14, 9, 30, tzinfo=UTC),
        outlet="Harbour Herald",
        author="Ada Quill",
        url="https://herald.example/blockade",
        tags=("politics", "ports"),
    ),
    Article(
        id="wire/coastal-times.txt",
        title="Minister Renn says Northland will answer Port Ellery blockade",
        body=(
            "Northland will respond to a blockade of the Port Ellery harbour, minister Tova Renn "
            "said, in a warning delivered to the coastal council on Monday.\n\n"
            '"We shall not stand idly by while our harbour is shut," Renn told reporters.\n\n'
            "Crews at the harbour have been idle for a week."
        ),
        source="wire",
        path="/lib/wire/coastal-times.txt",
        date=dt.date(2022, 3, 15),
        outlet="Coastal Times",
        author="Bo Lind",
        url="https://times.example/renn",
        tags=("politics",),
    ),
    Article(
        id="local/tomatoes.md",
        title="Tomato growers celebrate a record harvest",
        body=(
            "Growers in the Amber Valley picked more tomatoes this summer than in any year on "
            "record.\n\nThe warm weather and a new irrigation scheme helped, growers said."
        ),
        source="local",
        path="/lib/local/tomatoes.md",
        date=dt.date(2021, 8, 2),
        outlet="Valley Gazette",
        author="Cy Moss",
        tags=("farming",),
    ),
    Article(
        id="local/marathon.md",
        title="Marathon runner breaks the course record",
        body=(
            "Running along the harbour wall, Ines Varga finished the Amber Valley marathon in "
            "two hours and nine minutes, a course record."
        ),
        source="local",
        path="/lib/local/marathon.md",
        date=dt.date(2022, 1, 10),
        outlet="Valley Gazette",
        author="Cy Moss",
        tags=("sport",),
    ),
    Article(
        id="local/keepers.md",
        title="Keepers of the old light",
        body=(
            "The lighthouse on Gull Point has a new lamp. The lighthouse crew say the lighthouse "
            "will stay open to visitors. [bold]x[/bold] and \x1b[31m red text stay as they are."
        ),
        source="local",
        path="/lib/local/keepers.md",
        date=dt.datetime(2021, 11, 3, 18, 0, tzinfo=UTC),
        outlet="Valley Gazette",
    ),
    Article(
        id="local/solar.md",
        title="Lighthouse switches to solar panels",
        body="Engineers fitted solar panels to the tower at Gull Point over the winter.",
        source="local",
        path="/lib/local/solar.md",
        date=dt.datetime(2021, 12, 1, 8, 0, tzinfo=UTC),
        outlet="Valley Gazette",
    ),
    Article(
        id="notes/undated.txt",
        title="An undated note about the harbour",
        body="A note about harbour fees with no date at all.",
        source="notes",
        path="/lib/notes/undated.txt",
    ),
]


class DirectLibrary:
    """The one thing search needs from `index.store.library.Library` (`searcher()`), over an index
    built directly; used for shapes the store does not make (several segments, odd bodies)."""

    def __init__(self, folder: Path, articles: list[Article], *, segments: int = 1) -> None:
        self.ix = windex.create_in(str(folder), make_schema())
        for k in range(segments):
            # merge=False keeps one segment per commit: exercises multi-segment readers.
            writer = self.ix.writer()
            for a in articles[k::segments]:
                writer.add_document(**document(a))
            writer.commit(merge=False)

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        with self.ix.searcher() as s:
            yield s


def document(a: Article) -> dict[str, object]:
    """Fields as the store writes them (see index.store.ingest.document)."""
    doc: dict[str, object] = {
        "id": a.id,
        "title": a.title,
        "body": a.body,
        "outlet": a.outlet,
        "author": a.author,
        "url": a.url,
        "source": a.source,
        "outlet_key": a.outlet,
        "tags": ",".join(a.tags),
        "path": a.path,
        "file_key": a.id,
        "fingerprint": "0:0",
    }
    if isinstance(a.date, dt.datetime):
        doc["date"] = a.date.astimezone(UTC).replace(tzinfo=None)
        doc["date_kind"] = "datetime"
    elif isinstance(a.date, dt.date):
        doc["date"] = dt.datetime(a.date.year, a.date.month, a.date.day)
        doc["date_kind"] = "date"
    return doc


def store_library(folder: Path, articles: list[Article]) -> object:
    """A real `index.store.Library` over files standing for `articles`: the parser is swapped
    for one that returns the Article of each file, so these tests depend only on the store."""
    import newsreader.index.parsing.articles as articles_mod
    from newsreader.index.config import SourceConfig, settings_for
    from newsreader.index.store.library import Library

    by_id = {a.id: a for a in articles}
    for a in articles:
        source, _, rel = a.id.partition("/")
        path = folder / "sources" / source / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(a.title + "\n", encoding="utf-8")

    def read(
        path: Path,
        *,
        source: str,
        root: Path,
        fmt: str | None = None,
        outlet: str = "",
        warn: object = None,
        drop_suffix: bool = False,
    ) -> list[Article]:
        return [by_id[f"{source}/{path.relative_to(root).as_posix()}"]]

    sources = sorted({a.source for a in articles})
    configs = [SourceConfig(name=s, path=folder / "sources" / s) for s in sources]
    library = Library(settings_for(configs, folder / "index"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(articles_mod, "read_articles", read)
        report = library.update()
    assert report.articles == len(articles), report
    return library


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    folder = tmp_path_factory.mktemp("library")
    try:
        library = store_library(folder, ARTICLES)
    except ImportError:  # the store or the parser is not there yet
        yield DirectLibrary(folder, ARTICLES, segments=2)
        return
    yield library
    library.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def multi(tmp_path_factory: pytest.TempPathFactory) -> DirectLibrary:
    """The fixture articles over two index segments."""
    return DirectLibrary(tmp_path_factory.mktemp("multi"), ARTICLES, segments=2)


def ids(results: Results) -> list[str]:
    return [h.id for h in results.hits]


def marked(results: Results, article_id: str) -> list[str]:
    hit = next(h for h in results.hits if h.id == article_id)
    return [s.text for s in hit.snippet if s.match]


# ---- query syntax --------------------------------------------------------------------------


def test_plain_word_finds_every_article_containing_it(lib: Any) -> None:
    r = search(lib, "harbour")
    assert set(ids(r)) == {
        "wire/harbour-herald.txt",
        "wire/coastal-times.txt",
        "local/marathon.md",
        "notes/undated.txt",
    }
    assert r.total == 4
    assert r.notice is None and r.suggestion is None
    assert r.took_ms >= 0


def test_stemmed_forms_match(lib: Any) -> None:
    r = search(lib, "warn")
    assert set(ids(r)) == {"wire/harbour-herald.txt", "wire/coastal-times.txt"}
    assert set(marked(r, "wire/harbour-herald.txt")) == {"warned", "warning"}


def test_phrase_matches_only_the_exact_sequence(lib: Any) -> None:
    assert ids(search(lib, '"stand by while"')) == ["wire/harbour-herald.txt"]
    assert search(lib, '"while stand by"').total == 0
    r = search(lib, '"coastal council"')
    assert marked(r, "wire/harbour-herald.txt") == ["coastal council"]


def test_words_are_and_by_default_and_or_widens(lib: Any) -> None:
    assert set(ids(search(lib, "harbour minister"))) == {
        "wire/harbour-herald.txt",
        "wire/coastal-times.txt",
    }
    assert set(ids(search(lib, "tomatoes OR marathon"))) == {
        "local/tomatoes.md",
        "local/marathon.md",
    }


def test_not_excludes(lib: Any) -> None:
    r = search(lib, "harbour NOT blockade")
    assert set(ids(r)) == {"local/marathon.md", "notes/undated.txt"}


def test_field_queries(lib: Any) -> None:
    assert set(ids(search(lib, "title:harbour"))) == {
        "wire/harbour-herald.txt",
        "notes/undated.txt",
    }
    assert ids(search(lib, 'outlet:"coastal times"')) == ["wire/coastal-times.txt"]
    assert ids(search(lib, "author:quill")) == ["wire/harbour-herald.txt"]
    assert set(ids(search(lib, "source:NOTES"))) == {"notes/undated.txt"}
    assert set(ids(search(lib, "tags:sport"))) == {"local/marathon.md"}


def test_phrase_on_a_field_without_positions_is_read_as_words(lib: Any) -> None:
    # Whoosh cannot run a phrase on a KEYWORD field: the words are searched, with a notice.
    r = search(lib, 'tags:"politics,ports"')
    assert r.notice is not None and "can't run it" in r.notice
    assert ids(r) == ids(search(lib, "politics ports"))


def test_date_queries(lib: Any) -> None:
    assert set(ids(search(lib, "harbour date:2022-03"))) == {
        "wire/harbour-herald.txt",
        "wire/coastal-times.txt",
    }
    assert ids(search(lib, "date:[2022-03-15 to 2022-03-31]")) == ["wire/coastal-times.txt"]
    assert ids(search(lib, "date:2022-03-14")) == ["wire/harbour-herald.txt"]
    assert set(ids(search(lib, "date:2021"))) == {
        "local/tomatoes.md",
        "local/keepers.md",
        "local/solar.md",
    }
    assert set(ids(search(lib, "date:[20211101 to 20211231]"))) == {
        "local/keepers.md",
        "local/solar.md",
    }
    # Relative dates parse (nothing here is that recent).
    r = search(lib, "date:yesterday")
    assert r.total == 0 and r.notice is None


def test_iso_dates_are_rewritten_only_inside_date_clauses() -> None:
    assert normalise_dates("date:[2021-10-01 to 2021-10-31] x") == "date:[20211001 to 20211031] x"
    assert normalise_dates("date:2021-10-01T10:30 a") == "date:202110011030 a"
    assert normalise_dates("date:2021-10") == "date:202110"
    assert normalise_dates("2021-10-01 date:2020") == "2021-10-01 date:2020"


def test_fuzzy_terms(lib: Any) -> None:
    assert ids(search(lib, "marathan~")) == ["local/marathon.md"]
    assert ids(search(lib, "tomatoe~2 harvest")) == ["local/tomatoes.md"]


def test_fuzzy_is_measured_on_words_as_written(lib: Any) -> None:
    # "irigation" stems to "irig", two edits from the stem "irrig" but one from "irrigation".
    r = search(lib, "irigation~")
    assert ids(r) == ["local/tomatoes.md"]
    assert marked(r, "local/tomatoes.md") == ["irrigation"]
    # Whoosh alone compares the stem "blockad" with unstemmed words; here "blockades~" finds
    # the word "blockade" one edit away and nothing unrelated.
    assert set(ids(search(lib, "blockades~"))) == {
        "wire/harbour-herald.txt",
        "wire/coastal-times.txt",
    }


def test_prefix_finds_longer_words_despite_stemming(lib: Any) -> None:
    # Whoosh alone would search "irrigat*" as the stem "irrig*"... and "warn*" works either way.
    assert ids(search(lib, "irrigat*")) == ["local/tomatoes.md"]
    r = search(lib, "lightho*")
    assert set(ids(r)) == {"local/keepers.md", "local/solar.md"}
    assert set(marked(r, "local/keepers.md")) == {"lighthouse"}


def test_sort_by_date_is_newest_first_with_undated_last(lib: Any) -> None:
    r = search(lib, "harbour", sort="date")
    assert ids(r) == [
        "wire/coastal-times.txt",
        "wire/harbour-herald.txt",
        "local/marathon.md",
        "notes/undated.txt",
    ]
    with pytest.raises(ValueError):
        search(lib, "harbour", sort="oldest")


def test_source_and_outlet_filters_are_case_insensitive_and_count(lib: Any) -> None:
    r = search(lib, "harbour", source="LOCAL")
    assert ids(r) == ["local/marathon.md"] and r.total == 1
    r = search(lib, "harbour", outlet="coastal times")
    assert ids(r) == ["wire/coastal-times.txt"] and r.total == 1
    r = search(lib, "harbour", source="wire", outlet="Harbour Herald")
    assert ids(r) == ["wire/harbour-herald.txt"]
    assert search(lib, "harbour", source="nowhere").total == 0


def test_multi_segment_index_gives_the_same_answers(lib: Any, multi: DirectLibrary) -> None:
    for q in ["harbour", "warn*", "lighthuose", "blockades~", '"coastal council"', "irrigat*"]:
        a, b = search(lib, q), search(multi, q)
        assert (ids(a), a.total, a.suggestion) == (ids(b), b.total, b.suggestion), q
        assert [h.snippet for h in a.hits] == [h.snippet for h in b.hits], q
    assert [h.id for h in related(lib, "wire/harbour-herald.txt")] == [
        h.id for h in related(multi, "wire/harbour-herald.txt")
    ]


def test_limit_pages_but_total_counts_everything(lib: Any) -> None:
    r = search(lib, "harbour", limit=2)
    assert len(r.hits) == 2 and r.total == 4


def test_total_counts_every_match_when_whoosh_skips_some(tmp_path: Path) -> None:
    # Whoosh's top collector skips blocks of postings that cannot make a one-hit page, and
    # for a query with a date range or a NOT it took the matches it visited for the total
    # ("harbour date:2022" said 71 of 472 on a library of this shape).
    import random

    rng = random.Random(3)
    articles = []
    for n in range(400):
        words = " ".join(f"word{rng.randrange(300)}" for _ in range(rng.randint(5, 150)))
        articles.append(
            Article(
                id=f"wire/{n:03d}.txt",
                title=("Harbour news" if rng.random() < 0.1 else "Story") + f" {n}",
                body=f"A story {words}{' harbour' * rng.randint(0, 3)}{' oil' * (n % 3 == 0)}.",
                source="wire",
                path=f"/lib/wire/{n:03d}.txt",
                date=dt.date(2022, 3, 1 + n % 9),
            )
        )
    harbour = [a for a in articles if "harbour" in (a.title + a.body).lower()]
    library = store_library(tmp_path, articles)
    try:
        for query, want in [
            ("harbour date:2022", len(harbour)),
            ("harbour date:[2022-03-01 to 2022-03-31]", len(harbour)),
            ("harbour NOT oil date:2022", sum("oil" not in a.body for a in harbour)),
            ("harbour NOT oil", sum("oil" not in a.body for a in harbour)),
        ]:
            for sort in ("relevance", "date"):
                assert search(library, query, limit=1, sort=sort).total == want, (query, sort)
    finally:
        library.close()  # type: ignore[attr-defined]


def test_title_match_ranks_above_body_mentions(lib: Any) -> None:
    # keepers.md says "lighthouse" three times in its body; solar.md has it in the title.
    assert ids(search(lib, "lighthouse"))[0] == "local/solar.md"


def test_empty_query_finds_nothing(lib: Any) -> None:
    for q in ("", "   ", "\n"):
        r = search(lib, q)
        assert r.hits == [] and r.total == 0 and r.notice is None


# ---- snippets ------------------------------------------------------------------------------


def test_snippets_are_segments_with_stemmed_matches_and_no_markup(lib: Any) -> None:
    r = search(lib, "warnings coastal")
    hit = next(h for h in r.hits if h.id == "wire/harbour-herald.txt")
    assert all(isinstance(s, Segment) for s in hit.snippet)
    assert {s.text for s in hit.snippet if s.match} == {"warned", "warning", "coastal"}
    text = "".join(s.text for s in hit.snippet)
    assert "<" not in text and "[b" not in text
    assert "\n" not in text and "  " not in text  # whitespace normalised
    assert text == text.strip()


def test_title_only_match_shows_the_start_of_the_body(lib: Any) -> None:
    r = search(lib, "title:solar")
    hit = r.hits[0]
    assert [s.match for s in hit.snippet] == [False]
    assert hit.snippet[0].text.startswith("Engineers fitted solar panels")


def test_snippet_of_a_long_body_is_short_with_fragments_joined(tmp_path: Path) -> None:
    filler = " ".join(f"word{n}" for n in range(400))
    body = f"Alpha begins here. {filler} Then beta appears. {filler} Finally gamma."
    art = Article(id="s/long", title="Long", body=body, source="s", path="/s/long")
    lib = DirectLibrary(tmp_path, [art])
    hit = search(lib, "alpha OR beta OR gamma").hits[0]
    text = "".join(s.text for s in hit.snippet)
    assert [s.text for s in hit.snippet if s.match] == ["Alpha", "beta", "gamma"]
    assert text.count(" … ") == 2
    assert len(text) < 500


def test_hostile_body_comes_back_verbatim_as_text(lib: Any) -> None:
    r = search(lib, "lighthouse visitors")
    hit = next(h for h in r.hits if h.id == "local/keepers.md")
    text = "".join(s.text for s in hit.snippet)
    assert "[bold]x[/bold] and \x1b[31m red text" in text
    assert [s.text for s in hit.snippet if s.match] == [
        "lighthouse",
        "lighthouse",
        "lighthouse",
        "visitors",
    ]


def test_snippets_can_be_skipped(lib: Any) -> None:
    r = search(lib, "harbour", snippets=False)
    assert r.total == 4 and all(h.snippet == () for h in r.hits)


# ---- malformed queries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ('"unbalanced', "unbalanced quote at position 1"),
        ('harbour "stand by', "unbalanced quote at position 9"),
        ("(harbour OR", "unmatched parenthesis at position 1"),
        ("harbour)", "unmatched parenthesis at position 8"),
        ("AND", "nothing after AND at position 1"),
        ("title:", "no value after 'title:' at position 1"),
        ("harbour OR", "nothing after OR at position 9"),
        ("[", "unmatched bracket at position 1"),
        ("harbour AND OR minister", "AND followed by OR at position 9"),
        ("OR harbour", "nothing before OR at position 1"),
        ("harbour NOT", "nothing after NOT at position 9"),
    ],
)
def test_malformed_queries_are_named(query: str, problem: str) -> None:
    assert find_problem(query) == problem


@pytest.mark.parametrize(
    "query",
    [
        "harbour",
        '"stand by"',
        "NOT harbour",
        "harbour AND NOT minister",
        "date:[2021 to 2022]",
        'title:"a b" OR (c AND d)',
        "a-b c:d",
        "date:{2021 TO]",
    ],
)
def test_well_formed_queries_have_no_problem(query: str) -> None:
    assert find_problem(query) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"harbour minister', {"wire/harbour-herald.txt", "wire/coastal-times.txt"}),
        ("(tomatoes OR", {"local/tomatoes.md"}),
        ("tomatoes OR", {"local/tomatoes.md"}),
        ("title: lighthouse", {"local/solar.md", "local/keepers.md"}),
        ("date:notadate harbour", {"local/marathon.md", "notes/undated.txt"} | {
            "wire/harbour-herald.txt", "wire/coastal-times.txt"}),
    ],
)  # fmt: skip
def test_malformed_query_degrades_to_plain_words_with_notice(
    lib: Any, query: str, expected: set[str]
) -> None:
    r = search(lib, query)
    assert r.notice is not None
    assert r.notice.startswith("Couldn't read the query (")
    assert r.notice.endswith("searched for the words instead.")
    assert set(ids(r)) == expected


@pytest.mark.parametrize("query", ["AND", "[", "title:", "OR NOT", ")", '"', "^", "((("])
def test_nothing_left_to_search_gives_a_notice_and_no_hits(lib: Any, query: str) -> None:
    r = search(lib, query)
    assert r.total == 0 and r.hits == []
    assert r.notice is not None and r.notice.startswith("Couldn't read the query")


def test_plain_words_drop_syntax_operators_and_field_names() -> None:
    assert plain_words('title:(harbour OR "port ellery") AND NOT x~2 date:[2021 TO 2022]') == [
        "harbour",
        "port",
        "ellery",
        "x",
        "2",
    ]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text())
def test_search_never_raises(lib: Any, query: str) -> None:
    r = search(lib, query, limit=3)
    assert isinstance(r, Results) and r.total >= len(r.hits)


_SYNTAX = st.text(alphabet='harbou wn*?~"()[]{}:^AND OR NOT TO date title 2021-', max_size=30)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_SYNTAX)
def test_search_and_highlight_never_raise_on_query_syntax(lib: Any, query: str) -> None:
    search(lib, query, limit=3)
    spans = highlight_spans(query, ARTICLES[0].body)
    assert spans == sorted(spans)


# ---- what the reader asks for after the hits ------------------------------------------------


@pytest.mark.parametrize(
    "query", ["harbour", "ferry OR storm", '"winter timetable"', "lighthuose", "title:Marathn"]
)
def test_snippets_and_suggestion_asked_later_are_the_searchs(lib: Any, query: str) -> None:
    # The reader shows the hits first (snippets for the rows on screen only, no suggestion)
    # and asks for the rest afterwards: it must get what one whole search gives.
    whole = search(lib, query, limit=50)
    first = search(lib, query, limit=50, snippet_limit=1, suggest=False)
    assert [(h.id, h.score) for h in first.hits] == [(h.id, h.score) for h in whole.hits]
    assert first.total == whole.total and first.suggestion is None
    assert [h.snippet for h in first.hits[:1]] == [h.snippet for h in whole.hits[:1]]
    assert all(h.snippet == () for h in first.hits[1:])
    later = hit_snippets(lib, first, [h.id for h in first.hits[1:]] + ["no/such/article"])
    assert later == {h.id: h.snippet for h in whole.hits[1:]}
    assert did_you_mean(lib, first) == whole.suggestion


# ---- did you mean --------------------------------------------------------------------------


def test_misspelled_word_gets_a_suggestion_that_finds_something(lib: Any) -> None:
    r = search(lib, "lighthuose")
    assert r.total == 0 and r.suggestion == "lighthouse"
    assert search(lib, r.suggestion).total == 2


def test_suggestion_keeps_fields_operators_and_case(lib: Any) -> None:
    r = search(lib, "title:Marathn AND runnr")
    assert r.suggestion == "title:Marathon AND runner"


def test_no_suggestion_when_nothing_is_close(lib: Any) -> None:
    r = search(lib, "xylophone")
    assert r.total == 0 and r.suggestion is None


def test_no_suggestion_when_the_corrected_query_finds_nothing(lib: Any) -> None:
    # "tomatos" is close to "tomatoes" but nothing is about tomatoes and blockades at once.
    r = search(lib, "blockade tomatos")
    assert r.total == 0 and r.suggestion is None


# ---- related -------------------------------------------------------------------------------


def test_related_excludes_itself_and_ranks_the_same_story_first(lib: Any) -> None:
    hits = related(lib, "wire/harbour-herald.txt")
    assert hits, "expected related articles"
    assert hits[0].id == "wire/coastal-times.txt"
    assert all(h.id != "wire/harbour-herald.txt" for h in hits)
    assert hits[0].outlet == "Coastal Times" and hits[0].date == dt.date(2022, 3, 15)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(related(lib, "wire/harbour-herald.txt", limit=1)) == 1


def test_related_key_terms_are_whooshs_key_terms_from_text(lib: Any, multi: Any) -> None:
    # key_terms skips Whoosh's "does any segment hold this word" lookup; the terms and their
    # weights stay Whoosh's, over one segment and two, for every article, and for words no
    # article holds.
    for library in (lib, multi):
        with library.searcher() as s:
            for n in range(s.doc_count_all()):
                f = s.stored_fields(n)
                text = " ".join([f.get("title", "")] * 3 + [f.get("body", "")])
                for number in (5, 25):
                    want = s.key_terms_from_text("body", text, numterms=number, normalize=True)
                    assert want and key_terms(s, "body", text, number) == want
            text = "zyxwvut harbour qqqq reopened"
            want = s.key_terms_from_text("body", text, numterms=25, normalize=True)
            assert [w for w, _ in want] == ["harbour"]
            assert key_terms(s, "body", text, 25) == want


def test_related_unknown_id_raises_article_not_found(lib: Any) -> None:
    with pytest.raises(ArticleNotFound) as info:
        related(lib, "wire/missing.txt")
    assert isinstance(info.value, KeyError)
    assert "wire/missing.txt" in str(info.value)


# ---- highlight spans -----------------------------------------------------------------------

TEXT = (
    "Northland warned that a blockade was coming. Warnings followed; the WARNING stood.\n"
    "Port Ellery harbour stayed shut. The port of Ellery, said Renn, would reopen."
)


def words(query: str, text: str = TEXT, field: str = "body") -> list[str]:
    spans = highlight_spans(query, text, field)
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    return [text[s:e] for s, e in spans]


def test_highlight_spans_cover_stemmed_forms_exactly() -> None:
    assert words("warn") == ["warned", "Warnings", "WARNING"]
    assert words("warnings blockade") == ["warned", "blockade", "Warnings", "WARNING"]


def test_highlight_spans_for_phrases_cover_each_occurrence_only() -> None:
    assert words('"port ellery"') == ["Port Ellery"]
    assert words('"port ellery" renn') == ["Port Ellery", "Renn"]


def test_highlight_spans_prefix_fuzzy_and_or() -> None:
    assert words("warn*") == ["warned", "Warnings", "WARNING"]
    assert words("blockad~") == ["blockade"]
    assert words("renn OR harbour") == ["harbour", "Renn"]


def test_highlight_spans_exclude_not_and_other_fields() -> None:
    assert words("warn NOT blockade") == ["warned", "Warnings", "WARNING"]
    assert words("title:warn harbour") == ["harbour"]
    assert words("outlet:harbour") == []
    assert words("title:warn", TEXT, "title") == ["warned", "Warnings", "WARNING"]
    assert words("body:warn", TEXT, "title") == []


def test_highlight_spans_of_malformed_and_empty_queries() -> None:
    assert words('"harbour shut') == ["harbour", "shut"]
    assert words("") == []
    assert words("warn", "") == []
    assert highlight_spans("warn", TEXT, "nosuchfield") == []


def test_highlight_spans_agree_with_the_index_tokeniser() -> None:
    from newsreader.index.store.schema import TEXT_ANALYZER

    text = "Ünïcode U.S. e-mail 3.5% naïve café's don't İstanbul " + ARTICLES[0].body
    slow = [
        (t.pos, t.startchar, t.endchar, t.text)
        for t in TEXT_ANALYZER(text, positions=True, chars=True, mode="index")
    ]
    assert tokenize(text, TEXT_ANALYZER) == slow


def test_highlight_spans_general_path_agrees_with_the_fast_path() -> None:
    from newsreader.index.search.snippets import _spec_for, _token_matcher, match_spans
    from newsreader.index.store.schema import TEXT_ANALYZER

    text = TEXT + " İstanbul U.S. warn-ing Port  Ellery's ports"
    for query in ["warn", '"port ellery" renn', "warn* ellery~ NOT renn", "U.S.", "w?rn*"]:
        spec = _spec_for(query, "body")
        slow = match_spans(tokenize(text, TEXT_ANALYZER), spec, _token_matcher(spec, text))
        assert highlight_spans(query, text) == slow, query


def test_highlight_spans_match_search_snippets(lib: Any) -> None:
    body = ARTICLES[0].body
    r = search(lib, "warned coastal")
    hit = next(h for h in r.hits if h.id == "wire/harbour-herald.txt")
    assert [s.text for s in hit.snippet if s.match] == words("warned coastal", body)


# ---- JSON ----------------------------------------------------------------------------------


def test_search_json_shape(lib: Any) -> None:
    data = search(lib, "harbour minister", limit=1).to_json()
    assert set(data) == {"query", "total", "took_ms", "hits", "suggestion", "notice"}
    assert data["query"] == "harbour minister" and data["total"] == 2
    (hit,) = data["hits"]
    assert set(hit) == {"id", "title", "source", "outlet", "date", "url", "score", "snippet"}
    assert hit["date"] in ("2022-03-14T09:30:00+00:00", "2022-03-15")
    assert isinstance(hit["score"], float)
    assert all(set(s) == {"text", "match"} for s in hit["snippet"])
    assert any(s["match"] for s in hit["snippet"])
    undated = search(lib, "fees").to_json()["hits"][0]
    assert undated["date"] is None


def test_related_json_shape(lib: Any) -> None:
    data = related_json("wire/harbour-herald.txt", related(lib, "wire/harbour-herald.txt"))
    assert data["id"] == "wire/harbour-herald.txt"
    first = data["hits"][0]
    assert set(first) == {"id", "title", "outlet", "date", "score"}
    assert first["date"] == "2022-03-15"


def test_search_module_imports_no_ui() -> None:
    import newsreader.index.search.results as mod

    source = Path(mod.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import) (textual|rich|tui)\b", source, re.M)
