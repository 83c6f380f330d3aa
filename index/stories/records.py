"""What the stories file holds and the helpers both ways of filling it share: the SQLite
schema, an article as read from the index, days, story ids and story summaries."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from newsreader.index.model import Date, stored_date
from newsreader.index.stories.vectors import Vector, article_vector, stack

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles(
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    file_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    day REAL,
    date TEXT,
    title TEXT NOT NULL,
    outlet TEXT NOT NULL,
    outlet_key TEXT NOT NULL,
    event INTEGER,
    story INTEGER NOT NULL,
    attach INTEGER,
    attach_sim REAL,
    terms BLOB NOT NULL,
    weights BLOB NOT NULL
);
CREATE INDEX articles_day ON articles(day);
CREATE INDEX articles_file ON articles(file_key);
CREATE INDEX articles_event ON articles(event);
CREATE INDEX articles_story ON articles(story);
CREATE INDEX articles_attach ON articles(attach);
CREATE TABLE events(
    n INTEGER PRIMARY KEY,
    story INTEGER NOT NULL,
    lo REAL NOT NULL,
    hi REAL NOT NULL,
    size INTEGER NOT NULL,
    terms BLOB NOT NULL,
    weights BLOB NOT NULL
);
CREATE INDEX events_story ON events(story);
CREATE TABLE stories(
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    headline TEXT NOT NULL,
    first REAL,
    last REAL
);
CREATE INDEX stories_last ON stories(size, last);
"""


@dataclass
class Doc:
    """An article as the index has it, with its vector."""

    id: str
    file_key: str
    fingerprint: str
    day: float | None
    date: str | None
    title: str
    outlet: str
    outlet_key: str
    vector: Vector
    terms: list[tuple[bytes, float]]


def first_id(docs: list[Doc], ks: list[int]) -> str:
    """The id of a group's first article: the earliest dated one, ties and undated by id."""
    return min((docs[k] for k in ks), key=lambda d: (d.day is None, d.day or 0.0, d.id)).id


def keep_ids(votes: dict[Any, Counter[Any]], sizes: dict[Any, int]) -> dict[Any, Any]:
    """Which old story each new group keeps. `votes[group]` counts the group's articles by the
    old story they were in, `sizes[old]` the old story's size. An old story goes to the group
    holding most of its articles (ties: the group with the smallest key); a group offered
    several keeps the one of the largest old story (ties: the smaller old key)."""
    winner: dict[Any, tuple[int, Any]] = {}
    for group in sorted(votes, key=sort_key):
        for old, count in votes[group].items():
            best = winner.get(old)
            if best is None or count > best[0]:
                winner[old] = (count, group)
    offered: dict[Any, list[Any]] = defaultdict(list)
    for old, (_count, group) in winner.items():
        offered[group].append(old)
    return {
        group: min(olds, key=lambda o: (-sizes.get(o, 0), sort_key(o)))
        for group, olds in offered.items()
    }


def sort_key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)


def fresh_id(first_article: str, used: set[str], taken: Callable[[str], bool] | None = None) -> str:
    """A new story's id: 8 base32 characters of a hash of its first article's id (then of the
    id and a counter while that is taken), the same on every machine."""
    salt = 0
    while True:
        text = first_article if not salt else f"{first_article}\0{salt}"
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=5).digest()
        sid = base64.b32encode(digest).decode("ascii").lower()
        if sid not in used and (taken is None or not taken(sid)):
            used.add(sid)
            return sid
        salt += 1


def refresh_stories(db: sqlite3.Connection, stories: Iterable[int]) -> None:
    """Recompute the summary rows of these stories (deleting those left without articles):
    size, outlets, first and last day, and the headline: the title of the article closest to
    the centroid of the story's largest event (an undated lone article: its own title)."""
    for n in stories:
        size, outlets, first, last = db.execute(
            "SELECT count(*), count(DISTINCT outlet_key), min(day), max(day) FROM articles "
            "WHERE story = ?",
            (n,),
        ).fetchone()
        if not size:
            db.execute("DELETE FROM stories WHERE n = ?", (n,))
            continue
        title = headline(db, n)
        db.execute(
            "UPDATE stories SET size = ?, outlets = ?, headline = ?, first = ?, last = ? "
            "WHERE n = ?",
            (size, outlets, title, first, last, n),
        )


def headline(db: sqlite3.Connection, story: int) -> str:
    event = db.execute(
        "SELECT n, terms, weights FROM events WHERE story = ? ORDER BY size DESC, lo, n LIMIT 1",
        (story,),
    ).fetchone()
    if event is None:
        row = db.execute(
            "SELECT title FROM articles WHERE story = ? ORDER BY id LIMIT 1", (story,)
        ).fetchone()
        return row[0] if row else ""
    centroid = Vector.from_bytes(event[1], event[2])
    rows = db.execute(
        "SELECT title, terms, weights FROM articles WHERE event = ? ORDER BY day, id", (event[0],)
    ).fetchall()
    vectors = [Vector.from_bytes(t, w) for _title, t, w in rows]
    matrix, _keys = stack([centroid, *vectors])
    sims = (matrix[1:] @ matrix[0].T).toarray().ravel()
    best = int(np.argmax(np.round(sims, 6)))  # first of equals: the earliest report
    return str(rows[best][0])


def read_doc(searcher: Searcher, docnum: int, vector: Vector | None = None) -> Doc | None:
    fields = searcher.stored_fields(docnum)
    if not fields or "id" not in fields:
        return None
    title = fields.get("title", "") or ""
    words: list[tuple[bytes, float]] = []
    if vector is None:
        vector, words = article_vector(searcher, title, fields.get("body", "") or "")
    date = stored_date(fields)
    outlet = fields.get("outlet", "") or ""
    source = fields.get("source", "") or fields["id"].split("/", 1)[0]
    return Doc(
        id=fields["id"],
        file_key=fields.get("file_key", ""),
        fingerprint=fields.get("fingerprint", ""),
        day=None if date is None else day_number(date),
        date=None if date is None else date.isoformat(),
        title=title,
        outlet=outlet,
        outlet_key=outlet or source,
        vector=vector,
        terms=words,
    )


def day_number(value: Date, midday: bool = True) -> float:
    """Days since 1970-01-01 UTC: a datetime exactly, a day at its middle (`midday`) so that it
    is at most half a day from any time that day."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return (value - EPOCH).total_seconds() / 86400.0
    return float((value - EPOCH.date()).days) + (0.5 if midday else 0.0)


def parse_date(text: str | None) -> Date | None:
    if not text:
        return None
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text)


def marks(values: Iterable[Any]) -> str:
    return ",".join("?" for _ in values)


def add_vectors(vectors: list[Vector]) -> Vector:
    keys = np.concatenate([v.terms for v in vectors]) if vectors else np.zeros(0, np.int64)
    weights = np.concatenate([v.weights for v in vectors]) if vectors else np.zeros(0, np.float32)
    unique, inverse = np.unique(keys, return_inverse=True)
    return Vector(
        unique, np.bincount(inverse, weights=weights, minlength=len(unique)).astype(np.float32)
    )


def unit(v: Vector) -> Vector:
    norm = float(np.sqrt(np.sum(v.weights.astype(np.float64) ** 2)))
    return v if norm == 0 else Vector(v.terms, (v.weights / norm).astype(np.float32))


def cosines(v: Vector, others: list[Vector]) -> np.ndarray:
    matrix, _keys = stack([v, *others])
    return (matrix[1:] @ matrix[0].T).toarray().ravel().astype(np.float64)


def from_day(day: float) -> dt.datetime:
    return dt.datetime(1970, 1, 1) + dt.timedelta(days=day)
