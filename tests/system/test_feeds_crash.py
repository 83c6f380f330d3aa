"""`kill -9` in the middle of a fetch: the next fetch completes, with no half-written file and no
entry stored twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from feed_docs import Item, long_paragraphs, rss20
from feed_server import FeedServer, send

from newsreader.index.feeds.fetch import FeedSpec, fetch_feeds

SCRIPT = """
import sys
from pathlib import Path
from newsreader.index.feeds.fetch import FeedSpec, fetch_feeds
specs = [FeedSpec(sys.argv[2], u, full_text="never") for u in sys.argv[3:]]
fetch_feeds(specs, Path(sys.argv[1]))
"""

pytestmark = [pytest.mark.usefixtures("loopback_only"), pytest.mark.slow]


def _items(prefix: str, n: int) -> list[Item]:
    return [
        Item(
            title=f"{prefix} {i}",
            link=f"https://h.example/{prefix}/{i}",
            guid=f"{prefix}-{i}",
            content=long_paragraphs(f"{prefix} {i}", 2),
        )
        for i in range(n)
    ]


def test_kill_9_during_a_fetch_then_fetch_again(feed_server: FeedServer, tmp_path: Path) -> None:
    many = feed_server.static("/many.xml", rss20(_items("many", 400)))
    arrived = threading.Event()
    late_body = rss20(_items("late", 5)).encode()
    stalled = {"first": True}

    def late(h: BaseHTTPRequestHandler) -> None:
        if stalled["first"]:
            stalled["first"] = False
            arrived.set()
            feed_server.release.wait(60)
            return
        send(h, 200, late_body, content_type="application/rss+xml")

    late_url = feed_server.route("/late.xml", late)
    feeds = tmp_path / "feeds"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(feeds), "news", late_url, many], env=env
    )
    try:
        assert arrived.wait(60), "the fetch never asked for the stalled feed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL

    summary = fetch_feeds(
        [FeedSpec("news", late_url, full_text="never"), FeedSpec("news", many, full_text="never")],
        feeds,
    )
    assert [f.error for f in summary.feeds] == [None, None]
    files = sorted((feeds / "news").iterdir())
    assert not [f for f in files if f.name.startswith(".tmp-")]
    entries = [json.loads(f.read_text()) for f in files if f.suffix == ".json" and f.name[0] != "."]
    guids = [e["guid"] for e in entries]
    assert len(guids) == len(set(guids)) == 405
    # A third fetch finds nothing new: every entry kept its one file.
    again = fetch_feeds(
        [FeedSpec("news", late_url, full_text="never"), FeedSpec("news", many, full_text="never")],
        feeds,
    )
    assert (again.new, again.updated) == (0, 0)
