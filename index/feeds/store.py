"""Fetched entries on disk: one JSON file per entry, plus what each feed's next fetch needs.

Layout below the feeds folder (`Settings.feeds_dir`):

    <source>/<entry key>.json              a `feed:` source's entries
    <source>/<feed key>/<entry key>.json   an `opml:` source's entries, one folder per feed
    <source>/.state.json                   per feed: ETag, Last-Modified, permanent redirect,
                                           Retry-After deadline, last status and error

Entry files are read by the indexer like any JSON article (hidden files are never read), so
the index stays a cache that `index --rebuild` remakes from these files. Files are written to
a hidden temporary name and renamed over the old one: a crash or `kill -9` leaves the old file or
the new one, never half of one. They are not fsync'ed one by one (15,000 fsyncs would cost more
than the whole fetch); a power cut may lose the last fetch's writes, not older files. Nothing here
deletes an entry file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

ENTRY_SUFFIX = ".json"
STATE_NAME = ".state.json"
LOCK_NAME = ".fetch.lock"
_TMP_PREFIX = ".tmp-"
_SLUG_CHARS = 48
# lockf does not exclude threads of one process (the reader fetching twice at once).
_IN_PROCESS = threading.Lock()
Change = Literal["new", "updated", "unchanged"]


class FetchBusy(Exception):
    """Another fetch is writing the same feeds folder."""


def _slug(text: str, limit: int = _SLUG_CHARS) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def _digest(text: str, n: int = 10) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def entry_identity(guid: str, url: str, title: str, content: str) -> str:
    """What makes an entry the same entry across fetches: its guid, else its link, else (for
    feeds that give neither) its title and text."""
    if guid.strip():
        return "guid:" + guid.strip()
    if url.strip():
        return "link:" + url.strip()
    return "text:" + title.strip() + "\n" + content[:2000]


def entry_key(identity: str) -> str:
    """A file name (without suffix) that is stable for one identity and readable: the last
    meaningful part of the guid or link, then a digest of the whole identity."""
    kind, _, value = identity.partition(":")
    slug = ""
    if kind in ("guid", "link"):
        parts = urlsplit(value) if "://" in value else None
        path = unquote(parts.path) if parts else value
        segments = [s for s in re.split(r"[/?#=&:]", path) if _slug(s)]
        if segments:
            slug = _slug(re.sub(r"\.(html?|php|aspx?|xml)$", "", segments[-1], flags=re.I))
    elif kind == "text":
        slug = _slug(value.split("\n", 1)[0], 32)
    digest = _digest(identity)
    return f"{slug}-{digest}" if slug else digest


def feed_key(url: str) -> str:
    """A folder name for one feed of an OPML source, from the URL the OPML file gives."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    slug = _slug(f"{host} {parts.path}".replace("/", " "), 40)
    return f"{slug}-{_digest(url, 8)}" if slug else _digest(url, 8)


@dataclass(slots=True)
class FeedState:
    """What one feed's next fetch needs to know, kept between runs."""

    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    """Where a permanent redirect sent us: the next fetch asks there first."""
    not_before: float | None = None
    """Unix time before which the server asked not to be asked again (Retry-After)."""
    status: int | None = None
    error: str | None = None
    checked: float | None = None
    """Unix time of the last attempt."""
    title: str = ""
    """The feed's own title, from its last good answer."""
    link: str = ""
    """The feed's web site, from its last good answer."""
    kind: str = ""

    @classmethod
    def from_json(cls, data: Any) -> FeedState:
        state = cls()
        if isinstance(data, dict):
            for f in fields(cls):
                value = data.get(f.name)
                if value is not None and isinstance(value, str | int | float):
                    setattr(state, f.name, value)
        return state


class SourceStore:
    """The folder of one feed source."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, feed_folder: str | None) -> Path:
        return self.root / feed_folder if feed_folder else self.root

    def entry_path(self, feed_folder: str | None, key: str) -> Path:
        return self.folder(feed_folder) / f"{key}{ENTRY_SUFFIX}"

    def load_state(self) -> dict[str, FeedState]:
        """Per configured feed URL; an unreadable or damaged state file is an empty one (every
        feed is then fetched in full once, which is always safe)."""
        try:
            data = json.loads((self.root / STATE_NAME).read_bytes())
        except (OSError, ValueError, RecursionError):
            return {}
        feeds = data.get("feeds") if isinstance(data, dict) else None
        if not isinstance(feeds, dict):
            return {}
        return {url: FeedState.from_json(s) for url, s in feeds.items() if isinstance(url, str)}

    def save_state(self, states: dict[str, FeedState]) -> None:
        data = {"version": 1, "feeds": {url: asdict(s) for url, s in sorted(states.items())}}
        self.root.mkdir(parents=True, exist_ok=True)
        write_atomic(self.root / STATE_NAME, _dump(data))

    def read_entry(self, path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return None
        return data if isinstance(data, dict) else None

    def write_entry(self, path: Path, record: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, _dump(record))

    def clean_leftovers(self) -> None:
        """Remove temporary files a killed fetch left behind (hidden, so never indexed)."""
        if not self.root.is_dir():
            return
        for tmp in self.root.rglob(f"{_TMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False).encode(
        "utf-8", "surrogatepass"
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers and crashes see the old file or the new one."""
    tmp = path.with_name(f"{_TMP_PREFIX}{os.getpid()}-{time.monotonic_ns()}-{path.name}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def fetch_lock(feeds_dir: Path) -> Iterator[None]:
    """Hold the feeds folder for one fetch; raise FetchBusy if another process holds it.

    A POSIX record lock: the kernel drops it when the process dies, however it dies.
    """
    busy = FetchBusy(f"another fetch is writing to {feeds_dir}")
    if not _IN_PROCESS.acquire(blocking=False):
        raise busy
    try:
        feeds_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(feeds_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise busy from None
            yield
        finally:
            os.close(fd)
    finally:
        _IN_PROCESS.release()
