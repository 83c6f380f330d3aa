"""Whether the index needs an update, asked without holding up the reader.

`Library.needs_update()` stats every file of every source and reads every file key: 1.9 s of
work at 100,000 articles. In a thread of the reader it held the GIL against the UI thread all
that time, right after the first screen: the reader only settled 2.5 s after launch, and
moving the cursor showed the next article up to 0.36 s late (0.14 s otherwise). For a big
library the check runs in a child process instead, with a GIL (and, given a free core, a CPU)
of its own and a lower priority; a small library is checked in the calling thread, which is
quicker than starting a process.

No Textual here: the child imports this module and `index.store.library`, nothing of the UI."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

from newsreader.index.config import Settings
from newsreader.index.store.library import Library, StoreError

CHILD_FROM = 10_000
"""Indexed articles from which the check runs in a child process (about 0.2 s of stat calls
in a thread there; starting the child costs about as much, on another core)."""
POLL = 0.05
"""Seconds between two looks at the worker's cancel flag while the child works."""
_CHILD = (
    # Lower priority first, imports included: on busy cores the reader's UI goes first.
    "import os\n"
    "if hasattr(os, 'nice'): os.nice(10)\n"
    "from newsreader.tui.index_check import child_main\n"
    "child_main()\n"
)
_ROOT = Path(__file__).resolve().parents[1]
"""The folder holding the `index` and `tui` packages, for the child's import path."""


def index_is_stale(library: Library, cancelled: threading.Event) -> bool | None:
    """`library.needs_update()`, in a child process when the library is big. None when
    `cancelled` was set first (the child is killed). Raises StoreError if the child fails."""
    try:
        small = library.count() < CHILD_FROM
    except StoreError:  # a damaged index: needs_update() answers that at once
        small = True
    if small:
        return library.needs_update()
    return _in_child(library.settings, cancelled)


def _in_child(settings: Settings, cancelled: threading.Event) -> bool | None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    # Every stream is a pipe: the child must never write to the terminal the TUI draws on.
    try:
        proc = subprocess.Popen(
            [sys.executable, "-P", "-c", _CHILD],  # -P: no current folder on the import path
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )  # fmt: skip
    except OSError:  # no interpreter to start (an embedded Python, say): check here after all
        return Library(settings).needs_update()
    payload: bytes | None = pickle.dumps(settings)
    try:
        while True:
            try:
                out, err = proc.communicate(payload, timeout=POLL)
                break
            except subprocess.TimeoutExpired:
                payload = None  # sent already: communicate() keeps writing what is left
                if cancelled.is_set():
                    return None
    finally:
        if proc.returncode is None:
            proc.kill()
            proc.communicate()
    try:
        ok, value = pickle.loads(out)
    except Exception:  # the child died before answering (killed, out of memory, ...)
        lines = err.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"exit code {proc.returncode}"
        raise StoreError(f"index check failed: {detail}") from None
    if not ok:
        raise StoreError(str(value))
    return bool(value)


def child_main() -> None:
    """The child's side: Settings in on stdin, `(True, stale)` or `(False, message)` out."""
    settings = pickle.load(sys.stdin.buffer)
    try:
        result: tuple[bool, object] = (True, Library(settings).needs_update())
    except Exception as exc:
        result = (False, str(exc) or type(exc).__name__)
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.buffer.flush()
