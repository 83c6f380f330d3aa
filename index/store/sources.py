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
        return fingerprint_of(self.mtime_ns, self.size)


def fingerprint_of(mtime_ns: int, size: int) -> str:
    """A file's fingerprint as the index keeps it (the scan's loop writes it inline)."""
    return f"{mtime_ns}:{size}"


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
    for found in scan_files(sources, warn, unreadable):
        for key in sorted(found.files):  # one source's keys sort as its relative paths do
            yield found.source_file(key)


@dataclass(frozen=True, slots=True)
class SourceScan:
    """One source's article files as `scan_files` found them: what an update compares with the
    index. A dict, not an object per file: most files of a re-scan are unchanged, so the
    comparison is dict lookups and only a changed or new file becomes a `SourceFile`."""

    source: SourceConfig
    root: str
    """The source folder as the scan walked it (`str(Path(source.path))`)."""
    files: dict[str, str]
    """`file_key -> fingerprint` of every article file (in no order)."""
    locations: dict[str, str]
    """`file_key -> location` of the files whose location is not `root` joined with their
    `rel`: names that are not ASCII (their `rel` is escaped, see `model.path_text`)."""

    def source_file(self, key: str) -> SourceFile:
        """The file `key` of `files`."""
        rel = key[len(self.source.name) + len(KEY_SEPARATOR) :]
        location = self.locations.get(key) or os.path.join(self.root, rel)
        mtime_ns, _, size = self.files[key].partition(":")
        return SourceFile(self.source, location, rel, int(mtime_ns), int(size))


def scan_files(
    sources: Iterable[SourceConfig],
    warn: Callable[[str], None],
    unreadable: set[str] | None = None,
) -> Iterator[SourceScan]:
    """`scan`'s files (the same files, the same warnings), source by source, as `SourceScan`s."""
    for source in sources:
        yield _scan_source(source, warn, unreadable)


def _scan_source(
    source: SourceConfig, warn: Callable[[str], None], unreadable: set[str] | None
) -> SourceScan:
    root = str(Path(source.path))
    key_prefix = file_key(source.name, "")
    found = SourceScan(source, root, {}, {})
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and source.is_feed:
            return found  # not fetched yet: no articles, nothing to warn about
        if isinstance(exc, FileNotFoundError):
            warn(missing_warning(source))
        else:
            warn(f"source {source.name}: cannot read folder {root}: {_reason(exc)}")
        if unreadable is not None:
            unreadable.add(key_prefix)
        return found
    if not stat.S_ISDIR(root_stat.st_mode):
        warn(f"source {source.name}: not a folder: {root}")
        if unreadable is not None:
            unreadable.add(key_prefix)
        return found
    if not _walk(found, FileRules(source), "", {(root_stat.st_dev, root_stat.st_ino)}, warn,
                 unreadable):
        return SourceScan(source, root, {}, {})
    return found


def scan_folder(
    source: SourceConfig,
    rel: str,
    warn: Callable[[str], None],
    unreadable: set[str] | None = None,
    rules: FileRules | None = None,
) -> SourceScan:
    """The article files below the subfolder `rel` ("a/b", POSIX, not "") of `source`: the files
    a scan of the whole source finds there, with the same keys and warnings (a targeted update
    of one folder). The folders from the source folder down to `rel` count as walked already,
    as they are when the whole source is scanned: a link inside `rel` back up to one of them is
    not followed."""
    root = str(Path(source.path))
    found = SourceScan(source, root, {}, {})
    seen: set[tuple[int, int]] = set()
    folder = root
    for part in ("", *rel.split("/")):
        folder = os.path.join(folder, part) if part else folder
        try:
            st = os.stat(folder)
        except OSError:
            continue  # the walk below says what is wrong with `rel` itself
        seen.add((st.st_dev, st.st_ino))
    _walk(found, rules or FileRules(source), rel + "/", seen, warn, unreadable)
    return found


# Each folder is opened once and its files stat'ed relative to it (fstatat): a stat by path
# makes the kernel walk every folder of the path again, a quarter of a scan's system time at
# 100,000 files five folders deep (2026-12).
_BY_FD = os.scandir in os.supports_fd
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_S_IFMT, _S_IFDIR, _S_IFREG = 0o170000, stat.S_IFDIR, stat.S_IFREG


def _walk(
    found: SourceScan,
    rules: FileRules,
    start: str,
    seen_dirs: set[tuple[int, int]],
    warn: Callable[[str], None],
    unreadable: set[str] | None,
) -> bool:
    """Add the article files below `found.root` joined with `start` ("" or "rel/") to `found`;
    False when that first folder cannot be listed (warned)."""
    source, root, files = found.source, found.root, found.files
    key_prefix = file_key(source.name, "")
    # The suffixes of article files seen so far (`rules.known`): a name ending in one of them
    # is one, one call a file. A no-change update at 100,000 articles is mostly this loop (a
    # stat call, and as little Python as it can be, per file).
    known_suffixes = rules.known
    matcher = rules.matcher
    odd: list[tuple[str, str, str]] = []
    first = os.path.join(root, start) if start else root
    # Depth-first with an explicit stack: deep trees must not hit the recursion limit.
    # (folder's location, its path relative to the source folder with a trailing "/")
    stack: list[tuple[str, str]] = [(first.rstrip("/") or "/", start)]
    while stack:
        folder, prefix = stack.pop()
        fd = -1
        try:
            if _BY_FD:
                fd = os.open(folder, _DIR_FLAGS)
            with os.scandir(fd if _BY_FD else folder) as it:
                entries = list(it)
        except OSError as exc:
            if fd >= 0:
                os.close(fd)
            warn(f"source {source.name}: cannot read folder {folder}: {_reason(exc)}")
            if unreadable is not None:
                unreadable.add(file_key(source.name, _path_text(prefix)))
            if prefix == start:
                return False
            continue
        try:
            folder_key = key_prefix + prefix
            plain = prefix.isascii()
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                try:
                    st = entry.stat()  # follows symlinks
                except OSError as exc:
                    warn(
                        f"source {source.name}: cannot read {os.path.join(folder, name)}: "
                        f"{_reason(exc)}"
                    )
                    continue
                kind = st.st_mode & _S_IFMT  # stat.S_ISDIR and S_ISREG without two calls a file
                if kind != _S_IFREG:
                    if kind == _S_IFDIR:
                        ident = (st.st_dev, st.st_ino)
                        if ident not in seen_dirs:
                            seen_dirs.add(ident)
                            stack.append((os.path.join(folder, name), f"{prefix}{name}/"))
                    continue
                if matcher is not None and not matcher.fullmatch(prefix + name):
                    continue
                if not name.endswith(known_suffixes):
                    if not rules.suffix_reads(name):
                        continue
                    known_suffixes = rules.known
                if plain and name.isascii():  # nearly every name: its key is its path
                    files[folder_key + name] = f"{st.st_mtime_ns}:{st.st_size}"
                else:
                    odd.append(
                        (
                            key_prefix + _path_text(prefix + name),
                            os.path.join(folder, name),
                            f"{st.st_mtime_ns}:{st.st_size}",
                        )
                    )
        finally:
            if fd >= 0:
                os.close(fd)
    _settle_odd(found, odd)
    return True


def _settle_odd(found: SourceScan, odd: list[tuple[str, str, str]]) -> None:
    """Add the files whose names are not ASCII. An escaped name can spell another file's name:
    one file per key, the one whose location sorts first (whatever order the folders were
    listed in)."""
    key_prefix = file_key(found.source.name, "")
    files = found.files
    for key, location, fingerprint in sorted(odd):
        held = found.locations.get(key)
        if held is None and key in files:
            held = os.path.join(found.root, key[len(key_prefix) :])
        if held is None or location < held:
            files[key] = fingerprint
            found.locations[key] = location


class FileRules:
    """Which files below a source folder are its article files: no name on the way starting
    with "." (hidden), matched by the source's `glob`, and of a format the parsers read (by
    suffix, or every name with `format:` set). The scan and a targeted update of given paths
    (`index.store.targets`) ask the same rules, so both key the same files."""

    __slots__ = ("forced", "formats", "glob", "known", "matcher")

    def __init__(self, source: SourceConfig) -> None:
        self.glob = source.glob or "**/*"
        # The default glob takes every file: no regex per file.
        self.matcher = None if self.glob == "**/*" else _glob_regex(self.glob)
        self.forced = source.format
        self.formats: dict[str, bool] = {}
        """One format check per suffix, not a Path per file."""
        self.known: tuple[str, ...] = ()
        """The suffixes of article files seen so far: a name ending in one of them is one (a
        suffix has one dot, so the name's last dot is that one; with a format forced every
        suffix is, "" included, and "" ends every name)."""

    def suffix_reads(self, name: str) -> bool:
        """Whether a file named `name` is of a format the parsers read."""
        if name.endswith(self.known):
            return True
        dot = name.rfind(".")
        suffix = name[dot:] if dot > 0 else ""
        if suffix not in self.formats:
            # The parsers' module is imported here, not by this module: commands that only
            # search import this one for missing_sources() and must not load every parser.
            from newsreader.index.parsing.articles import format_for

            self.formats[suffix] = format_for(Path(name), self.forced) is not None
            if self.formats[suffix]:
                self.known = (*self.known, suffix)
        return self.formats[suffix]

    def problem(self, rel: str) -> str | None:
        """Why the file at `rel` (POSIX, below the source folder) is not an article file of
        the source; None when it is one."""
        parts = rel.split("/")
        if any(part.startswith(".") for part in parts):
            return "hidden files and folders are not read"
        if self.matcher is not None and not self.matcher.fullmatch(rel):
            return f"not matched by the source's glob {self.glob!r}"
        if not self.suffix_reads(parts[-1]):
            if self.forced:
                return f"format {self.forced!r} is not one the parsers read"
            return "not a suffix of an article format (.txt .md .html .json .jsonl ...)"
        return None


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
