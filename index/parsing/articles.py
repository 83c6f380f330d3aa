"""Reading one article file (txt, md, html, json, jsonl) into `Article` records.

Article text is hostile and messy. Every reader here promises:
- a file it cannot read raises `ArticleError`, whose message is one line naming the file;
- metadata lines (dates, bylines, URLs, "Source:" lines) and boilerplate ("Advertisement",
  "Image: ...", "Follow us on ...") never stay in the body, and no other line is dropped;
- the body is paragraphs joined by a blank line, whitespace inside a paragraph collapsed;
- no control character (C0 except newline/tab, DEL, C1) survives into any field.

Outlet precedence: what the file states (a field, a meta tag, a "Source:" line, a sentence like
"... asked for comment by <Outlet>" or "In <Outlet> we will follow ...") beats the config
source's default `outlet`, which beats the host of the article's URL ("europesun.com").

This module picks the reader by format and reads the file; each format has its own module.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from newsreader.index.model import Article
from newsreader.index.parsing.decoding import decode, path_text
from newsreader.index.parsing.errors import ArticleError
from newsreader.index.parsing.json import parse_json, parse_jsonl
from newsreader.index.parsing.markdown import parse_md
from newsreader.index.parsing.txt import parse_txt

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Files larger than this (20 MiB) are skipped: no real article is that big, and the index must
not stall on a stray dump."""


FORMATS = ("txt", "md", "html", "json", "jsonl")


_SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


_FORMAT_ALIASES = {"text": "txt", "markdown": "md", "htm": "html", "ndjson": "jsonl"}


def format_for(path: Path, forced: str | None = None) -> str | None:
    """The format to read `path` as: `forced` (a FORMATS name or an alias like "markdown") if
    given, else by suffix (case-insensitive). None: not an article file / unknown format."""
    if forced:
        name = forced.lower().lstrip(".")
        name = _FORMAT_ALIASES.get(name, name)
        return name if name in FORMATS else None
    return _SUFFIXES.get(path.suffix.lower())


_PARSERS = {
    "txt": parse_txt,
    "md": parse_md,
    "json": parse_json,
    "jsonl": parse_jsonl,
}


def size_error(size: int) -> str:
    limit = f"{MAX_FILE_BYTES:,}-byte limit ({MAX_FILE_BYTES / 2**20:g} MiB)"
    return f"{size:,} bytes is over the {limit}"


def parse_articles(
    data: bytes,
    *,
    path: Path,
    article_id: str,
    source: str,
    fmt: str,
    outlet: str = "",
    warn: Callable[[str], None] | None = None,
) -> list[Article]:
    """The articles in `data`, the bytes of the file at `path` read as `fmt`.

    A txt/md/html file or a JSON object gives one article with id `article_id`; a JSON list or
    a JSONL file gives one per entry, id `article_id#n` (n 1-based: the position in the list,
    or the number of the non-blank JSONL line). Entries without a title or body, and JSONL
    lines that are not valid JSON, are skipped as long as one entry is valid; otherwise
    ArticleError names the first problem. Raises ArticleError("<path>: <reason>") for binary,
    empty or oversized data, malformed front matter or JSON, or an unknown format.
    An article that was read only in part (a web page whose story could not be found: its
    title and description are kept) is returned and `warn` gets a one-line reason.
    """
    try:
        if len(data) > MAX_FILE_BYTES:
            raise ArticleError(size_error(len(data)))
        if fmt not in FORMATS:
            raise ArticleError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
        if fmt == "html":
            from newsreader.index.parsing.html import read_html  # imports lxml on first use

            return [
                read_html(
                    data,
                    article_id=article_id,
                    source=source,
                    path=path,
                    outlet=outlet,
                    warn=None if warn is None else lambda reason: warn(f"{path}: {reason}"),
                )
            ]
        text = decode(data)
        if not text.strip():
            raise ArticleError("empty file")
        return _PARSERS[fmt](
            text, path=path, article_id=article_id, source=source, outlet=outlet
        )
    except ArticleError as exc:
        raise ArticleError(exc.reason, path) from None
    except RecursionError:
        raise ArticleError("nested too deeply", path) from None


def read_articles(
    path: Path,
    *,
    source: str,
    root: Path,
    fmt: str | None = None,
    outlet: str = "",
    warn: Callable[[str], None] | None = None,
    drop_suffix: bool = False,
) -> list[Article]:
    """The articles of the file at `path`, below the source folder `root` of source `source`.

    Ids are `<source>/<path relative to root, POSIX>` (the file name if `path` is not below
    `root`; bytes of a name that are not UTF-8 appear as "\\xe9" escapes, see `path_text`);
    with `drop_suffix`, without the file's suffix (feed entries: `<source>/<entry key>`).
    `fmt` forces a format, else the suffix decides; `outlet` is the source's default outlet.
    Raises ArticleError for a file that is unreadable (a FIFO or device included), not an
    article file, larger than MAX_FILE_BYTES, or whose content cannot be parsed (see
    `parse_articles`). `warn` gets "<path>: <reason>" for a file read only in part.
    """
    kind = format_for(path, fmt)
    if kind is None:
        reason = f"unknown format {fmt!r}" if fmt else "not an article file (unknown suffix)"
        raise ArticleError(reason, path)
    try:
        # O_NONBLOCK: a file swapped for a FIFO since the scan must not block the run forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise ArticleError("not a regular file", path)
            if st.st_size > MAX_FILE_BYTES:
                raise ArticleError(size_error(st.st_size), path)
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or type(exc).__name__}", path) from None
    try:
        rel = path_text(path.relative_to(root).as_posix())
    except ValueError:
        rel = path_text(path.name)
    if drop_suffix and path.suffix:
        rel = rel.removesuffix(path.suffix)
    return parse_articles(
        data,
        path=path,
        article_id=f"{source}/{rel}",
        source=source,
        fmt=kind,
        outlet=outlet,
        warn=warn,
    )
