"""The build's speed-ups change no result: an index built through the fast paths (one-pass
analysis in `index.store.schema.Text`, `whoosh.pool.CompactPool` with and without spills to run
files, the block layout of `whoosh.codec`, the multi-process writer) gives the same hits, scores,
snippets, suggestions and related articles as one built through Whoosh's own code
(`switch.ENABLED = False`)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from whoosh import query as wq

import newsreader.index.store.ingest as ingest
import newsreader.index.store.whoosh.engine as engine
import newsreader.index.store.whoosh.light as light
import newsreader.index.store.whoosh.pool as pool
from newsreader.index.config import SourceConfig, settings_for
from newsreader.index.search.results import related, search
from newsreader.index.store.library import Library
from newsreader.index.store.whoosh import patches, switch

pytestmark = pytest.mark.slow  # builds each library twice, fast and through Whoosh

_TEXT = (
    "government minister election economy market prices oil bank interest rates growth "
    "film music award festival actor director album band chart singer rugby football coach "
    "match cup world england wales chelsea arsenal club season injury phone mobile software "
    "internet users network broadband computer games console security virus email the a of "
    "to and in is was for on that with as by at from it be has are said will would could "
    "running runs ran runner economic economies economists harbour blockade council warning "
    "naïve café résumé straße"
)
WORDS = _TEXT.split()
RARE = ["kilroy", "ebbers", "yukos", "glazer", "lighthouse", "quarantine"]

QUERIES = [
    "government",
    "film",
    "economy",
    "run",
    "oil prices",
    "england rugby coach",
    '"interest rates"',
    '"prime minister"',
    '"world cup" football',
    "apple OR chelsea",
    "music OR film OR games",
    "kilroy",
    "lighthouse",
    "econom*",
    "r?n",
    "goverment~",
    "econmy~2",
    "title:election",
    "market NOT oil",
    "date:2021 music",
    "date:[2021-01-01 to 2021-06-30] film",
    # Date ranges are read from the date column: open ends and exclusive bounds too.
    "date:[2021-03-01 to] economy",
    "date:[to 2021-02-01]",
    "date:{2021-01-10 to 2021-02-10} music",
    '"england rugby coach"',
    '"the the"',
    "café",
    "straße",
    "lighthuose",
    "electoin",
    "runing",
]


def _write_corpus(folder: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    for n in range(count):
        day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(365))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize()
        paragraphs = []
        for _ in range(rng.randint(1, 5)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(5, 60))]
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words) + 1), "interest rates")
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words) + 1), "prime minister")
            if rng.random() < 0.05:
                words.append(rng.choice(RARE))
            paragraphs.append(" ".join(words).capitalize() + ".")
        # Some undated: they sort last by date, in an order of their own.
        dated = f"date: {day.isoformat()}\n" if n % 10 else ""
        text = f"---\ntitle: {title}\n{dated}---\n\n" + "\n\n".join(paragraphs)
        sub = folder / f"part{n % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"article-{n:04d}.md").write_text(text + "\n", encoding="utf-8")


def _library(corpus: Path, index_dir: Path, procs: int = 1) -> Library:
    return Library(settings_for([SourceConfig("corpus", corpus)], index_dir), procs=procs)


def _build(corpus: Path, index_dir: Path, *, fast: bool, procs: int = 1) -> Library:
    old = switch.ENABLED
    switch.ENABLED = fast
    try:
        lib = _library(corpus, index_dir, procs)
        report = lib.update(warn=lambda message: None)
        assert report.articles > 0
        return lib
    finally:
        switch.ENABLED = old


def _update(lib: Library, *, fast: bool) -> None:
    old = switch.ENABLED
    switch.ENABLED = fast
    try:
        lib.update(warn=lambda message: None)
    finally:
        switch.ENABLED = old


def _answers(
    lib: Library,
    *,
    limit: int = 20,
    ordered: bool = True,
    digits: int | None = 6,
    fast: bool = True,
) -> list[object]:
    """Every query's hits, totals, snippets and suggestions, and related articles; with
    `fast=False` through Whoosh's matchers rather than `index.store.whoosh.engine`."""
    old = switch.ENABLED
    switch.ENABLED = fast
    try:
        return _answers_now(lib, limit, ordered, digits)
    finally:
        switch.ENABLED = old


def _answers_now(lib: Library, limit: int, ordered: bool, digits: int | None) -> list[object]:
    out: list[object] = []
    for q in QUERIES:
        for sort in ("relevance", "date"):
            results = search(lib, q, limit=limit, sort=sort)
            hits = [
                (h.id, _rounded(h.score, digits), tuple((s.text, s.match) for s in h.snippet))
                for h in results.hits
            ]
            if not ordered:
                hits.sort()
            out.append((q, sort, results.total, hits, results.suggestion, results.notice))
    with lib.searcher() as s:
        ids = sorted(fields["id"] for fields in s.all_stored_fields())[::17]
    for article_id in ids:
        hits = [(h.id, _rounded(h.score, digits)) for h in related(lib, article_id, limit=8)]
        out.append(("related", article_id, hits if ordered else sorted(hits)))
    return out


def _rounded(score: float, digits: int | None) -> float:
    return score if digits is None else round(score, digits)


def _same(got: list[object], want: list[object]) -> None:
    """Compare answer by answer, naming the first that differs."""
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert a == b, f"{str(a)[:1500]}\n!=\n{str(b)[:1500]}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    _write_corpus(folder, 160, seed=7)
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Library:
    return _build(corpus, tmp_path_factory.mktemp("reference") / "index", fast=False)


def test_reference_path_is_whoosh(reference: Library) -> None:
    # The reference index really went through Whoosh's pool: its spelling postings are one
    # per article (the fast pool keeps one per word with the count as weight).
    with reference.searcher() as s:
        reader = s.reader()
        word = next(w for w in ("the", "a", "of") if reader.doc_frequency("spell_body", w))
        assert reader.doc_frequency("spell_body", word) == reader.frequency("spell_body", word)
        assert reader.doc_frequency("spell_body", word) > 1


def test_fast_build_gives_the_same_answers(
    corpus: Path, reference: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _build(corpus, tmp_path / "index", fast=True)
    ran: list[str] = []
    top = engine.top

    def counted(searcher: object, q: object, **kwargs: object) -> object:
        found = top(searcher, q, **kwargs)  # type: ignore[arg-type]
        if switch.ENABLED:
            ran.append(type(q).__name__ if found is not None else "whoosh")
        return found

    monkeypatch.setattr(engine, "top", counted)
    _same(_answers(fast), _answers(reference, fast=False))
    # index.store.whoosh.engine answered the plain, phrase, NOT, prefix and related queries itself.
    assert ran.count("whoosh") < len(ran) / 4
    assert {"Or", "And", "_ArrayOr"} <= set(ran)
    with fast.searcher() as s, reference.searcher() as r:
        for field in ("spell_body", "spell_title", "body", "title"):
            assert list(s.reader().lexicon(field)) == list(r.reader().lexicon(field))
        for word in (b"the", b"economy", b"interest"):
            assert s.reader().frequency("spell_body", word) == r.reader().frequency(
                "spell_body", word
            )


def test_the_engines_term_cache_changes_no_answer(
    corpus: Path, reference: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decoded postings are kept per segment between queries (typing repeats words): answers
    # asked again, from the cache, and with a cache so small that it keeps dropping entries,
    # are Whoosh's.
    fast = _build(corpus, tmp_path / "index", fast=True)
    want = _answers(reference, fast=False)
    engine._TERMS.clear()
    _same(_answers(fast), want)
    with fast.searcher() as s:
        segments = {leaf.reader().segment().segment_id() for leaf, _ in s.leaf_searchers()}
    kinds = {key[1] for key in engine._TERMS._entries if key[0] in segments}
    assert kinds == {"ids", "positions"}
    _same(_answers(fast), want)
    monkeypatch.setattr(engine._TermCache, "BYTES", 64 << 10)
    engine._TERMS.clear()
    _same(_answers(fast), want)
    assert 0 < engine._TERMS._size <= 64 << 10


def test_date_ranges_from_the_column_are_whooshs_term_ranges(reference: Library) -> None:
    # Bounds the query syntax cannot write (exclusive ones), on a day that has articles.
    with reference.searcher() as s:
        days = sorted({f["date"] for f in s.all_stored_fields() if f.get("date")})
        mid, late = days[len(days) // 3], days[2 * len(days) // 3]
        for start, end in ((mid, late), (None, mid), (mid, None), (late, mid), (mid, mid)):
            for startexcl, endexcl in ((False, False), (True, False), (False, True), (True, True)):
                q = wq.DateRange("date", start, end, startexcl=startexcl, endexcl=endexcl)
                want = sorted(s.docs_for_query(q))
                found = engine.top(s, q, limit=10_000)
                assert found is not None
                assert sorted(d for d, _ in found[1]) == want, (start, end, startexcl, endexcl)
                assert found[0] == len(want)


def test_the_python_engine_gives_the_numpy_engines_answers(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # store.whoosh.light (what a process without numpy, the CLI, runs first): the same hits,
    # totals, snippets, suggestions and related articles as the numpy engine, scores to the
    # last bit (and so as Whoosh's own code, which the tests above hold the numpy engine to),
    # over an index with deleted documents.
    import shutil

    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder)
    fast = _build(folder, tmp_path / "index", fast=True)
    files = sorted(folder.rglob("*.md"))
    files[5].write_text(files[5].read_text(encoding="utf-8") + "\nOil prices, again.\n")
    files[11].unlink()
    _update(fast, fast=True)
    with fast.searcher() as s:
        assert s.reader().has_deletions()
    numpy_answers = _answers(fast, digits=None)
    ran: list[str] = []
    top = light.top

    def counted(searcher: object, q: object, **kwargs: object) -> object:
        found = top(searcher, q, **kwargs)  # type: ignore[arg-type]
        ran.append(type(q).__name__ if found is not None else "numpy")
        return found

    phrases: list[object] = []
    phrase = light._Segment.phrase

    def counted_phrase(self: light._Segment, q: object) -> object:
        phrases.append(q)
        return phrase(self, q)  # type: ignore[arg-type]

    monkeypatch.setattr(light, "top", counted)
    monkeypatch.setattr(light._Segment, "phrase", counted_phrase)
    monkeypatch.setattr(light, "MODE", "always")
    _same(_answers(fast, digits=None), numpy_answers)
    assert ran.count("numpy") == 0 and {"Or", "And", "_ArrayOr"} <= set(ran) and phrases
    # Over its budget it hands the query to numpy's engine: the same answers again.
    ran.clear()
    monkeypatch.setattr(light, "BUDGET", 50)
    _same(_answers(fast, digits=None), numpy_answers)
    assert "numpy" in ran and len(set(ran)) > 1


def test_fast_build_with_spills_gives_the_same_answers(
    corpus: Path, reference: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 1 MB pool that thinks each posting takes 20 kB spills every ~50 postings: hundreds of
    # run files merged term by term.
    monkeypatch.setattr(ingest, "WRITER_LIMIT_MB", 1)
    monkeypatch.setattr(pool.CompactPool, "POSTING_BYTES", 20_000)
    spilled: list[int] = []
    original = pool.CompactPool.save

    def save(self: pool.CompactPool) -> None:
        spilled.append(1)
        original(self)

    monkeypatch.setattr(pool.CompactPool, "save", save)
    fast = _build(corpus, tmp_path / "index", fast=True)
    assert len(spilled) > 100
    _same(_answers(fast), _answers(reference, fast=False))


def test_incremental_updates_give_the_same_answers(corpus: Path, tmp_path: Path) -> None:
    # Changed, added and deleted files, several commits: segments merged through add_reader
    # into the pool.
    import shutil

    results = []
    for fast in (False, True):
        folder = tmp_path / f"corpus-{fast}"
        shutil.copytree(corpus, folder)
        lib = _build(folder, tmp_path / f"index-{fast}", fast=fast)
        for step in range(3):
            _write_corpus(folder / f"more{step}", 12, seed=100 + step)
            victim = sorted(folder.rglob("*.md"))[step * 5]
            victim.write_text(victim.read_text(encoding="utf-8") + "\nKilroy was here.\n")
            sorted(folder.rglob("*.md"))[step * 7 + 1].unlink()
            _update(lib, fast=fast)
        results.append(_answers(lib, limit=500, ordered=False, fast=fast))
    _same(results[1], results[0])


def test_parallel_build_gives_the_same_answers(
    corpus: Path, reference: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two spawned sub-writers (they import the fast paths themselves): usually two segments, so
    # tied scores may come in another order: compare whole result sets. (The first process
    # started may take every job before the second has imported Whoosh; one that got none
    # commits no segment, so the processes are counted, not the segments.)
    monkeypatch.setattr(ingest, "MP_MIN_FILES", 10)
    started: list[ingest._SpawnedSubWriter] = []
    start = ingest._SpawnedSubWriter.start

    def counted_start(task: ingest._SpawnedSubWriter) -> None:
        started.append(task)
        start(task)

    monkeypatch.setattr(ingest._SpawnedSubWriter, "start", counted_start)
    fast = _build(corpus, tmp_path / "index", fast=True, procs=2)
    assert len(started) == 2
    got = _answers(fast, limit=500, ordered=False, digits=None)
    want = _answers(reference, limit=500, ordered=False, digits=None, fast=False)
    # Scores are sums over two segments in another order: equal up to float rounding.
    _same(_without_scores(got), _without_scores(want))
    assert _scores(got) == pytest.approx(_scores(want), rel=1e-9)


def _without_scores(answers: list[object]) -> list[object]:
    return [_map_hits(a, lambda hit: (hit[0], *hit[2:])) for a in answers]


def _scores(answers: list[object]) -> list[float]:
    out: list[float] = []
    for a in answers:
        _map_hits(a, lambda hit: out.append(hit[1]))
    return out


def _map_hits(answer: object, f: Callable[[tuple[object, ...]], object]) -> object:
    """`answer` (one item of `_answers`) with `f` applied to each of its hits."""
    assert isinstance(answer, tuple)
    if answer[0] == "related":
        return (*answer[:2], [f(h) for h in answer[2]])
    return (*answer[:3], [f(h) for h in answer[3]], *answer[4:])


def test_in_memory_field_lengths_equal_whoosh(reference: Library) -> None:
    with reference.searcher() as s:
        for sub, _offset in s.reader().leaf_readers():
            perdoc = sub._perdoc
            for field in ("title", "body", "outlet", "id", "spell_body", "nope"):
                for docnum in range(sub.doc_count_all() + 1):
                    assert patches._doc_field_length(
                        perdoc, docnum, field
                    ) == patches._original_doc_field_length(perdoc, docnum, field)


def test_totals_are_whoosh_full_counts(corpus: Path, tmp_path: Path) -> None:
    # On an index with deleted documents (a changed and a deleted file), with and without a
    # filter, through the engine and through Whoosh's matchers: the total is what Whoosh
    # counts collecting every match (limit=None).
    import shutil

    from whoosh import query as wq

    from newsreader.index.search.query import prepare

    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder)
    lib = _build(folder, tmp_path / "index", fast=True)
    files = sorted(folder.rglob("*.md"))
    files[3].write_text(files[3].read_text(encoding="utf-8") + "\nMore words.\n")
    files[9].unlink()
    _update(lib, fast=True)
    with lib.searcher() as s:
        assert s.reader().has_deletions()
        for text in [*QUERIES, "economy OR music OR film", "oil AND NOT prices", "the"]:
            q = prepare(text).query
            assert q is not None
            for source in (None, "corpus", "other"):
                filters = None if source is None else wq.Term("source", source)
                want = len(s.search(q, limit=None, filter=filters))
                for fast in (True, False):
                    switch.ENABLED = fast
                    try:
                        for sort in ("relevance", "date"):
                            got = search(lib, text, limit=3, source=source, sort=sort).total
                            assert got == want, (text, source, fast, sort)
                    finally:
                        switch.ENABLED = True


def test_snippets_from_the_texts_equal_snippets_from_the_postings(
    reference: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A prefix that expands to many words takes its snippet tokens from the hits' texts
    # analysed again rather than from every word's postings: the same segments.
    import newsreader.index.search.snippets as snippets

    def answers() -> list[object]:
        out: list[object] = []
        for text in [*QUERIES, "e*", "c* OR m*"]:
            hits = search(reference, text, limit=50).hits
            out.append([(h.id, h.snippet) for h in hits])
        return out

    from_postings = answers()
    monkeypatch.setattr(snippets, "POSTINGS_WORDS_MAX", 0)
    assert answers() == from_postings
    assert any(hits for hits in from_postings)
