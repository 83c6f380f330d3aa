"""One writer per index: across threads of this process and across processes.

Why not Whoosh's own `MAIN_WRITELOCK`: it is an `flock`, which belongs to the open file and is
inherited by every forked child, so a writer killed with `kill -9` whose children (Whoosh's
multi-process sub-writers, a fork-based pool) live on keeps the index locked forever. A POSIX
record lock (`lockf`) belongs to the process alone: children never hold it and the kernel drops
it the moment the process dies, however it dies. Writers are opened with `_lk=False`, so Whoosh's
lock is never taken and can never be left stale.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

LOCK_NAME = "newsreader-write.lock"
DEFAULT_TIMEOUT = 1.0
_POLL = 0.05


class StoreError(Exception):
    """A problem with the index the user can act on; `str(e)` is one line."""


class IndexBusy(StoreError):
    """Another writer (thread or process) holds the index: `index busy: ...`."""


# One in-process lock per index folder: lockf does not exclude threads of the same process.
_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(folder: Path) -> threading.Lock:
    key = os.path.realpath(folder)
    with _thread_locks_guard:
        return _thread_locks.setdefault(key, threading.Lock())


class WriteLock:
    """Context manager holding the write lock of `folder` (which must exist).

    Waits up to `timeout` seconds, then raises IndexBusy.
    """

    def __init__(self, folder: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.folder = folder
        self.timeout = timeout
        self._fd: int | None = None
        self._tlock = _thread_lock(folder)

    def _busy(self) -> IndexBusy:
        return IndexBusy(f"index busy: another newsreader is updating {self.folder}")

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        if not self._tlock.acquire(timeout=max(self.timeout, 0)):
            raise self._busy()
        # Opened only while holding the thread lock: closing any other descriptor of this file
        # in this process would silently drop the lockf lock.
        try:
            fd = os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            self._tlock.release()
            raise
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise self._busy()
                time.sleep(_POLL)
        except BaseException:
            os.close(fd)
            self._tlock.release()
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)
            self._tlock.release()

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - newsreader targets POSIX; keep it importable
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.lockf(fd, fcntl.LOCK_UN)
