"""The library's Whoosh index: where it lives, opening or (re)creating it, incremental updates,
and the reads the CLI and the TUI need.

Layout of `settings.index_dir`: Whoosh's files (`_MAIN_<gen>.toc`, `MAIN_<segment>.*`, written
with `compound=False` so searchers map segment files instead of copying them into memory),
`newsreader-index.json` (the schema version), `newsreader-skipped.json` (files that gave no
article, so an unchanged bad file is neither re-read nor re-warned) and `newsreader-write.lock`.

Dates are stored as UTC-naive datetimes with `date_kind`: `get` gives back a `date` for "date"
and a UTC-aware datetime for "datetime" (the original UTC offset is not kept).

Thread safety: every read takes a Whoosh searcher of its own (a new one, or an idle one a
finished read of the same committed generation left behind), so readers in worker threads
never share Whoosh objects with each other or with a running `update()`; readers see the last
committed generation while a writer works.

Size: the Library class and the searcher reads it is made of; the module-level reads
(rows, counts, order, the searcher cache) are the part to move to store/reads.py next.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage
from whoosh.index import TOC, FileIndex, clean_files
from whoosh.searching import Searcher

from newsreader.index.config import Settings
from newsreader.index.model import Article, Date, path_text, stored_date
from newsreader.index.store.layout import INDEX_NAME, META_NAME, SCHEMA_VERSION
from newsreader.index.store.lock import DEFAULT_TIMEOUT, LOCK_NAME, IndexBusy, StoreError, WriteLock
from newsreader.index.store.schema import column_words, make_schema
from newsreader.index.store.sources import scan_files
from newsreader.index.store.whoosh import patches

# Writing (ingest: the parsers, multiprocessing, Whoosh's writers) is imported by the methods
# that write or compare with the files: a search must not pay for it (a third of the `search`
# command's imports, bench/bench_cli.py).
if TYPE_CHECKING:
    from newsreader.index.store import ingest
    from newsreader.index.stories.identity import SyncReport

__all__ = [
    "ArticleRow",
    "IndexBusy",
    "Library",
    "Progress",
    "SourceCount",
    "StoreError",
    "UpdateReport",
]

_CACHE_ENTRIES = 32
_IDLE_SEARCHERS = 4
DEFAULT_WORKERS = 0
_TOC_RE = re.compile(rf"_{INDEX_NAME}_\d+\.toc")
# Every file this module or Whoosh may create in the index folder; nothing else is ever deleted.
_OWNED_RE = re.compile(
    rf"(_{INDEX_NAME}_\d+\.toc|{INDEX_NAME}_[0-9a-z]+(\..+)?|{INDEX_NAME}_WRITELOCK"
    rf"|newsreader-(index|skipped)\.json(\.\d+\.tmp)?)"
)


@dataclass
class Progress:
    """One file parsed during `update()`; `committed` when the files so far were just
    committed (after each batch with `first_batch`, and once the last commit is done, before the
    stories are brought up to date), so readers opened now see them."""

    done: int
    total: int
    path: str
    committed: bool = False
    source: str = ""
    """The name of the source of the file just parsed ("" with `committed`)."""


@dataclass
class UpdateReport:
    """What `update()` did. `added`/`changed` count files that gave articles, `deleted` files
    gone from the library, `unchanged` files not read (including unchanged files skipped by an
    earlier run), `skipped` files that could not be read this run (one warning each),
    `articles` the articles indexed in this run. `rebuilt` says why the index was started
    over ("requested", "schema version 1 -> 2", "index damaged (...)"), None if it was not.
    Articles of a source whose folder is missing are kept (a drive not mounted is not a
    deletion); a warning names the folder. `cancelled`: the cancel event stopped the run;
    what was done is committed (except for a rebuild, which keeps the previous index)."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: int = 0
    articles: int = 0
    seconds: float = 0.0
    rebuilt: str | None = None
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False
    stories: SyncReport | None = None
    """What bringing the stories up to date did (None: not run, the update was cancelled)."""


@dataclass(frozen=True, slots=True)
class _Work:
    """What one update does (`plan`), the skipped-file records of the files it looked at
    (`skipped`: `ingest.needs_work` compares the plan with them) and the records of the files
    it did not look at (`kept`: written back unchanged)."""

    plan: ingest.Plan
    skipped: dict[str, list[str]]
    kept: dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class SourceCount:
    """A source and how many articles of it the index holds."""

    name: str
    path: Path
    count: int


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """A cheap row of the article list."""

    id: str
    title: str
    outlet: str
    date: Date | None
    source: str


class Library:
    """The index of the articles of `settings.sources`, kept in `settings.index_dir`."""

    def __init__(
        self,
        settings: Settings,
        *,
        lock_timeout: float = DEFAULT_TIMEOUT,
        workers: int | None = None,
        procs: int | None = None,
    ) -> None:
        """Touches no file. `lock_timeout`: how long `update()` waits for another writer
        before raising IndexBusy. For big updates, `procs` Whoosh sub-writer processes index
        (default: one per CPU, at most 2; 1 = index in this process) and `workers` parser
        processes read files (default 0 = parse in this process: measured no faster with
        workers, see bench/bench_index.py)."""
        patches.install()  # Whoosh's slow spots, patched once per process
        self.settings = settings
        self.index_dir = Path(settings.index_dir)
        self.lock_timeout = lock_timeout
        self.workers = workers if workers is not None else DEFAULT_WORKERS
        self.procs = procs if procs is not None else max(1, min(2, os.cpu_count() or 1))
        self._guard = threading.Lock()
        self._ix: FileIndex | None = None
        self._empty: FileIndex | None = None
        self._cache: dict[tuple[object, ...], Any] = {}
        self._idle: list[Searcher] = []
        self._idle_key: tuple[object, ...] | None = None

    # ---- writing -----------------------------------------------------------------------------

    def update(
        self,
        *,
        rebuild: bool = False,
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        warn: Callable[[str], None] | None = None,
        first_batch: int | None = None,
        planned: Callable[[Mapping[str, int]], None] | None = None,
        paths: Iterable[str | os.PathLike[str]] | None = None,
    ) -> UpdateReport:
        """Bring the index up to date with the source folders (see module doc); `rebuild`
        starts over. With `paths` (files or folders below source folders), only those are
        looked at (`index.store.targets`): what the caller knows it wrote, changed or
        removed; the index is then what a full update would make of them, the other files'
        articles as they were. An index that is not there yet, or is rebuilt, has every file
        read all the same. With `first_batch` N, an update that is not a rebuild commits what it has
        after N files, then after 10,000 (if more than N), 100,000, ... (so a reader fills in
        as it goes; each file is in its old or its new version at every commit: see
        ingest.LATER_BATCH). `planned` is told once, before the
        first file is parsed, how many files of each source (by name) this update parses: none
        of a source that is not named (with `Progress.source`, a reader can tell which sources
        are still to come). Raises IndexBusy when another
        writer holds the index for longer than `lock_timeout`, StoreError for an index folder
        that cannot be used."""
        if rebuild and paths is not None:
            raise ValueError("a rebuild reads every file: it takes no paths")
        started = time.perf_counter()
        report = UpdateReport()

        def warn_(message: str) -> None:
            report.warnings.append(message)
            if warn is not None:
                warn(message)

        self._prepare_dir()
        try:
            self._update_locked(
                report, rebuild, progress, cancel, warn_, first_batch, planned,
                None if paths is None else list(paths),
            )
        except OSError as exc:
            # Disk full, read-only folder, files yanked away: one line, and the previous
            # committed generation stays what readers see.
            raise StoreError(
                f"cannot write index {self.index_dir}: {exc.strerror or _describe(exc)}"
            ) from exc
        report.seconds = time.perf_counter() - started
        return report

    def _update_locked(
        self,
        report: UpdateReport,
        rebuild: bool,
        progress: Callable[[Progress], None] | None,
        cancel: threading.Event | None,
        warn_: Callable[[str], None],
        first_batch: int | None = None,
        planned: Callable[[Mapping[str, int]], None] | None = None,
        paths: list[str | os.PathLike[str]] | None = None,
    ) -> None:
        from newsreader.index.store import ingest

        with WriteLock(self.index_dir, self.lock_timeout):
            _remove_tree(self.index_dir / f"{INDEX_NAME}.tmp")  # a killed writer's leftovers
            # Only an index that is there can be brought up to date a few files at a time.
            targeted = paths is not None and self.exists()
            ix, indexed, report.rebuilt = self._open_for_write(read_keys=not targeted)
            generation_before = ix.latest_generation()
            clear = False
            if rebuild and report.rebuilt is None:
                report.rebuilt = "requested"
                clear = bool(indexed)
                indexed = {}
            skipped = {} if report.rebuilt else ingest.load_skipped(self.index_dir)
            if indexed is None:  # targeted, on the index as it was
                assert paths is not None
                work = self._plan_paths(ix, paths, skipped, warn_)
            else:
                work = self._plan_all(indexed, skipped, warn_)
            plan = work.plan
            report.unchanged = plan.unchanged
            report.deleted = len(plan.delete)
            if planned is not None:
                planned(Counter(sf.source.name for sf in plan.read))
            if not (clear or ingest.needs_work(plan, work.skipped)):
                # Nothing to commit, so no commit will sweep away what a writer killed
                # (kill -9, power cut) left behind: do that sweep here.
                _clean_leftovers(ix)
            else:

                def progress_(done: int, total: int, path: str, committed: bool = False,
                              source: str = "") -> None:
                    if progress is not None:
                        progress(Progress(done, total, path, committed, source))

                result = ingest.apply_plan(
                    ix,
                    plan,
                    clear=clear,
                    workers=self.workers,
                    procs=self.procs,
                    warn=warn_,
                    progress=progress_,
                    cancel=cancel,
                    first_batch=first_batch,
                )
                report.added = result.added_files
                report.changed = result.changed_files
                report.skipped = result.skipped_files
                report.articles = result.articles
                report.cancelled = result.cancelled
                if not (clear and result.cancelled):
                    ingest.write_json_atomic(
                        self.index_dir / ingest.SKIPPED_NAME,
                        {"version": 1, "files": {**work.kept, **result.skipped}},
                    )
                    # Committed: readers opened now see every new article. Said before the
                    # stories follow, which take longer than the index (about 90 ms of CPU an
                    # added article at 100,000 articles, 2026-12): a reader shows the articles
                    # without waiting for them.
                    progress_(len(plan.read), len(plan.read), "", True)
            if not report.cancelled:
                touched = {sf.key for sf in plan.read} | set(plan.delete) | plan.replace
                report.stories = self._sync_stories(
                    ix, generation_before, touched, bool(report.rebuilt), warn_, cancel
                )

    def _plan_all(
        self, indexed: dict[str, str], skipped: dict[str, list[str]], warn_: Callable[[str], None]
    ) -> _Work:
        """Every file of every source against every indexed file."""
        from newsreader.index.store import ingest

        unreadable: set[str] = set()
        scanned = list(scan_files(self.settings.sources, warn_, unreadable))
        plan = ingest.plan_update(scanned, indexed, skipped, self._unavailable_sources())
        _keep_unreadable(plan, unreadable)
        return _Work(plan, skipped, {})

    def _plan_paths(
        self,
        ix: FileIndex,
        paths: list[str | os.PathLike[str]],
        skipped: dict[str, list[str]],
        warn_: Callable[[str], None],
    ) -> _Work:
        """The files below `paths` against the indexed files of that region only, looked up
        by key: the same plan a full update makes for them when nothing else changed."""
        from newsreader.index.store import ingest
        from newsreader.index.store.targets import scan_paths

        unreadable: set[str] = set()
        region = scan_paths(self.settings.sources, paths, warn_, unreadable)
        indexed = ingest.read_indexed_in(ix, region.keys, region.prefixes)
        for given, key in region.absent.items():
            if not _holds(indexed, key):
                warn_(f"{given}: no such file or folder (and nothing indexed from it)")
        inside = {k: v for k, v in skipped.items() if region.covers(k)}
        plan = ingest.plan_update(region.scans, indexed, inside, self._unavailable_sources())
        _keep_unreadable(plan, unreadable)
        kept = {k: v for k, v in skipped.items() if k not in inside}
        return _Work(plan, inside, kept)

    def _sync_stories(
        self,
        ix: FileIndex,
        generation_before: int,
        touched: set[str],
        rebuilt: bool,
        warn_: Callable[[str], None],
        cancel: threading.Event | None = None,
    ) -> SyncReport | None:
        """Stories follow the index at index time (under the write lock), so that neither the
        reader nor `newsreader stories` ever computes them."""
        # Imported here: index.stories reads the index through this package (a cycle at import);
        # sqlite3 (11 M instructions to import) is not for a search command to pay.
        import sqlite3

        from newsreader.index.stories.identity import SyncReport, in_step

        if (
            not touched
            and not rebuilt
            and ix.latest_generation() == generation_before
            and in_step(self.index_dir, generation_before)
        ):
            # Nothing changed since the stories last followed the index: skip loading what
            # computes them (numpy, scipy: 0.3 s of a 1 s no-change re-scan at 100,000 files).
            return SyncReport()
        from newsreader.index.stories.store import StoryIndex

        stories = StoryIndex(self.index_dir)
        with ix.searcher() as searcher:
            generation = ix.latest_generation()
            try:
                return stories.sync(
                    searcher,
                    touched=touched,
                    generation_before=generation_before,
                    generation=generation,
                    rebuilt=rebuilt,
                    cancel=cancel,
                )
            except sqlite3.Error as exc:
                warn_(f"stories not updated ({stories.path}: {exc})")
                return None

    def _prepare_dir(self) -> None:
        folder = self.index_dir.resolve()
        for source in self.settings.sources:
            src = Path(source.path).resolve()
            if folder.is_relative_to(src):
                raise StoreError(
                    f"index folder {folder} is inside the folder of source {source.name!r} "
                    f"({src}): set index_dir to a folder outside every source"
                )
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create index folder {self.index_dir}: {exc.strerror or exc}"
            ) from None

    def _open_for_write(
        self, *, read_keys: bool = True
    ) -> tuple[FileIndex, dict[str, str] | None, str | None]:
        """The index to write to, its `file_key -> fingerprint` (None unless `read_keys`: a
        targeted update looks up only its own files), and why it was recreated."""
        from newsreader.index.store import ingest

        names = _listdir(self.index_dir)
        version = self._stored_version()
        reason: str | None = None
        if not any(_TOC_RE.fullmatch(n) for n in names):
            if version is not None or any(_OWNED_RE.fullmatch(n) for n in names):
                reason = "index damaged (table of contents missing)"
        elif version != SCHEMA_VERSION:
            shown = "unknown" if version is None else str(version)
            reason = f"schema version {shown} -> {SCHEMA_VERSION}"
        else:
            try:
                ix = whoosh_index.open_dir(str(self.index_dir), indexname=INDEX_NAME)
                indexed = ingest.read_indexed(ix) if read_keys else None
                _check_segments(ix)
                return ix, indexed, None
            except PermissionError as exc:
                raise StoreError(f"cannot read index {self.index_dir}: {exc.strerror}") from None
            # Whoosh reports damage with whatever broke first: EmptyIndexError, OSError,
            # struct.error, EOFError, pickle errors, IndexError... Any of them means "rebuild".
            except Exception as exc:
                reason = f"index damaged ({_describe(exc)})"
        return self._create(), {}, reason

    def _create(self) -> FileIndex:
        """A new, empty index in the index folder (old index files removed, nothing else)."""
        for name in _listdir(self.index_dir):
            if _OWNED_RE.fullmatch(name) and name != LOCK_NAME:
                path = self.index_dir / name
                if path.is_file() and not path.is_symlink():
                    path.unlink(missing_ok=True)
        from newsreader.index.store import ingest

        ix = whoosh_index.create_in(str(self.index_dir), make_schema(), indexname=INDEX_NAME)
        ingest.write_json_atomic(self.index_dir / META_NAME, {"schema_version": SCHEMA_VERSION})
        with self._guard:
            self._ix = None
        return ix

    def _stored_version(self) -> int | None:
        try:
            data = json.loads((self.index_dir / META_NAME).read_text(encoding="utf-8"))
            version = data["schema_version"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return version if isinstance(version, int) else None

    # ---- state -------------------------------------------------------------------------------

    def exists(self) -> bool:
        """An index is present and of the current schema (it may still be damaged)."""
        if self._stored_version() != SCHEMA_VERSION:
            return False
        return any(_TOC_RE.fullmatch(n) for n in _listdir(self.index_dir))

    def needs_update(self) -> bool:
        """Whether `update()` would change anything (stat-only: no article file is read).
        True when there is no usable index."""
        from newsreader.index.store import ingest

        if not self.exists():
            return True
        try:
            ix = self._index()
            indexed = ingest.read_indexed(ix)
        except Exception:  # a damaged index needs the rebuild update() does
            return True
        skipped = ingest.load_skipped(self.index_dir)
        unreadable: set[str] = set()
        scanned = list(scan_files(self.settings.sources, lambda _message: None, unreadable))
        plan = ingest.plan_update(scanned, indexed, skipped, self._unavailable_sources())
        _keep_unreadable(plan, unreadable)
        return ingest.needs_work(plan, skipped)

    def _unavailable_sources(self) -> frozenset[str]:
        return frozenset(s.name for s in self.settings.sources if not os.path.isdir(s.path))

    # ---- reading -----------------------------------------------------------------------------

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A new Whoosh searcher on the last committed generation, closed on exit. Without a
        usable index (none yet, or an old schema) it searches an empty index. Raises StoreError
        when the index cannot be opened."""
        key = self._generation_stamp()
        s: Searcher | None = None
        if key is not None:
            with self._guard:
                if self._idle_key == key and self._idle:
                    s = self._idle.pop()
        if s is None:
            ix = self._index() if key is not None else self._empty_index()
            s = _open_searcher(ix, self.index_dir)
        try:
            yield s
        finally:
            self._release(s, key)

    def _generation_stamp(self) -> tuple[object, ...] | None:
        """What identifies the committed generation readers see: the newest TOC file's name,
        inode, size and mtime (a rebuild restarts generation numbers, a new file has another
        inode or mtime). None when there is no usable index. One listdir and two small reads:
        far cheaper than opening a searcher (5 ms at 20,000 articles, reading every sort
        column's offsets)."""
        if self._stored_version() != SCHEMA_VERSION:
            return None
        tocs = [n for n in _listdir(self.index_dir) if _TOC_RE.fullmatch(n)]
        if not tocs:
            return None
        newest = max(tocs, key=lambda n: int(n[len(INDEX_NAME) + 2 : -4]))
        try:
            st = os.stat(self.index_dir / newest)
        except FileNotFoundError:
            # A commit landed between the listing and this stat: it wrote a newer TOC, then
            # deleted this one. The index is there; only its generation is unknown here, so a
            # key no idle searcher has, and a new searcher opens on the newest generation.
            # (None here searched the empty index: 0 articles, and a failed search.)
            return (newest, object())
        except OSError:
            return None
        return (newest, st.st_ino, st.st_size, st.st_mtime_ns)

    def _release(self, s: Searcher, key: tuple[object, ...] | None) -> None:
        """Keep a searcher of the current generation for the next read (never shared: each
        read takes one out of the idle list), close the others."""
        stale: list[Searcher] = []
        with self._guard:
            if key is not None and not s.is_closed:
                if self._idle_key != key:
                    stale, self._idle, self._idle_key = self._idle, [], key
                if len(self._idle) < _IDLE_SEARCHERS:
                    self._idle.append(s)
                    s = None
        for old in stale:
            old.close()
        if s is not None:
            s.close()

    def get(self, article_id: str) -> Article | None:
        """The article with this id, rebuilt from the stored fields; None if not indexed.
        Raises StoreError when the index cannot be read."""
        with self.searcher() as s:
            try:
                docnum = s.document_number(id=path_text(article_id))
                if docnum is None:
                    return None
                return article_from_fields(s.stored_fields(docnum))
            except Exception as exc:  # Whoosh reports a damaged segment with anything
                raise StoreError(
                    f"cannot read index {self.index_dir} ({_describe(exc)}): "
                    "run `newsreader index --rebuild`"
                ) from None

    def holding(self, paths: Iterable[str | os.PathLike[str]]) -> list[str]:
        """Of `paths` (files or folders below source folders that are not there), those the
        index holds articles of: the file, or files below the folder (what a targeted update
        of them would delete). Looks up their keys only, as the targeted update does. A path
        that is there again is kept, and every path when the index cannot be read now (a
        commit sweeping its files): the update then decides."""
        from newsreader.index.store import ingest
        from newsreader.index.store.targets import scan_paths

        given = [os.fspath(p) for p in paths]
        if not given or not self.exists():
            return []
        region = scan_paths(self.settings.sources, given, lambda _message: None)
        back = [g for g in given if g not in region.absent]
        try:
            indexed = ingest.read_indexed_in(self._index(), region.keys, region.prefixes)
        except Exception:  # Whoosh says a file vanished mid-read with anything
            return given
        held = [g for g, key in region.absent.items() if _holds(indexed, key)]
        return sorted(set(back) | set(held))

    def count(self) -> int:
        """Number of indexed articles."""
        with self.searcher() as s:
            return int(s.doc_count())

    def source_counts(self) -> list[SourceCount]:
        """Every configured source, in config order, with its number of articles (maybe 0)."""
        with self.searcher() as s:
            counts = self._cached(s, ("sources",), lambda: _key_counts(s, "source"))
        return [
            SourceCount(src.name, Path(src.path), counts.get(src.name.lower(), (0,))[0])
            for src in self.settings.sources
        ]

    def outlet_counts(self) -> list[tuple[str, int]]:
        """(outlet, articles) for every outlet, most articles first. Outlets that differ only
        in case are one outlet, shown as one of its articles spells it."""
        with self.searcher() as s:
            return list(self._cached(s, ("outlets",), lambda: _outlet_counts(s)))

    def read_keys(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """For each of `ids` that is indexed now: its (source key, outlet key), lower-cased as
        the source and outlet filters are. Read state remembers articles that have left the
        library (a deleted file, another library's ids): counting only the ones found here
        keeps the unread counts equal to what the unread-only list shows."""
        ids = list(ids)
        if not ids:
            return {}  # nothing read: no need to learn every document's keys
        with self.searcher() as s:
            sources, outlets, known = self._cached(
                s,
                ("read keys",),
                lambda: (_Owners(s, "source"), _Owners(s, "outlet_key"), {}),
            )
            # `known` remembers each id's answer for this generation: an id lookup costs about
            # 60 us (2,231 articles, 2026-12), and the reader asks again on every reload.
            found: dict[str, tuple[str, str]] = {}
            for article_id in ids:
                if article_id not in known:
                    docnum = s.document_number(id=path_text(article_id))
                    known[article_id] = (
                        None if docnum is None else (sources.key(docnum), outlets.key(docnum))
                    )
                keys = known[article_id]
                if keys is not None:
                    found[article_id] = keys
            return found

    def list_articles(
        self,
        *,
        source: str | None = None,
        outlet: str | None = None,
        sort: str = "date",
        offset: int = 0,
        limit: int | None = None,
    ) -> list[ArticleRow]:
        """Articles as list rows: `sort="date"` newest first, undated last, then by title;
        `sort="title"` by title. Filters match source names and outlets case-insensitively.
        Only the rows of the page load stored fields: ordering uses the sort columns."""
        if sort not in ("date", "title"):
            raise ValueError(f"unknown sort {sort!r} (expected date or title)")
        terms: list[wq.Query] = []
        if source:
            terms.append(wq.Term("source", source.lower()))
        if outlet:
            terms.append(wq.Term("outlet_key", outlet.lower()))
        q: wq.Query = wq.And(terms) if len(terms) > 1 else (terms[0] if terms else wq.Every())
        column = "list_key" if sort == "date" else "title_key"
        offset = max(0, offset)
        end = None if limit is None else offset + max(0, limit)
        if end == 0:
            return []
        with self.searcher() as s:
            # The whole ordering is computed once per index generation (0.06 s at 100k
            # articles, 0.8 s at 1M), so paging through the list costs only the rows' stored
            # fields. Until it is, the first pages come from the order's head (see
            # `_ordered_docnums`): the first screen does not wait for every article's sort.
            what = (source, outlet, sort)
            order = self._known(s, ("list", *what))
            if order is None and end is not None and end <= HEAD_ROWS:
                order = self._cached(
                    s, ("head", *what), lambda: _ordered_docnums(s, q, column, HEAD_ROWS)
                )
            if order is None:
                order = self._cached(
                    s, ("list", *what), lambda: _ordered_docnums(s, q, column)
                )
            return [_row(s.stored_fields(int(d))) for d in order[offset:end]]

    def prepare_list(
        self, *, source: str | None = None, outlet: str | None = None, sort: str = "date"
    ) -> None:
        """Compute and keep the whole order of a list whose first page came from its head, so
        that paging past `HEAD_ROWS` does not wait for it (the reader calls this once the first
        rows are on screen)."""
        self.list_articles(source=source, outlet=outlet, sort=sort, offset=HEAD_ROWS, limit=1)

    def _known(self, s: Searcher, what: tuple[object, ...]) -> Any:
        """What `_cached` keeps for `what` in the generation `s` reads, or None."""
        generation = _generation_key(s)
        if generation is None:
            return None
        with self._guard:
            return self._cache.get((generation, *what))

    def _cached(self, s: Searcher, what: tuple[object, ...], compute: Callable[[], Any]) -> Any:
        """`compute()`, remembered for the generation `s` reads: docnums stay valid exactly as
        long as the index does not change."""
        generation = _generation_key(s)
        if generation is None:
            return compute()
        key = (generation, *what)
        with self._guard:
            if key in self._cache:
                return self._cache[key]
        value = compute()
        with self._guard:
            if len(self._cache) >= _CACHE_ENTRIES or any(k[0] != generation for k in self._cache):
                self._cache = {k: v for k, v in self._cache.items() if k[0] == generation}
                if len(self._cache) >= _CACHE_ENTRIES:
                    self._cache.clear()
            self._cache[key] = value
        return value

    def close(self) -> None:
        """Close the idle searchers and forget cached Whoosh objects."""
        with self._guard:
            self._ix = None
            self._empty = None
            self._cache = {}
            idle, self._idle, self._idle_key = self._idle, [], None
        for s in idle:
            s.close()

    def _index(self) -> FileIndex:
        with self._guard:
            if self._ix is None:
                try:
                    self._ix = whoosh_index.open_dir(str(self.index_dir), indexname=INDEX_NAME)
                except Exception as exc:
                    raise StoreError(
                        f"cannot open index {self.index_dir} ({_describe(exc)}): "
                        "run `newsreader index` to rebuild it"
                    ) from None
            return self._ix

    def _empty_index(self) -> FileIndex:
        with self._guard:
            if self._empty is None:
                self._empty = RamStorage().create_index(make_schema())
            return self._empty


def _clean_leftovers(ix: FileIndex) -> None:
    """Delete segment files and old TOCs the current generation does not use: what a killed
    writer left. Exactly the sweep Whoosh runs after every commit (readers have their files
    open, see `_open_searcher`); called with the write lock held. Best effort."""
    try:
        toc = TOC.read(ix.storage, INDEX_NAME)
        clean_files(ix.storage, INDEX_NAME, toc.generation, toc.segments)
    except Exception:  # a leftover file costs disk space, never correctness
        pass


def _holds(indexed: Mapping[str, str], key: str) -> bool:
    """Whether `indexed` (file key -> fingerprint) has the file `key`, or files below it as a
    folder: what a targeted update of that key, gone from the disk, deletes."""
    return key in indexed or any(k.startswith(key + "/") for k in indexed)


def _keep_unreadable(plan: ingest.Plan, unreadable: set[str]) -> None:
    """Keep the articles of subfolders the scan could not list (permissions changed, a mount
    gone stale): their files are unknown this run, not deleted."""
    if unreadable:
        prefixes = tuple(unreadable)
        plan.delete = [k for k in plan.delete if not k.startswith(prefixes)]


def article_from_fields(fields: dict[str, Any]) -> Article:
    """An Article from a document's stored fields."""
    tags = tuple(t for t in str(fields.get("tags") or "").split(",") if t)
    return Article(
        id=fields.get("id", ""),
        title=fields.get("title", ""),
        body=fields.get("body", ""),
        source=fields.get("source", ""),
        path=fields.get("path", ""),
        date=stored_date(fields),
        outlet=fields.get("outlet", ""),
        author=fields.get("author", ""),
        url=fields.get("url", ""),
        tags=tags,
    )


def _row(fields: dict[str, Any]) -> ArticleRow:
    return ArticleRow(
        id=fields.get("id", ""),
        title=fields.get("title", ""),
        outlet=fields.get("outlet", ""),
        date=stored_date(fields),
        source=fields.get("source", ""),
    )


def _outlet_counts(s: Searcher) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for key, (n, first) in _key_counts(s, "outlet_key").items():
        if not key:
            continue
        name = s.stored_fields(first).get("outlet") or key
        out.append((str(name), n))
    out.sort(key=lambda item: (-item[1], item[0].casefold()))
    return out


class _Owners:
    """docnum -> its term of a key field (one term per document: `source`, `outlet_key`), for
    live documents ("" otherwise): one pass over the field's postings (no stored fields
    unpickled). Kept as 4 bytes a document (an index into the field's terms): a dict of every
    docnum took about 100 bytes a document, two of them 200 MB at 1,000,000 articles, held for
    as long as the index does not change."""

    def __init__(self, s: Searcher, fieldname: str) -> None:
        field = s.schema[fieldname]
        reader = s.reader()
        self.terms: list[str] = [""]
        self.labels = array("I", bytes(4 * reader.doc_count_all()))
        labels = self.labels
        for sub, base in reader.leaf_readers():
            for term in sub.lexicon(fieldname):
                self.terms.append(field.from_bytes(term))
                label = len(self.terms) - 1
                for docnum in sub.postings(fieldname, term).all_ids():  # skips deleted ones
                    labels[base + docnum] = label

    def key(self, docnum: int) -> str:
        return self.terms[self.labels[docnum]] if docnum < len(self.labels) else ""


def _key_counts(s: Searcher, fieldname: str) -> dict[str, tuple[int, int]]:
    """term -> (live documents with it, the lowest of their docnums) for a key field (one term
    per document: `source`, `outlet_key`). Read from the term statistics: O(terms), where
    grouping a search by the field reads every document's key (0.2 s per field at 100,000
    articles, on the way to the first screen). Only a segment with deleted documents has its
    postings walked, since its statistics still count them."""
    found: dict[str, tuple[int, int]] = {}
    field = s.schema[fieldname]
    for sub, base in s.reader().leaf_readers():
        deletions = sub.has_deletions()
        for term in sub.lexicon(fieldname):
            ids = sub.postings(fieldname, term).all_ids()  # skips deleted documents
            first = next(ids, None)
            if first is None:
                continue  # only deleted documents have it
            n = 1 + sum(1 for _ in ids) if deletions else sub.doc_frequency(fieldname, term)
            key = field.from_bytes(term)
            if key in found:
                seen, lowest = found[key]
                found[key] = (seen + n, lowest)
            else:
                found[key] = (n, base + first)
    return found


SORT_WORDS = 4
"""8-byte words of the sort keys `_ordered_docnums` compares at a time (a list key's date is
the first 20 bytes)."""


HEAD_ROWS = 1000
"""List rows served from the order's head (`_ordered_docnums(..., first=HEAD_ROWS)`) until the
whole order is known: five pages of the reader's list."""


def _ordered_docnums(s: Searcher, q: wq.Query, column: str, first: int | None = None) -> Any:
    """The docnums `q` matches, ordered by `column` (ties by docnum), as a numpy array: what
    `s.search(q, sortedby=FieldFacet(column), limit=None)` gives (the column's sort key is its
    value), without a hit object per document. Numpy sorts the keys' first 32 bytes, then only
    the documents still tied by their next 32, and so on: at 1,000,000 articles a bytes object
    per document and Python's sort of them took 1.3 s and 130 MB on the way to the first
    screen; the order kept for paging is 8 bytes a document (36 in a list of ints).

    With `first`, only the head of that order: at least its `first` docnums (all of them when
    fewer match), exactly as they begin the whole order. Only the documents whose key's first
    8 bytes are at most the `first`-th smallest first 8 bytes are sorted: every other key is
    greater than all of theirs. At 1,000,000 articles (a list key's first 8 bytes are its date
    to about 12 days) that is ~10,000 documents, and 0.2 s instead of 0.8 s."""
    import numpy as np

    bases: list[int] = []
    subs: list[Any] = []
    live: list[Any] = []
    for sub, base in s.reader().leaf_readers():  # segments' docnums follow one another
        count = sub.doc_count_all()
        if not count:
            continue  # (an empty index's reader has no columns at all)
        bases.append(base)
        subs.append(sub)
        if sub.has_deletions():
            live.append(base + np.fromiter(sub.all_doc_ids(), dtype=np.int64))
        else:
            live.append(np.arange(base, base + count, dtype=np.int64))
    if not subs:
        return np.zeros(0, dtype=np.int64)
    if isinstance(q, wq.Every):
        docs = np.concatenate(live)
    else:
        docs = np.array(sorted(s.docs_for_query(q)), dtype=np.int64)
    del live

    def words(docnums: Any, skip: int, count: int = SORT_WORDS) -> Any:
        """`count` key words from byte `skip` on of `docnums` (any order), one row each."""
        by_doc = np.argsort(docnums, kind="stable")
        ascending = docnums[by_doc]
        out = np.zeros((len(docnums), count), dtype=np.uint64)
        cuts = [*np.searchsorted(ascending, bases[1:]), len(ascending)]
        start = 0
        for sub, base, last in zip(subs, bases, cuts, strict=True):
            if last > start:
                local = ascending[start:last] - base
                out[by_doc[start:last]] = column_words(sub, column, count, skip, local)
            start = last
        return out

    def columns_of(table: Any) -> tuple[Any, ...]:
        return tuple(table[:, w] for w in reversed(range(SORT_WORDS)))  # lexsort: last first

    if first is not None and 0 < first < len(docs):
        lead = words(docs, 0, 1)[:, 0]
        docs = docs[lead <= np.partition(lead, first - 1)[first - 1]]  # still ascending
        del lead
    key = words(docs, 0)
    by_key = np.lexsort(columns_of(key))  # stable: ties stay in docnum order
    order, key = docs[by_key], key[by_key]
    # group[i]: the run of keys equal so far that position i is in (runs are contiguous).
    group = np.concatenate(([0], np.cumsum((key[1:] != key[:-1]).any(axis=1))))
    del key
    skip = 0
    while True:
        tied = np.flatnonzero(np.bincount(group)[group] > 1)
        if not len(tied):
            break
        skip += 8 * SORT_WORDS
        more = words(order[tied], skip)
        if not more.any():
            break  # the tied keys are equal to their ends: they stay in docnum order
        within = np.lexsort((*columns_of(more), group[tied]))  # stable as well
        order[tied] = order[tied][within]
        g, more = group[tied][within], more[within]
        changed = np.concatenate(([True], (g[1:] != g[:-1]) | (more[1:] != more[:-1]).any(axis=1)))
        group[tied] = group.max() + np.cumsum(changed)
    return order


def _generation_key(s: Searcher) -> tuple[object, ...] | None:
    """Identifies what a searcher reads: the TOC generation plus its segments (a rebuilt index
    restarts generations but never reuses segment ids)."""
    reader = s.reader()
    generation = reader.generation()
    if generation is None:
        return None
    return (generation, *(sub.segment().segment_id() for sub, _ in reader.leaf_readers()))


def _open_searcher(ix: FileIndex, folder: Path) -> Searcher:
    """A searcher whose segment files are all open. Whoosh opens the stored-field and length
    columns lazily, and a commit that merges or clears segments deletes their files: a searcher
    opened just before such a commit would then fail on its first stored-field read. Open
    files survive deletion on POSIX, so every file is opened up front; a commit landing between
    reading the TOC and opening the files is retried with the next generation."""
    attempts = 3
    for attempt in range(attempts):
        s = None
        try:
            s = ix.searcher()
            for sub, _ in s.reader().leaf_readers():
                if sub.doc_count_all():
                    sub.stored_fields(0)
                    for name in ("title", "body"):
                        sub.doc_field_length(0, name)
                    for name in ("list_key", "title_key"):
                        sub.column_reader(name)
            return s
        except Exception as exc:
            if s is not None:
                s.close()
            if attempt == attempts - 1:
                raise StoreError(
                    f"cannot open index {folder} ({_describe(exc)}): "
                    "run `newsreader index` to rebuild it"
                ) from None
    raise AssertionError("unreachable")


def _check_segments(ix: FileIndex) -> None:
    """Open every segment's term and stored-field files: a segment file lost in a crash or
    truncated shows up here rather than in the middle of a search."""
    with ix.reader() as reader:
        for sub, _base in reader.leaf_readers():
            if sub.doc_count_all():
                sub.stored_fields(sub.doc_count_all() - 1)
            for fieldname in ("id",):
                next(iter(sub.lexicon(fieldname)), None)


def _listdir(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read index folder {folder}: {exc.strerror or exc}") from None


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
