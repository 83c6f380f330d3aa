"""What a file watcher saw -> what a targeted update (`Library.update(paths=)`) should look at.

The reader watches the source folders (`tui.jobs.watcher`) and hands the paths that changed to
the targeted update. Not every path is worth one: an editor's swap and backup files (`.x.swp`,
`x~`, `4913`), a download's `.part` file, the index's own files (were it ever below a source)
are no article files, and the update would warn about each. `sort_changes` keeps the paths
the scan's own rules (`sources.FileRules`) would take, the folders (scanned whole), and the
paths that are gone (deleted files and folders: `Library.holding` keeps those the index holds
something of); it sets aside the paths of a source whose folder itself is gone (unplugged: its
articles stay, as in a full update, and the reader says so once).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.index.config import Settings, SourceConfig
from newsreader.index.store.sources import FileRules
from newsreader.index.store.targets import locate


@dataclass
class Changes:
    """The paths of one batch of a watcher's events, sorted by what the update does with them."""

    present: list[str] = field(default_factory=list)
    """Article files and folders that are there: new or changed (a folder is scanned)."""
    gone: list[str] = field(default_factory=list)
    """Paths that are not there: a deleted article file, or a deleted (or moved away) folder
    whose name no rule can tell from a swap file's; worth an update only when the index holds
    something of them (`Library.holding`)."""
    missing: list[SourceConfig] = field(default_factory=list)
    """Sources whose folder itself is gone: their paths are left out (articles kept)."""


def watch_roots(settings: Settings) -> list[Path]:
    """The folders to watch, recursively: every source folder that is there (a feed source's
    too, once fetched into: a fetch by another program shows up by itself), less those inside
    another one (its events come from the outer folder's watch already)."""
    folders = sorted({Path(os.path.abspath(s.path)) for s in settings.sources
                      if os.path.isdir(s.path)})
    roots: list[Path] = []
    for folder in folders:  # sorted: a folder comes before the folders below it
        if not any(folder.is_relative_to(root) for root in roots):
            roots.append(folder)
    return roots


def sort_changes(settings: Settings, paths: Iterable[str]) -> Changes:
    """Sort the paths a watcher reported (absolute) into `Changes`. Paths below the index or
    state folder are dropped whatever their name: the update writes there (its skipped-file
    record is JSON), and watching its own writes would update for ever."""
    own = [Path(os.path.abspath(settings.index_dir)), Path(os.path.abspath(settings.state_dir))]
    changes = Changes()
    rules: dict[str, FileRules] = {}
    for path in sorted(set(paths)):
        if any(Path(path).is_relative_to(folder) for folder in own):
            continue
        kind = _kind(settings.sources, path, rules, changes)
        if kind == "present":
            changes.present.append(path)
        elif kind == "gone":
            changes.gone.append(path)
    return changes


def _kind(
    sources: Sequence[SourceConfig], path: str, rules: dict[str, FileRules], changes: Changes
) -> str | None:
    """"present", "gone" or None (not worth an update) for one reported path."""
    for source, rel in locate(sources, path):
        if not os.path.isdir(source.path):
            if source not in changes.missing and not source.is_feed:
                changes.missing.append(source)
            continue
        if not rel or any(part.startswith(".") for part in rel.split("/")):
            continue  # the source folder itself (its own times), or hidden: never read
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return "gone"
        except OSError:
            return "present"  # cannot be stat'ed: the update says why, once
        if stat.S_ISDIR(st.st_mode):
            return "present"
        if source.name not in rules:
            rules[source.name] = FileRules(source)
        if stat.S_ISREG(st.st_mode) and rules[source.name].problem(rel) is None:
            return "present"
    return None
