"""BM25's statistics under concurrent commits and in degenerate index states.

Whoosh's idf is `log(N / (df + 1)) + 1` with N every document of the searcher's generation,
deleted ones included, and df the term's postings (deleted documents' too). In one generation
N >= df >= 1 whenever a term is scored, so the logarithm's argument is positive; a searcher
holds one generation whatever is committed meanwhile (checked here across merging commits with
deletions, both query engines and Whoosh's matchers, scores to the last bit). The edges are
searched too: a term whose documents are all deleted, every document deleted, segments of no
documents, no document at all (N = 0: an idf asked for any word there is log(0), what snippets
did through Searcher.postings; see index.search.snippets.matched_tokens).

A table of contents counting fewer documents than its postings hold is not a state a writer
makes: a search reports it as a damaged index.
"""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as windex
from whoosh import query as wq
from whoosh.index import TOC, FileIndex
from whoosh.searching import Searcher
from whoosh.writing import NO_MERGE, OPTIMIZE

from newsreader.index.search.query import prepare
from newsreader.index.search.results import search
from newsreader.index.store import ingest
from newsreader.index.store.lock import StoreError
from newsreader.index.store.schema import make_schema
from newsreader.index.store.whoosh import codec, engine, light

# (title, body) of each article; words chosen so that one word lives in one segment only.
ARTICLES = [
    ("Harbour closed by storm", "The harbour of Port Ellery closed as the storm came in."),
    ("Ferry crews wait", "Ferry crews waited at the harbour for the storm to pass."),
    ("Council meets", "The council met on the harbour front about the ferry timetable."),
    ("Lighthouse keeper retires", "The lighthouse keeper retired after forty years."),
    ("Lighthouse lamp restored", "Volunteers restored the lighthouse lamp by the harbour."),
    ("Storm warning", "A storm warning was given for the coast and the harbour."),
    ("Market day", "The market returned to the square after the storm."),
    ("Fish prices", "Fish prices rose at the harbour market."),
    ("School trip", "The school trip to the lighthouse was put off by the storm."),
]
SEGMENTS = [(0, 3), (3, 5), (5, 9)]  # "lighthouse" in the second segment and the last one
QUERIES = [
    "harbour",
    "lighthouse",
    "storm harbour",
    "lighthouse OR market",
    '"harbour market"',
    "harbour NOT storm",
    "light*",
    "lighthuose~",
    "title:lighthouse",
]


def _fields(n: int, title: str, body: str) -> dict[str, Any]:
    key = f"news/a{n}.txt"
    return {"id": key, "title": title, "body": body, "source": "news", "file_key": key}


def _build(
    folder: Path, articles: list[tuple[int, str, str]], segments: list[tuple[int, int]]
) -> FileIndex:
    """An index of `articles` in the store's layout (index.store.whoosh.codec), one commit per
    (start, end) slice of `segments` and no merging: one segment each."""
    ix = windex.create_in(str(folder), make_schema())
    for start, end in segments:
        writer = ingest.open_writer(ix, procs=1)
        for n, title, body in articles[start:end]:
            writer.add_document(**_fields(n, title, body))
        writer.commit(mergetype=NO_MERGE)
    return ix


def _numbered() -> list[tuple[int, str, str]]:
    return [(n, t, b) for n, (t, b) in enumerate(ARTICLES)]


def _delete(ix: FileIndex, numbers: list[int], *, mergetype: Any = NO_MERGE) -> None:
    writer = ingest.open_writer(ix, procs=1)
    for n in numbers:
        writer.delete_by_term("id", f"news/a{n}.txt")
    writer.commit(mergetype=mergetype)


def _answers(s: Searcher, text: str) -> tuple[Any, Any, list[tuple[int, float]]]:
    """(light engine's, numpy engine's, Whoosh's matchers') (total, [(docnum, score)])."""
    q = prepare(text).query
    assert q is not None
    by_light = light.top(s, q, limit=20)
    by_numpy = engine.top(s, q, limit=20)
    hits = s.search(q, limit=None)
    by_whoosh = [(h.docnum, float(h.score or 0.0)) for h in hits]
    return by_light, by_numpy, by_whoosh


def _agree(s: Searcher, text: str) -> tuple[int, list[tuple[int, float]]]:
    """The three answers, checked to agree: light and numpy to the last bit, Whoosh's matchers
    up to the order its additions are made in."""
    by_light, by_numpy, by_whoosh = _answers(s, text)
    assert by_light is not None and by_numpy is not None, text
    assert by_light == by_numpy, text
    total, hits = by_numpy
    assert total == len(by_whoosh), text
    assert sorted(d for d, _ in hits) == sorted(d for d, _ in by_whoosh), text
    whoosh_scores = dict(by_whoosh)
    for docnum, score in hits:
        assert score == pytest.approx(whoosh_scores[docnum], rel=1e-12), text
    return total, hits


def _statistics(s: Searcher, fieldname: str, word: bytes) -> tuple[int, int, float, float]:
    """(N, df, average field length, idf) as BM25 reads them, idf recomputed (not cached)."""
    return (
        s.doc_count_all(),
        s.doc_frequency(fieldname, word),
        s.avg_field_length(fieldname),
        s.weighting.idf(s, fieldname, word),
    )


class _Library:
    """What `index.search.results.search` needs of a Library (`searcher()`), over `ix`."""

    def __init__(self, ix: FileIndex) -> None:
        self.ix = ix

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        with self.ix.searcher() as s:
            yield s


def test_a_searcher_keeps_its_generations_statistics_through_merging_commits(
    tmp_path: Path,
) -> None:
    ix = _build(tmp_path, _numbered(), SEGMENTS)
    held = ix.searcher()
    assert [sub.doc_count_all() for sub, _ in held.reader().leaf_readers()] == [3, 2, 4]
    before = {text: _agree(held, text) for text in QUERIES}
    stats = {w: _statistics(held, "body", w) for w in (b"harbour", b"lighthous", b"storm")}
    files_before = set(ix.storage.list())

    # Another writer deletes every document of the second segment ("lighthouse" is left in
    # one), adds two, and merges all segments into one; its commit deletes the old segment
    # files. Then once more, deleting from the merged segment without merging.
    writer = ingest.open_writer(ix, procs=1)
    for n in (3, 4, 0):
        writer.delete_by_term("id", f"news/a{n}.txt")
    writer.add_document(**_fields(9, "Harbour reopens", "The harbour reopened after the storm."))
    writer.add_document(**_fields(10, "Harbour fees", "Harbour fees rise for the ferry."))
    writer.commit(mergetype=OPTIMIZE)
    _delete(ix, [1, 2])
    assert not files_before & {n for n in ix.storage.list() if not n.startswith("_")}

    # The held searcher still reads its own generation: the same numbers, the same hits and
    # scores to the last bit, in both engines and in Whoosh's matchers.
    for text in QUERIES:
        assert _agree(held, text) == before[text], text
    assert {w: _statistics(held, "body", w) for w in stats} == stats

    # A new searcher reads the new generation's numbers, all from it.
    with ix.searcher() as now:
        assert [sub.doc_count_all() for sub, _ in now.reader().leaf_readers()] == [8]
        assert now.doc_count() == 6
        n, df, avgfl, idf = _statistics(now, "body", b"harbour")
        assert (n, df) == (8, 6)  # 1 and 2, deleted, count in both, as Whoosh has them
        assert avgfl > 0 and idf > 0
        for text in QUERIES:
            _agree(now, text)
    held.close()


def test_a_term_whose_documents_are_all_deleted_scores_nothing(tmp_path: Path) -> None:
    ix = _build(tmp_path, _numbered(), SEGMENTS)
    _delete(ix, [3, 4, 8])  # every article with "lighthouse"
    with ix.searcher() as s:
        n, df, _, idf = _statistics(s, "body", b"lighthous")
        assert (n, df) == (9, 3) and idf > 0  # the postings are still there, as N counts them
        assert _agree(s, "lighthouse") == (0, [])
        assert _agree(s, "title:lighthouse") == (0, [])
        market = _agree(s, "market")
        either = _agree(s, "lighthouse OR market")
        assert [d for d, _ in either[1]] == [d for d, _ in market[1]]
    assert search(_Library(ix), "lighthouse").total == 0


def test_every_document_deleted_finds_nothing_and_raises_nothing(tmp_path: Path) -> None:
    ix = _build(tmp_path, _numbered(), SEGMENTS)
    _delete(ix, list(range(len(ARTICLES))))
    with ix.searcher() as s:
        assert s.doc_count() == 0 and s.doc_count_all() == 9
        for text in QUERIES:
            assert _agree(s, text) == (0, []), text
    for text in QUERIES:
        assert search(_Library(ix), text).total == 0


def test_segments_without_documents_are_searched_like_any_other(tmp_path: Path) -> None:
    ix = _build(tmp_path, _numbered(), SEGMENTS)

    def merge_second(writer: Any, segments: list[Any]) -> list[Any]:
        # Merges the second segment alone (all its documents deleted below): the commit keeps
        # a segment of 0 documents, as Whoosh does when it merges deleted documents away.
        from whoosh.reading import SegmentReader

        reader = SegmentReader(writer.storage, writer.schema, segments[1])
        writer.add_reader(reader)
        reader.close()
        return [segments[0], segments[2]]

    _delete(ix, [3, 4], mergetype=merge_second)
    with ix.searcher() as s:
        assert sorted(sub.doc_count_all() for sub, _ in s.reader().leaf_readers()) == [0, 3, 4]
        assert _agree(s, "lighthouse")[0] == 1
        for text in QUERIES:
            _agree(s, text)

    # Every document deleted and merged away: segments remain, N is 0 and no term is left,
    # so nothing is scored (the logarithm's argument would be 0).
    _delete(ix, [0, 1, 2, 5, 6, 7, 8], mergetype=OPTIMIZE)
    with ix.searcher() as s:
        assert s.doc_count_all() == 0
        for text in QUERIES:
            assert _agree(s, text) == (0, []), text
    for text in QUERIES:
        assert search(_Library(ix), text).total == 0


def test_a_table_of_contents_counting_fewer_documents_than_its_postings_is_damage(
    tmp_path: Path,
) -> None:
    # N = 0 with postings present: log(0 / (df + 1)) when they are scored. No writer makes
    # this state; a damaged or hand-edited table of contents does, and a search reports it as
    # a damaged index with the way out, never a traceback.
    ix = _build(tmp_path, _numbered(), [(0, len(ARTICLES))])
    toc = TOC.read(ix.storage, ix.indexname)
    for segment in toc.segments:
        segment.set_doc_count(0)
    TOC(toc.schema, toc.segments, toc.generation + 1).write(ix.storage, ix.indexname)
    with ix.searcher() as s:
        assert s.doc_count_all() == 0 and ("body", b"harbour") in s.reader()
        q = wq.Term("body", "harbour")
        for top in (light.top, engine.top):
            with pytest.raises(ValueError, match="math domain error"):
                top(s, q, limit=5)
    with pytest.raises(StoreError, match=r"cannot read the index .*--rebuild"):
        search(_Library(ix), "harbour")


def test_long_posting_lists_and_wide_ors_score_as_whooshs_matchers(tmp_path: Path) -> None:
    # Posting lists of several 128-posting blocks, with and without stored weights (a word
    # once in every article, a word twice in some), read whole by codec.term_ids_weights;
    # ORs over many of a segment's documents (added up in an array over the segment) and
    # over few (merged): both engines and Whoosh's matchers, the same answers.
    articles = [
        (
            n,
            f"Report {n}",
            f"The harbour log {n}. "
            + ("Storm and storm again. " if n % 2 == 0 else "")
            + ("A lighthouse beam. " if n % 97 == 0 else "")
            + f"Entry w{n}x.",
        )
        for n in range(700)
    ]
    ix = _build(tmp_path, articles, [(0, 400), (400, 700)])
    with ix.searcher() as s:
        assert s.doc_frequency("body", b"harbour") == 700
        for text, expected in (
            ("harbour", 700),
            ("storm", 350),
            ("harbour OR storm", 700),
            ("lighthouse OR w5x OR w450x", 10),
        ):
            by_light, by_numpy, by_whoosh = _answers(s, text)
            assert by_light is not None and by_light == by_numpy, text
            assert by_numpy[0] == len(by_whoosh) == expected, text
            whoosh_scores = dict(by_whoosh)
            best = sorted(whoosh_scores.values(), reverse=True)[: len(by_numpy[1])]
            assert [score for _, score in by_numpy[1]] == pytest.approx(best, rel=1e-12), text
            for docnum, score in by_numpy[1]:
                assert score == pytest.approx(whoosh_scores[docnum], rel=1e-12), text
        for leaf, _ in s.leaf_searchers():
            segment = leaf.reader()
            for word in (b"harbour", b"storm"):  # weights all 1 (none stored), weights of 2
                ids, weights = codec.term_ids_weights(segment, "body", word)
                m = segment.postings("body", word)
                by_matcher = []
                while m.is_active():
                    by_matcher.append((m.id(), m.weight()))
                    m.next()
                assert len(by_matcher) > 128
                assert list(zip(array("I", ids), array("f", weights), strict=True)) == by_matcher
