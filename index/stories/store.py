"""The stories of a library, kept beside its index in one SQLite file and brought up to date
after every index update, so that opening the reader or listing stories computes nothing.

`newsreader-stories.sqlite` in the index folder holds every article's vector, date, event and
story, every event's centroid (the sum of its articles' vectors, so events merge by adding) and
every story's summary. Written only by the index writer (under the index's write lock), in
transactions; readers (the CLI, the reader's workers) open it read-only and see the last
committed state.

Updating:
- **From scratch** (no file, another version, the index rebuilt, or more than
  `SCRATCH_SHARE` of the library changed): every article's vector from the index postings, the
  clustering of `clustering.cluster`, written to a new file that replaces the old one.
- **Incrementally**, article by article: a new dated article is compared with the articles
  dated within `event_days` of it (from this file) and joins, merges or starts an event; the
  events its story could link to are the events of the 64 articles the index's own query
  engine ranks highest for its words within `story_days` (the engine that answers `related`),
  and the stories it touches are re-linked from their events' centroids. A deleted article's
  event is re-clustered from its remaining articles and its story re-linked. Undated articles
  attach to the most similar dated article among the engine's candidates.

Story ids: a new story's id is a hash of its first article's id; a story keeps its id while it
keeps most of its articles: when stories merge, the one that brings the most articles keeps its
id; when one splits, the part with the most of its articles keeps it. A from-scratch run gives
each new story the id of the old story most of whose articles it holds.

Size: the StoryIndex class (its reads and the two ways it writes); the from-scratch writer
(`_write_scratch`) is the part to move out next.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from whoosh.searching import Searcher

from newsreader.index.stories import clustering
from newsreader.index.stories.identity import PARAMS, STORIES_NAME, VERSION, Params, SyncReport
from newsreader.index.stories.incremental import Work, changes
from newsreader.index.stories.model import Story, StoryArticle, StoryNotFound
from newsreader.index.stories.records import (
    SCHEMA,
    Doc,
    day_number,
    first_id,
    fresh_id,
    keep_ids,
    parse_date,
    read_doc,
    refresh_stories,
)
from newsreader.index.stories.vectors import Cancelled, Vector, library_vectors

SCRATCH_SHARE = 0.05
"""Past this share of the library changed in one update (and at least SCRATCH_MIN articles),
clustering from scratch is cheaper than article by article."""
SCRATCH_MIN = 500
_BUSY_MS = 5000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class StoryIndex:
    """The stories file of the index in `folder`."""

    def __init__(self, folder: Path, params: Params = PARAMS) -> None:
        self.folder = Path(folder)
        self.path = self.folder / STORIES_NAME
        self.params = params
        self._lock = threading.Lock()
        self._cancelled: Callable[[], bool] = _never

    # ---- reading -----------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.is_file()

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        uri = f"file:{self.path}?mode=ro"
        db = sqlite3.connect(uri, uri=True, timeout=_BUSY_MS / 1000, check_same_thread=False)
        try:
            yield db
        finally:
            db.close()

    def stories(
        self,
        *,
        since: dt.date | None = None,
        min_outlets: int = 1,
        limit: int | None = None,
        articles: bool = True,
    ) -> list[Story]:
        """Stories of at least two articles and `min_outlets` outlets, newest first (by their
        last article; stories with no dated article last), optionally only those whose last
        article is on or after `since`. [] when there is no stories file yet."""
        if not self.exists():
            return []
        where = ["size >= 2", "outlets >= ?"]
        args: list[Any] = [min_outlets]
        if since is not None:
            where.append("last >= ?")
            args.append(day_number(since, midday=False))
        sql = (
            "SELECT n, id, headline, size FROM stories WHERE "
            + " AND ".join(where)
            + " ORDER BY last IS NULL, last DESC, id"
        )
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._reader() as db:
            rows = db.execute(sql, args).fetchall()
            return [
                self._story(db, n, sid, title, size, with_articles=articles)
                for n, sid, title, size in rows
            ]

    def story(self, story_id: str) -> Story:
        """One story with its articles in date order; StoryNotFound for an unknown id (or a
        lone article's story, which is not listed either)."""
        if self.exists():
            with self._reader() as db:
                row = db.execute(
                    "SELECT n, id, headline, size FROM stories WHERE id = ? AND size >= 2",
                    (story_id,),
                ).fetchone()
                if row is not None:
                    n, sid, title, size = row
                    return self._story(db, n, sid, title, size)
        raise StoryNotFound(story_id)

    def story_of(self, article_id: str) -> str | None:
        """The id of the story an article belongs to (None when it is alone or unknown)."""
        if not self.exists():
            return None
        with self._reader() as db:
            row = db.execute(
                "SELECT s.id FROM articles a JOIN stories s ON s.n = a.story "
                "WHERE a.id = ? AND s.size >= 2",
                (article_id,),
            ).fetchone()
        return row[0] if row else None

    def _story(
        self,
        db: sqlite3.Connection,
        n: int,
        sid: str,
        headline: str,
        size: int,
        with_articles: bool = True,
    ) -> Story:
        rows = db.execute(
            "SELECT id, title, outlet, outlet_key, date, day FROM articles WHERE story = ? "
            "ORDER BY day IS NULL, day, id",
            (n,),
        ).fetchall()
        outlets: list[str] = []
        for _id, _title, _outlet, key, _date, _day in rows:
            if key not in outlets:
                outlets.append(key)
        dated = [r for r in rows if r[5] is not None]
        first = parse_date(dated[0][4]) if dated else None
        last = parse_date(dated[-1][4]) if dated else None
        articles = tuple(
            StoryArticle(r[0], r[1], r[2], parse_date(r[4]), first=bool(dated) and k == 0)
            for k, r in enumerate(rows)
        )
        return Story(
            sid, headline, tuple(outlets), size, first, last, articles if with_articles else ()
        )

    # ---- writing -----------------------------------------------------------------------------

    def sync(
        self,
        searcher: Searcher,
        *,
        touched: Iterable[str] | None = None,
        generation_before: int | None = None,
        generation: int | None = None,
        rebuilt: bool = False,
        cancel: threading.Event | None = None,
    ) -> SyncReport:
        """Bring the stories up to date with the index `searcher` reads. `touched`: the file
        keys the index update added, changed or deleted, valid when the stories were in step
        with generation `generation_before` (else every file is compared). The caller holds
        the index's write lock. When `cancel` is set, stops soon and writes nothing (the
        report says `cancelled`; the next sync finds the stories behind the index)."""
        started = time.perf_counter()
        with self._lock:
            self._cancelled = cancel.is_set if cancel is not None else _never
            try:
                report = self._sync(searcher, touched, generation_before, generation, rebuilt)
            except Cancelled:
                report = SyncReport(cancelled=True)
        report.seconds = time.perf_counter() - started
        return report

    def _sync(
        self,
        searcher: Searcher,
        touched: Iterable[str] | None,
        generation_before: int | None,
        generation: int | None,
        rebuilt: bool,
    ) -> SyncReport:
        reason = "index rebuilt" if rebuilt else None
        db: sqlite3.Connection | None = None
        if reason is None:
            db = self._open_for_write()
            if db is None:
                reason = "no stories yet" if not self.exists() else "stories from another version"
        if reason is not None:
            return self._from_scratch(searcher, generation, reason)
        assert db is not None
        with closing(db):
            meta = dict(db.execute("SELECT key, value FROM meta"))
            in_step = (
                touched is not None
                and generation_before is not None
                and meta.get("generation") == str(generation_before)
            )
            keys = set(touched) if in_step and touched is not None else None
            remove, add = changes(db, searcher, keys)
            total = max(searcher.doc_count(), 1)
            if len(remove) + len(add) > max(SCRATCH_MIN, SCRATCH_SHARE * total):
                db.close()
                return self._from_scratch(
                    searcher, generation, f"{len(remove) + len(add):,} articles changed"
                )
            report = SyncReport(added=len(add), removed=len(remove))
            work = Work(db, searcher, self.params)
            with db:  # one transaction: Cancelled (or a crash) leaves the file as it was
                for n in sorted(remove):
                    self._check()
                    work.remove(n)
                for docnum in sorted(add, key=lambda d: add[d]):
                    self._check()
                    doc = read_doc(searcher, docnum)
                    if doc is not None:
                        work.add(doc)
                work.finish()
                if generation is not None:
                    db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),)
                    )
            return report

    def _check(self) -> None:
        if self._cancelled():
            raise Cancelled

    def _open_for_write(self) -> sqlite3.Connection | None:
        """The stories file for an incremental update, None when there is none usable."""
        if not self.exists():
            return None
        try:
            db = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000)
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            params = db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
        except sqlite3.DatabaseError:
            return None
        if (
            row is None
            or row[0] != str(VERSION)
            or params is None
            or params[0] != repr(self.params)
        ):
            db.close()
            return None
        return db

    def _old_ids(self) -> dict[str, tuple[str, int]]:
        """article id -> (its story's id, the story's size) in the current file, for keeping
        story ids across a from-scratch run."""
        if not self.exists():
            return {}
        try:
            with self._reader() as db:
                return {
                    a: (s, size)
                    for a, s, size in db.execute(
                        "SELECT a.id, s.id, s.size FROM articles a JOIN stories s ON s.n = a.story"
                    )
                }
        except sqlite3.DatabaseError:
            return {}

    def _from_scratch(self, searcher: Searcher, generation: int | None, reason: str) -> SyncReport:
        old = self._old_ids()
        lv = library_vectors(searcher, self._cancelled)
        keys = lv.keys
        docs: list[Doc] = []
        rows: list[int] = []
        for row, docnum in enumerate(lv.docnums):
            if row % 1000 == 0:
                self._check()
            doc = read_doc(searcher, int(docnum), vector=lv.vector(row))
            if doc is not None:
                docs.append(doc)
                rows.append(row)
        # Rows in article-id order: the clustering's only order-dependent choice (ties
        # between an undated article's best matches) then follows the ids.
        order = sorted(range(len(docs)), key=lambda k: docs[k].id)
        docs = [docs[k] for k in order]
        matrix = lv.matrix[np.array([rows[k] for k in order], dtype=np.int64)] if docs else None
        days = np.array([np.nan if d.day is None else d.day for d in docs], dtype=np.float64)
        # A killed run's leftovers (we hold the index's write lock: no other run is writing).
        for leftover in self.folder.glob(f"{STORIES_NAME}.*.tmp"):
            leftover.unlink(missing_ok=True)
        tmp = self.folder / f"{STORIES_NAME}.{os.getpid()}.tmp"
        db = sqlite3.connect(tmp)
        done = False
        try:
            db.executescript(SCHEMA)
            meta = {"version": str(VERSION), "params": repr(self.params)}
            if generation is not None:
                meta["generation"] = str(generation)
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            if docs and matrix is not None:
                _write_scratch(db, docs, matrix, keys, days, self.params, old, self._cancelled)
            db.commit()
            done = True
        finally:
            db.close()
            if not done:
                tmp.unlink(missing_ok=True)
        os.replace(tmp, self.path)
        return SyncReport(added=len(docs), scratch=reason)


# ---- from scratch ---------------------------------------------------------------------------


def _write_scratch(
    db: sqlite3.Connection,
    docs: list[Doc],
    matrix: sparse.csr_matrix,
    keys: np.ndarray,
    days: np.ndarray,
    params: Params,
    old: dict[str, tuple[str, int]],
    cancelled: Callable[[], bool],
) -> None:
    """Cluster `docs` (rows of `matrix`, whose columns are the term keys `keys`) and write
    articles, events and stories."""
    found = clustering.cluster(matrix, days, params, cancelled)
    n_events = int(found.event.max()) + 1
    n_stories = int(found.story.max()) + 1
    members: dict[int, list[int]] = defaultdict(list)
    for k, s in enumerate(found.story):
        members[int(s)].append(k)
    votes = {
        s: Counter(old[docs[k].id][0] for k in ks if docs[k].id in old) for s, ks in members.items()
    }
    sizes = {sid: size for sid, size in old.values()}
    kept = keep_ids(votes, sizes)
    used = set(kept.values())
    ids = {}
    for s in range(n_stories):
        ids[s] = kept.get(s) or fresh_id(first_id(docs, members[s]), used)
    lo, hi = clustering.spans(days, found.event, n_events)
    sums = _label_sums(matrix, keys, found.event, n_events)
    event_size = np.bincount(found.event, minlength=n_events)
    story_of_event = np.zeros(n_events, dtype=np.int64)
    story_of_event[found.event] = found.story
    db.executemany(
        "INSERT INTO stories VALUES (?, ?, ?, 0, '', NULL, NULL)",
        ((s + 1, ids[s], len(members[s])) for s in range(n_stories)),
    )
    db.executemany(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                e + 1,
                int(story_of_event[e]) + 1,
                float(lo[e]),
                float(hi[e]),
                int(event_size[e]),
                *sums[e].to_bytes(),
            )
            for e in range(n_events)
            if not np.isnan(lo[e])
        ),
    )
    db.executemany(
        "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
        (
            (
                k + 1,
                d.id,
                d.file_key,
                d.fingerprint,
                d.day,
                d.date,
                d.title,
                d.outlet,
                d.outlet_key,
                None if d.day is None else int(found.event[k]) + 1,
                int(found.story[k]) + 1,
                *d.vector.to_bytes(),
            )
            for k, d in enumerate(docs)
        ),
    )
    undated = np.flatnonzero(np.isnan(days))
    dated = np.flatnonzero(~np.isnan(days))
    if len(undated) and len(dated):
        best, sim = clustering.best_matches(matrix[undated], matrix[dated])
        db.executemany(
            "UPDATE articles SET attach = ?, attach_sim = ? WHERE n = ?",
            (
                (int(dated[b]) + 1, float(v), int(u) + 1)
                for u, b, v in zip(undated, best, sim, strict=True)
                if v >= params.undated_similarity
            ),
        )
    refresh_stories(db, range(1, n_stories + 1))


def _label_sums(
    matrix: sparse.csr_matrix, keys: np.ndarray, labels: np.ndarray, count: int
) -> list[Vector]:
    """Per label, the sum of its rows, over term keys."""
    n = matrix.shape[0]
    member = sparse.csr_matrix((np.ones(n, np.float32), (labels, np.arange(n))), shape=(count, n))
    sums = (member @ matrix).tocsr()
    sums.sort_indices()
    out = []
    for e in range(count):
        start, end = sums.indptr[e], sums.indptr[e + 1]
        out.append(Vector(keys[sums.indices[start:end]], sums.data[start:end].astype(np.float32)))
    return out


def _never() -> bool:
    return False
