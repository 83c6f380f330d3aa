"""Watching folders for changes (watchfiles: inotify on Linux) in a child process, batches of
changed paths handed back through a pipe.

Why a process: watchfiles sets its watches up (a walk of every folder and file below the
roots) holding the GIL: in the reader's process that froze the UI thread for 0.23 s at
100,000 articles (bench/bench_watch.py, 2026-12-03), and the walk grows with the library.
In a child, the reader's thread only waits on the pipe. The child dies with the reader
(`children.die_with_parent`) and stops on `stop` as watchfiles' own `stop_event`.

Light on purpose: the spawned child imports this module (and `children`) before watching.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.synchronize import Event as ProcessEvent
from pathlib import Path

from newsreader.index.children import die_with_parent

DEBOUNCE_MS = 1600
"""The longest a burst of events is gathered before it is handed on (watchfiles' default): a
program writing files without pause for longer gets an update every 1.6 s, not none."""
POLL = 0.1
"""Seconds between two looks at `stop` while no batch comes: how soon a stop is noticed."""


def watch_batches(
    roots: Sequence[Path], quiet: float, stop: threading.Event
) -> Iterator[list[str]]:
    """Yield the paths below `roots` (recursively) that appeared, changed or went, one list a
    burst: a burst ends after `quiet` seconds without a new event (or after 1.6 s). Returns
    once `stop` is set, with the child stopped. Raises OSError when the roots cannot be watched
    (the system's limit of inotify watches, a root gone before the watch began)."""
    ctx = multiprocessing.get_context("spawn")  # not forked: the reader runs threads
    receive, send = ctx.Pipe(duplex=False)
    halt = ctx.Event()
    child = ctx.Process(
        target=_watch, name="newsreader-watch", daemon=True,
        args=([str(r) for r in roots], max(1, round(quiet * 1000)), send, halt, os.getpid()),
    )
    child.start()
    send.close()  # the child's end: EOF here once it is gone
    try:
        while not stop.is_set():
            if not wait([receive, child.sentinel], POLL):
                continue
            try:
                kind, value = receive.recv()
            except EOFError:
                return  # the child ended (killed): no more watching
            if kind == "error":
                raise OSError(value)
            yield value
    finally:
        halt.set()
        child.join(2 * DEBOUNCE_MS / 1000)
        if child.is_alive():
            child.kill()
            child.join()
        receive.close()


def _watch(
    roots: list[str], step_ms: int, send: Connection, halt: ProcessEvent, parent: int
) -> None:
    """The child: watch `roots` until `halt`, sending ("paths", [...]) a burst, or ("error",
    text) when the roots cannot be watched."""
    die_with_parent(parent)
    from watchfiles import watch

    try:
        for events in watch(
            *roots, watch_filter=None, debounce=DEBOUNCE_MS, step=step_ms, stop_event=halt,
            raise_interrupt=False, ignore_permission_denied=True,
        ):
            send.send(("paths", sorted({path for _change, path in events})))
    except OSError as exc:
        send.send(("error", str(exc) or type(exc).__name__))
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the reader is gone or going
    finally:
        send.close()
