"""Incremental updates of a big library: a no-change re-scan, and N new articles (what a feed
fetch adds) until a search finds them (the commit readers see, said by `Progress.committed`)
and until the update is done (the stories brought up to date too). Prints figures; asserts
nothing.

    python bench/bench_incremental.py --config /tmp/nr-scale/config-100k.yaml [--add 500]
    python bench/bench_incremental.py --config C --add 1 --targeted [--runs 3]

The new articles are copies of the library's first N files with a word of their own added,
written into a new folder of the first source; they are removed again (and the index updated)
at the end, so the library is left as it was.

`--targeted` measures, run after run, alternating: N new articles found via a full update
(`Library.update()`, which scans every file) and via a targeted one (`Library.update(paths=)`,
what a feed fetch does), in this process; then the wall time of the two commands,
`newsreader --config C index` and `newsreader --config C index PATH...` (run without
PYTHONDONTWRITEBYTECODE, which this environment sets and users do not: a command would compile
its modules every time).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
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


def write_new(originals: list[Path], folder: Path, word: str) -> list[Path]:
    """Copies of `originals` with `word` added, in `folder` (made here)."""
    folder.mkdir()
    written = []
    for n, path in enumerate(originals):
        text = path.read_text(encoding="utf-8", errors="replace")
        title, _, rest = text.partition("\n")
        target = folder / f"{n:05d}.txt"
        target.write_text(f"{title} (new {n})\n{rest}\n\nThe {word} paragraph.\n", encoding="utf-8")
        written.append(target)
    return written


def find_new(
    lib: Library, word: str, expected: int, update: Callable[..., object]
) -> dict[str, float]:
    """Run `update(progress=...)`: seconds (wall and CPU) until a search finds the `expected`
    new articles at the commit, and until the update is done."""
    c, t = time.process_time(), time.perf_counter()
    seen: dict[str, float] = {}

    def committed(p: Progress) -> None:
        # The moment readers see the new articles (the stories follow after it).
        if p.committed:
            n = search(lib, word, limit=20).total
            seen.update(found=time.perf_counter() - t, found_cpu=time.process_time() - c, n=n)

    update(progress=committed)
    seen.update(done=time.perf_counter() - t, done_cpu=time.process_time() - c)
    found = search(lib, word, limit=20).total
    assert found == expected and seen.get("n") == expected, (seen, found)
    return seen


def command(config: Path, *args: str) -> float:
    """Wall seconds of `newsreader --config C index ARGS`, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    exe = shutil.which("newsreader") or sys.executable
    argv = [exe] if exe != sys.executable else [exe, "-m", "newsreader.cli.main"]
    started = time.perf_counter()
    subprocess.run([*argv, "--config", str(config), "index", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def targeted(args: argparse.Namespace, lib: Library, source: Path, originals: list[Path]) -> None:
    """Full and targeted updates side by side, alternating, `args.runs` times."""
    folders: list[Path] = []
    rows: dict[str, list[float]] = {}

    def note(name: str, value: float) -> None:
        rows.setdefault(name, []).append(value)

    try:
        for run in range(args.runs):
            for way in ("full", "targeted"):
                word = f"{MARK}{way[0]}{run}x"
                folder = source / f"bench-new-{os.getpid()}-{way}-{run}"
                folders.append(folder)
                paths = write_new(originals, folder, word)
                update = lib.update if way == "full" else (
                    lambda paths=paths, **kw: lib.update(paths=paths, **kw)
                )
                seen = find_new(lib, word, len(paths), update)
                note(f"{way}: found by a search", seen["found"])
                note(f"{way}: found, CPU", seen["found_cpu"])
                note(f"{way}: done (stories too)", seen["done"])
            for way in ("full", "targeted"):
                folder = source / f"bench-new-{os.getpid()}-cmd-{way}-{run}"
                folders.append(folder)
                paths = write_new(originals, folder, f"{MARK}c{way[0]}{run}x")
                extra = [] if way == "full" else [str(p) for p in paths]
                note(f"{way}: `newsreader index{' PATH' if extra else ''}`",
                     command(args.config, *extra))  # fmt: skip
            print(f"run {run + 1}: load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        if folders:
            timed("the new articles deleted", lambda: lib.update(paths=folders))
    for name, values in rows.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:<44} median {statistics.median(values):6.2f} s  ({shown})", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--add", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--targeted", action="store_true",
                    help="full and targeted updates (and commands) side by side")  # fmt: skip
    args = ap.parse_args()
    settings = load_settings(args.config)
    lib = Library(settings)
    print(f"{lib.count():,} articles; cpus={os.cpu_count()}; load {os.getloadavg()[0]:.1f}")
    lib.update()  # opens the index; what a running reader or a second command has done already
    source = Path(settings.sources[0].path)
    originals = sorted(p for p in source.rglob("*.txt") if p.name != "README.TXT")[: args.add]
    if args.targeted:
        targeted(args, lib, source, originals)
        lib.close()
        return
    timed("no-change re-scan", lib.update, args.runs)
    folder = source / f"bench-new-{os.getpid()}"
    try:
        write_new(originals, folder, MARK)

        def add_and_find() -> dict[str, float]:
            return find_new(lib, MARK, len(originals), lib.update)

        seen = timed(f"{len(originals)} new articles indexed, found, stories", add_and_find)
        print(
            f"{f'  of which: committed, {len(originals)} found by a search':<44} wall "
            f"{seen['found']:6.2f} s  CPU {seen['found_cpu']:6.2f} s  "
            f"(load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        timed(f"{len(originals)} articles deleted", lib.update)
    lib.close()


if __name__ == "__main__":
    main()
