"""OPML: reading subscription lists (folders, nesting, hostile files) and writing OPML 2.0."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from feed_docs import opml

from newsreader.index.feeds.opml import OpmlError, Outline, parse_opml, read_opml, write_opml


def test_feeds_with_their_folders_in_document_order(tmp_path: Path) -> None:
    doc = opml(
        {
            "World": [("Herald", "https://h.example/rss"), ("Courier", "https://c.example/atom")],
            "Tech": [("Signal", "https://s.example/feed.json")],
        },
        top=[("Wire", "https://w.example/rss")],
    )
    path = tmp_path / "subs.opml"
    path.write_text(doc)
    assert read_opml(path) == [
        Outline("https://w.example/rss", "Wire", ""),
        Outline("https://h.example/rss", "Herald", "World"),
        Outline("https://c.example/atom", "Courier", "World"),
        Outline("https://s.example/feed.json", "Signal", "Tech"),
    ]


def test_nested_folders_duplicates_and_title_over_text() -> None:
    doc = b"""<?xml version="1.0"?><opml version="1.0"><head/><body>
    <outline text="News"><outline title="Europe" text="eu">
      <outline text="Herald" title="The Herald" xmlUrl="https://h.example/rss" htmlUrl="https://h.example/"/>
    </outline><outline text="again" xmlUrl="https://h.example/rss"/></outline>
    <outline text="no url, no children"/>
    </body></opml>"""
    assert parse_opml(doc) == [
        Outline("https://h.example/rss", "The Herald", "News / Europe", "https://h.example/")
    ]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (b"<opml><body><outline", "subs.opml:1: malformed XML: unclosed token (column 13)"),
        (b"<rss version='2.0'/>", "subs.opml: not an OPML file (the root element is <rss>)"),
        (b"<opml version='2.0'><head/></opml>", "subs.opml: OPML file has no <body>"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<opml><body><outline text='&x;' xmlUrl='https://h.example/'/></body></opml>",
            "subs.opml:2: OPML file declares XML entities (not allowed)",
        ),
    ],
)
def test_bad_files_name_file_and_line(doc: bytes, message: str) -> None:
    with pytest.raises(OpmlError) as err:
        parse_opml(doc, "subs.opml")
    assert str(err.value) == message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OpmlError, match=r"nope\.opml: cannot read OPML file: No such file"):
        read_opml(tmp_path / "nope.opml")


def test_written_opml_is_valid_and_reads_back() -> None:
    feeds = [
        Outline("https://w.example/rss?a=1&b=2", 'Wire "quoted" <x>', ""),
        Outline("https://h.example/rss", "Herald", "News / Europe", "https://h.example/"),
        Outline("https://c.example/atom", "", "News"),
        Outline("https://s.example/feed", "Bell\x07 Signal", "News / Europe"),
    ]
    text = write_opml(feeds)
    root = ET.fromstring(text.encode())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title") is not None and root.find("head/dateCreated") is not None
    back = parse_opml(text.encode())
    # One outline per folder: feeds of a folder come together, subfolders before later feeds.
    assert back == [
        Outline("https://w.example/rss?a=1&b=2", 'Wire "quoted" <x>', ""),
        Outline("https://h.example/rss", "Herald", "News / Europe", "https://h.example/"),
        Outline("https://s.example/feed", "Bell Signal", "News / Europe"),
        Outline("https://c.example/atom", "https://c.example/atom", "News"),
    ]
