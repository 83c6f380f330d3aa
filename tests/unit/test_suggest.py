""""Did you mean" for a word that finds little, not only for one that finds nothing (issue 10,
item 6), on a library written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.index.config import SourceConfig, settings_for
from newsreader.index.search.results import search
from newsreader.index.store.library import Library


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("suggest")
    folder = root / "news"
    folder.mkdir()
    texts = [f"Council news {n}\n\nThe government set a budget for the harbour, but not "
             f"for the ferry.\n" for n in range(12)]
    texts.append("The governess retires\n\nA governess who taught three generations retires.\n")
    texts.append("A bat in the belfry\n\nA bat was found in the church tower.\n")
    texts.append("Minster repairs\n\nThe old minster roof needs repairs.\n")
    for n, text in enumerate(texts):
        (folder / f"{n:02}.txt").write_text(text, encoding="utf-8")
    lib = Library(settings_for([SourceConfig("news", folder)], root / "index"))
    lib.update()
    yield lib
    lib.close()


def test_a_rare_match_next_to_a_much_more_frequent_word_gets_a_suggestion(
    library: Library,
) -> None:
    # "goverment" finds the governess through the stem they share; "government" is in 12.
    results = search(library, "goverment")
    assert results.total == 1 and results.hits[0].title == "The governess retires"
    assert results.suggestion == "government"
    assert search(library, "Goverment budget").suggestion == "Government budget"


def test_a_word_that_finds_nothing_still_gets_one(library: Library) -> None:
    results = search(library, "harbuor")
    assert (results.total, results.suggestion) == (0, "harbour")


@pytest.mark.parametrize(
    "query",
    [
        "governess",  # rare, but nothing frequent is one edit away
        "bat",  # rare and "but" is everywhere, but three letters have too many neighbours
        "government",  # frequent
        "minster",  # "minister" is not in this library
    ],
)
def test_no_suggestion_where_the_word_is_fine(library: Library, query: str) -> None:
    results = search(library, query)
    assert results.total > 0 and results.suggestion is None


def test_a_suggestion_must_find_more_than_the_query(library: Library) -> None:
    # "government AND retires" finds nothing: no better than the governess it finds now.
    assert search(library, "goverment AND retires").total == 1
    assert search(library, "goverment AND retires").suggestion is None


def write_library(root: Path, counts: dict[str, int]) -> Library:
    """`n` articles about each word, indexed."""
    folder = root / "news"
    folder.mkdir()
    for word, n in counts.items():
        for i in range(n):
            (folder / f"{word}-{i:02}.txt").write_text(
                f"Report {i}\n\nThe {word} was in the news today.\n", encoding="utf-8"
            )
    lib = Library(settings_for([SourceConfig("news", folder)], root / "index"))
    lib.update()
    return lib


def test_a_word_no_article_has_as_written_is_corrected_however_many_its_stem_finds(
    tmp_path: Path,
) -> None:
    # 5 articles are past "rare" here (3), but nobody wrote "goverment": its 5 hits are the
    # governess's. "plane" finds 5 as written: a real word, kept, though "place" is in 60.
    lib = write_library(tmp_path, {"government": 60, "governess": 5, "place": 60, "plane": 5})
    try:
        results = search(lib, "goverment")
        assert (results.total, results.suggestion) == (5, "government")
        results = search(lib, "plane")
        assert (results.total, results.suggestion) == (5, None)
    finally:
        lib.close()
