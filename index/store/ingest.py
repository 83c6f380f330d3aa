"""The write half of the store: what changed since the last run, parsing, and the Whoosh writer.

Only `index.store.library` calls this, with the write lock held.

Size: the write path in one place (plan, parse workers, the writer and its batches);
the process plumbing (ParallelWriter) could move out next (die_with_parent is in index.children).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import CLEAR, NO_MERGE, IndexingError, SegmentWriter

import newsreader.index.parsing.articles as articles
from newsreader.index.children import die_with_parent
from newsreader.index.model import Article
from newsreader.index.parsing import ArticleError
from newsreader.index.store.schema import column_texts
from newsreader.index.store.sources import KEY_SEPARATOR, SourceFile, SourceScan
from newsreader.index.store.whoosh import patches, switch
from newsreader.index.store.whoosh.codec import NewsCodec

SKIPPED_NAME = "newsreader-skipped.json"
# Below this many files to read, starting worker processes costs more than it saves.
POOL_MIN_FILES = 64
# Files per job sent to a worker, and jobs in flight per worker: bounds memory when the writer
# is slower than the parsers (it always is), while keeping the workers busy.
JOB_FILES = 16
JOBS_IN_FLIGHT = 3
WRITER_LIMIT_MB = 128
# From this many files to read on, documents are indexed by Whoosh's multi-process writer.
MP_MIN_FILES = 300
MP_BATCH_DOCS = 50
BATCH_GROWTH = 10
"""How many times more files an update with `first_batch` has done at each batch commit
than at the one before (10,000, 100,000, ...). Batch commits merge no segments: Whoosh merges
in Python, a posting at a time, and merging after every 1,000 files made a first index of
100,000 articles take 342 s instead of 82 s. Nor too many segments: each costs every query
term a lookup. At 100,000 articles, batches of 1,000, 10,000 and the rest leave 6 segments
and a query p95 of 27 ms (19 ms with 4, 47 ms with the 16 of doubling batches)."""
LATER_BATCH = 10_000
"""Files done, at least, at the second batch commit (then BATCH_GROWTH times more at each).
Each batch's segments hold again the terms that the next batches' segments hold too: each is
written once more, and read once more by the stories that follow the index. So the first
batch, there for a reader's first rows, is small, and the next is not at ten times its size
but at this: a first batch of 1,000 files out of 2,231 cost the writer processes and the
stories 11% more instructions than one commit, one of 200 files 3.5% (see README)."""
_EPOCH = dt.datetime(1, 1, 1)


@dataclass
class Plan:
    """What one update has to do."""

    read: list[SourceFile] = field(default_factory=list)
    """Files to parse: new ones and changed ones."""
    replace: set[str] = field(default_factory=set)
    """file_keys whose documents are in the index and must go before the file is re-added."""
    delete: list[str] = field(default_factory=list)
    """file_keys of vanished files."""
    unchanged: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)
    """file_key -> [fingerprint, reason] of files that gave no article and did not change."""


def plan_update(
    scanned: Iterable[SourceScan],
    indexed: Mapping[str, str],
    skipped: Mapping[str, list[str]],
    keep_sources: frozenset[str] = frozenset(),
) -> Plan:
    """Compare a scan (`sources.scan_files`) with the index (`file_key -> fingerprint`) and
    the skipped-file record. Articles of `keep_sources` (sources whose folder is unavailable,
    e.g. an unmounted drive) are kept rather than deleted."""
    plan = Plan()
    scanned = list(scanned)
    whole = scanned[0].files if len(scanned) == 1 else {}
    if len(scanned) > 1:
        for scan in scanned:
            whole.update(scan.files)
    if len(whole) == sum(len(scan.files) for scan in scanned) and whole == indexed:
        # Nothing changed: one comparison of two dicts in C, half the time of looking each
        # file up below (dicts differ as soon as their lengths or one file's fingerprint do).
        plan.unchanged = len(whole)
        return plan
    unchanged = 0
    earlier: list[dict[str, str]] = []
    gone: set[str] | None = None
    for scan in scanned:
        files = scan.files
        # A file reached twice (two sources of one name) is indexed once, from the first.
        taken = {k for e in earlier for k in files.keys() & e.keys()}
        # Most files of an update are unchanged: one dict lookup each, in a comprehension,
        # and a SourceFile only for a file that will be read (sorted: files are read in
        # the order of their paths).
        differ = sorted(k for k, fp in files.items() if indexed.get(k) != fp)
        unchanged += len(files) - len(taken)
        for key in differ:
            if key in taken:
                continue
            if key in indexed:
                plan.read.append(scan.source_file(key))
                plan.replace.add(key)
                unchanged -= 1
                continue
            record = skipped.get(key)
            if record is not None and record[0] == files[key]:
                plan.skipped[key] = list(record)
                continue
            plan.read.append(scan.source_file(key))
            unchanged -= 1
        if gone is None:
            gone = indexed.keys() - files.keys()
        else:
            gone = {k for k in gone if k not in files}
        earlier.append(files)
    plan.unchanged = unchanged
    plan.delete = sorted(
        k
        for k in (indexed.keys() if gone is None else gone)
        if k.split(KEY_SEPARATOR, 1)[0] not in keep_sources
    )
    return plan


def needs_work(plan: Plan, skipped: Mapping[str, list[str]]) -> bool:
    """True when running the plan would change the index or the skipped-file record."""
    return bool(plan.read or plan.delete or len(plan.skipped) != len(skipped))


def read_indexed(ix: FileIndex) -> dict[str, str]:
    """`file_key -> fingerprint` of every live document, from the columns (no stored fields).
    Each segment's two columns are read in one go (`schema.column_texts`): Whoosh's reader
    takes a file read per value and a segment lookup per document, 0.9 s of a no-change
    re-scan at 100,000 articles."""
    result: dict[str, str] = {}
    with ix.reader() as reader:
        for sub in _segments(reader):
            keys = column_texts(sub, "file_key")
            fps = column_texts(sub, "fingerprint")
            if not sub.has_deletions():
                result.update(zip(keys, fps, strict=True))
                continue
            deleted = set(sub.segment().deleted_docs())
            for docnum, (key, fp) in enumerate(zip(keys, fps, strict=True)):
                if docnum not in deleted:
                    result[key] = fp
    return result


def read_indexed_in(
    ix: FileIndex, keys: Iterable[str], prefixes: Iterable[str]
) -> dict[str, str]:
    """`read_indexed`, for the files `keys` and the files whose keys start with one of
    `prefixes` only: their terms of the `file_key` field, looked up in each segment's term
    table, not every document's key (3.8 s of a million-article update read them all)."""
    keys, prefixes = sorted(keys), sorted(prefixes)
    result: dict[str, str] = {}
    with ix.reader() as reader:
        for sub in _segments(reader):
            terms = {key.encode("utf-8") for key in keys if ("file_key", key) in sub}
            for prefix in prefixes:
                terms.update(sub.expand_prefix("file_key", prefix))
            if not terms:
                continue
            fingerprints = sub.column_reader("fingerprint")
            for term in sorted(terms):
                for docnum in sub.postings("file_key", term).all_ids():  # the live ones
                    result[term.decode("utf-8")] = fingerprints[docnum]
    return result


def _segments(reader: Any) -> Iterator[Any]:
    """The segment readers of `reader` that hold documents (an empty index's reader has no
    columns at all)."""
    if reader.doc_count() == 0:
        return
    for sub, _base in reader.leaf_readers():
        if sub.doc_count_all():
            yield sub


def load_skipped(folder: Path) -> dict[str, list[str]]:
    """The record of files that gave no article ({} when missing or unreadable)."""
    try:
        data = json.loads((folder / SKIPPED_NAME).read_text(encoding="utf-8"))
        files = data["files"]
        return {
            str(k): [str(v[0]), str(v[1])]
            for k, v in files.items()
            if isinstance(v, list) and len(v) == 2
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_json_atomic(path: Path, data: object) -> None:
    """Write JSON so that a crash leaves either the old file or the new one, never a mix."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- parsing ---------------------------------------------------------------------------------

_Job = tuple[str, str, str, str | None, str, bool]
"""What a worker needs to read one file: path, source name, source folder, format, default
outlet, and whether ids drop the file's suffix (feed sources)."""

ParseResult = tuple[list[Article], str | None]
"""The articles of one file and a one-line warning: no articles and why, or articles read only
in part (a web page whose story was not found) and what was kept."""


def _parse(job: _Job) -> ParseResult:
    path, source, root, fmt, outlet, drop_suffix = job
    notes: list[str] = []
    try:
        found = articles.read_articles(
            Path(path),
            source=source,
            root=Path(root),
            fmt=fmt,
            outlet=outlet,
            warn=notes.append,
            drop_suffix=drop_suffix,
        )
    except ArticleError as exc:
        return [], str(exc)
    except OSError as exc:
        return [], f"{path}: cannot read: {exc.strerror or type(exc).__name__}"
    # Article text is hostile: a parser bug on one file must not stop the whole library.
    except Exception as exc:
        return [], f"{path}: cannot read: {type(exc).__name__}: {exc}"
    return found, (notes[0] if notes else None)


def _parse_batch(jobs: list[_Job]) -> list[ParseResult]:
    return [_parse(job) for job in jobs]


def _job(sf: SourceFile) -> _Job:
    s = sf.source
    return (sf.location, s.name, str(s.path), s.format, s.outlet, s.is_feed)


def parse_files(
    files: list[SourceFile], workers: int, cancel: threading.Event | None
) -> Iterator[tuple[SourceFile, ParseResult]]:
    """Parse `files` in order, in `workers` processes when it pays, stopping early on cancel.

    Workers are spawned, not forked: a forked child would inherit this process's open files and
    locks, and the TUI's threads make fork unsafe.
    """
    if workers < 1 or len(files) < POOL_MIN_FILES:
        for sf in files:
            if cancel is not None and cancel.is_set():
                return
            yield sf, _parse(_job(sf))
        return
    batches = [files[i : i + JOB_FILES] for i in range(0, len(files), JOB_FILES)]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        pending: deque[tuple[list[SourceFile], Future[list[ParseResult]]]] = deque()
        todo = iter(batches)
        try:
            while True:
                while len(pending) < workers * JOBS_IN_FLIGHT:
                    batch = next(todo, None)
                    if batch is None:
                        break
                    pending.append((batch, pool.submit(_parse_batch, [_job(f) for f in batch])))
                if not pending:
                    return
                batch, fut = pending.popleft()
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    # A worker died (killed, out of memory): finish in this process instead.
                    rest = batch + [f for b, _ in pending for f in b] + [f for b in todo for f in b]
                    pending.clear()
                    yield from parse_files(rest, 0, cancel)
                    return
                for sf, result in zip(batch, results, strict=True):
                    if cancel is not None and cancel.is_set():
                        return
                    yield sf, result
        finally:
            for _, fut in pending:
                fut.cancel()


# ---- child processes -------------------------------------------------------------------------


_FLUSH = "flush"
"""A job telling a sub-writer to hand in its segment so far and wait to be resumed."""


class _SpawnedSubWriter(SubWriterTask):
    """Whoosh's sub-writer, spawned rather than forked (the TUI runs updates in a thread, and
    a forked child would inherit its locks and open files) and tied to its parent's life.

    Unlike Whoosh's, it outlives a batch commit: on `_FLUSH` it hands its segment in (None when
    it got no document: no empty segment to look terms up in) and waits on `resume` before it
    starts a new one, so that the parent commits, and the next parent writer takes it on,
    without spawning a new interpreter (each re-imports Whoosh and this project)."""

    _Popen = staticmethod(multiprocessing.get_context("spawn").Process._Popen)

    def __init__(self, *args: Any, parent: int, resume: Any) -> None:
        super().__init__(*args)
        self.parent = parent
        self.resume = resume
        self.fast = switch.ENABLED  # a spawned child starts with the default: pass the parent's

    def run(self) -> None:
        die_with_parent(self.parent)
        switch.ENABLED = self.fast
        patches.install()
        ix = self.storage.open_index(self.indexname)
        while True:
            # Made only once the parent has committed (its commit deletes the files of every
            # segment not in the index, which a writer made earlier would be writing).
            writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
            job = self.jobqueue.get()
            while job is not None and job != _FLUSH:
                self._process_file(*job)
                job = self.jobqueue.get()
            if writer._added:
                segment = writer._finalize_segment()
            else:
                writer._close_segment()
                segment = None
            self.resultqueue.put((self.name, segment))
            if job is None:
                return
            # Each sub-writer takes one flush job: it takes no other job until all are in.
            self.resume.acquire()


class ParallelWriter(MpWriter):
    """`MpWriter(procs=N, multisegment=True)` with spawned sub-writers, a `cancel()` that
    actually stops them (Whoosh's only flips a flag in the parent's copy of each task), and
    `commit_batch()`: a commit after which the same sub-writer processes go on, under the
    writer made with `after=` this one."""

    tasks: list[SubWriterTask]

    def __init__(
        self, ix: FileIndex, procs: int, *, after: ParallelWriter | None = None, **kwargs: Any
    ) -> None:
        sub = {k: v for k, v in kwargs.items() if not k.startswith("_")}
        super().__init__(
            ix, procs=procs, batchsize=MP_BATCH_DOCS, subargs=sub, multisegment=True, **kwargs
        )
        if after is None:
            ctx = multiprocessing.get_context("spawn")
            self.jobqueue = ctx.Queue(self.procs * 4)
            self.resultqueue = ctx.Queue()
            self.resume = ctx.Semaphore(0)
            return
        self.jobqueue, self.resultqueue = after.jobqueue, after.resultqueue
        self.resume, self.tasks = after.resume, after.tasks
        after.tasks = []  # this writer stops them now (cancel), not the committed one
        self._added_sub = bool(self.tasks)  # so that commit() ends them, documents or not
        for _ in self.tasks:
            self.resume.release()

    def _new_task(self) -> SubWriterTask:
        task = _SpawnedSubWriter(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
            parent=os.getpid(),
            resume=self.resume,
        )
        self.tasks.append(task)
        task.start()
        return task

    def _segments_back(self) -> list[Any]:
        """The segment each sub-writer hands in (after a flush or the end job), but for empty
        ones. A sub-writer that died (killed, out of memory) fails the commit: Whoosh's own
        waits a second and commits without its documents."""
        back: dict[str, Any] = {}
        while len(back) < len(self.tasks):
            try:
                name, segment = self.resultqueue.get(timeout=1)
            except queue.Empty:
                if any(t.name not in back and not t.is_alive() for t in self.tasks):
                    raise IndexingError("a writer process ended without its segment") from None
                continue
            back[name] = segment
        return [segment for segment in back.values() if segment is not None]

    def _commit_with(self, mergetype: Any, optimize: Any, merge: Any, end: object) -> None:
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(end)
        # Existing segments are merged while the sub-writers finish theirs.
        segments = self._merge_segments(mergetype, optimize, merge)
        segments += self._segments_back()
        if end is None:
            for task in self.tasks:
                task.join()
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        self._commit_with(mergetype, optimize, merge, None)

    def commit_batch(self) -> None:
        """Commit what was added, merging no segment, and leave the sub-writers waiting for
        the writer made with `after=` this one (see `_SpawnedSubWriter`)."""
        self._check_state()
        self._commit_with(NO_MERGE, None, None, _FLUSH)

    def cancel(self) -> None:
        try:
            for task in self.tasks:
                task.terminate()
            for task in self.tasks:
                task.join()
        finally:
            if not self.is_closed:  # committed, then the next writer failed to open
                SegmentWriter.cancel(self)


def open_writer(
    ix: FileIndex, procs: int, after: SegmentWriter | None = None
) -> SegmentWriter:
    """A writer without Whoosh's lock (index.store.lock holds ours), on non-compound segments in
    index.store.whoosh.codec's block layout; with `after` (a ParallelWriter that committed a
    batch), one that goes on with its sub-writer processes."""
    patches.install()
    kwargs: dict[str, Any] = {
        "_lk": False,
        "compound": False,
        "limitmb": WRITER_LIMIT_MB,
        "codec": NewsCodec() if switch.ENABLED else None,  # None: Whoosh's W3 codec
    }
    if procs > 1:
        return ParallelWriter(
            ix, procs, after=after if isinstance(after, ParallelWriter) else None, **kwargs
        )
    return SegmentWriter(ix, **kwargs)


# ---- documents -------------------------------------------------------------------------------


def index_date(value: dt.date | dt.datetime | None) -> tuple[dt.datetime | None, str | None]:
    """Whoosh DATETIME wants naive datetimes: aware ones become UTC-naive ("datetime"), a
    date becomes midnight ("date"). A naive datetime (parsers should not give one) is taken
    as UTC."""
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value, "datetime"
    return dt.datetime(value.year, value.month, value.day), "date"


def document(article: Article, sf: SourceFile) -> dict[str, Any]:
    """The Whoosh fields of one article of file `sf`."""
    date, kind = index_date(article.date)
    sort_title = article.title.casefold().encode("utf-8", "surrogatepass")[:300]
    ident = article.id.encode("utf-8", "surrogatepass")
    if date is None:
        list_key = b"1"
    else:
        micros = (date - _EPOCH) // dt.timedelta(microseconds=1)
        # Inverted so that ascending byte order is newest first; undated ("1...") sort last.
        list_key = b"0" + b"%019d" % (10**18 - micros)
    doc: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "path": article.path,
        "file_key": sf.key,
        "fingerprint": sf.fingerprint,
        "list_key": list_key + sort_title + b"\0" + ident,
        "title_key": sort_title + b"\0" + ident,
    }
    if article.outlet:
        doc["outlet"] = article.outlet
        doc["outlet_key"] = article.outlet
    if article.author:
        doc["author"] = article.author
    if article.url:
        doc["url"] = article.url
    tags = [t.replace(",", " ").strip() for t in article.tags]
    if any(tags):
        doc["tags"] = ",".join(t for t in tags if t)
    if date is not None:
        doc["date"] = date
        doc["date_kind"] = kind
    return doc


# ---- the writer ------------------------------------------------------------------------------


@dataclass
class WriteResult:
    added_files: int = 0
    changed_files: int = 0
    skipped_files: int = 0
    articles: int = 0
    cancelled: bool = False
    skipped: dict[str, list[str]] = field(default_factory=dict)


def _commit_batch(writer: SegmentWriter, ix: FileIndex, procs: int) -> SegmentWriter:
    """Commit without merging segments; the writer that goes on (with the same sub-writer
    processes when there are some: starting new ones cost each batch two interpreters)."""
    if isinstance(writer, ParallelWriter):
        writer.commit_batch()
    else:
        writer.commit(mergetype=NO_MERGE)
    return open_writer(ix, procs, after=writer)


def apply_plan(
    ix: FileIndex,
    plan: Plan,
    *,
    clear: bool,
    workers: int,
    procs: int = 1,
    warn: Callable[[str], None],
    progress: Callable[..., None] | None,
    cancel: threading.Event | None,
    first_batch: int | None = None,
) -> WriteResult:
    """Run `plan` in one Whoosh writer and commit.

    With `first_batch` N (and not `clear`), the writer commits after N files, then after
    LATER_BATCH files (if more than N) and BATCH_GROWTH times more at each next one, a new one
    going on each time (with the same sub-writer processes: see ParallelWriter.commit_batch),
    `progress(done, total, path, True)` telling when. Those commits merge no segments.

    `clear` drops every existing segment at commit (a rebuild that readers see atomically).
    A file's old documents are deleted right before its new ones are added, so that a cancelled
    run can commit what it did and still hold each file either in its old or its new version.
    A cancelled rebuild commits nothing (the old index stays). A crash before the commit loses
    the whole batch and the next run redoes it.
    """
    result = WriteResult(skipped=dict(plan.skipped))
    procs = procs if len(plan.read) >= MP_MIN_FILES else 1
    writer = open_writer(ix, procs)
    try:
        searcher = None if clear else writer.searcher()
        try:
            if searcher is not None:
                for key in plan.delete:
                    writer.delete_by_term("file_key", key, searcher=searcher)
            total = len(plan.read)
            next_batch = first_batch or 0
            for done, (sf, (found, problem)) in enumerate(
                parse_files(plan.read, workers, cancel), start=1
            ):
                if searcher is not None and sf.key in plan.replace:
                    writer.delete_by_term("file_key", sf.key, searcher=searcher)
                if problem is not None:
                    warn(problem)
                if problem is not None and not found:
                    result.skipped_files += 1
                    result.skipped[sf.key] = [sf.fingerprint, problem]
                elif not found:
                    result.skipped[sf.key] = [sf.fingerprint, "no article"]
                else:
                    for article in found:
                        writer.add_document(**document(article, sf))
                    result.articles += len(found)
                if found:
                    if sf.key in plan.replace:
                        result.changed_files += 1
                    else:
                        result.added_files += 1
                if progress is not None:
                    progress(done, total, sf.location, source=sf.source.name)
                if first_batch and not clear and done == next_batch and done < total:
                    # Whole files only: each is in its old or its new version at this commit.
                    grown = next_batch * BATCH_GROWTH
                    next_batch = LATER_BATCH if next_batch < LATER_BATCH else grown
                    searcher.close()  # type: ignore[union-attr]  # opened above whenever first_batch
                    writer = _commit_batch(writer, ix, procs)
                    searcher = writer.searcher()
                    if progress is not None:
                        progress(done, total, sf.location, True)
            result.cancelled = cancel is not None and cancel.is_set()
        finally:
            if searcher is not None:
                searcher.close()
        if clear and result.cancelled:
            # A partial rebuild would replace the whole old index: keep the old one instead.
            writer.cancel()
        elif clear:
            writer.commit(mergetype=CLEAR)
        else:
            writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return result
