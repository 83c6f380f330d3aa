"""OPML: reading a subscription list (with its folders) and writing one (OPML 2.0).

OPML files come from other programs and other people: a file that declares entities is refused
before any XML parser sees it (an OPML file has no use for them, and that rules out entity
bombs and external entity reads whatever the parser), and errors name the file, line and column.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_OPML_BYTES = 10 * 2**20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class OpmlError(Exception):
    """An OPML file that cannot be read: one line naming the file (and line) and the problem."""


@dataclass(frozen=True, slots=True)
class Outline:
    """One feed of an OPML file."""

    url: str
    """The `xmlUrl`."""
    title: str
    """The outline's `title`, else its `text`; may be empty."""
    folder: str
    """The folders it sits in, outermost first, joined with " / "; empty at the top."""
    html_url: str = ""


def read_opml(path: Path) -> list[Outline]:
    """Every outline with an `xmlUrl` in the file at `path`, in document order (a URL listed
    twice counts once). Raises OpmlError."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        raise OpmlError(f"{path}: cannot read OPML file: {exc.strerror or exc}") from None
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"{path}: OPML file is larger than {MAX_OPML_BYTES // 2**20} MiB")
    return parse_opml(data, str(path))


def parse_opml(data: bytes, shown: str = "OPML") -> list[Outline]:
    """The feeds of an OPML document (see `read_opml`); `shown` names it in errors."""
    if m := re.search(rb"<!ENTITY", data):
        line = data.count(b"\n", 0, m.start()) + 1
        raise OpmlError(f"{shown}:{line}: OPML file declares XML entities (not allowed)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, col = exc.position
        reason = str(exc).split(":")[0]
        raise OpmlError(f"{shown}:{line}: malformed XML: {reason} (column {col + 1})") from None
    if _local(root.tag) != "opml":
        raise OpmlError(f"{shown}: not an OPML file (the root element is <{_local(root.tag)}>)")
    body = next((c for c in root if _local(c.tag) == "body"), None)
    if body is None:
        raise OpmlError(f"{shown}: OPML file has no <body>")
    found: list[Outline] = []
    seen: set[str] = set()
    # Pre-order walk with an explicit stack (children pushed in reverse, so popped in document
    # order): a deeply nested file must not hit the recursion limit.
    stack: list[tuple[ET.Element, tuple[str, ...]]] = [
        (c, ()) for c in reversed(body) if _local(c.tag) == "outline"
    ]
    while stack:
        node, folders = stack.pop()
        attrs = {k.lower(): v for k, v in node.attrib.items()}
        name = _clean(attrs.get("title") or attrs.get("text") or "")
        url = (attrs.get("xmlurl") or "").strip()
        if url:
            if url not in seen:
                seen.add(url)
                html_url = (attrs.get("htmlurl") or "").strip()
                found.append(Outline(url, name, " / ".join(folders), html_url))
            continue
        inner = (*folders, name) if name else folders
        stack.extend((c, inner) for c in reversed(node) if _local(c.tag) == "outline")
    return found


def write_opml(feeds: Iterable[Outline], title: str = "newsreader feeds") -> str:
    """An OPML 2.0 document: top-level feeds first-come, each folder an outline of its feeds."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _clean(title)
    ET.SubElement(head, "dateCreated").text = email.utils.format_datetime(
        dt.datetime.now(dt.UTC).replace(microsecond=0)
    )
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        path = ""
        for part in [p for p in feed.folder.split(" / ") if p] if feed.folder else []:
            path = f"{path} / {part}" if path else part
            if path not in folders:
                folders[path] = ET.SubElement(parent, "outline", text=_clean(part))
            parent = folders[path]
        attrs = {"type": "rss", "text": _clean(feed.title or feed.url), "xmlUrl": _clean(feed.url)}
        if feed.title:
            attrs["title"] = _clean(feed.title)
        if feed.html_url:
            attrs["htmlUrl"] = _clean(feed.html_url)
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _clean(text: str) -> str:
    """One line without control characters (XML 1.0 cannot even carry most of them)."""
    return " ".join(_CONTROL.sub("", text).split())
