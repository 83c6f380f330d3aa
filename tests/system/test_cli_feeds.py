"""`newsreader fetch`, `newsreader opml` and feed sources in the other commands, against a
server on 127.0.0.1 (DESIGN.md, Feeds)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from feed_docs import Item, atom, json_feed, long_paragraphs, opml, rss20
from feed_server import FeedServer, redirect

from newsreader.cli.main import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from newsreader.index.store.lock import WriteLock

pytestmark = pytest.mark.usefixtures("loopback_only")


def _items(prefix: str, n: int) -> list[Item]:
    return [
        Item(
            title=f"{prefix.title()} story {i}",
            link=f"https://{prefix}.example/news/{prefix}-{i}.html",
            guid=f"{prefix}-{i}",
            content=long_paragraphs(f"{prefix} wombat {i}"),
            author="Mira Castell",
        )
        for i in range(n)
    ]


@pytest.fixture
def config(tmp_path: Path, feed_server: FeedServer) -> Path:
    feed_server.static("/world.xml", rss20(_items("world", 3)), etag='"w1"')
    feed_server.static("/tech.atom", atom(_items("tech", 2)), content_type="application/atom+xml")
    feed_server.static(
        "/wire.json", json_feed(_items("wire", 2)), content_type="application/feed+json"
    )
    subs = tmp_path / "subs.opml"
    subs.write_text(
        opml(
            {"Tech": [("Circuit Weekly", feed_server.url("/tech.atom"))]},
            top=[("Lodestar Wire", feed_server.url("/wire.json"))],
        )
    )
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "note.txt").write_text("A note about wombats\n\nWombats dig burrows.\n")
    path = tmp_path / "config.yaml"
    path.write_text(
        "sources:\n"
        "  - name: notes\n    path: notes\n"
        f"  - name: world\n    feed: {feed_server.url('/world.xml')}\n"
        "  - name: subs\n    opml: subs.opml\n"
        f"index_dir: {tmp_path / 'index'}\n"
        f"feeds_dir: {tmp_path / 'feeds'}\n"
        f"state_dir: {tmp_path / 'state'}\n"
    )
    return path


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main(list(argv)) == EXIT_OK
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_fetch_json_then_search_and_show(
    config: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json(capsys, "--config", str(config), "fetch", "--json")
    assert set(data) >= {"feeds", "new", "updated", "took_ms"}
    assert [(f["source"], f["status"], f["new"], f["error"]) for f in data["feeds"]] == [
        ("world", 200, 3, None),
        ("subs", 200, 2, None),
        ("subs", 200, 2, None),
    ]
    assert set(data["feeds"][0]) >= {"source", "url", "status", "new", "updated", "error"}
    assert (data["new"], data["updated"]) == (7, 0)
    hits = _json(capsys, "--config", str(config), "search", "wombat", "--json", "--limit", "50")
    ids = {h["id"] for h in hits["hits"]}
    assert "notes/note.txt" in ids and len(ids) == 8
    world = sorted(i for i in ids if i.startswith("world/"))
    assert len(world) == 3 and all(i.count("/") == 1 and not i.endswith(".json") for i in world)
    assert world[0].startswith("world/world-0-")
    subs = [i for i in ids if i.startswith("subs/")]
    assert len(subs) == 4 and all(i.count("/") == 2 for i in subs)
    shown = _json(capsys, "--config", str(config), "show", world[0], "--json")
    assert shown["title"] == "World story 0"
    assert shown["outlet"] == "Kallenport Herald"
    assert shown["url"] == "https://world.example/news/world-0.html"
    assert shown["date"] == "2024-03-05T09:30:00+00:00"
    assert shown["body"].startswith("world wombat 0: paragraph 1.")
    outlets = {h["outlet"] for h in hits["hits"] if h["id"].startswith("subs/")}
    assert outlets == {"Circuit Weekly", "Lodestar Wire"}  # the OPML outline's title


def test_second_fetch_is_all_304_or_unchanged(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _json(capsys, "--config", str(config), "fetch", "--json")
    again = _json(capsys, "--config", str(config), "fetch", "--json")
    assert again["feeds"][0]["status"] == 304
    assert (again["new"], again["updated"]) == (0, 0)
    assert again["articles"] == 8  # nothing indexed twice


def test_fetch_text_output_and_one_source(
    config: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config), "fetch", "--source", "WORLD"]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "world: Kallenport Herald: 3 new, 0 updated"
    assert out[-1].startswith("1 feeds fetched in ")
    assert out[-1].endswith(": 3 new, 0 updated, 0 failed; 4 articles in the index")
    assert feed_server.hits["/tech.atom"] == 0


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("nope", "--source: no source named 'nope' (the sources are: notes, world, subs)"),
        ("notes", "--source: 'notes' is a folder, not a feed source (the feed sources are: "
                  "world, subs)"),
    ],
)  # fmt: skip
def test_fetch_source_errors(
    config: Path, source: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config), "fetch", "--source", source]) == EXIT_USAGE
    assert capsys.readouterr().err.strip() == f"newsreader: {message}"


def test_failed_feeds_still_exit_0_and_say_why(
    config: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _json(capsys, "--config", str(config), "fetch", "--json")
    feed_server.static("/world.xml", "gone", status=410, content_type="text/plain")
    (config.parent / "subs.opml").write_text("<opml><body><outline")
    assert main(["--config", str(config), "fetch"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "world: Kallenport Herald: failed: HTTP 410 Gone: the feed is gone" in out
    assert "subs: " in out and "malformed XML" in out
    assert ": 0 new, 0 updated, 2 failed; 8 articles in the index" in out
    data = _json(capsys, "--config", str(config), "fetch", "--json")
    assert data["feeds"][0]["status"] == 410
    assert data["feeds"][1]["status"] is None and "subs.opml:1:" in data["feeds"][1]["error"]


def test_fetch_with_the_index_busy_exits_1_and_keeps_the_files(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "index").mkdir()
    with WriteLock(tmp_path / "index"):
        assert main(["--config", str(config), "fetch"]) == EXIT_FAILURE
    assert "index busy" in capsys.readouterr().err
    assert len(list((tmp_path / "feeds" / "world").glob("[!.]*.json"))) == 3
    data = _json(capsys, "--config", str(config), "fetch", "--json")
    assert data["articles"] == 8


def test_rebuild_keeps_fetched_articles(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _json(capsys, "--config", str(config), "fetch", "--json")
    assert main(["--config", str(config), "index", "--rebuild"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("8 articles in the index, rebuilt")


def test_sources_lists_feed_sources(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, "--config", str(config), "sources", "--json")
    by_name = {r["name"]: r for r in rows}
    assert by_name["world"]["feed"].endswith("/world.xml")
    assert by_name["world"]["available"] is True and by_name["world"]["count"] == 0
    assert by_name["subs"]["opml"] == str(config.parent / "subs.opml")
    assert main(["--config", str(config), "sources"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "feed: http://127.0.0.1:" in captured.out and "not found" not in captured.out
    assert captured.err == ""


def test_opml_export(
    config: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.static("/world-new.xml", rss20(_items("world", 3)))
    feed_server.route("/world.xml", redirect("/world-new.xml", 301))
    _json(capsys, "--config", str(config), "fetch", "--json")
    assert main(["--config", str(config), "opml"]) == EXIT_OK
    root = ET.fromstring(capsys.readouterr().out.encode())
    assert root.get("version") == "2.0"
    body = root.find("body")
    assert body is not None
    top = [(o.get("text"), o.get("xmlUrl")) for o in body]
    assert top[0] == ("Kallenport Herald", feed_server.url("/world-new.xml"))  # moved for good
    subs = body[1]
    assert subs.get("text") == "subs" and subs.get("xmlUrl") is None
    assert [(o.get("text"), o.get("xmlUrl")) for o in subs] == [
        ("Lodestar Wire", feed_server.url("/wire.json")),
        ("Tech", None),
    ]
    assert [o.get("text") for o in subs[1]] == ["Circuit Weekly"]


def test_no_feed_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "n").mkdir()
    path = tmp_path / "c.yaml"
    path.write_text(f"sources:\n  - name: n\n    path: n\nindex_dir: {tmp_path / 'i'}\n")
    assert main(["--config", str(path), "fetch"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "no feed sources in the config" in captured.err
    assert main(["--config", str(path), "opml"]) == EXIT_OK
    assert ET.fromstring(capsys.readouterr().out.encode()).find("body") is not None


def test_fetch_while_another_fetch_runs_exits_1(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsreader.index.feeds.store import fetch_lock

    with fetch_lock(tmp_path / "feeds"):
        assert main(["--config", str(config), "fetch"]) == EXIT_FAILURE
    assert "another fetch is writing to" in capsys.readouterr().err


def test_fetch_indexes_just_the_files_it_wrote(
    config: Path,
    feed_server: FeedServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once the index is there, a fetch's update looks only at the entry files it wrote (no
    scan of the library): a file that came into a folder source meanwhile waits for `index`."""
    import newsreader.index.store.library as store_library

    _json(capsys, "--config", str(config), "fetch", "--json")
    (config.parent / "notes" / "later.txt").write_text("A later note\n\nWombats sleep late.\n")
    items = _items("world", 4)
    first = items[0]
    items[0] = Item(first.title, first.link, first.guid, content=long_paragraphs("world numbat"))
    feed_server.static("/world.xml", rss20(items), etag='"w2"')

    def no_scan(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the fetch's update scanned the library")

    monkeypatch.setattr(store_library, "scan_files", no_scan)
    data = _json(capsys, "--config", str(config), "fetch", "--source", "world", "--json")
    assert (data["new"], data["updated"], data["articles"]) == (1, 1, 9)
    hits = _json(capsys, "--config", str(config), "search", "numbat OR wombat", "--json",
                 "--limit", "50")  # fmt: skip
    ids = {h["id"] for h in hits["hits"]}
    assert len([i for i in ids if i.startswith("world/world-3-")]) == 1  # the new entry
    assert len([i for i in ids if i.startswith("world/world-0-")]) == 1  # changed, not twice
    assert "notes/later.txt" not in ids
    monkeypatch.undo()
    assert main(["--config", str(config), "index"]) == EXIT_OK
    assert "1 files added" in capsys.readouterr().out
