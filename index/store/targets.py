"""Given paths -> the part of the library a targeted update looks at (`Library.update(paths=)`).

A caller that knows which files it wrote (a feed fetch, a script) names them, and the update
stats those files (and scans the folders among them) instead of every file of every source. A
path counts for every source whose folder it lies in, as a full scan finds a file once per
source folder above it, and its key is the one that scan gives it: the same rules
(`sources.FileRules`) and the same walk of a folder (`sources.scan_folder`).

A `Region` says what was found (`scans`, as `sources.scan_files` gives them) and what was looked
at (`keys`, `prefixes`): the update compares the found files with the indexed files of that
part only, so an indexed file there that was not found is one that is gone.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from newsreader.index.config import SourceConfig
from newsreader.index.model import path_text
from newsreader.index.store.sources import (
    FileRules,
    SourceScan,
    file_key,
    fingerprint_of,
    missing_warning,
    scan_files,
    scan_folder,
)

PathLike = str | os.PathLike[str]


@dataclass
class Region:
    """The files below the given paths, and which file keys those paths cover."""

    scans: list[SourceScan] = field(default_factory=list)
    """The article files found, one `SourceScan` per source (config order)."""
    keys: set[str] = field(default_factory=set)
    """File keys of the given files (found or not)."""
    prefixes: set[str] = field(default_factory=set)
    """Key prefixes of the given folders (`<source>\\x1f<rel>/`, or `<source>\\x1f` for a
    whole source): every key starting with one is covered."""
    absent: dict[str, str] = field(default_factory=dict)
    """The path as given -> its file key, for paths that are not there: deleted files and
    folders when the index holds something under them, a mistake to warn about otherwise."""

    def covers(self, key: str) -> bool:
        """Whether `key` is one of the files this region looked at."""
        return key in self.keys or key.startswith(tuple(self.prefixes))


def scan_paths(
    sources: Sequence[SourceConfig],
    paths: Iterable[PathLike],
    warn: Callable[[str], None],
    unreadable: set[str] | None = None,
) -> Region:
    """The region of `paths`: each a file or folder below a source folder (a folder holding
    source folders covers them whole). A path in no source, or a file that is not an article
    file of its source, is warned about (one line naming it) and the others go on.
    `unreadable` receives the key prefixes of what could not be read (kept, not deleted)."""
    walker = _Walker(sources, warn, unreadable)
    for given in paths:
        text = os.fspath(given)
        targets = locate(sources, text)
        if not targets:
            names = ", ".join(s.name for s in sources) or "none"
            warn(f"{text}: not in the folder of any source (the sources: {names})")
        for source, rel in targets:
            walker.add(source, rel, text)
    walker.region.scans = [walker.scans[s.name] for s in sources if s.name in walker.scans]
    return walker.region


def locate(sources: Sequence[SourceConfig], path: str) -> list[tuple[SourceConfig, str]]:
    """(source, path relative to its folder, POSIX, "" for the folder itself) for every source
    whose folder holds `path` or lies below it, in config order. Paths are compared as given
    (made absolute: a link inside a source stays the link, as the scan keeps it), then, when
    that finds none, with every link resolved (a path given through another name of the
    folder)."""
    found = _locate(sources, os.path.abspath(path), os.path.abspath)
    if not found:
        found = _locate(sources, os.path.realpath(path), os.path.realpath)
    return found


def _locate(
    sources: Sequence[SourceConfig], path: str, absolute: Callable[[str], str]
) -> list[tuple[SourceConfig, str]]:
    found: list[tuple[SourceConfig, str]] = []
    for source in sources:
        root = absolute(str(source.path))
        if path == root or _below(path, root):
            found.append((source, ""))  # the source folder, or a folder holding it
        elif _below(root, path):
            found.append((source, path[len(root) :].strip(os.sep).replace(os.sep, "/")))
    return found


def _below(folder: str, path: str) -> bool:
    """`path` lies strictly below `folder` (both absolute and normalised)."""
    return path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


class _Walker:
    """Builds a Region path by path: one SourceScan and one FileRules per source."""

    def __init__(
        self,
        sources: Sequence[SourceConfig],
        warn: Callable[[str], None],
        unreadable: set[str] | None,
    ) -> None:
        self.sources = sources
        self.warn = warn
        self.unreadable = unreadable
        self.region = Region()
        self.scans: dict[str, SourceScan] = {}
        self.rules: dict[str, FileRules] = {}

    def add(self, source: SourceConfig, rel: str, given: str) -> None:
        """Look at the file or folder `rel` of `source` (given as `given`)."""
        if not rel:
            # The whole source: exactly what the full scan does with it.
            self.region.prefixes.add(file_key(source.name, ""))
            self._merge(next(iter(scan_files([source], self.warn, self.unreadable))))
            return
        if not os.path.isdir(source.path):
            # Its articles stay while the folder is away (an unmounted drive), as in a full
            # update: nothing below it is looked at.
            if not source.is_feed:
                self.warn(missing_warning(source))
            return
        key = file_key(source.name, path_text(rel))
        location = os.path.join(str(source.path), *rel.split("/"))
        try:
            st = os.stat(location)  # follows links, as the scan does
        except (FileNotFoundError, NotADirectoryError):
            self._absent(key, given)
            return
        except OSError as exc:
            # A folder on the way that cannot be searched: what is below it is unknown, kept.
            self.warn(f"source {source.name}: cannot read {location}: {exc.strerror or exc}")
            if self.unreadable is not None:
                self.unreadable.add(key)
            return
        if stat.S_ISDIR(st.st_mode):
            self._folder(source, rel, key, given)
        elif stat.S_ISREG(st.st_mode):
            found = fingerprint_of(st.st_mtime_ns, st.st_size)
            self._file(source, rel, key, location, found, given)
        else:
            self.region.keys.add(key)
            self.warn(f"{given}: not an article file of source {source.name} (not a file)")

    def _absent(self, key: str, given: str) -> None:
        # A file or a folder: whichever the index holds under this name goes.
        self.region.keys.add(key)
        self.region.prefixes.add(key + "/")
        self.region.absent[given] = key

    def _folder(self, source: SourceConfig, rel: str, key: str, given: str) -> None:
        self.region.prefixes.add(key + "/")
        if any(part.startswith(".") for part in rel.split("/")):
            self.warn(f"{given}: not read: hidden files and folders are not read")
            return
        self._merge(scan_folder(source, rel, self.warn, self.unreadable, self._rules(source)))

    def _file(
        self, source: SourceConfig, rel: str, key: str, location: str, fingerprint: str,
        given: str,
    ) -> None:
        self.region.keys.add(key)  # covered even when it is no article file: a full scan
        problem = self._rules(source).problem(rel)  # would not find it, so it is not indexed
        if problem is not None:
            self.warn(f"{given}: not an article file of source {source.name} ({problem})")
            return
        found = self._scan(source)
        found.files[key] = fingerprint
        if not rel.isascii():  # its key is escaped: the file keeps its own path
            found.locations[key] = location

    def _rules(self, source: SourceConfig) -> FileRules:
        if source.name not in self.rules:
            self.rules[source.name] = FileRules(source)
        return self.rules[source.name]

    def _scan(self, source: SourceConfig) -> SourceScan:
        if source.name not in self.scans:
            self.scans[source.name] = SourceScan(source, str(source.path), {}, {})
        return self.scans[source.name]

    def _merge(self, found: SourceScan) -> None:
        into = self._scan(found.source)
        into.files.update(found.files)
        into.locations.update(found.locations)
