"""Bringing the stories file up to date article by article (see index.stories.store).

Size: one class, `Work`, whose steps (remove, add, attach undated articles, re-link stories)
share its connection and its record of touched stories; its engine queries (`_candidates`)
could move out if another part wants them.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from newsreader.index.parsing import path_text
from newsreader.index.store.whoosh import engine
from newsreader.index.stories import clustering
from newsreader.index.stories.identity import Params
from newsreader.index.stories.records import (
    Doc,
    add_vectors,
    cosines,
    fresh_id,
    from_day,
    keep_ids,
    marks,
    refresh_stories,
    unit,
)
from newsreader.index.stories.vectors import Vector, article_vector, stack

CANDIDATES = 64
"""Articles the query engine proposes as an article's possible story links."""

# ---- article by article ---------------------------------------------------------------------


def changes(
    db: sqlite3.Connection, searcher: Searcher, keys: set[str] | None
) -> tuple[set[int], dict[int, str]]:
    """(article rows to remove, index document numbers to add) for the files `keys` (None:
    every file), comparing the fingerprints the stories file and the index have."""
    reader = searcher.reader()
    index_files: dict[str, tuple[str, list[int]]] = {}
    empty = reader.doc_count_all() == 0
    # An index without documents has no columns: Whoosh's EmptyReader raises on reading one.
    col_key: Any = {} if empty else reader.column_reader("file_key")
    col_fp: Any = {} if empty else reader.column_reader("fingerprint")
    if empty:
        docnums: Iterable[int] = ()
    elif keys is None:
        docnums = reader.all_doc_ids()
    else:
        docnums = [
            d for key in sorted(keys) for d in searcher.document_numbers(file_key=path_text(key))
        ]
    for d in docnums:
        key = col_key[d]
        entry = index_files.setdefault(key, (col_fp[d], []))
        entry[1].append(d)
    if keys is None:
        rows = db.execute("SELECT n, file_key, fingerprint FROM articles").fetchall()
    else:
        rows = []
        for key in sorted(keys):
            rows += db.execute(
                "SELECT n, file_key, fingerprint FROM articles WHERE file_key = ?", (key,)
            ).fetchall()
    ours: dict[str, tuple[str, list[int]]] = {}
    for n, key, fp in rows:
        ours.setdefault(key, (fp, []))[1].append(n)
    remove: set[int] = set()
    add: dict[int, str] = {}
    for key in set(index_files) | set(ours):
        theirs = index_files.get(key)
        mine = ours.get(key)
        if theirs is not None and mine is not None and theirs[0] == mine[0]:
            continue
        if mine is not None:
            remove.update(mine[1])
        if theirs is not None:
            for d in theirs[1]:
                add[d] = key
    return remove, add


@dataclass
class _Event:
    n: int
    story: int
    lo: float
    hi: float
    size: int
    sum: Vector


class Work:
    """One incremental update: articles removed and added one at a time, each leaving the
    clustering of the articles so far; the stories touched are summarised once at the end."""

    def __init__(self, db: sqlite3.Connection, searcher: Searcher, params: Params) -> None:
        self.db = db
        self.searcher = searcher
        self.params = params
        self.touched: set[int] = set()
        self.used: set[str] = set()  # ids given in this run (the file has the others)
        self.has_undated = bool(
            db.execute("SELECT 1 FROM articles WHERE day IS NULL LIMIT 1").fetchone()
        )

    def finish(self) -> None:
        refresh_stories(self.db, sorted(self.touched))

    # -- removing --

    def remove(self, n: int) -> None:
        row = self.db.execute("SELECT day, event, story FROM articles WHERE n = ?", (n,)).fetchone()
        if row is None:
            return
        day, event, story = row
        attached = [a for (a,) in self.db.execute("SELECT n FROM articles WHERE attach = ?", (n,))]
        self.db.execute("DELETE FROM articles WHERE n = ?", (n,))
        self.touched.add(story)
        if day is not None:
            old = self._events("n = ?", (event,))[0]
            self.db.execute("DELETE FROM events WHERE n = ?", (event,))
            parts = self._split(event, old.story)
            self._relink({old.story}, parts, {p.n: Counter({old.story: p.size}) for p in parts})
        for a in attached:
            self._reattach(a)

    def _split(self, event: int, story: int) -> list[_Event]:
        """The events the remaining articles of `event` form (stage one on them alone)."""
        rows = self.db.execute(
            "SELECT n, day, terms, weights FROM articles WHERE event = ? ORDER BY id", (event,)
        ).fetchall()
        if not rows:
            return []
        vectors = [Vector.from_bytes(t, w) for _n, _d, t, w in rows]
        matrix, _keys = stack(vectors)
        days = np.array([d for _n, d, _t, _w in rows], dtype=np.float64)
        labels = clustering.cluster(matrix, days, self.params).event
        out = []
        for label in range(int(labels.max()) + 1):
            ks = np.flatnonzero(labels == label)
            total = add_vectors([vectors[k] for k in ks])
            ev = self._insert_event(
                story, float(days[ks].min()), float(days[ks].max()), len(ks), total
            )
            self.db.executemany(
                "UPDATE articles SET event = ? WHERE n = ?", ((ev.n, rows[k][0]) for k in ks)
            )
            out.append(ev)
        return out

    # -- adding --

    def add(self, doc: Doc) -> None:
        if doc.day is None:
            self._add_undated(doc)
            return
        p = self.params
        near = self.db.execute(
            "SELECT n, event, day, terms, weights FROM articles "
            "WHERE day BETWEEN ? AND ? AND event IS NOT NULL",
            (doc.day - p.event_days, doc.day + p.event_days),
        ).fetchall()
        linked: set[int] = set()
        if near:
            sims = cosines(doc.vector, [Vector.from_bytes(t, w) for *_x, t, w in near])
            linked = {r[1] for r, s in zip(near, sims, strict=True) if s >= p.event_similarity}
        merged = self._events(f"n IN ({marks(linked)})", tuple(sorted(linked))) if linked else []
        votes: Counter[int] = Counter()
        for ev in merged:
            votes[ev.story] += ev.size
        lo = min([doc.day, *(e.lo for e in merged)])
        hi = max([doc.day, *(e.hi for e in merged)])
        total = add_vectors([doc.vector, *(e.sum for e in merged)])
        # The story is settled by _relink below; 0 names no story row meanwhile.
        placeholder = merged[0].story if merged else 0
        new = self._insert_event(placeholder, lo, hi, 1 + sum(e.size for e in merged), total)
        cur = self.db.execute(
            "INSERT INTO articles VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
            (
                doc.id,
                doc.file_key,
                doc.fingerprint,
                doc.day,
                doc.date,
                doc.title,
                doc.outlet,
                doc.outlet_key,
                new.n,
                placeholder,
                *doc.vector.to_bytes(),
            ),
        )
        article = int(cur.lastrowid or 0)
        if merged:
            ns = tuple(e.n for e in merged)
            self.db.execute(
                f"UPDATE articles SET event = ? WHERE event IN ({marks(ns)})", (new.n, *ns)
            )
            self.db.execute(f"DELETE FROM events WHERE n IN ({marks(ns)})", ns)
        candidates = self._candidates(doc, lo - p.story_days, hi + p.story_days)
        stories = {e.story for e in merged}
        if candidates:
            found = self._events(
                f"n IN (SELECT event FROM articles WHERE n IN ({marks(candidates)})) AND n != ?",
                (*candidates, new.n),
            )
            if found:
                sims = cosines(unit(total), [unit(e.sum) for e in found])
                for ev, sim in zip(found, sims, strict=True):
                    gap = max(0.0, ev.lo - hi, lo - ev.hi)
                    if gap <= p.story_days and sim >= p.story_similarity + p.story_slope * gap:
                        stories.add(ev.story)
        self._relink(stories, [new], {new.n: votes})
        if self.has_undated:
            self._steal_undated(article, doc)

    def _add_undated(self, doc: Doc) -> None:
        best, sim = self._best_dated(doc)
        story = best_story = None
        if best is not None:
            best_story = self.db.execute(
                "SELECT story FROM articles WHERE n = ?", (best,)
            ).fetchone()[0]
        story = best_story if best_story is not None else self._new_story(doc.id)
        self.db.execute(
            "INSERT INTO articles VALUES (NULL, ?, ?, ?, NULL, NULL, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
            (
                doc.id,
                doc.file_key,
                doc.fingerprint,
                doc.title,
                doc.outlet,
                doc.outlet_key,
                story,
                best,
                sim if best is not None else None,
                *doc.vector.to_bytes(),
            ),
        )
        self.touched.add(story)
        self.has_undated = True

    def _best_dated(self, doc: Doc) -> tuple[int | None, float]:
        """The dated article most like an undated one (among the engine's candidates) when
        similar enough to attach to."""
        candidates = self._candidates(doc, None, None)
        if not candidates:
            return None, 0.0
        rows = self.db.execute(
            f"SELECT n, id, terms, weights FROM articles WHERE n IN ({marks(candidates)}) "
            "AND day IS NOT NULL ORDER BY id",
            tuple(candidates),
        ).fetchall()
        if not rows:
            return None, 0.0
        sims = cosines(doc.vector, [Vector.from_bytes(t, w) for _n, _i, t, w in rows])
        k = int(np.argmax(np.round(sims, 6)))
        if sims[k] < self.params.undated_similarity:
            return None, 0.0
        return int(rows[k][0]), float(sims[k])

    def _steal_undated(self, article: int, doc: Doc) -> None:
        """Undated articles more like this new article than like the one they attach to."""
        candidates = self._candidates(doc, None, None)
        if not candidates:
            return
        rows = self.db.execute(
            f"SELECT n, story, attach, attach_sim, terms, weights FROM articles "
            f"WHERE n IN ({marks(candidates)}) AND day IS NULL",
            tuple(candidates),
        ).fetchall()
        if not rows:
            return
        sims = cosines(doc.vector, [Vector.from_bytes(t, w) for *_x, t, w in rows])
        story = self.db.execute("SELECT story FROM articles WHERE n = ?", (article,)).fetchone()[0]
        for (n, old_story, _attach, old_sim, _t, _w), sim in zip(rows, sims, strict=True):
            if sim >= self.params.undated_similarity and sim > (old_sim or -1.0):
                self.db.execute(
                    "UPDATE articles SET attach = ?, attach_sim = ?, story = ? WHERE n = ?",
                    (article, float(sim), story, n),
                )
                self.touched.update((old_story, story))

    def _reattach(self, n: int) -> None:
        row = self.db.execute(
            "SELECT id, file_key, fingerprint, title, outlet, outlet_key, story, terms, weights "
            "FROM articles WHERE n = ?",
            (n,),
        ).fetchone()
        doc = Doc(
            row[0],
            row[1],
            row[2],
            None,
            None,
            row[3],
            row[4],
            row[5],
            Vector.from_bytes(row[7], row[8]),
            [],
        )
        doc.terms = self._words(doc)
        best, sim = self._best_dated(doc)
        story = (
            self.db.execute("SELECT story FROM articles WHERE n = ?", (best,)).fetchone()[0]
            if best is not None
            else self._new_story(doc.id)
        )
        self.db.execute(
            "UPDATE articles SET attach = ?, attach_sim = ?, story = ? WHERE n = ?",
            (best, sim if best is not None else None, story, n),
        )
        self.touched.update((row[6], story))

    def _words(self, doc: Doc) -> list[tuple[bytes, float]]:
        docnum = self.searcher.document_number(id=path_text(doc.id))
        if docnum is None:
            return []
        fields = self.searcher.stored_fields(docnum)
        return article_vector(self.searcher, fields.get("title", ""), fields.get("body", ""))[1]

    def _candidates(self, doc: Doc, lo: float | None, hi: float | None) -> list[int]:
        """Article rows of the CANDIDATES articles the query engine ranks highest for the
        article's words (dated between `lo` and `hi` when given), itself excluded."""
        if not doc.terms:
            return []
        q = wq.Or(
            [wq.Term("body", t, boost=w) for t, w in doc.terms]
            + [wq.Term("title", t, boost=w) for t, w in doc.terms]
        )
        filters = None
        if lo is not None and hi is not None:
            filters = wq.DateRange("date", from_day(lo - 1.0), from_day(hi + 1.0))
        own = self.searcher.document_number(id=path_text(doc.id))
        exclude = () if own is None else (own,)
        found = engine.top(self.searcher, q, limit=CANDIDATES, filters=filters, exclude=exclude)
        if found is None:
            results = self.searcher.search(q, limit=CANDIDATES, filter=filters)
            docnums = [h.docnum for h in results if h.docnum not in exclude]
        else:
            docnums = [d for d, _score in found[1]]
        ids = [self.searcher.stored_fields(d).get("id") for d in docnums]
        ids = [i for i in ids if i]
        if not ids:
            return []
        return [
            n
            for (n,) in self.db.execute(
                f"SELECT n FROM articles WHERE id IN ({marks(ids)})", tuple(ids)
            )
        ]

    # -- stories --

    def _relink(
        self, stories: set[int], new: list[_Event], new_votes: dict[int, Counter[int]]
    ) -> None:
        """Re-link the events of `stories` and the `new` events (whose articles' old stories
        `new_votes` counts) into stories, keeping ids by majority (module docstring)."""
        fresh = {e.n for e in new}
        events = (
            self._events(f"story IN ({marks(stories)})", tuple(sorted(stories))) if stories else []
        )
        events = [e for e in events if e.n not in fresh] + new
        if not events:
            self.touched.update(stories)
            return
        matrix, _keys = stack([unit(e.sum) for e in events])
        lo = np.array([e.lo for e in events])
        hi = np.array([e.hi for e in events])
        a, b = clustering.event_pairs(matrix, lo, hi, self.params)
        labels = clustering._components(len(events), a, b)
        votes: dict[int, Counter[int]] = defaultdict(Counter)
        for e, label in zip(events, labels, strict=True):
            if e.n in fresh:
                votes[int(label)].update(new_votes.get(e.n, Counter()))
            else:
                votes[int(label)][e.story] += e.size
        for label in range(int(labels.max()) + 1):
            votes.setdefault(label, Counter())
        sizes = (
            dict(
                self.db.execute(
                    f"SELECT n, size FROM stories WHERE n IN ({marks(stories)})", tuple(stories)
                )
            )
            if stories
            else {}
        )
        kept = keep_ids(votes, sizes)
        for label in sorted(votes):
            ns = [e.n for e, lab in zip(events, labels, strict=True) if lab == label]
            story = kept.get(label)
            if story is None:
                first = self.db.execute(
                    f"SELECT id FROM articles WHERE event IN ({marks(ns)}) "
                    "ORDER BY day, id LIMIT 1",
                    tuple(ns),
                ).fetchone()
                story = self._new_story(first[0] if first else str(ns[0]))
            held = marks(ns)
            self.db.execute(f"UPDATE events SET story = ? WHERE n IN ({held})", (story, *ns))
            self.db.execute(f"UPDATE articles SET story = ? WHERE event IN ({held})", (story, *ns))
            self.db.execute(
                f"UPDATE articles SET story = ? WHERE attach IN "
                f"(SELECT n FROM articles WHERE event IN ({held}))",
                (story, *ns),
            )
            self.touched.add(story)
        self.touched.update(stories)
        self.touched.discard(0)

    def _new_story(self, first_article: str) -> int:
        sid = fresh_id(first_article, self.used, self._taken)
        cur = self.db.execute("INSERT INTO stories VALUES (NULL, ?, 0, 0, '', NULL, NULL)", (sid,))
        n = int(cur.lastrowid or 0)
        self.touched.add(n)
        return n

    def _taken(self, sid: str) -> bool:
        return self.db.execute("SELECT 1 FROM stories WHERE id = ?", (sid,)).fetchone() is not None

    def _insert_event(self, story: int, lo: float, hi: float, size: int, total: Vector) -> _Event:
        cur = self.db.execute(
            "INSERT INTO events VALUES (NULL, ?, ?, ?, ?, ?, ?)",
            (story, lo, hi, size, *total.to_bytes()),
        )
        return _Event(int(cur.lastrowid or 0), story, lo, hi, size, total)

    def _events(self, where: str, args: tuple[Any, ...]) -> list[_Event]:
        return [
            _Event(n, story, lo, hi, size, Vector.from_bytes(t, w))
            for n, story, lo, hi, size, t, w in self.db.execute(
                "SELECT n, story, lo, hi, size, terms, weights FROM events "
                f"WHERE {where} ORDER BY n",
                args,
            )
        ]
