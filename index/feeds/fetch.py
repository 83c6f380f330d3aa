"""Fetching every feed at once: HTTP, parsing, full text and the entry files, one report per feed.

All feeds of a run share one asyncio loop and one HTTP client: connections are bounded overall
and per host (`Limits`), and a slow or broken feed only ever costs its own report. Parsing runs
in threads so that downloads go on meanwhile, and with many feeds in worker processes (Python
runs one thread at a time: feedparser was 40% of a fetch's CPU, bench/bench_feeds.py). Nothing
here raises for a feed's trouble: it ends up in that feed's `error`, and the feed's articles
stay as they are.

Size: one run, from the HTTP reply to the entry files, in one place; the parser processes
(`_parser_pool`, `_Run._parse`) are the part to move out next.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from newsreader.index.children import die_with_parent
from newsreader.index.feeds.fulltext import read_page as _read_page
from newsreader.index.feeds.fulltext import wants_page
from newsreader.index.feeds.http import Http, Limits, Reply
from newsreader.index.feeds.parse import FeedEntry, FeedError, ParsedFeed, parse_feed
from newsreader.index.feeds.records import FeedReport, FeedSpec, FetchSummary, Progress
from newsreader.index.feeds.store import (
    FeedState,
    SourceStore,
    entry_identity,
    entry_key,
    fetch_lock,
)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
PAGES_IN_FLIGHT = 8
STATE_SAVE_EVERY = 1.0
PARSE_POOL_MIN_FEEDS = 16
"""From this many feeds in a run on, feeds are parsed in worker processes (spawned when the
first feed body arrives: a run where every feed answers 304 starts none). Below, starting a
worker (importing feedparser) costs more than it saves."""
PARSE_WORKERS_MAX = 4


def fetch_feeds(
    specs: Iterable[FeedSpec],
    feeds_dir: Path,
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FetchSummary:
    """Fetch every feed of `specs` into `feeds_dir` and say how each went.

    Holds the feeds folder's lock for the run (FetchBusy if another process holds it). Setting
    `cancel` stops the run soon after: feeds not done by then are reported as cancelled and
    keep their files as they were.
    """
    specs = list(specs)
    started = time.monotonic()
    with fetch_lock(feeds_dir):
        run = _Run(specs, feeds_dir, limits or Limits(), progress, cancel)
        reports = asyncio.run(run.all(transport))
    return FetchSummary(reports, int((time.monotonic() - started) * 1000))


class _Run:
    def __init__(
        self,
        specs: list[FeedSpec],
        feeds_dir: Path,
        limits: Limits,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> None:
        self.specs = specs
        self.feeds_dir = feeds_dir
        self.limits = limits
        self.progress = progress
        self.cancel = cancel
        self.stores: dict[str, SourceStore] = {}
        self.states: dict[str, dict[str, FeedState]] = {}
        self.done = 0
        self.pages_left = limits.max_pages
        self.http: Http | None = None
        self.page_slots = asyncio.Semaphore(PAGES_IN_FLIGHT)
        self.saved: dict[str, float] = {}
        self.unsaved: set[str] = set()
        self.parsers: ProcessPoolExecutor | None = None
        self.parse_workers = 0
        self.parsing = 0  # feeds in the workers now

    def _save_state(self, source: str, *, force: bool = False) -> None:
        """Save a source's feed states at most every STATE_SAVE_EVERY seconds (and at the end
        of the run): an OPML source's one state file holds every feed, and saving it after
        each of 300 feeds made a run that fetched nothing take seconds. A run killed in
        between loses only validators: those feeds are fetched in full once more."""
        now = time.monotonic()
        if force or now - self.saved.get(source, -STATE_SAVE_EVERY) >= STATE_SAVE_EVERY:
            self.saved[source] = now
            self.unsaved.discard(source)
            self.stores[source].save_state(self.states[source])
        else:
            self.unsaved.add(source)

    def store(self, source: str) -> SourceStore:
        if source not in self.stores:
            store = SourceStore(self.feeds_dir / source)
            store.clean_leftovers()
            self.stores[source] = store
            self.states[source] = store.load_state()
        return self.stores[source]

    async def all(self, transport: httpx.AsyncBaseTransport | None) -> list[FeedReport]:
        reports = [FeedReport(s.source, s.url) for s in self.specs]
        self.parsers, self.parse_workers = _parser_pool(len(self.specs))
        try:
            await self._all(transport, reports)
        finally:
            if self.parsers is not None:
                self.parsers.shutdown(wait=True, cancel_futures=True)
        return reports

    async def _all(
        self, transport: httpx.AsyncBaseTransport | None, reports: list[FeedReport]
    ) -> None:
        async with Http(self.limits, transport) as http:
            self.http = http
            tasks = [
                asyncio.create_task(self.one(spec, report))
                for spec, report in zip(self.specs, reports, strict=True)
            ]
            watcher = asyncio.create_task(self._watch_cancel(tasks)) if self.cancel else None
            await asyncio.gather(*tasks, return_exceptions=True)
            if watcher:
                watcher.cancel()
        for source in sorted(self.unsaved):
            self._save_state(source, force=True)
        for task, report in zip(tasks, reports, strict=True):
            if task.cancelled():
                report.error = report.error or "cancelled"
            elif (exc := task.exception()) is not None:
                # A bug must cost one feed, not the run: say what it was.
                report.error = f"internal error: {type(exc).__name__}: {exc}"

    async def _watch_cancel(self, tasks: list[asyncio.Task[None]]) -> None:
        assert self.cancel is not None
        while not self.cancel.is_set():
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()

    async def one(self, spec: FeedSpec, report: FeedReport) -> None:
        try:
            await self._fetch(spec, report)
        finally:
            self.done += 1
            if self.progress:
                self.progress(self.done, len(self.specs), report)

    async def _fetch(self, spec: FeedSpec, report: FeedReport) -> None:
        assert self.http is not None
        store = self.store(spec.source)
        states = self.states[spec.source]
        state = states.setdefault(spec.url, FeedState())
        report.title = state.title
        now = time.time()
        if state.not_before and state.not_before > now:
            until = dt.datetime.fromtimestamp(state.not_before).strftime("%Y-%m-%d %H:%M")
            report.error = f"not asked: the server asked to wait until {until} (Retry-After)"
            return
        reply = await self._get_feed(spec, state)
        report.status = reply.status
        state.checked = time.time()
        state.status = reply.status
        if reply.permanent_url:
            state.permanent_url = reply.permanent_url
        if reply.status in (429, 503) and reply.retry_after:
            state.not_before = time.time() + reply.retry_after
        elif reply.error is None:
            state.not_before = None
        if reply.error is None and reply.status == 304:
            state.error = None
        elif reply.error is not None:
            report.error = state.error = _feed_error(reply)
        else:
            await self._store(spec, report, reply, store, state)
        self._save_state(spec.source)

    async def _get_feed(self, spec: FeedSpec, state: FeedState) -> Reply:
        assert self.http is not None
        url = state.permanent_url or spec.url
        for attempt in range(2):
            reply = await self.http.get(
                url,
                max_bytes=self.limits.max_feed_bytes,
                etag=state.etag,
                last_modified=state.last_modified,
                accept=FEED_ACCEPT,
            )
            wait = reply.retry_after
            if (
                attempt == 0
                and reply.status in (429, 503)
                and wait is not None
                and wait <= self.limits.max_retry_wait
            ):
                await asyncio.sleep(wait)
                continue
            return reply
        return reply

    async def _store(
        self, spec: FeedSpec, report: FeedReport, reply: Reply, store: SourceStore, state: FeedState
    ) -> None:
        try:
            parsed = await self._parse(reply)
            # Parsing and comparing with the stored files is CPU and disk work: one thread hop
            # per feed, not one per entry (15,000 hops cost seconds on a busy machine).
            feed, pending = await asyncio.to_thread(_plan, spec, reply, store, parsed)
        except FeedError as exc:
            report.error = state.error = str(exc)
            return
        report.title = state.title = feed.title
        state.kind, state.link = feed.kind, feed.link
        report.warning = feed.warning
        outlet = spec.outlet or feed.title or (urlsplit(reply.url).hostname or "")
        results = await asyncio.gather(*(self._entry(spec, p, outlet) for p in pending))
        writes = [
            (p.path, record) for p, (record, _) in zip(pending, results, strict=True) if record
        ]
        # Each file is on the list once written, so a run that fails half way still names
        # the files it did write to the index update after it.
        await asyncio.to_thread(_write_all, store, writes, report.written)
        changes = [change for _, change in results]
        report.new = sum(1 for c in changes if c.startswith("new"))
        report.updated = sum(1 for c in changes if c.startswith("updated"))
        notes = sum(1 for c in changes if c.endswith("+note"))
        if notes:
            report.warning = f"{notes} page(s) could not be read: kept the feed's text"
        # Validators only once the entries they vouch for are on disk.
        state.etag = reply.headers.get("etag")
        state.last_modified = reply.headers.get("last-modified")
        state.error = None

    async def _parse(self, reply: Reply) -> ParsedFeed | None:
        """The feed, parsed by a worker process if one is free; None when none is (then
        `_plan` parses it in its thread). Workers take what they can and this process the
        rest: a queue for the workers would leave this process waiting, its downloads done,
        on a machine busy with other work. Raises FeedError as `parse_feed` does."""
        pool = self.parsers
        if pool is None or self.parsing >= self.parse_workers:
            return None
        ctype = reply.headers.get("content-type", "")
        job = functools.partial(parse_feed, reply.body, url=reply.url, content_type=ctype)
        self.parsing += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, job)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): the rest of the run parses in threads.
            if self.parsers is pool:
                self.parsers = None
                pool.shutdown(wait=False, cancel_futures=True)
            return None
        finally:
            self.parsing -= 1

    async def _entry(
        self, spec: FeedSpec, p: _Pending, outlet: str
    ) -> tuple[dict[str, Any] | None, str]:
        """The record to write for a new or changed entry (None: leave its file as it is) and
        "new", "updated" or "unchanged", with "+note" when its page could not be read."""
        entry, old = p.entry, p.old
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        first_seen = (
            old.get("first_seen") if old and isinstance(old.get("first_seen"), str) else now
        )
        body, note, text_from = entry.content, None, "feed"
        if wants_page(spec.full_text, entry.content, entry.url):
            body, note, text_from = await self._full_text(entry)
        if old is not None and old.get("feed_hash") == p.digest and note and old.get("body"):
            # The page failed again and nothing else changed: leave the file as it is.
            return None, "unchanged"
        date = entry.date.isoformat() if entry.date else first_seen
        record: dict[str, Any] = {
            "title": entry.title or _fallback_title(body, entry.url),
            "date": date,
            "outlet": outlet,
            "author": entry.author,
            "url": entry.url,
            "body": body,
            "summary": entry.summary,
            "feed": spec.url,
            "guid": entry.guid,
            "tags": list(entry.tags),
            "first_seen": first_seen,
            "feed_hash": p.digest,
            "text_from": text_from,
        }
        if note:
            record["note"] = note
        change = "new" if old is None else "updated"
        return record, f"{change}+note" if note else change

    async def _full_text(self, entry: FeedEntry) -> tuple[str, str | None, str]:
        """(body, note, where the body came from) for an entry whose page is wanted."""
        assert self.http is not None
        teaser = entry.content
        if self.pages_left <= 0:
            note = f"not fetched: more than {self.limits.max_pages} pages in one run"
            return _with_note(teaser, note), note, "feed"
        self.pages_left -= 1
        async with self.page_slots:
            reply = await self.http.get(
                entry.url, max_bytes=self.limits.max_page_bytes, accept=PAGE_ACCEPT
            )
        if reply.error:
            return _with_note(teaser, reply.error), reply.error, "feed"
        page = await asyncio.to_thread(_read_page, reply.body, reply.url, entry.title)
        if page is None or len(page.body) <= len(teaser.strip()):
            note = "the page had no more text than the feed"
            return _with_note(teaser, note), note, "feed"
        return page.body, None, "page"


@dataclass(slots=True)
class _Pending:
    """An entry that is new or changed (or whose page is to be tried again)."""

    entry: FeedEntry
    path: Path
    old: dict[str, Any] | None
    digest: str


def _parser_pool(feeds: int) -> tuple[ProcessPoolExecutor | None, int]:
    """Worker processes for parsing and how many, one per core but the one this process works
    on (which parses too, and has the HTTP, the entries and the files to do), or (None, 0)
    when they would not pay."""
    workers = min(PARSE_WORKERS_MAX, (os.cpu_count() or 1) - 1)
    if feeds < PARSE_POOL_MIN_FEEDS or workers < 1:
        return None, 0
    # Spawned, not forked: the reader fetches from a thread, and a forked child would inherit
    # its locks and open files (as the indexer's workers, index.store.ingest).
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    return pool, workers


def _plan(
    spec: FeedSpec, reply: Reply, store: SourceStore, feed: ParsedFeed | None = None
) -> tuple[ParsedFeed, list[_Pending]]:
    """Parse a feed (unless a worker has: `feed`) and keep the entries whose stored file is
    missing or differs (by the hash of what the feed said), plus those whose page could not
    be read last time."""
    if feed is None:
        ctype = reply.headers.get("content-type", "")
        feed = parse_feed(reply.body, url=reply.url, content_type=ctype)
    folder = store.folder(spec.folder)
    try:
        existing = set(os.listdir(folder))  # one listing instead of a failed open per new entry
    except OSError:
        existing = set()
    pending: list[_Pending] = []
    seen: set[str] = set()
    for entry in feed.entries:
        key = entry_key(entry_identity(entry.guid, entry.url, entry.title, entry.content))
        if key in seen:
            continue
        seen.add(key)
        path = store.entry_path(spec.folder, key)
        old = store.read_entry(path) if path.name in existing else None
        digest = _entry_hash(entry)
        retry_page = bool(old and old.get("note") and old.get("text_from") == "feed")
        if old is not None and old.get("feed_hash") == digest and not retry_page:
            continue
        pending.append(_Pending(entry, path, old, digest))
    return feed, pending


def _write_all(
    store: SourceStore, writes: list[tuple[Path, dict[str, Any]]], written: list[Path]
) -> None:
    for path, record in writes:
        store.write_entry(path, record)
        written.append(path)


def _with_note(teaser: str, reason: str) -> str:
    note = f"(Only the feed's summary: the full article could not be fetched: {reason}.)"
    return f"{teaser}\n\n{note}" if teaser.strip() else note


def _entry_hash(entry: FeedEntry) -> str:
    data = [
        entry.guid,
        entry.url,
        entry.title,
        entry.author,
        entry.date.isoformat() if entry.date else None,
        entry.content,
        entry.summary,
        list(entry.tags),
    ]
    text = json.dumps(data, ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _fallback_title(body: str, url: str) -> str:
    first = body.split("\n", 1)[0].strip()
    if first:
        return first if len(first) <= 80 else first[:77].rsplit(" ", 1)[0] + "…"
    return url or "(untitled)"


def _feed_error(reply: Reply) -> str:
    error = reply.error or "unknown error"
    if reply.status in (404, 410):
        return f"{error}: the feed is gone (its articles are kept)"
    if reply.status in (429, 503) and reply.retry_after:
        return f"{error}: asked to retry after {int(reply.retry_after)} s"
    return error
