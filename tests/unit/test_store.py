"""The index: incremental updates, rebuilds, the write lock, damage recovery and the reads.

Most tests swap `index.parsing.read_articles` for a tiny parser (first line = title, the rest
= body; a file starting with "BAD" raises ArticleError) so they test the store, not the parser's
heuristics; a few run the real parser end to end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

import pytest

import newsreader.index.parsing.articles as articles
import newsreader.index.store.library as store_library
from newsreader.index.config import SourceConfig, settings_for
from newsreader.index.model import Article
from newsreader.index.search.results import search
from newsreader.index.store import ingest
from newsreader.index.store.library import (
    ArticleRow,
    IndexBusy,
    Library,
    Progress,
    SourceCount,
    StoreError,
)
from newsreader.index.store.lock import WriteLock
from newsreader.index.store.schema import SCHEMA_VERSION

UTC = dt.UTC


class FakeParser:
    """Stands in for `read_articles`; counts the files it reads. `extra` maps a file name to
    the Articles it should give instead of parsing it."""

    def __init__(self) -> None:
        self.reads: list[str] = []
        self.extra: dict[str, list[Article]] = {}

    def __call__(
        self,
        path: Path,
        *,
        source: str,
        root: Path,
        fmt: str | None = None,
        outlet: str = "",
        warn: object = None,
        drop_suffix: bool = False,
    ) -> list[Article]:
        self.reads.append(path.name)
        if path.name in self.extra:
            return self.extra[path.name]
        text = path.read_text(encoding="utf-8")
        if text.startswith("BAD"):
            raise articles.ArticleError(f"{path}: not an article (test)")
        title, _, body = text.partition("\n")
        ident = f"{source}/{path.relative_to(root).as_posix()}"
        return [Article(ident, title.strip(), body.strip(), source, str(path), outlet=outlet)]


@pytest.fixture
def parser(monkeypatch: pytest.MonkeyPatch) -> FakeParser:
    fake = FakeParser()
    monkeypatch.setattr(articles, "read_articles", fake)
    return fake


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rewrite(path: Path, text: str) -> None:
    """Change a file so its fingerprint surely changes (size and mtime)."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


@pytest.fixture
def lib_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    write(folder / "a.txt", "Alpha title\nAlpha body about elections.\n")
    write(folder / "b.txt", "Beta title\nBeta body about football.\n")
    write(folder / "sub" / "c.txt", "Gamma title\nGamma body about markets.\n")
    return folder


def make_library(tmp_path: Path, *sources: SourceConfig, **kwargs: object) -> Library:
    settings = settings_for(list(sources), tmp_path / "index")
    return Library(settings, workers=0, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def library(tmp_path: Path, lib_dir: Path) -> Library:
    return make_library(tmp_path, SourceConfig("news", lib_dir, outlet="Daily"))


def ids(library: Library) -> list[str]:
    return sorted(row.id for row in library.list_articles())


def all_ids_in_index(library: Library) -> list[str]:
    """Every live document id, duplicates included."""
    with library.searcher() as s:
        return sorted(fields["id"] for fields in s.all_stored_fields())


# ---- incremental updates --------------------------------------------------------------------


def test_first_update_indexes_every_file(library: Library, parser: FakeParser) -> None:
    report = library.update()
    assert (report.added, report.changed, report.deleted, report.unchanged) == (3, 0, 0, 0)
    assert report.articles == 3 and report.skipped == 0 and report.warnings == []
    assert report.rebuilt is None and not report.cancelled
    assert library.exists()
    assert library.count() == 3
    assert ids(library) == ["news/a.txt", "news/b.txt", "news/sub/c.txt"]


def test_second_run_reads_no_article_file(library: Library, parser: FakeParser) -> None:
    library.update()
    parser.reads.clear()
    report = library.update()
    assert parser.reads == []
    assert (report.added, report.changed, report.deleted, report.unchanged) == (0, 0, 0, 3)
    assert library.count() == 3


def test_changed_file_is_replaced_not_duplicated(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    library.update()
    rewrite(lib_dir / "b.txt", "Beta rewritten\nNew body about tennis.\n")
    parser.reads.clear()
    report = library.update()
    assert parser.reads == ["b.txt"]
    assert (report.added, report.changed, report.deleted, report.unchanged) == (0, 1, 0, 2)
    assert all_ids_in_index(library) == ["news/a.txt", "news/b.txt", "news/sub/c.txt"]
    article = library.get("news/b.txt")
    assert article is not None and article.title == "Beta rewritten"
    with library.searcher() as s:
        from whoosh.query import Term

        assert len(s.search(Term("body", "footbal"), limit=None)) == 0


def test_deleted_file_is_removed(library: Library, parser: FakeParser, lib_dir: Path) -> None:
    library.update()
    (lib_dir / "sub" / "c.txt").unlink()
    report = library.update()
    assert (report.added, report.changed, report.deleted, report.unchanged) == (0, 0, 1, 2)
    assert all_ids_in_index(library) == ["news/a.txt", "news/b.txt"]
    assert library.get("news/sub/c.txt") is None


def test_new_file_is_added(library: Library, parser: FakeParser, lib_dir: Path) -> None:
    library.update()
    write(lib_dir / "d.md", "Delta\nA new one.\n")
    parser.reads.clear()
    report = library.update()
    assert parser.reads == ["d.md"]
    assert (report.added, report.changed, report.deleted, report.unchanged) == (1, 0, 0, 3)
    assert library.count() == 4


@pytest.mark.parametrize("sources", [1, 2])
def test_one_update_finds_an_edit_a_touch_a_new_file_and_a_deletion(
    tmp_path: Path, lib_dir: Path, parser: FakeParser, sources: int
) -> None:
    """What an update compares (every file's mtime and size against the index's) finds each
    kind of change at once, with one source or several (a re-scan that changed nothing is
    decided by comparing the two whole dicts: a shortcut that must miss nothing)."""
    other = tmp_path / "other"
    write(other / "x.txt", "Other title\nOther body.\n")
    configs = [SourceConfig("news", lib_dir), SourceConfig("other", other)][:sources]
    library = make_library(tmp_path, *configs)
    library.update()
    edited, touched = lib_dir / "a.txt", lib_dir / "b.txt"
    before = edited.stat()
    edited.write_text("Alpha title\nAlpha body about electionz.\n", encoding="utf-8")
    assert edited.stat().st_size == before.st_size  # the same size: only the mtime says so
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 1))
    write(lib_dir / "d.md", "Delta\nA new one.\n")
    (lib_dir / "sub" / "c.txt").unlink()
    parser.reads.clear()
    report = library.update()
    assert parser.reads == ["a.txt", "b.txt", "d.md"]
    assert (report.added, report.changed, report.deleted) == (1, 2, 1)
    assert report.unchanged == sources - 1
    expected = ["news/a.txt", "news/b.txt", "news/d.md", "other/x.txt"][: 2 + sources]
    assert all_ids_in_index(library) == expected
    article = library.get("news/a.txt")
    assert article is not None and "electionz" in article.body
    # One change alone, the same files still there: a touch by a nanosecond, then an edit.
    for path, more in ((touched, 1), (lib_dir / "d.md", 1_000_000_000)):
        if more > 1:
            path.write_text("Delta\nA new two.\n", encoding="utf-8")  # the same size
        now = path.stat()
        os.utime(path, ns=(now.st_atime_ns, now.st_mtime_ns + more))
        parser.reads.clear()
        report = library.update()
        assert parser.reads == [path.name] and report.changed == 1
    parser.reads.clear()
    again = library.update()
    assert parser.reads == [] and again.unchanged == 2 + sources
    assert (again.added, again.changed, again.deleted) == (0, 0, 0)


def test_read_indexed_is_whooshs_own_column_reading(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    """The bulk column read gives what Whoosh's column readers give, document by document,
    over several segments, one with deleted documents, and a non-ASCII key."""
    library.update()
    write(lib_dir / "é" / "d.txt", "Delta\nA new one.\n")
    rewrite(lib_dir / "b.txt", "Beta rewritten\nNew body about tennis.\n")
    library.update()
    (lib_dir / "a.txt").unlink()
    library.update()
    ix = library._index()
    with ix.reader() as reader:
        leaves = [sub for sub, _ in reader.leaf_readers()]
        assert len(leaves) > 1 and any(sub.has_deletions() for sub in leaves)
        keys, fps = reader.column_reader("file_key"), reader.column_reader("fingerprint")
        expected = {keys[d]: fps[d] for d in reader.all_doc_ids()}
    assert ingest.read_indexed(ix) == expected
    assert len(expected) == 3 and any("é" in key for key in expected)


def test_a_file_with_fewer_entries_loses_the_old_ones(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    path = write(lib_dir / "feed.jsonl", "x\n")

    def entries(n: int) -> list[Article]:
        return [
            Article(f"news/feed.jsonl#{i}", f"Entry {i}", "Text.", "news", str(path))
            for i in range(1, n + 1)
        ]

    parser.extra["feed.jsonl"] = entries(3)
    library.update()
    assert library.count() == 6
    parser.extra["feed.jsonl"] = entries(1)
    rewrite(path, "xx\n")
    report = library.update()
    assert report.changed == 1 and report.articles == 1
    assert [i for i in all_ids_in_index(library) if "feed" in i] == ["news/feed.jsonl#1"]


def test_rebuild_starts_over(library: Library, parser: FakeParser) -> None:
    library.update()
    parser.reads.clear()
    report = library.update(rebuild=True)
    assert report.rebuilt == "requested"
    assert sorted(parser.reads) == ["a.txt", "b.txt", "c.txt"]
    assert report.added == 3
    assert all_ids_in_index(library) == ["news/a.txt", "news/b.txt", "news/sub/c.txt"]


def test_readers_see_the_old_index_until_a_rebuild_commits(
    library: Library, parser: FakeParser
) -> None:
    library.update()
    other = Library(library.settings)
    seen: list[tuple[bool, int]] = []
    library.update(rebuild=True, progress=lambda p: seen.append((p.committed, other.count())))
    assert seen == [(False, 3), (False, 3), (False, 3), (True, 3)]  # the last: once committed
    assert other.count() == 3


def test_a_commit_between_a_readers_listing_and_its_stat_is_read_not_an_empty_index(
    library: Library, parser: FakeParser, lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reader names the generation it reads by listing the index folder, then stat-ing the
    # newest TOC. Another process's commit landing between the two writes a newer TOC and
    # deletes that one. The reader took that for "no index" and searched an empty one: a count
    # of 0, and every search failed with "cannot read the index (ValueError: math domain
    # error)" (test_crash's reader during an index run, once under load). The commit is made
    # to land exactly there.
    library.update()
    other = Library(library.settings, workers=0)
    real = store_library._listdir
    armed: list[bool] = []

    def listing(folder: Path) -> list[str]:
        names = real(folder)
        if armed and folder == library.index_dir:
            armed.clear()
            other.update()  # commits the next generation, deleting the TOC in `names`
        return names

    monkeypatch.setattr(store_library, "_listdir", listing)
    write(lib_dir / "d.txt", "Delta title\nDelta body about harbours.\n")
    armed.append(True)
    assert library.count() == 4
    assert not armed  # the commit did land between the listing and the stat
    write(lib_dir / "e.txt", "Epsilon title\nEpsilon body about lighthouses.\n")
    armed.append(True)
    found = search(library, "lighthouses")
    assert not armed
    assert [h.id for h in found.hits] == ["news/e.txt"]
    assert library.count() == 5


def test_searching_before_any_index_finds_nothing(library: Library) -> None:
    # The empty index stands in (0 documents): searching it failed on log(0) while reading
    # snippet positions, and said the index was damaged.
    for query in ("harbour", '"harbour closed"', "harb*", "harbour NOT storm", "title:x"):
        found = search(library, query)
        assert (found.total, found.hits) == (0, []), query


def test_progress_reports_each_parsed_file(library: Library, parser: FakeParser) -> None:
    events: list[Progress] = []
    library.update(progress=events.append)
    assert [(e.done, e.total, e.committed) for e in events] == [
        (1, 3, False), (2, 3, False), (3, 3, False), (3, 3, True)  # then: committed
    ]
    assert events[0].path.endswith("a.txt")


def test_an_update_says_what_it_will_read_of_each_source(
    tmp_path: Path, lib_dir: Path, parser: FakeParser
) -> None:
    """The reader's empty list of one source says what is true during an index: whether this
    update reads anything of it (`planned`, before the first file) and how far it has come."""
    empty = tmp_path / "empty"
    empty.mkdir()
    library = make_library(tmp_path, SourceConfig("news", lib_dir), SourceConfig("none", empty))
    plans: list[dict[str, int]] = []
    events: list[Progress] = []
    said_after: list[int] = []

    def planned(to_read: Mapping[str, int]) -> None:
        plans.append(dict(to_read))
        said_after.append(len(events))

    library.update(planned=planned, progress=events.append)
    assert plans == [{"news": 3}] and said_after == [0]  # nothing of "none"; before any file
    assert [e.source for e in events if not e.committed] == ["news"] * 3
    write(lib_dir / "d.txt", "Delta title\nDelta body.\n")
    library.update(planned=lambda to_read: plans.append(dict(to_read)))
    assert plans[-1] == {"news": 1}  # an update reads only what changed
    library.update(planned=lambda to_read: plans.append(dict(to_read)))
    assert plans[-1] == {}


def test_batches_let_readers_see_articles_as_they_land(
    library: Library, parser: FakeParser, lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first batch is small (its rows show soon; its terms are written again in the next
    segments), the second comes at LATER_BATCH files, not at ten times the first, the next
    ones tenfold."""
    monkeypatch.setattr(ingest, "LATER_BATCH", 5, raising=False)
    for n in range(9):
        write(lib_dir / f"more{n}.txt", f"More {n}\nMore body {n}.\n")
    seen: list[tuple[int, int]] = []

    def progress(p: Progress) -> None:
        if p.committed:
            seen.append((p.done, library.count()))

    report = library.update(progress=progress, first_batch=1)
    # 1 file, 4 more (up to LATER_BATCH, not 10), then the last 7 (whose commit is said too).
    assert seen == [(1, 1), (5, 5), (12, 12)]
    assert report.articles == 12
    assert len(ids(library)) == 12 and all_ids_in_index(library) == ids(library)
    with library.searcher() as s:  # no batch commit merged segments (Whoosh merges slowly)
        assert [sub.doc_count_all() for sub, _ in s.reader().leaf_readers()] == [1, 4, 7]
    # Past LATER_BATCH, batches grow tenfold: after 1 file, 3, 30, 300, ...
    monkeypatch.setattr(ingest, "LATER_BATCH", 3)
    for n in range(50):
        write(lib_dir / f"many{n}.txt", f"Many {n}\nMany body {n}.\n")
    seen.clear()
    library.update(progress=progress, first_batch=1)
    assert [done for done, _ in seen] == [1, 3, 30, 50]
    # An incremental run with changes and deletions stays exact across its batch commits.
    rewrite(lib_dir / "a.txt", "Alpha again\nNew alpha body.\n")
    (lib_dir / "b.txt").unlink()
    write(lib_dir / "zz.txt", "Zed\nZed body.\n")
    library.update(first_batch=1)
    assert all_ids_in_index(library) == ids(library)
    assert len(ids(library)) == 62
    assert library.get("news/a.txt").title == "Alpha again"  # type: ignore[union-attr]


NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def number_word(n: int) -> str:
    """A word of its own for file n (the stemmer leaves these letters-only words alone)."""
    return "q" + "".join(NUMBER_WORDS[int(d)] for d in str(n)) + "x"


def index_contents(library: Library) -> tuple[dict[str, object], dict[object, object]]:
    """What an index holds, whatever its segments: each document's stored fields and field
    lengths by id, and each term's postings as sorted (id, weight, value) (spelling words as a
    set: their counts are per segment)."""
    with library.searcher() as s:
        reader = s.reader()
        by_doc = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        docs: dict[str, object] = {
            fields["id"]: (
                fields,
                [reader.doc_field_length(docnum, f) for f in ("title", "body")],
            )
            for docnum, fields in reader.iter_docs()
        }
        terms: dict[object, object] = {}
        for field, term in set(reader.all_terms()):
            if field.startswith("spell_"):
                terms[(field, term)] = True
                continue
            m = reader.postings(field, term)
            postings = []
            while m.is_active():
                postings.append((by_doc[m.id()], m.weight(), m.value()))
                m.next()
            terms[(field, term)] = sorted(postings)
    return docs, terms


def test_parallel_writer_batches_keep_their_processes_and_hold_every_document(
    tmp_path: Path, parser: FakeParser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's first index (`first_batch`) with Whoosh's multi-process writer: its sub-writer
    processes are started once for the whole update, not again after each batch commit (each
    start is an interpreter importing Whoosh and this project); after each commit every file
    done is searchable, and the end result holds what a one-commit build holds."""
    monkeypatch.setattr(ingest, "MP_MIN_FILES", 1)
    monkeypatch.setattr(ingest, "MP_BATCH_DOCS", 2)
    started: list[object] = []
    start = ingest._SpawnedSubWriter.start

    def counted_start(task: ingest._SpawnedSubWriter) -> None:
        started.append(task)
        start(task)

    monkeypatch.setattr(ingest._SpawnedSubWriter, "start", counted_start)
    folder = tmp_path / "many"
    for n in range(25):
        write(folder / f"f{n:02d}.txt", f"Title {n}\nBody {number_word(n)} of file {n}.\n")
    batches = make_library(tmp_path, SourceConfig("many", folder), procs=2)
    seen: list[tuple[int, int, list[int]]] = []

    def progress(p: Progress) -> None:
        if p.committed:
            found = [n for n in range(25) if search(batches, number_word(n)).total == 1]
            seen.append((p.done, batches.count(), found))

    monkeypatch.setattr(ingest, "LATER_BATCH", 0)  # batches of this small library: tenfold
    batches.update(progress=progress, first_batch=2)
    # Batches: 2 files, 18 more, the last 5; both processes started once (before: for each).
    assert [(done, count) for done, count, _ in seen] == [(2, 2), (20, 20), (25, 25)]
    assert [found for _, _, found in seen] == [list(range(n)) for n in (2, 20, 25)]
    assert len(started) == 2
    assert not any(task.is_alive() for task in started)  # type: ignore[attr-defined]
    with batches.searcher() as s:
        assert len(list(s.reader().leaf_readers())) >= 3  # batch commits merged no segment
    one = settings_for([SourceConfig("many", folder)], tmp_path / "one-commit")
    whole = Library(one, workers=0, procs=1)
    whole.update()
    assert index_contents(batches) == index_contents(whole)
    assert len(index_contents(whole)[0]) == 25


def test_the_last_commit_is_said_before_the_stories_follow(
    library: Library, parser: FakeParser, lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader reloads on a committed progress: new articles show as soon as the index has
    them, not once the stories (slower than the index) are up to date too."""
    from newsreader.index.stories.store import StoryIndex

    library.update()
    write(lib_dir / "new.txt", "Newcomer\nA newcomer's body.\n")
    said: list[tuple[int, bool]] = []
    at_stories: list[list[tuple[int, bool]]] = []
    sync = StoryIndex.sync

    def watched_sync(self: StoryIndex, *args: object, **kwargs: object) -> object:
        at_stories.append(list(said))
        return sync(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(StoryIndex, "sync", watched_sync)

    def progress(p: Progress) -> None:
        if p.committed:
            said.append((library.count(), search(library, "newcomer").total == 1))

    report = library.update(progress=progress)
    assert report.added == 1 and report.stories is not None
    assert at_stories == [[(4, True)]]  # said once, searchable, before the stories began
    said.clear()
    library.update(progress=progress)  # nothing to do: nothing committed, nothing said
    assert said == []


def test_needs_update_follows_the_library(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    assert library.needs_update()
    library.update()
    parser.reads.clear()
    assert not library.needs_update()
    rewrite(lib_dir / "a.txt", "Alpha again\nbody\n")
    assert library.needs_update()
    library.update()
    assert not library.needs_update()
    (lib_dir / "b.txt").unlink()
    assert library.needs_update()
    library.update()
    write(lib_dir / "new.txt", "New\nbody\n")
    assert library.needs_update()
    assert parser.reads == ["a.txt"]


# ---- bad files, bad sources, bad places ------------------------------------------------------


def test_bad_file_is_skipped_with_one_warning_and_the_rest_indexed(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    write(lib_dir / "broken.txt", "BAD\n")
    heard: list[str] = []
    report = library.update(warn=heard.append)
    assert report.skipped == 1 and report.added == 3
    assert heard == report.warnings and len(heard) == 1 and "broken.txt" in heard[0]
    assert library.count() == 3
    # An unchanged bad file is neither read again nor warned about again.
    parser.reads.clear()
    again = library.update(warn=heard.append)
    assert parser.reads == [] and again.warnings == [] and len(heard) == 1
    assert again.unchanged == 4 and not library.needs_update()
    # Fixed, it is indexed.
    rewrite(lib_dir / "broken.txt", "Fixed now\nbody\n")
    fixed = library.update()
    assert fixed.added == 1 and library.get("news/broken.txt") is not None


def test_a_good_file_turning_bad_loses_its_articles(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    library.update()
    rewrite(lib_dir / "a.txt", "BAD now\n")
    report = library.update()
    assert report.skipped == 1 and len(report.warnings) == 1
    assert library.get("news/a.txt") is None and library.count() == 2


def test_missing_source_folder_warns_and_other_sources_are_indexed(
    tmp_path: Path, lib_dir: Path, parser: FakeParser
) -> None:
    library = make_library(
        tmp_path, SourceConfig("gone", tmp_path / "nowhere"), SourceConfig("news", lib_dir)
    )
    report = library.update()
    assert report.added == 3
    assert len(report.warnings) == 1 and "nowhere" in report.warnings[0]
    assert [c.count for c in library.source_counts()] == [0, 3]


def test_articles_of_a_vanished_source_folder_are_kept(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    library.update()
    lib_dir.rename(lib_dir.with_name("unmounted"))
    report = library.update()
    assert report.deleted == 0 and len(report.warnings) == 1
    assert library.count() == 3
    assert not library.needs_update()


def test_index_dir_inside_a_source_folder_is_refused(lib_dir: Path, parser: FakeParser) -> None:
    settings = settings_for([SourceConfig("news", lib_dir)], lib_dir / "sub" / ".index")
    with pytest.raises(StoreError, match="inside the folder of source 'news'"):
        Library(settings).update()
    assert not (lib_dir / "sub" / ".index").exists()


# ---- schema version and damage ---------------------------------------------------------------


def test_other_schema_version_is_rebuilt_with_a_notice(
    library: Library, parser: FakeParser
) -> None:
    library.update()
    meta = library.index_dir / "newsreader-index.json"
    meta.write_text(json.dumps({"schema_version": 0}), encoding="utf-8")
    assert not library.exists()
    assert library.count() == 0  # an old index is not searched
    report = library.update()
    assert report.rebuilt == f"schema version 0 -> {SCHEMA_VERSION}"
    assert report.added == 3 and library.exists()
    assert json.loads(meta.read_text())["schema_version"] == SCHEMA_VERSION
    assert all_ids_in_index(library) == ["news/a.txt", "news/b.txt", "news/sub/c.txt"]


def index_files(library: Library, pattern: str) -> list[Path]:
    return sorted(library.index_dir.glob(pattern))


@pytest.mark.parametrize(
    "damage",
    ["delete toc", "garbage toc", "truncate toc", "delete segment", "truncate segment"],
)
def test_damaged_index_is_rebuilt_with_a_notice(
    library: Library, parser: FakeParser, damage: str
) -> None:
    library.update()
    keep = library.index_dir / "keep-me.txt"
    keep.write_text("user file", encoding="utf-8")
    [toc] = index_files(library, "_MAIN_*.toc")
    segment_files = index_files(library, "MAIN_*.trm") + index_files(library, "MAIN_*._stored.col")
    match damage:
        case "delete toc":
            toc.unlink()
        case "garbage toc":
            toc.write_bytes(b"\x00garbage" * 10)
        case "truncate toc":
            toc.write_bytes(toc.read_bytes()[:40])
        case "delete segment":
            for f in segment_files:
                f.unlink()
        case "truncate segment":
            for f in segment_files:
                f.write_bytes(f.read_bytes()[:8])
    report = library.update()
    assert report.rebuilt is not None and report.rebuilt.startswith("index damaged")
    assert report.added == 3
    assert all_ids_in_index(library) == ["news/a.txt", "news/b.txt", "news/sub/c.txt"]
    assert keep.read_text(encoding="utf-8") == "user file"


def test_orphan_files_of_a_killed_writer_do_not_matter(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    library.update()
    write(library.index_dir / "MAIN_deadbeef0000.trm", "half written")
    write(library.index_dir / "MAIN.tmp" / "run.tmp", "half written")
    rewrite(lib_dir / "a.txt", "Alpha v2\nbody\n")
    report = library.update()
    assert report.rebuilt is None and report.changed == 1
    assert all_ids_in_index(library) == ["news/a.txt", "news/b.txt", "news/sub/c.txt"]
    assert not (library.index_dir / "MAIN.tmp" / "run.tmp").exists()


def test_reading_without_an_index(library: Library) -> None:
    assert not library.exists()
    assert library.count() == 0
    assert library.get("news/a.txt") is None
    assert library.list_articles() == []
    assert library.outlet_counts() == []
    assert [c.count for c in library.source_counts()] == [0]
    with library.searcher() as s:
        assert s.doc_count() == 0


# ---- locking and concurrency -----------------------------------------------------------------

HOLD_LOCK = """
import sys
from pathlib import Path
from newsreader.index.store.lock import WriteLock
lock = WriteLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
sys.stdin.read()
"""


def hold_lock(folder: Path) -> subprocess.Popen[str]:
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_second_writer_gets_index_busy_and_readers_keep_working(
    tmp_path: Path, lib_dir: Path, parser: FakeParser
) -> None:
    library = make_library(tmp_path, SourceConfig("news", lib_dir), lock_timeout=0)
    library.update()
    holder = hold_lock(library.index_dir)
    try:
        with pytest.raises(IndexBusy, match=r"^index busy: another newsreader is updating"):
            library.update()
        assert library.count() == 3
        assert library.get("news/a.txt") is not None
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    assert library.update().unchanged == 3


def test_a_killed_writer_leaves_no_stale_lock(
    tmp_path: Path, lib_dir: Path, parser: FakeParser
) -> None:
    library = make_library(tmp_path, SourceConfig("news", lib_dir), lock_timeout=0)
    holder = hold_lock(library.index_dir)
    holder.kill()
    holder.wait()
    assert library.update().added == 3


def test_writer_in_another_thread_gets_index_busy_while_readers_work(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    library.update()
    write(lib_dir / "d.txt", "Delta\nbody\n")
    other = Library(library.settings, lock_timeout=0)
    outcome: list[object] = []

    def during_write(progress: Progress) -> None:
        if progress.committed:
            return  # (the lock is still held then, for the stories; the index has "d" already)

        def second_writer() -> None:
            try:
                other.update()
            except IndexBusy as exc:
                outcome.append(exc)
            outcome.append(other.count())
            outcome.append(other.get("news/a.txt") is not None)

        t = threading.Thread(target=second_writer)
        t.start()
        t.join()

    library.update(progress=during_write)
    assert isinstance(outcome[0], IndexBusy)
    assert outcome[1:] == [3, True]
    assert library.count() == 4


def test_write_lock_excludes_threads_of_one_process(tmp_path: Path) -> None:
    with WriteLock(tmp_path, timeout=0), pytest.raises(IndexBusy):
        WriteLock(tmp_path, timeout=0).acquire()
    with WriteLock(tmp_path, timeout=0):
        pass


def test_a_new_searcher_sees_what_was_committed_after_it_opened(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    library.update()
    with library.searcher() as before:
        write(lib_dir / "d.txt", "Delta\nbody\n")
        library.update()
        assert before.doc_count() == 3
        with library.searcher() as after:
            assert after.doc_count() == 4
            assert after.document(id="news/d.txt") is not None


def test_a_searcher_opened_before_a_rebuild_keeps_working(
    library: Library, parser: FakeParser
) -> None:
    library.update()
    with library.searcher() as before:
        library.update(rebuild=True)  # deletes every segment file `before` reads
        docnum = before.document_number(id="news/a.txt")
        assert docnum is not None
        assert before.stored_fields(docnum)["title"] == "Alpha title"
        assert before.doc_count() == 3


# ---- cancellation ----------------------------------------------------------------------------


def test_cancel_commits_what_was_done_and_the_next_run_finishes(
    library: Library, parser: FakeParser
) -> None:
    cancel = threading.Event()
    report = library.update(cancel=cancel, progress=lambda p: cancel.set())
    assert report.cancelled and report.added == 1
    assert library.count() == 1
    rest = library.update()
    assert rest.added == 2 and rest.unchanged == 1
    assert all_ids_in_index(library) == ["news/a.txt", "news/b.txt", "news/sub/c.txt"]


def test_cancelled_rebuild_keeps_the_old_index(library: Library, parser: FakeParser) -> None:
    library.update()
    cancel = threading.Event()
    report = library.update(rebuild=True, cancel=cancel, progress=lambda p: cancel.set())
    assert report.cancelled
    assert library.count() == 3


# ---- reading ---------------------------------------------------------------------------------


def full_articles(path: Path) -> list[Article]:
    common = {"source": "news", "path": str(path), "body": "First paragraph.\n\nSecond one."}
    return [
        Article(
            "news/full.json#1",
            "Aware datetime",
            date=dt.datetime(2024, 3, 5, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            outlet="The Herald",
            author="Ann Writer",
            url="https://example.org/a?x=1&y=2",
            tags=("politics", "local news"),
            **common,
        ),
        Article("news/full.json#2", "Date only", date=dt.date(2023, 12, 31), **common),
        Article("news/full.json#3", "No date, odd text [bold]x[/]", **common),
    ]


def test_get_round_trips_every_field(library: Library, parser: FakeParser, lib_dir: Path) -> None:
    path = write(lib_dir / "full.json", "{}")
    parser.extra["full.json"] = full_articles(path)
    library.update()
    aware, date_only, undated = (library.get(f"news/full.json#{i}") for i in (1, 2, 3))
    expected = full_articles(path)
    assert aware is not None and date_only is not None and undated is not None
    assert aware.date == dt.datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert aware.date.tzinfo is not None
    assert aware == expected[0].__class__(**{**_fields(expected[0]), "date": aware.date})
    assert date_only == expected[1] and type(date_only.date) is dt.date
    assert undated == expected[2] and undated.date is None
    assert library.get("news/missing.txt") is None


def _fields(article: Article) -> dict[str, object]:
    return {name: getattr(article, name) for name in Article.__slots__}


def dated(lib_dir: Path, parser: FakeParser) -> None:
    specs = [
        ("old.txt", "Zebra old", dt.date(2020, 1, 1), "Herald", "one"),
        ("new.txt", "Yak new", dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC), "herald", "one"),
        ("same-b.txt", "beta same day", dt.date(2022, 6, 1), "Courier", "one"),
        ("same-a.txt", "Alpha same day", dt.date(2022, 6, 1), "", "one"),
        ("undated-b.txt", "Bravo undated", None, "Courier", "one"),
        ("undated-a.txt", "alpha undated", None, "Courier", "one"),
    ]
    for name, title, date, outlet, source in specs:
        path = write(lib_dir / name, title)
        parser.extra[name] = [
            Article(f"{source}/{name}", title, "b", source, str(path), date, outlet)
        ]


def test_list_articles_newest_first_undated_last_then_title(
    tmp_path: Path, parser: FakeParser
) -> None:
    lib_dir = tmp_path / "one"
    dated(lib_dir, parser)
    library = make_library(tmp_path, SourceConfig("one", lib_dir))
    library.update()
    rows = library.list_articles()
    assert [r.title for r in rows] == [
        "Yak new",
        "Alpha same day",
        "beta same day",
        "Zebra old",
        "alpha undated",
        "Bravo undated",
    ]
    assert rows[0] == ArticleRow(
        "one/new.txt", "Yak new", "herald", dt.datetime(2024, 5, 1, 12, tzinfo=UTC), "one"
    )
    assert library.list_articles(offset=1, limit=2) == rows[1:3]
    assert library.list_articles(offset=4, limit=10) == rows[4:]
    assert library.list_articles(offset=10, limit=5) == []
    assert library.list_articles(limit=0) == []
    by_title = [r.title for r in library.list_articles(sort="title")]
    assert by_title == sorted(by_title, key=str.casefold)
    assert {r.title for r in library.list_articles(outlet="HERALD")} == {"Zebra old", "Yak new"}
    assert len(library.list_articles(source="ONE")) == 6
    assert library.list_articles(source="other") == []
    with pytest.raises(ValueError, match="unknown sort"):
        library.list_articles(sort="size")


def test_list_and_counts_follow_updates(
    library: Library, parser: FakeParser, lib_dir: Path
) -> None:
    library.update()
    assert len(library.list_articles(limit=10)) == 3
    assert library.outlet_counts() == [("Daily", 3)]
    path = write(lib_dir / "z.txt", "x")
    date = dt.date(2030, 1, 1)
    parser.extra["z.txt"] = [
        Article("news/z.txt", "Future", "b", "news", str(path), date, outlet="Wire")
    ]
    library.update()
    assert library.list_articles(limit=1)[0].id == "news/z.txt"
    assert library.outlet_counts() == [("Daily", 3), ("Wire", 1)]
    library.update(rebuild=True)
    assert [r.id for r in library.list_articles(limit=2)] == ["news/z.txt", "news/a.txt"]


def test_source_and_outlet_counts(tmp_path: Path, parser: FakeParser) -> None:
    lib_dir = tmp_path / "one"
    dated(lib_dir, parser)
    write(tmp_path / "two" / "x.txt", "Other\nbody\n")
    library = make_library(
        tmp_path,
        SourceConfig("one", lib_dir),
        SourceConfig("Two", tmp_path / "two", outlet="Wire"),
        SourceConfig("empty", tmp_path / "empty-folder"),
    )
    (tmp_path / "empty-folder").mkdir()
    library.update()
    assert library.source_counts() == [
        SourceCount("one", lib_dir, 6),
        SourceCount("Two", tmp_path / "two", 1),
        SourceCount("empty", tmp_path / "empty-folder", 0),
    ]
    counts = dict((name.casefold(), n) for name, n in library.outlet_counts())
    assert counts == {"courier": 3, "herald": 2, "wire": 1}
    assert library.outlet_counts()[0] == ("Courier", 3)


def test_counts_and_list_order_are_whooshs_own(tmp_path: Path, parser: FakeParser) -> None:
    """The counts come from term statistics and the list order from the sort columns read in
    bulk (both fast paths for the first screen): they must equal what Whoosh's own grouping
    and sorting give, across segments with deleted documents, ties and outlets in two cases."""
    from whoosh import query as wq
    from whoosh import sorting

    one, two = tmp_path / "one", tmp_path / "two"
    dated(one, parser)
    for n in range(9):  # same title and date: the keys' article ids set the order
        path = write(two / f"t{n}.txt", "x")
        outlet = ("Wire", "WIRE", "")[n % 3]
        date = dt.date(2021, 1, 1) if n % 2 else None
        parser.extra[path.name] = [
            Article(f"two/{path.name}", "Same title", "b", "two", str(path), date, outlet)
        ]
    library = make_library(tmp_path, SourceConfig("one", one), SourceConfig("two", two))
    library.update(first_batch=4)
    for name in ("t1.txt", "t4.txt", "old.txt"):  # replaced: old versions become deletions
        rewrite(two / name if name.startswith("t") else one / name, "changed")
    (two / "t7.txt").unlink()
    library.update()

    with library.searcher() as s:
        segments = [sub for sub, _ in s.reader().leaf_readers()]
        assert len(segments) > 1 and any(sub.has_deletions() for sub in segments)

        def grouped(field: str) -> dict[str, list[int]]:
            results = s.search(wq.Every(), groupedby={"g": sorting.FieldFacet(field)}, limit=1)
            return {str(k): list(v) for k, v in results.groups("g").items() if k}

        def ordered(q: wq.Query, column: str) -> list[str]:
            hits = s.search(q, sortedby=sorting.FieldFacet(column), limit=None)
            return [s.stored_fields(hit.docnum)["id"] for hit in hits]

        sources = {k: len(v) for k, v in grouped("source").items()}
        outlets = sorted(
            (
                (s.stored_fields(v[0]).get("outlet") or k, len(v))
                for k, v in grouped("outlet_key").items()
            ),
            key=lambda item: (-item[1], item[0].casefold()),
        )
        cases = [
            (q, column, kwargs)
            for column, sort in (("list_key", "date"), ("title_key", "title"))
            for q, kwargs in (
                (wq.Every(), {"sort": sort}),
                (wq.Term("source", "two"), {"sort": sort, "source": "TWO"}),
                (wq.Term("outlet_key", "wire"), {"sort": sort, "outlet": "wire"}),
            )
        ]
        expected = [ordered(q, column) for q, column, _ in cases]
    assert [(c.name, c.count) for c in library.source_counts()] == [
        ("one", sources["one"]),
        ("two", sources["two"]),
    ]
    assert library.outlet_counts() == outlets
    assert [[r.id for r in library.list_articles(**kw)] for _, _, kw in cases] == expected
    assert ("Wire", 5) in outlets  # "Wire" and "WIRE" are one outlet; t7 is gone


def test_list_order_of_keys_alike_past_their_first_bytes_is_whooshs_own(
    tmp_path: Path, parser: FakeParser
) -> None:
    """The list is ordered by the sort keys' first 32 bytes, then only the keys still alike by
    their next 32, and so on: titles alike for 40 and 70 characters, a title that is the
    beginning of another, same days and no days, empty titles, across segments with deleted
    documents, must come out as Whoosh's own sort puts them."""
    from whoosh import query as wq
    from whoosh import sorting

    long = "A headline long enough to be alike past the first words of its sort key"
    titles = [long[:40] + " x", long[:40] + " b", long, long + " (2)", long + " (10)",
              long[:70], long[:70] + "!", "", "", "Short", "short", "ü" * 30 + "a", "ü" * 31]
    folder = tmp_path / "one"
    for n, title in enumerate(titles * 2):
        path = write(folder / f"{n:02d}.txt", "x")
        date = (dt.date(2022, 6, 1), None, dt.date(2021, 1, n % 28 + 1))[n % 3]
        parser.extra[path.name] = [
            Article(f"one/{path.name}", title, "b", "one", str(path), date, "Wire")
        ]
    library = make_library(tmp_path, SourceConfig("one", folder))
    library.update(first_batch=8)
    for name in ("03.txt", "17.txt"):  # replaced: the old versions become deletions
        rewrite(folder / name, "changed")
    (folder / "05.txt").unlink()
    library.update()
    with library.searcher() as s:
        assert any(sub.has_deletions() for sub, _ in s.reader().leaf_readers())
        expected = {
            column: [
                s.stored_fields(hit.docnum)["id"]
                for hit in s.search(wq.Every(), sortedby=sorting.FieldFacet(column), limit=None)
            ]
            for column in ("list_key", "title_key")
        }
    assert [r.id for r in library.list_articles(sort="date")] == expected["list_key"]
    assert [r.id for r in library.list_articles(sort="title")] == expected["title_key"]
    assert len(expected["list_key"]) == 2 * len(titles) - 1


def test_column_words_are_the_values_bytes(tmp_path: Path, parser: FakeParser) -> None:
    """`column_words` cuts the sort keys as `column_values` reads them whole: big-endian words
    from any byte on, NUL-padded past a value's end, for all documents or chosen ones."""
    from newsreader.index.store.schema import column_values, column_words

    folder = tmp_path / "one"
    for n in range(40):
        path = write(folder / f"{n:02d}.txt", "x")
        title = "t" * (n * 3)  # values ending inside, at the edge of and past each word
        parser.extra[path.name] = [Article(f"one/{path.name}", title, "b", "one", str(path))]
    library = make_library(tmp_path, SourceConfig("one", folder))
    library.update()
    with library.searcher() as s:
        for sub, _ in s.reader().leaf_readers():
            values = column_values(sub, "title_key")
            chosen = list(range(0, len(values), 3))
            for skip in (0, 5, 32, 64):
                cut = [v[skip : skip + 16].ljust(16, b"\0") for v in values]
                words = column_words(sub, "title_key", 2, skip)
                assert [w[0].item().to_bytes(8) + w[1].item().to_bytes(8) for w in words] == cut
                some = column_words(sub, "title_key", 2, skip, chosen)
                assert [w[0].item().to_bytes(8) + w[1].item().to_bytes(8) for w in some] == [
                    cut[d] for d in chosen
                ]


def test_read_keys_of_nothing_read_learns_no_documents_keys(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing read, counting the read articles reads no document's keys: at 1,000,000
    articles that is a pass over every posting of two fields on the way to the first screen."""
    library.update()
    monkeypatch.setattr(store_library, "_Owners", None)  # any use fails
    assert library.read_keys(frozenset()) == {}


# ---- the real parser, in worker processes ----------------------------------------------------


def test_real_parser_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    for i in range(12):
        write(folder / f"{i:02}.txt", f"Story number {i}\n\nThe body of story {i} is here.\n")
    write(folder / "empty.txt", "")
    monkeypatch.setattr(ingest, "POOL_MIN_FILES", 4)
    monkeypatch.setattr(ingest, "JOB_FILES", 3)
    settings = settings_for([SourceConfig("news", folder)], tmp_path / "index")
    library = Library(settings, workers=2)
    report = library.update()
    assert report.added == 12 and report.skipped == 1 and len(report.warnings) == 1
    assert "empty.txt" in report.warnings[0]
    article = library.get("news/05.txt")
    assert article is not None and article.title == "Story number 5"
    assert "body of story 5" in article.body
    assert not library.needs_update()


def test_first_rows_of_the_list_are_the_head_of_its_whole_order(
    tmp_path: Path, parser: FakeParser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's first page comes from the head of the order (only the documents whose key
    begins at most like the page's last one are sorted), before the whole order is known:
    it must begin exactly as the whole order does, through dates in one 12-day stretch (the
    same first 8 key bytes), ties of date and title, undated articles, other sources, and
    segments with deleted documents."""
    from whoosh import query as wq

    folder, other = tmp_path / "one", tmp_path / "two"
    dates = [dt.datetime(2024, 3, 1, h, tzinfo=UTC) for h in (9, 9, 10)] + [
        dt.date(2024, 3, 2), dt.date(2024, 3, 5), dt.date(2019, 1, 1), None, None,
    ]
    titles = ["Same", "Same", "Other", "alpha"]
    for n in range(40):
        base = folder if n % 5 else other
        path = write(base / f"{n:02d}.txt", "x")
        name = base.name
        parser.extra[path.name] = [Article(
            f"{name}/{path.name}", titles[n % 4], "b", name, str(path), dates[n % 8], "Wire"
        )]
    library = make_library(tmp_path, SourceConfig("one", folder), SourceConfig("two", other))
    library.update(first_batch=7)
    for name in ("03.txt", "16.txt"):  # replaced: the old versions become deletions
        rewrite(folder / name, "changed")
    (folder / "09.txt").unlink()
    library.update()

    with library.searcher() as s:
        assert any(sub.has_deletions() for sub, _ in s.reader().leaf_readers())
        for q in (wq.Every(), wq.Term("source", "one")):
            for column in ("list_key", "title_key"):
                whole = store_library._ordered_docnums(s, q, column)
                shorter = False
                for first in range(1, len(whole) + 2):
                    head = store_library._ordered_docnums(s, q, column, first)
                    assert min(first, len(whole)) <= len(head) <= len(whole)
                    assert list(head) == list(whole[: len(head)]), (q, column, first)
                    shorter |= len(head) < len(whole)
                assert shorter  # the head did leave documents unsorted

    # Through the library: pages from the head until the whole order is prepared.
    monkeypatch.setattr(store_library, "HEAD_ROWS", 6)
    for kw in ({"sort": "date"}, {"sort": "title"}, {"source": "one"}):
        pages = [library.list_articles(**kw, offset=o, limit=2) for o in (0, 2, 4)]
        what = ("list", kw.get("source"), None, kw.get("sort", "date"))
        with library.searcher() as s:
            assert library._known(s, what) is None  # not sorted whole yet
        library.prepare_list(**kw)
        with library.searcher() as s:
            assert library._known(s, what) is not None
        whole = library.list_articles(**kw)
        assert [r for page in pages for r in page] == whole[:6]
        assert library.list_articles(**kw, offset=4, limit=2) == whole[4:6]
