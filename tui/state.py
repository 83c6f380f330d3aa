"""Read/unread state, persisted as JSON in the user's state folder.

Writes are atomic (a temporary file in the same folder, fsync, `os.replace`), so a crash or a
power cut leaves either the old file or the new one, never half of one. No Textual here: the
state is plain data the widgets are given.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from newsreader.index.config import Settings

LEGACY_FILE_NAME = "read.json"
"""The one read-state file every library shared before read state was kept per library."""
FOLDER_NAME = "read"
VERSION = 1

ReadKeys = tuple[str, str]
"""(source key, outlet key) of a read article, lower-cased as the index's filters are."""


def read_state_path(settings: Settings) -> Path:
    """The read-state file of the library `settings` describe: one per index folder, so two
    libraries sharing a state folder never see each other's read marks (two configs that share
    an index are one library and share its state too)."""
    folder = Path(settings.index_dir).resolve()
    digest = hashlib.sha1(str(folder).encode()).hexdigest()[:12]
    stem = "".join(c if c.isalnum() else "-" for c in folder.name.lower()).strip("-") or "library"
    return Path(settings.state_dir) / FOLDER_NAME / f"{stem}-{digest}.json"


def keys_of(article_id: str, outlet: str) -> ReadKeys:
    """The (source, outlet) keys of an article: the source is the id's first part."""
    return article_id.split("/", 1)[0].lower(), outlet.lower()


class ReadState:
    """The set of articles the user has read in one library (each with its outlet as it was
    when read), and which of them are in the library's index now, for the unread counts."""

    def __init__(self, path: Path, *, legacy: Path | None = None) -> None:
        self.path = Path(path)
        self._read: dict[str, str] = {}
        self._present: dict[str, ReadKeys] = {}
        """Read ids known to be indexed now, with their keys: what the counts subtract."""
        self.error: str | None = None
        """Why the saved state could not be loaded or saved, for a notification; else None."""
        if legacy is not None and not self.path.exists() and legacy.is_file():
            self._adopt(legacy)
        else:
            self._load()

    @classmethod
    def for_library(cls, settings: Settings) -> ReadState:
        """The read state of the library `settings` describe (see `read_state_path`)."""
        return cls(read_state_path(settings), legacy=Path(settings.state_dir) / LEGACY_FILE_NAME)

    def _adopt(self, legacy: Path) -> None:
        # The shared file of older versions goes to the first library opened, once, and is set
        # aside so no other library inherits it; its ids of other libraries are never counted
        # (see `sync_present`).
        self.path, own = legacy, self.path
        self._load()
        self.path = own
        if self.error is None:
            self.save()
            if self.error is None:
                with contextlib.suppress(OSError):
                    os.replace(legacy, legacy.with_name(legacy.name + ".adopted"))

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            self.error = f"read state not loaded from {self.path}: {exc}"
            self._keep_broken_file()
            return
        read = data.get("read") if isinstance(data, dict) else None
        if not isinstance(read, dict):
            self.error = f"read state not loaded from {self.path}: unexpected content"
            self._keep_broken_file()
            return
        self._read = {str(k): str(v) for k, v in read.items()}

    def _keep_broken_file(self) -> None:
        # Set the broken file aside rather than overwrite it on the next save: it may be fixable.
        with contextlib.suppress(OSError):
            os.replace(self.path, self.path.with_suffix(".json.broken"))

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._read

    def __len__(self) -> int:
        return len(self._read)

    def snapshot(self) -> frozenset[str]:
        """The read ids as they are now, for a worker thread to filter with safely."""
        return frozenset(self._read)

    def is_read(self, article_id: str) -> bool:
        """Whether the article has been read."""
        return article_id in self._read

    def set_read(self, article_id: str, read: bool, *, outlet: str = "") -> bool:
        """Mark one article read or unread and save; True if that changed anything. The article
        is taken to be in the library (the user just saw it), so the counts follow at once."""
        if read == (article_id in self._read):
            return False
        if read:
            self._read[article_id] = outlet
            self._present[article_id] = keys_of(article_id, outlet)
        else:
            del self._read[article_id]
            self._present.pop(article_id, None)
        self.save()
        return True

    def set_all_read(self, articles: Iterable[tuple[str, str]]) -> int:
        """Mark every (id, outlet) read and save once; how many were unread."""
        changed = 0
        for article_id, outlet in articles:
            if article_id not in self._read:
                self._read[article_id] = outlet
                self._present[article_id] = keys_of(article_id, outlet)
                changed += 1
        if changed:
            self.save()
        return changed

    def toggle(self, article_id: str, *, outlet: str = "") -> bool:
        """Flip one article's state and save; returns the new state (True = read)."""
        read = article_id not in self._read
        self.set_read(article_id, read, outlet=outlet)
        return read

    def sync_present(self, found: Mapping[str, ReadKeys], snapshot: frozenset[str]) -> None:
        """Take the index's answer to "which of `snapshot` (read ids) are indexed, with what
        keys" (`Library.read_keys`). Ids read or unread since the snapshot was taken keep what
        `set_read` said of them, so a slow answer never undoes a mark made meanwhile."""
        present = {i: k for i, k in found.items() if i in self._read}
        for article_id, keys in self._present.items():
            if article_id in self._read and article_id not in snapshot:
                present[article_id] = keys
        self._present = present

    def read_in_library(self) -> int:
        """How many read articles are in the library: what the unread count subtracts."""
        return len(self._present)

    def read_by_source(self) -> Counter[str]:
        """How many read articles of the library each source key has."""
        return Counter(source for source, _ in self._present.values())

    def read_by_outlet(self) -> Counter[str]:
        """How many read articles of the library each outlet key has."""
        return Counter(outlet for _, outlet in self._present.values())

    def save(self) -> None:
        """Write the state atomically; on failure keep going and remember why in `error`."""
        payload = json.dumps({"version": VERSION, "read": self._read}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".read-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self._fsync_dir()
        except OSError as exc:
            self.error = f"read state not saved to {self.path}: {exc}"

    def _fsync_dir(self) -> None:
        # The rename itself is only durable once the folder's entry is on disk (POSIX).
        with contextlib.suppress(OSError, AttributeError):
            fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
