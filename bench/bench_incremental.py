"""Incremental updates of a big library: a no-change re-scan, and N new articles (what a feed
fetch adds) until a search finds them (the commit readers see, said by `Progress.committed`)
and until the update is done (the stories brought up to date too). Prints figures; asserts
nothing.

    python bench/bench_incremental.py --config /tmp/nr-scale/config-100k.yaml [--add 500]

The new articles are copies of the library's first N files with a word of their own added,
written into a new folder of the first source; they are removed again (and the index updated)
at the end, so the library is left as it was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path

from newsreader.index.config import load_settings
from newsreader.index.search.results import search
from newsreader.index.store.library import Library, Progress

MARK = "zqxjkvbenchword"


def timed(step: str, action, runs: int = 1):  # type: ignore[no-untyped-def]
    walls, cpus, result = [], [], None
    for _ in range(runs):
        c, t = time.process_time(), time.perf_counter()
        result = action()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    print(
        f"{step:<44} wall {statistics.median(walls):6.2f} s  CPU {statistics.median(cpus):6.2f} s"
        f"  (median of {runs}, load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--add", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    settings = load_settings(args.config)
    lib = Library(settings)
    print(f"{lib.count():,} articles; cpus={os.cpu_count()}")
    lib.update()  # opens the index; what a running reader or a second command has done already
    timed("no-change re-scan", lib.update, args.runs)
    source = Path(settings.sources[0].path)
    folder = source / f"bench-new-{os.getpid()}"
    originals = sorted(p for p in source.rglob("*.txt") if p.name != "README.TXT")[: args.add]
    folder.mkdir()
    try:
        for n, path in enumerate(originals):
            text = path.read_text(encoding="utf-8", errors="replace")
            title, _, rest = text.partition("\n")
            (folder / f"{n:05d}.txt").write_text(
                f"{title} (new {n})\n{rest}\n\nThe {MARK} paragraph.\n", encoding="utf-8"
            )

        searchable: list[tuple[float, float, int]] = []

        def add_and_find() -> int:
            c, t = time.process_time(), time.perf_counter()

            def committed(p: Progress) -> None:
                # The moment readers see the new articles (the stories follow after it).
                if p.committed:
                    n = search(lib, MARK, limit=20).total
                    searchable.append((time.perf_counter() - t, time.process_time() - c, n))

            report = lib.update(progress=committed)
            found = search(lib, MARK, limit=20).total
            assert report.added == len(originals) and found == len(originals), (report, found)
            return found

        timed(f"{len(originals)} new articles indexed, found, stories", add_and_find)
        wall, cpu, n = searchable[-1]
        print(
            f"{f'  of which: committed, {n} found by a search':<44} wall {wall:6.2f} s  "
            f"CPU {cpu:6.2f} s  (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        timed(f"{len(originals)} articles deleted", lib.update)
    lib.close()


if __name__ == "__main__":
    main()
