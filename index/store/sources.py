"""Config sources -> the article files below them, with what incremental updates need.

`scan` only stats files: it never opens one, so comparing its fingerprints with the index is cheap.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsreader.index.config import SourceConfig
from newsreader.index.model import path_text as _path_text

KEY_SEPARATOR = "\x1f"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One article file found below a source folder, as it was when scanned."""

    source: SourceConfig
    location: str
    """Absolute path, below `source.path` (symlinks inside the source are kept, not resolved).
    Text, with `path` made from it on demand: a Path per file was 40% of a no-change re-scan
    (which only needs `key` and `fingerprint`)."""
    rel: str
    """Path relative to the source folder, POSIX separators (non-UTF-8 name bytes escaped)."""
    mtime_ns: int
    size: int

    @property
    def path(self) -> Path:
        """`location` as a Path."""
        return Path(self.location)

    @property
    def key(self) -> str:
        """The `file_key` stored with every article of this file."""
        return file_key(self.source.name, self.rel)

    @property
    def fingerprint(self) -> str:
        """Changes whenever the file is rewritten (`mtime_ns:size`)."""
        return f"{self.mtime_ns}:{self.size}"


def file_key(source_name: str, rel: str) -> str:
    """The identity of a file across runs: source name and relative path."""
    return f"{source_name}{KEY_SEPARATOR}{rel}"


def missing_sources(sources: Iterable[SourceConfig]) -> list[SourceConfig]:
    """The sources whose folder is not there (a drive not mounted, a folder moved away). A feed
    source's folder appears with its first fetch: until then it is empty, not missing."""
    return [s for s in sources if not s.is_feed and not os.path.isdir(s.path)]


def missing_warning(source: SourceConfig) -> str:
    """The one warning for a source whose folder is missing: the same words from the scan and
    from commands that do not scan, so a caller can tell it has said it already."""
    return f"source {source.name}: folder not found: {source.path} (its articles stay in the index)"


def scan(
    sources: Iterable[SourceConfig],
    warn: Callable[[str], None],
    unreadable: set[str] | None = None,
) -> Iterator[SourceFile]:
    """Yield every article file of every source, sources in the given order, files sorted by
    their relative path.

    Hidden files and folders (name starting with ".") are skipped; symlinked folders are followed
    once (a symlink loop or a second link to the same folder is not walked again). A missing or
    unreadable source folder gives one warning naming it and the other sources are still scanned;
    a subfolder that cannot be listed or a file that cannot be stat'ed (vanished, dangling link)
    gives one warning each.

    `unreadable`, if given, receives the `file_key` prefix of every subfolder that could not be
    listed (`<source>\x1f<rel>/`): its files are unknown this run, not deleted.
    """
    for source, entries in scan_entries(sources, warn, unreadable):
        for rel, location, mtime_ns, size in entries:
            yield SourceFile(source, location, rel, mtime_ns, size)


Entry = tuple[str, str, int, int]
"""One file as the scan found it: (rel, location, mtime_ns, size), `SourceFile`'s fields."""


def scan_entries(
    sources: Iterable[SourceConfig],
    warn: Callable[[str], None],
    unreadable: set[str] | None = None,
) -> Iterator[tuple[SourceConfig, list[Entry]]]:
    """`scan`'s files (same order, same warnings) as plain tuples, source by source: what an
    update compares with the index, without an object per file (most files of a re-scan are
    unchanged, and at 100,000 files the objects and their keys were a fifth of it)."""
    for source in sources:
        yield source, _scan_source(source, warn, unreadable)


def _scan_source(
    source: SourceConfig, warn: Callable[[str], None], unreadable: set[str] | None
) -> list[Entry]:
    # The parsers' module is imported by the scan, not by this module: commands that only
    # search import this one for missing_sources() and must not load every parser.
    from newsreader.index.parsing.articles import format_for

    # One format check per suffix, not a Path per file: a scan is stat calls plus Python
    # per file, and a no-change update at 100,000 articles is mostly this loop.
    formats: dict[str, bool] = {}
    root = Path(source.path)
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and source.is_feed:
            return []  # not fetched yet: no articles, nothing to warn about
        if isinstance(exc, FileNotFoundError):
            warn(missing_warning(source))
        else:
            warn(f"source {source.name}: cannot read folder {root}: {_reason(exc)}")
        if unreadable is not None:
            unreadable.add(file_key(source.name, ""))
        return []
    if not stat.S_ISDIR(root_stat.st_mode):
        warn(f"source {source.name}: not a folder: {root}")
        if unreadable is not None:
            unreadable.add(file_key(source.name, ""))
        return []
    # The default glob takes every file: no regex per file.
    glob = source.glob or "**/*"
    matcher = None if glob == "**/*" else _glob_regex(glob)
    found: list[Entry] = []
    seen_dirs = {(root_stat.st_dev, root_stat.st_ino)}
    # Depth-first with an explicit stack: deep trees must not hit the recursion limit.
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)  # in no order: `found` is sorted once at the end
        except OSError as exc:
            if folder == root:
                warn(f"source {source.name}: cannot read folder {root}: {_reason(exc)}")
                if unreadable is not None:
                    unreadable.add(file_key(source.name, ""))
                return []
            warn(f"source {source.name}: cannot read folder {folder}: {_reason(exc)}")
            if unreadable is not None:
                unreadable.add(file_key(source.name, _path_text(prefix)))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = f"{prefix}{entry.name}"
            try:
                st = entry.stat()  # follows symlinks
            except OSError as exc:
                warn(f"source {source.name}: cannot read {entry.path}: {_reason(exc)}")
                continue
            if stat.S_ISDIR(st.st_mode):
                ident = (st.st_dev, st.st_ino)
                if ident not in seen_dirs:
                    seen_dirs.add(ident)
                    stack.append((Path(entry.path), rel + "/"))
                continue
            if not stat.S_ISREG(st.st_mode) or (matcher is not None and not matcher.fullmatch(rel)):
                continue
            dot = entry.name.rfind(".")
            suffix = entry.name[dot:] if dot > 0 else ""
            known = formats.get(suffix)
            if known is None:
                known = formats[suffix] = format_for(Path(entry.name), source.format) is not None
            if not known:
                continue
            if not rel.isascii():  # nearly every name is: no call per file
                rel = _path_text(rel)
            found.append((rel, entry.path, st.st_mtime_ns, st.st_size))
    found.sort()  # by rel: no two files share one
    return found


@lru_cache(maxsize=64)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A regex matching relative POSIX paths the way `Path.glob(pattern)` selects files:
    `**/` is zero or more folders, `*` and `?` stay within one path segment, `[...]` is a class.
    """
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i) and i + 2 == n:
            out.append(".*")
            i += 2
        else:
            c = pattern[i]
            if c == "*":
                out.append("[^/]*")
            elif c == "?":
                out.append("[^/]")
            elif c == "[":
                end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "]") else i + 1)
                if end == -1:
                    out.append(re.escape(c))
                else:
                    body = pattern[i + 1 : end]
                    if body.startswith("!"):
                        body = "^" + body[1:]
                    out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
                    i = end
            else:
                out.append(re.escape(c))
            i += 1
    return re.compile("".join(out), re.DOTALL)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
