"""Full text: teaser entries get their linked page read; a page that fails leaves the teaser with a
note, and the next fetch tries again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feed_docs import Item, long_paragraphs, rss20
from feed_server import FeedServer

from newsreader.index.feeds.fetch import FeedSpec, FetchSummary, fetch_feeds
from newsreader.index.feeds.fulltext import is_teaser
from newsreader.index.feeds.http import Limits

PAGE = """<!doctype html><html><head><title>Ferry returns | Kallenport Herald</title>
<meta property="og:site_name" content="Kallenport Herald"></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Ferry returns to the inner basin</h1>
<p>The Kallenport ferry made its first crossing in three weeks on Monday, carrying 140
passengers from the inner basin to the island of Vess.</p>
<p>The harbour master, Ilse Brand, said the crossing had gone smoothly and that the timetable
would return to normal by the end of the week.</p>
<p>Repairs to the northern breakwater continue, and the outer berth stays closed to all boats
until the contractor has finished pouring the new concrete caissons.</p>
<p>Island residents had relied on a fishing boat chartered by the council for medicine and
post while the ferry was out of service.</p></article>
<footer>Copyright Kallenport Herald. Subscribe now!</footer></body></html>"""

pytestmark = pytest.mark.usefixtures("loopback_only")


def _fetch(tmp_path: Path, *specs: FeedSpec, **limits: int) -> FetchSummary:
    return fetch_feeds(specs, tmp_path / "feeds", limits=Limits(**limits))  # type: ignore[arg-type]


def _entries(tmp_path: Path, source: str) -> dict[str, dict[str, object]]:
    folder = tmp_path / "feeds" / source
    return {
        str(e["guid"]): e for e in (json.loads(p.read_text()) for p in folder.glob("[!.]*.json"))
    }


def _teaser_feed(server: FeedServer, *, page_path: str = "/news/ferry.html") -> str:
    items = [
        Item(
            title="Ferry returns",
            link=server.url(page_path),
            guid="ferry",
            description="The Kallenport ferry made its first crossing in three weeks… Read more",
        ),
        Item(
            title="Breakwater",
            link=server.url("/news/breakwater.html"),
            guid="breakwater",
            content=long_paragraphs("breakwater"),
        ),
    ]
    return server.static("/rss.xml", rss20(items))


@pytest.mark.parametrize(
    ("text", "teaser"),
    [
        ("A short lead.", True),
        ("x " * 600 + "Continue reading", True),
        ("x " * 600 + "and then […]", True),
        ("x " * 600 + "the end.", False),
        ("x " * 600 + "Read more »", True),
    ],
)
def test_what_counts_as_a_teaser(text: str, teaser: bool) -> None:
    assert is_teaser(text) is teaser


def test_teaser_gets_the_page_text(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.static("/news/ferry.html", PAGE, content_type="text/html; charset=utf-8")
    url = _teaser_feed(feed_server)
    [report] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert (report.new, report.error, report.warning) == (2, None, None)
    entries = _entries(tmp_path, "h")
    ferry = entries["ferry"]
    assert ferry["text_from"] == "page"
    body = str(ferry["body"])
    assert body.startswith("The Kallenport ferry made its first crossing in three weeks on Monday")
    assert "Island residents" in body and "Subscribe now" not in body and "Sport" not in body
    assert str(ferry["summary"]).startswith("The Kallenport ferry made its first crossing")
    assert "note" not in ferry
    # The full entry was not fetched: its feed text is the article.
    assert entries["breakwater"]["text_from"] == "feed"
    assert feed_server.hits["/news/breakwater.html"] == 0


def test_never_keeps_the_teaser_and_always_fetches_every_page(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.static("/news/ferry.html", PAGE, content_type="text/html")
    feed_server.static("/news/breakwater.html", PAGE, content_type="text/html")
    url = _teaser_feed(feed_server)
    _fetch(tmp_path, FeedSpec("never", url, full_text="never"))
    assert feed_server.hits["/news/ferry.html"] == 0
    never = _entries(tmp_path, "never")["ferry"]
    assert str(never["body"]).endswith("… Read more") and never["text_from"] == "feed"
    _fetch(tmp_path, FeedSpec("always", url, full_text="always"))
    assert feed_server.hits["/news/ferry.html"] == 1
    assert feed_server.hits["/news/breakwater.html"] == 1


def test_a_failed_page_keeps_the_teaser_with_a_note_and_is_retried(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    url = _teaser_feed(feed_server, page_path="/news/later.html")
    [report] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert report.error is None and report.new == 2
    assert report.warning == "1 page(s) could not be read: kept the feed's text"
    ferry = _entries(tmp_path, "h")["ferry"]
    assert ferry["note"] == "HTTP 404 Not Found"
    assert str(ferry["body"]).startswith("The Kallenport ferry made its first crossing in three")
    assert str(ferry["body"]).endswith(
        "(Only the feed's summary: the full article could not be fetched: HTTP 404 Not Found.)"
    )
    # Still failing: nothing rewritten. Then the page appears: the entry gets its full text.
    [again] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert (again.new, again.updated) == (0, 0)
    feed_server.static("/news/later.html", PAGE, content_type="text/html")
    [third] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert (third.new, third.updated, third.warning) == (0, 1, None)
    ferry = _entries(tmp_path, "h")["ferry"]
    assert ferry["text_from"] == "page" and "note" not in ferry
    assert feed_server.hits["/news/later.html"] == 3


def test_page_size_and_count_limits(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.static("/news/ferry.html", PAGE, content_type="text/html")
    items = [
        Item(
            title=f"Teaser {i}",
            link=feed_server.url("/news/ferry.html"),
            guid=f"t{i}",
            description="Short lead…",
        )
        for i in range(3)
    ]
    url = feed_server.static("/rss.xml", rss20(items))
    _fetch(tmp_path, FeedSpec("h", url), max_pages=1)
    notes = sorted(str(e.get("note")) for e in _entries(tmp_path, "h").values())
    assert notes == ["None"] + ["not fetched: more than 1 pages in one run"] * 2
    _fetch(tmp_path, FeedSpec("small", url), max_page_bytes=200)
    notes = {str(e.get("note")) for e in _entries(tmp_path, "small").values()}
    assert notes == {"response cut at the 200 bytes limit"}


def test_a_page_with_no_more_text_keeps_the_teaser(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.static(
        "/news/ferry.html", "<html><body><nav>Menu</nav></body></html>", content_type="text/html"
    )
    url = _teaser_feed(feed_server)
    _fetch(tmp_path, FeedSpec("h", url))
    ferry = _entries(tmp_path, "h")["ferry"]
    assert ferry["text_from"] == "feed"
    assert ferry["note"] == "the page had no more text than the feed"
