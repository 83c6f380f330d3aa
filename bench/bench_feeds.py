"""Feed fetching benchmark: N feeds of M entries each on a loopback server.

    python bench/bench_feeds.py [--feeds 300] [--entries 50] [--feed-dir DIR]

Serves the feeds from a child process on 127.0.0.1 (ETag and Last-Modified, so the second
fetch is all 304), lists them in one OPML source, then measures:
  1. the first fetch (no full text), then the index update of every entry;
  2. a second fetch where every feed answers 304 (and the index update that finds nothing).
With --feed-dir, serves the feed files of that folder instead (real-world feeds: each file is
one feed; nothing is generated). Prints times and peak memory; asserts nothing.
Targets (issue 13): first fetch of 15,000 entries <= 30 s (fetch + index), all-304 <= 2 s.
"""

from __future__ import annotations

import argparse
import email.utils
import multiprocessing
import os
import random
import resource
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from newsreader.index.config import feed_source, settings_for
from newsreader.index.feeds.library import fetch_sources
from newsreader.index.feeds.opml import Outline, write_opml
from newsreader.index.store.library import Library

WORDS = [
    "harbour",
    "council",
    "minister",
    "said",
    "report",
    "storm",
    "ferry",
    "island",
    "budget",
    "vote",
    "court",
    "police",
    "school",
    "hospital",
    "river",
    "bridge",
    "railway",
    "strike",
    "market",
    "price",
    "energy",
    "weather",
    "league",
    "match",
    "season",
    "election",
    "party",
    "leader",
    "talks",
    "agreement",
    "border",
    "trade",
    "export",
    "farm",
    "water",
    "rain",
    "wind",
    "coast",
]


def make_feed(n: int, entries: int) -> bytes:
    """An RSS 2.0 feed of `entries` items of a few paragraphs each (about 2 KB of text)."""
    rnd = random.Random(n)
    items = []
    for i in range(entries):
        paras = "".join(
            "<p>" + " ".join(rnd.choice(WORDS) for _ in range(60)).capitalize() + ".</p>"
            for _ in range(5)
        )
        day = 1 + (n + i) % 28
        items.append(
            f"<item><title>Feed {n} story {i}: {rnd.choice(WORDS)} {rnd.choice(WORDS)}</title>"
            f"<link>https://feed{n}.example/news/{i}.html</link>"
            f"<guid>https://feed{n}.example/news/{i}.html</guid>"
            f"<pubDate>{day:02d} Mar 2025 10:{i % 60:02d}:00 GMT</pubDate>"
            f"<description>{escape(paras)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {n}</title><link>https://feed{n}.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def serve(feeds: dict[str, bytes], port_out: multiprocessing.Queue[int]) -> None:  # type: ignore[type-arg]
    stamp = email.utils.formatdate(1_740_000_000, usegmt=True)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = feeds.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = f'"{len(body)}-{hash(self.path) & 0xFFFF}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", stamp)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port_out.put(httpd.server_address[1])
    httpd.serve_forever()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU time of this process and of its children that have ended (parser and writer
    workers; the server process is still running)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + done.ru_utime + done.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--feed-dir", type=Path, help="serve these feed files instead")
    parser.add_argument(
        "--no-parse-pool", action="store_true", help="parse every feed in this process's threads"
    )
    args = parser.parse_args()
    if args.no_parse_pool:
        import newsreader.index.feeds.fetch as fetch

        fetch.PARSE_POOL_MIN_FEEDS = 10**9

    if args.feed_dir:
        files = sorted(p for p in args.feed_dir.iterdir() if p.is_file())
        feeds = {f"/f/{i}": p.read_bytes() for i, p in enumerate(files)}
        names = {f"/f/{i}": p.name for i, p in enumerate(files)}
    else:
        t = time.perf_counter()
        feeds = {f"/feed/{n}.xml": make_feed(n, args.entries) for n in range(args.feeds)}
        names = {path: f"Bench feed {path}" for path in feeds}
        size = sum(len(b) for b in feeds.values())
        print(f"generated {len(feeds)} feeds x {args.entries} entries "
              f"({size / 2**20:.1f} MiB) in {time.perf_counter() - t:.1f} s")  # fmt: skip

    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(feeds, ports), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=30)
        with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
            scratch = Path(tmp)
            opml = scratch / "feeds.opml"
            opml.write_text(
                write_opml([Outline(f"http://127.0.0.1:{port}{p}", names[p], "") for p in feeds])
            )
            source = feed_source("bench", scratch / "feeds", opml=opml, full_text="never")
            settings = settings_for([source], scratch / "index", feeds_dir=scratch / "feeds")
            run(settings)
    finally:
        server.terminate()
        server.join(10)


def run(settings) -> None:  # type: ignore[no-untyped-def]
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    t, cpu = time.perf_counter(), cpu_s()
    first = fetch_sources(settings)
    fetch_s = time.perf_counter() - t
    failed = first.failed
    print(f"first fetch: {len(first.feeds)} feeds, {first.new:,} new entries, "
          f"{len(failed)} failed in {fetch_s:.1f} s (CPU {cpu_s() - cpu:.1f} s); "
          f"peak RSS {peak_rss_mb():.0f} MiB")  # fmt: skip
    for report in failed[:5]:
        print(f"  failed: {report.url}: {report.error}")
    library = Library(settings)
    t, cpu = time.perf_counter(), cpu_s()
    report = library.update()
    index_s = time.perf_counter() - t
    print(f"first index: {report.articles:,} articles in {index_s:.1f} s "
          f"(CPU {cpu_s() - cpu:.1f} s); "
          f"fetch + index {fetch_s + index_s:.1f} s (target <= 30 s at 15,000 entries); "
          f"peak RSS {peak_rss_mb():.0f} MiB")  # fmt: skip
    t = time.perf_counter()
    second = fetch_sources(settings)
    again_s = time.perf_counter() - t
    statuses: dict[object, int] = {}
    for f in second.feeds:
        statuses[f.status] = statuses.get(f.status, 0) + 1
    t = time.perf_counter()
    library.update()
    reindex_s = time.perf_counter() - t
    print(f"second fetch: {again_s:.2f} s (target <= 2 s), statuses {statuses}, "
          f"{second.new} new; index check after it {reindex_s:.2f} s; "
          f"peak RSS {peak_rss_mb():.0f} MiB")  # fmt: skip
    library.close()


if __name__ == "__main__":
    main()
