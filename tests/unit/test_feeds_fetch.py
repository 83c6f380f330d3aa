"""Fetching feeds from a real HTTP server on 127.0.0.1: formats, conditional GET, redirects,
rate limits, gone and broken feeds, and the entry files that come out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from feed_docs import Item, atom, json_feed, long_paragraphs, rss091, rss10, rss20
from feed_server import FeedServer, redirect, send

from newsreader.index.feeds.fetch import (
    PARSE_POOL_MIN_FEEDS,
    FeedSpec,
    FetchSummary,
    fetch_feeds,
)
from newsreader.index.feeds.http import Limits
from newsreader.index.feeds.store import STATE_NAME

pytestmark = pytest.mark.usefixtures("loopback_only")


def _fetch(tmp_path: Path, *specs: FeedSpec, **limits: float) -> FetchSummary:
    return fetch_feeds(specs, tmp_path / "feeds", limits=Limits(**limits))  # type: ignore[arg-type]


def _entries(folder: Path) -> dict[str, dict[str, object]]:
    """Entry files below `folder` by their path relative to it (without .json)."""
    return {
        p.relative_to(folder).as_posix().removesuffix(".json"): json.loads(p.read_text())
        for p in sorted(folder.rglob("*.json"))
        if not p.name.startswith(".")
    }


def _items(n: int, *, prefix: str = "story") -> list[Item]:
    return [
        Item(
            title=f"Breakwater {prefix} {i}",
            link=f"https://herald.example/news/{prefix}-{i}.html",
            guid=f"herald-{prefix}-{i}",
            content=long_paragraphs(f"{prefix} {i}"),
            author="Mira Castell",
        )
        for i in range(n)
    ]


def test_rss20_entries_become_json_files(feed_server: FeedServer, tmp_path: Path) -> None:
    url = feed_server.static("/rss.xml", rss20(_items(3)))
    summary = _fetch(tmp_path, FeedSpec("herald", url))
    [report] = summary.feeds
    assert (report.status, report.new, report.updated, report.error) == (200, 3, 0, None)
    assert report.title == "Kallenport Herald"
    entries = _entries(tmp_path / "feeds" / "herald")
    assert len(entries) == 3
    key = next(k for k in entries if k.startswith("herald-story-0-"))
    e = entries[key]
    assert e["title"] == "Breakwater story 0"
    assert e["url"] == "https://herald.example/news/story-0.html"
    assert e["guid"] == "herald-story-0"
    assert e["feed"] == url
    assert e["outlet"] == "Kallenport Herald"
    assert e["author"] == "Mira Castell"
    assert e["date"] == "2024-03-05T09:30:00+00:00"
    body = str(e["body"])
    assert body.startswith("story 0: paragraph 1. The harbour authority")
    assert body.count("\n\n") == 3 and "<p>" not in body


def test_every_format_is_read(feed_server: FeedServer, tmp_path: Path) -> None:
    items = [
        Item(
            title="Tide <b>tables</b> &amp; more",
            link="https://x.example/a/tides",
            guid="tides-1",
            description="<p>High tide at noon.</p>",
            content=long_paragraphs("tides"),
            author="Ode Varga",
            tags=["sea"],
        )
    ]
    specs = [
        FeedSpec("rss20", feed_server.static("/rss20", rss20(items))),
        FeedSpec(
            "rss10", feed_server.static("/rss10", rss10(items), content_type="application/rdf+xml")
        ),
        FeedSpec("rss091", feed_server.static("/rss091", rss091(items))),
        FeedSpec(
            "atom", feed_server.static("/atom", atom(items), content_type="application/atom+xml")
        ),
        FeedSpec(
            "json",
            feed_server.static("/json", json_feed(items), content_type="application/feed+json"),
        ),
    ]
    summary = _fetch(tmp_path, *specs)
    assert [(f.source, f.error, f.new) for f in summary.feeds] == [
        (s.source, None, 1) for s in specs
    ]
    for spec in specs:
        [entry] = _entries(tmp_path / "feeds" / spec.source).values()
        assert entry["url"] == "https://x.example/a/tides", spec.source
        assert "High tide" in str(entry["summary"]) or spec.source in ("rss20", "atom", "json")
        assert "<" not in str(entry["body"]) and "<" not in str(entry["summary"])
    atom_entry = next(iter(_entries(tmp_path / "feeds" / "atom").values()))
    assert atom_entry["title"] == "Tide tables & more"  # HTML title becomes text
    assert atom_entry["date"] == "2024-03-04T07:00:00+00:00"  # published, not updated
    assert atom_entry["outlet"] == "Circuit & Signal"
    json_entry = next(iter(_entries(tmp_path / "feeds" / "json").values()))
    assert json_entry["tags"] == ["sea"] and json_entry["author"] == "Ode Varga"
    rss_entry = next(iter(_entries(tmp_path / "feeds" / "rss20").values()))
    # RSS titles carry escaped HTML in practice: read as HTML, like every reader does.
    assert rss_entry["title"] == "Tide tables & more"
    # JSON Feed titles are plain text by the spec: what looks like a tag stays as written.
    assert json_entry["title"] == "Tide <b>tables</b> &amp; more"


def test_unchanged_feed_costs_one_304_and_writes_nothing(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    url = feed_server.static("/rss.xml", rss20(_items(2)), etag='"v1"', last_modified=1709630000)
    first = _fetch(tmp_path, FeedSpec("herald", url))
    assert first.new == 2
    folder = tmp_path / "feeds" / "herald"
    stamps = {p: p.stat().st_mtime_ns for p in folder.glob("[!.]*.json")}
    second = _fetch(tmp_path, FeedSpec("herald", url))
    [report] = second.feeds
    assert (report.status, report.new, report.updated, report.error) == (304, 0, 0, None)
    last = feed_server.seen[-1]
    assert last.headers.get("If-None-Match") == '"v1"'
    assert last.headers.get("If-Modified-Since", "").endswith("GMT")
    assert {p: p.stat().st_mtime_ns for p in folder.glob("[!.]*.json")} == stamps
    assert sorted(first.written) == sorted(stamps) and second.written == []


def test_changed_entry_replaces_its_file_and_gone_entries_stay(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    items = _items(3)
    url = feed_server.static("/rss.xml", rss20(items))
    _fetch(tmp_path, FeedSpec("herald", url))
    folder = tmp_path / "feeds" / "herald"
    before = _entries(folder)
    # The feed drops story 0, corrects story 1's title and adds story 3.
    items = [*items[1:], *_items(4)[3:]]
    items[0].title = "Breakwater story 1 (corrected)"
    feed_server.static("/rss.xml", rss20(items))
    [report] = _fetch(tmp_path, FeedSpec("herald", url)).feeds
    assert (report.new, report.updated) == (1, 1)
    # What an index update after the fetch looks at: the two files written, no other.
    assert sorted(p.name.split("-")[2] for p in report.written) == ["1", "3"]
    assert all(p.parent == folder and p.is_file() for p in report.written)
    after = _entries(folder)
    assert set(before) <= set(after) and len(after) == 4
    changed = next(k for k in after if k.startswith("herald-story-1-"))
    assert after[changed]["title"] == "Breakwater story 1 (corrected)"
    assert after[changed]["first_seen"] == before[changed]["first_seen"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".tmp")]


def test_ids_come_from_the_guid_else_the_link(feed_server: FeedServer, tmp_path: Path) -> None:
    body = long_paragraphs("x")
    items = [
        Item(
            title="With guid",
            link="https://h.example/one",
            guid="tag:h.example,2024:1",
            content=body,
        ),
        Item(title="Link only", link="https://h.example/news/two.html", content=body),
    ]
    url = feed_server.static("/rss.xml", rss20(items))
    _fetch(tmp_path, FeedSpec("h", url))
    keys = set(_entries(tmp_path / "feeds" / "h"))
    # The guid moves to another link, the link-only entry changes its title: same files.
    items[0].link = "https://h.example/one-moved"
    items[1].title = "Link only, retitled"
    feed_server.static("/rss.xml", rss20(items))
    [report] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert (report.new, report.updated) == (0, 2)
    assert set(_entries(tmp_path / "feeds" / "h")) == keys
    assert any(k.startswith("two-") for k in keys) and any(k.startswith("1-") for k in keys)


def test_duplicate_entries_in_one_feed_are_stored_once(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    items = [*_items(2), *_items(2)]
    url = feed_server.static("/rss.xml", rss20(items))
    [report] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert report.new == 2 and len(_entries(tmp_path / "feeds" / "h")) == 2


def test_redirect_chain_is_followed_and_permanent_one_remembered(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    final = feed_server.static("/feeds/current.xml", rss20(_items(1)))
    feed_server.route("/mid", redirect("/feeds/current.xml", 308))
    old = feed_server.route("/old", redirect(feed_server.url("/mid"), 301))
    [report] = _fetch(tmp_path, FeedSpec("h", old)).feeds
    assert (report.status, report.new, report.error) == (200, 1, None)
    state = json.loads((tmp_path / "feeds" / "h" / STATE_NAME).read_text())
    assert state["feeds"][old]["permanent_url"] == final
    hits = dict(feed_server.hits)
    _fetch(tmp_path, FeedSpec("h", old))
    assert feed_server.hits["/old"] == hits["/old"]  # asked the new address directly
    assert feed_server.hits["/feeds/current.xml"] == hits["/feeds/current.xml"] + 1


def test_temporary_redirect_is_not_remembered(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.static("/today.xml", rss20(_items(1)))
    feed_server.route("/perm", redirect("/today.xml", 301))
    start = feed_server.route("/temp", redirect("/perm", 302))
    [report] = _fetch(tmp_path, FeedSpec("h", start)).feeds
    assert report.new == 1
    state = json.loads((tmp_path / "feeds" / "h" / STATE_NAME).read_text())
    assert state["feeds"][start]["permanent_url"] is None


def test_redirect_loop_is_an_error(feed_server: FeedServer, tmp_path: Path) -> None:
    a = feed_server.route("/a", redirect("/b", 302))
    feed_server.route("/b", redirect("/a", 302))
    [report] = _fetch(tmp_path, FeedSpec("h", a)).feeds
    assert report.error == "more than 5 redirects"
    assert feed_server.hits["/a"] + feed_server.hits["/b"] == 6


def test_redirect_to_another_scheme_is_refused(feed_server: FeedServer, tmp_path: Path) -> None:
    a = feed_server.route("/a", redirect("file:///etc/passwd", 302))
    [report] = _fetch(tmp_path, FeedSpec("h", a)).feeds
    assert report.error is not None and report.error.startswith("not an http(s) URL")


def test_429_with_a_short_retry_after_is_waited_for(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    body = rss20(_items(1)).encode()

    def limited(h):  # type: ignore[no-untyped-def]
        if feed_server.hits["/busy"] == 1:
            send(h, 429, b"slow down", headers={"Retry-After": "1"})
        else:
            send(h, 200, body, content_type="application/rss+xml")

    url = feed_server.route("/busy", limited)
    [report] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert (report.status, report.new, report.error) == (200, 1, None)
    first, second = (s.at for s in feed_server.seen if s.path == "/busy")
    assert second - first >= 0.9


def test_long_retry_after_is_remembered_and_the_feed_left_alone(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    url = feed_server.static("/busy", "unavailable", status=503, headers={"Retry-After": "3600"})
    [report] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert report.status == 503
    assert report.error == "HTTP 503 Service Unavailable: asked to retry after 3600 s"
    [again] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert feed_server.hits["/busy"] == 1
    assert again.status is None and again.error is not None and "Retry-After" in again.error


def test_gone_feeds_are_reported_and_keep_their_articles(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    gone = feed_server.static("/gone.xml", rss20(_items(2)))
    missing = feed_server.url("/never-was.xml")
    _fetch(tmp_path, FeedSpec("g", gone))
    feed_server.static("/gone.xml", "gone", status=410, content_type="text/plain")
    summary = _fetch(tmp_path, FeedSpec("g", gone), FeedSpec("m", missing))
    g, m = summary.feeds
    assert (g.status, g.error) == (410, "HTTP 410 Gone: the feed is gone (its articles are kept)")
    assert m.status == 404 and m.error is not None and m.error.startswith("HTTP 404 Not Found")
    assert len(_entries(tmp_path / "feeds" / "g")) == 2
    state = json.loads((tmp_path / "feeds" / "g" / STATE_NAME).read_text())
    assert state["feeds"][gone]["error"].startswith("HTTP 410")


def test_broken_feeds_are_reported_with_where(feed_server: FeedServer, tmp_path: Path) -> None:
    specs = [
        FeedSpec("garbage", feed_server.static("/g", "<rss><channel><title>x</titl<<<&&")),
        FeedSpec(
            "html",
            feed_server.static(
                "/h", "<!doctype html><html><body>Hi</body></html>", content_type="text/html"
            ),
        ),
        FeedSpec(
            "json",
            feed_server.static("/j", '{"version": 1, "items": [', content_type="application/json"),
        ),
        FeedSpec("empty", feed_server.static("/e", "")),
    ]
    errors = [f.error for f in _fetch(tmp_path, *specs).feeds]
    assert errors[0] is not None and errors[0].startswith("malformed feed:")
    assert "line 1" in errors[0]
    assert errors[1] == "not a feed: the server sent a web page"
    assert errors[2] is not None and errors[2].startswith("malformed JSON feed:")
    assert "line 1, column" in errors[2]
    assert errors[3] == "empty response"


def test_malformed_feed_with_readable_entries_keeps_them(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    doc = rss20(_items(2)).replace("</channel></rss>", "<item><title>Cut off & broken</title>")
    url = feed_server.static("/rss.xml", doc)
    [report] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert report.error is None and report.new >= 2
    assert report.warning is not None and report.warning.startswith("malformed feed, read what")


def test_non_utf8_feeds(feed_server: FeedServer, tmp_path: Path) -> None:
    items = [
        Item(
            title="Café crème à Orléans",
            link="https://fr.example/cafe",
            content=long_paragraphs("été"),
        )
    ]
    latin = rss20(items, encoding="iso-8859-1", title="Le Café").encode("iso-8859-1")
    cyr_items = [
        Item(
            title="Новости гавани", link="https://ru.example/news", content=long_paragraphs("море")
        )
    ]
    # No encoding in the XML declaration: the HTTP charset has to be believed.
    cyr = rss20(cyr_items, title="Гавань").replace(' encoding="utf-8"', "").encode("cp1251")
    specs = [
        FeedSpec("fr", feed_server.static("/fr", latin)),
        FeedSpec(
            "ru", feed_server.static("/ru", cyr, content_type="text/xml; charset=windows-1251")
        ),
    ]
    summary = _fetch(tmp_path, *specs)
    assert [f.error for f in summary.feeds] == [None, None]
    [fr] = _entries(tmp_path / "feeds" / "fr").values()
    [ru] = _entries(tmp_path / "feeds" / "ru").values()
    assert (fr["title"], fr["outlet"]) == ("Café crème à Orléans", "Le Café")
    assert "été: paragraph 1" in str(fr["body"])
    assert (ru["title"], ru["outlet"]) == ("Новости гавани", "Гавань")


def test_outlet_from_config_wins(feed_server: FeedServer, tmp_path: Path) -> None:
    url = feed_server.static("/rss.xml", rss20(_items(1)))
    _fetch(tmp_path, FeedSpec("h", url, outlet="The Herald"))
    [entry] = _entries(tmp_path / "feeds" / "h").values()
    assert entry["outlet"] == "The Herald"


def test_entry_without_date_keeps_its_first_seen_date(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    item = Item(
        title="Undated", link="https://h.example/undated", date="", content=long_paragraphs("u")
    )
    url = feed_server.static("/rss.xml", rss20([item]))
    _fetch(tmp_path, FeedSpec("h", url))
    [first] = _entries(tmp_path / "feeds" / "h").values()
    assert first["date"] == first["first_seen"]
    item.title = "Undated, retitled"
    feed_server.static("/rss.xml", rss20([item]))
    _fetch(tmp_path, FeedSpec("h", url))
    [second] = _entries(tmp_path / "feeds" / "h").values()
    assert second["title"] == "Undated, retitled" and second["date"] == first["date"]


def test_opml_feeds_get_a_folder_each(feed_server: FeedServer, tmp_path: Path) -> None:
    a = feed_server.static("/a.xml", rss20(_items(1, prefix="a")))
    b = feed_server.static("/b.xml", rss20(_items(1, prefix="b"), title="Other"))
    summary = _fetch(
        tmp_path, FeedSpec("subs", a, folder="a-feed"), FeedSpec("subs", b, folder="b-feed")
    )
    assert summary.new == 2
    keys = set(_entries(tmp_path / "feeds" / "subs"))
    assert {k.split("/")[0] for k in keys} == {"a-feed", "b-feed"}
    state = json.loads((tmp_path / "feeds" / "subs" / STATE_NAME).read_text())
    assert set(state["feeds"]) == {a, b}


def test_connections_per_host_are_bounded(feed_server: FeedServer, tmp_path: Path) -> None:
    body = rss20(_items(1)).encode()

    def slowish(h):  # type: ignore[no-untyped-def]
        # Hold the request until the test ends or 0.3 s pass, whichever first, so that requests
        # overlap if the client lets them.
        feed_server.release.wait(0.3)
        send(h, 200, body, content_type="application/rss+xml")

    specs = [FeedSpec(f"s{i}", feed_server.route(f"/f{i}", slowish)) for i in range(8)]
    summary = _fetch(tmp_path, *specs, per_host=2)
    assert [f.error for f in summary.feeds] == [None] * 8
    assert feed_server.max_in_flight == 2


def test_user_agent_and_accept_encoding_are_sent(feed_server: FeedServer, tmp_path: Path) -> None:
    url = feed_server.static("/rss.xml", rss20(_items(1)))
    _fetch(tmp_path, FeedSpec("h", url))
    headers = {k.lower(): v for k, v in feed_server.seen[0].headers.items()}
    assert headers["user-agent"].startswith("newsreader/")
    assert "gzip" in headers["accept-encoding"]


def test_state_file_damage_means_a_full_fetch(feed_server: FeedServer, tmp_path: Path) -> None:
    url = feed_server.static("/rss.xml", rss20(_items(2)), etag='"e"')
    _fetch(tmp_path, FeedSpec("h", url))
    (tmp_path / "feeds" / "h" / STATE_NAME).write_text("{not json")
    [report] = _fetch(tmp_path, FeedSpec("h", url)).feeds
    assert (report.status, report.new, report.updated, report.error) == (200, 0, 0, None)
    assert os.path.getsize(tmp_path / "feeds" / "h" / STATE_NAME) > 20


def test_an_empty_feed_with_a_wrong_charset_label_is_not_broken(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    url = feed_server.static("/empty.xml", rss20([], encoding="bogus"))
    [report] = _fetch(tmp_path, FeedSpec("e", url)).feeds
    assert (report.status, report.error, report.new) == (200, None, 0)


def _many_feeds(feed_server: FeedServer) -> list[FeedSpec]:
    """PARSE_POOL_MIN_FEEDS feeds of every format, and broken ones, in one source."""
    specs = []
    for n in range(PARSE_POOL_MIN_FEEDS):
        items = _items(3, prefix=f"feed{n}")
        doc, kind = [(rss20(items), "application/rss+xml"), (atom(items), "application/atom+xml"),
                     (json_feed(items), "application/feed+json")][n % 3]  # fmt: skip
        specs.append(FeedSpec("many", feed_server.static(f"/f{n}", doc, content_type=kind)))
    specs.append(FeedSpec("many", feed_server.static("/bad", "<rss><channel><title>x</titl<<")))
    specs.append(FeedSpec("many", feed_server.static("/empty", "")))
    return specs


def test_many_feeds_are_parsed_in_worker_processes_with_the_same_result(
    feed_server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.index.feeds.fetch as fetch

    specs = _many_feeds(feed_server)
    pools: list[object] = []
    real_pool = fetch._parser_pool

    def counted(feeds: int) -> object:
        pool, workers = real_pool(feeds)
        pools.append(pool)
        return pool, workers

    by_worker: list[object] = []
    real_parse = fetch._Run._parse

    async def parse(run: object, reply: object) -> object:
        feed = await real_parse(run, reply)  # type: ignore[arg-type]
        by_worker.append(feed)
        return feed

    monkeypatch.setattr(fetch, "_parser_pool", counted)
    monkeypatch.setattr(fetch._Run, "_parse", parse)
    monkeypatch.setattr(fetch.os, "cpu_count", lambda: 2)  # a worker even on a 1-core runner
    in_workers = fetch_feeds(specs, tmp_path / "a")
    assert len(pools) == 1 and pools[0] is not None  # (and shut down: no process is left)
    # The first feed to arrive finds the worker free (those arriving while it is busy are
    # parsed here: how many depends on timing, so no count of those).
    assert any(feed is not None for feed in by_worker)
    monkeypatch.setattr(fetch, "PARSE_POOL_MIN_FEEDS", len(specs) + 1)
    in_threads = fetch_feeds(specs, tmp_path / "b")
    assert pools[1] is None
    ours = [(r.url, r.status, r.new, r.error, r.warning) for r in in_workers.feeds]
    assert ours == [(r.url, r.status, r.new, r.error, r.warning) for r in in_threads.feeds]
    assert ours[-2][3] is not None and ours[-2][3].startswith("malformed feed:")
    assert ours[-1][3] == "empty response"

    def same(record: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in record.items() if k != "first_seen"}

    a, b = _entries(tmp_path / "a" / "many"), _entries(tmp_path / "b" / "many")
    assert len(a) == 3 * PARSE_POOL_MIN_FEEDS
    assert {k: same(v) for k, v in a.items()} == {k: same(v) for k, v in b.items()}


def test_a_parser_process_that_dies_leaves_the_rest_to_threads(
    feed_server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.index.feeds.fetch as fetch

    monkeypatch.setattr(fetch.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(fetch, "parse_feed", _die_on_the_first_call)
    summary = fetch_feeds(_many_feeds(feed_server), tmp_path / "feeds")
    assert [r.error for r in summary.feeds[:PARSE_POOL_MIN_FEEDS]] == [None] * PARSE_POOL_MIN_FEEDS
    assert sum(r.new for r in summary.feeds) == 3 * PARSE_POOL_MIN_FEEDS


def _die_on_the_first_call(data: bytes, *, url: str, content_type: str = "") -> object:
    """parse_feed, except in a worker process, which it kills (as the OOM killer would)."""
    import multiprocessing

    from newsreader.index.feeds.parse import parse_feed

    if multiprocessing.parent_process() is not None:
        os._exit(1)
    return parse_feed(data, url=url, content_type=content_type)
