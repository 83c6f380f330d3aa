"""Worker processes tied to the life of the process that started them.

Used by the indexer's parser and writer processes (`index.store.ingest`) and by the feed
parsers of a fetch (`index.feeds.fetch`); light on purpose, since a spawned worker imports
this module before it does anything.
"""

from __future__ import annotations

import os
import signal
import sys


def die_with_parent(parent: int) -> None:
    """Make this child process end when the process that started it dies (kill -9 included).

    Worker processes block on a queue whose both ends they hold, so they would otherwise wait
    forever as orphans after their parent is killed."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
