"""Read/unread state, persisted as JSON in the user's state folder.

Writes are atomic (a temporary file in the same folder, fsync, `os.replace`), so a crash or a
power cut leaves either the old file or the new one, never half of one. No Textual here: the
state is plain data the widgets are given.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

FILE_NAME = "read.json"
VERSION = 1


class ReadState:
    """The set of articles the user has read, with each one's outlet for per-outlet counts."""

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / FILE_NAME
        self._read: dict[str, str] = {}
        self.error: str | None = None
        """Why the saved state could not be loaded or saved, for a notification; else None."""
        self._load()

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
        """Mark one article read or unread and save; True if that changed anything."""
        if read == (article_id in self._read):
            return False
        if read:
            self._read[article_id] = outlet
        else:
            del self._read[article_id]
        self.save()
        return True

    def toggle(self, article_id: str, *, outlet: str = "") -> bool:
        """Flip one article's state and save; returns the new state (True = read)."""
        read = article_id not in self._read
        self.set_read(article_id, read, outlet=outlet)
        return read

    def read_by_source(self) -> Counter[str]:
        """How many read articles each source has (the source is the id's first part)."""
        return Counter(article_id.split("/", 1)[0].casefold() for article_id in self._read)

    def read_by_outlet(self) -> Counter[str]:
        """How many read articles each outlet has."""
        return Counter(outlet.casefold() for outlet in self._read.values())

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
