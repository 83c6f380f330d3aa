"""The reader's watch of the source folders (tui/jobs/watcher.py): what starting it costs, and
how long a file written into a source folder takes to show in the reader's list.

    python bench/bench_watch.py --config C [--runs 5] [--parts start,reader]

- start: watchfiles' `watch` on every source folder, in a thread as the reader runs it: the
  time until it sees a change (its inotify watches set up), its CPU (the process's, user +
  system), the RSS it adds, and the longest the main thread went without running (does the
  set-up hold the GIL?).
- reader: the reader headless (`App.run_test`) on the library, the default timings; once the
  watch runs, a new article (dated newest: the top row) is written into the first source folder
  and the time until the list shows it is measured; the file is deleted again at the end.
Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

from newsreader.index.config import Settings, load_config_file
from newsreader.index.store.watched import watch_roots


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_start(settings: Settings) -> None:
    """The reader's watch (a child process, `index.watching`) against watchfiles run in a
    thread of this process (what the watch set-up would cost the UI thread there)."""
    import multiprocessing

    from newsreader.index.watching import watch_batches

    roots = watch_roots(settings)
    for mode in ("child", "thread"):
        stop, seen = threading.Event(), threading.Event()
        child_rss = 0.0

        def run(mode: str = mode, stop: threading.Event = stop,
                seen: threading.Event = seen) -> None:
            if mode == "child":
                for _ in watch_batches(roots, 0.05, stop):
                    seen.set()
                return
            from watchfiles import watch

            for _ in watch(*roots, watch_filter=None, stop_event=stop, step=50,
                           raise_interrupt=False, ignore_permission_denied=True):
                seen.set()

        rss0, cpu0, t0 = rss_mb(), cpu(), time.perf_counter()
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        probe = roots[0] / ".bench-probe"
        longest, last, next_probe = 0.0, time.perf_counter(), 0.0
        while not seen.is_set():
            now = time.perf_counter()
            longest, last = max(longest, now - last), now
            if now >= next_probe:  # touched every 20 ms until the watch sees it
                probe.write_text(str(now))
                next_probe = now + 0.02
            time.sleep(0.001)
        ready = time.perf_counter() - t0
        spent, rss = cpu() - cpu0, rss_mb() - rss0
        for proc in multiprocessing.active_children():
            with open(f"/proc/{proc.pid}/status") as fh:
                child_rss = next(int(line.split()[1]) / 1024 for line in fh
                                 if line.startswith("VmRSS:"))
        stop.set()
        thread.join()
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        child_cpu = (children1.ru_utime + children1.ru_stime
                     - children0.ru_utime - children0.ru_stime)
        probe.unlink(missing_ok=True)
        print(f"start ({mode}): {len(roots)} roots, watching after {ready:.2f} s; this process: "
              f"CPU {spent:.2f} s, RSS +{rss:.0f} MB, its main thread's longest stall "
              f"{longest * 1000:.0f} ms" + (f"; the child: CPU {child_cpu:.2f} s, RSS "
                                             f"{child_rss:.0f} MB" if mode == "child" else ""),
              flush=True)


async def bench_reader(settings: Settings, runs: int) -> None:
    from newsreader.tui.app import make_app
    from newsreader.tui.jobs.watcher import Watcher
    from newsreader.tui.widgets.article_list import ArticleList

    app = make_app(settings)
    folder = watch_roots(settings)[0]
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:

        def rows() -> list[str]:
            widget = app.screen.query_one("#articles", ArticleList)
            height = widget.scrollable_content_region.height
            return [widget.render_line(y).text for y in range(height)]

        async def until(condition: object, bound: float = 600.0) -> float:
            start = time.perf_counter()
            while not condition():  # type: ignore[operator]
                if time.perf_counter() - start > bound:
                    raise SystemExit("timed out")
                await asyncio.sleep(0.002)
            return time.perf_counter() - start

        watcher = app.screen.query_one(Watcher)
        await until(lambda: any(line.strip() for line in rows()) and watcher.roots)
        print(f"reader: first rows {time.perf_counter() - t0:.2f} s", flush=True)
        indexer = app.screen.query_one("Indexer")
        await until(lambda: not indexer.checking and not indexer.indexing)  # type: ignore[attr-defined]
        probe = folder / ".bench-probe"
        while not watcher.bursts:
            probe.write_text(str(time.perf_counter()))
            await asyncio.sleep(0.02)
        probe.unlink(missing_ok=True)
        print(f"reader: watching {time.perf_counter() - t0:.2f} s after start", flush=True)
        times = []
        written = []
        for run in range(runs):
            title = f"Watched kumquat {os.getpid()} {run}"
            path = folder / f"watched-{os.getpid()}-{run}.json"
            body = {"title": title, "date": "2099-01-01", "body": "A kumquat arrives."}
            start = time.perf_counter()
            path.write_text(json.dumps(body), encoding="utf-8")
            written.append(path)
            await until(lambda t=title: any(t in line for line in rows()))
            times.append(time.perf_counter() - start)
            await until(lambda: not indexer.indexing)  # type: ignore[attr-defined]
        for path in written:
            path.unlink()
        await until(lambda: not any("kumquat" in line for line in rows()))
        times.sort()
        print(f"reader: file written -> in the list, {runs} runs: "
              + ", ".join(f"{t:.2f}" for t in times)
              + f" s (median {times[len(times) // 2]:.2f} s)", flush=True)
        await pilot.press("q")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parts", default="start,reader")
    args = parser.parse_args()
    settings = load_config_file(args.config)
    parts = args.parts.split(",")
    print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    if "start" in parts:
        bench_start(settings)
    if "reader" in parts:
        asyncio.run(bench_reader(settings, args.runs))
    print(f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)


if __name__ == "__main__":
    main()
