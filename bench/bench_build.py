"""A full rebuild of a library, phase by phase: parsing and writing (the sub-writer processes
index while this one parses), the commit (the sub-writers write their segments) and the stories
from scratch, with the wall time at the end of each phase, this process's CPU and its children's
(the sub-writers), and the peak RSS of both. Prints figures; asserts nothing.

    python bench/bench_build.py --config /tmp/nr-scale/config-1m.yaml

It rebuilds the index of that config (`Library.update(rebuild=True)`, what `newsreader index
--rebuild` runs).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from newsreader.index.config import load_settings
from newsreader.index.store.library import Library, Progress


def cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, required=True)
    args = ap.parse_args()
    library = Library(load_settings(args.config))
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}", flush=True)
    started = time.perf_counter()

    def mark(phase: str) -> None:
        own, children = cpu()
        print(
            f"{phase:<22} wall {time.perf_counter() - started:8.1f} s   CPU this process "
            f"{own:7.1f} s, sub-writers {children:7.1f} s   load {os.getloadavg()[0]:.1f}",
            flush=True,
        )

    def progress(p: Progress) -> None:
        if p.committed:
            mark("committed (searchable)")
        elif p.done == p.total:
            mark("last file parsed")

    report = library.update(rebuild=True, progress=progress)
    mark("done (stories too)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"{report.articles:,} articles; peak RSS this process {own:,} MB, a sub-writer "
          f"{children:,} MB")


if __name__ == "__main__":
    main()
