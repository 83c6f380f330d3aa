"""Soak benchmark: the reader's memory over a long session (issue 19). Prints figures; asserts
nothing.

    python bench/bench_soak.py LIBRARY [--make-from CORPUS --size N] [--index DIR]
        [--mode pilot|pty|library] [--rounds 1000] [--every 100]

LIBRARY is a folder of articles (one source named `corpus`); with `--make-from CORPUS --size N`
an empty or missing LIBRARY is first made by `bench/make_corpus.py`. The index (`--index`,
default `/tmp/nr-soak/index-<library name>`) is brought up to date once (unless `--no-update`),
then reused.

A round is what a reader does all day: `/`, a query typed (one or two words, a phrase, an OR,
a `title:` word; every fifth finds nothing, so the status offers "did you mean"), `enter` to the
results, `enter` to open the first hit, `escape` back to the list. Every `--related-every`
rounds the open article's related list (`r`) is shown and one of them opened; every
`--compare-every` rounds one of them is compared with the open article (`c`) instead.

- `pilot` (default): the app in this process, headless at 120x40, driven by Textual's Pilot
  (each step waits for the app's workers, no fixed sleeps). At round 1, 10 and every `--every`
  rounds it prints the process's resident memory and the number of live objects of the app's
  own classes and of Textual's (widgets, workers, messages, timers, strips), the Whoosh
  searchers left open (with one per segment of a searcher over several), and the entries of
  the caches the app keeps; at the end, which `lru_cache`s filled since round 10.
- `pty`: the installed `newsreader` command in a pseudo-terminal (the true process, drawing to
  a real terminal), keys written as a terminal sends them; a step ends when the screen has been
  quiet for `--quiet` seconds. Prints the process's RSS (no object counts: another process).
- `library`: the CLI side, `newsreader.index.search.search()` on one `Library`, `--rounds`
  times (use 10000), the same queries, printing RSS, open searchers (a searcher of several
  segments counts one per segment too), the Library's cached entries and idle searchers.

The machine is shared: the load average is printed with each line.
"""

from __future__ import annotations

import argparse
import collections
import functools
import gc
import os
import random
import resource
import select
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

SOURCE = "corpus"
"""The source name, as bench_scale.py names it, so the two benchmarks can share an index."""

WORDS = [
    "government", "minister", "election", "market", "company", "film", "music", "game", "phone",
    "player", "economy", "bank", "court", "police", "tax", "prices", "growth", "record", "world",
    "chelsea", "labour", "blair", "oil", "sales", "profit", "deal", "budget", "internet",
    "software", "rugby", "england", "france", "china", "award", "actor", "album", "chart",
    "shares", "football", "injury", "strike", "union", "council", "report", "security",
    "broadband", "mobile", "digital",
]
NOWHERE = ("qzxv", "wrmpt", "zzyzxq", "gvbnmk", "xqjr")


def queries(seed: int = 7) -> Iterator[str]:
    """An endless, repeatable stream of the queries a reader types."""
    rng = random.Random(seed)
    n = 0
    while True:
        n += 1
        a, b = rng.sample(WORDS, 2)
        if n % 5 == 0:
            # A word the library does not have, close to one it has: finds nothing, and the
            # did-you-mean check runs.
            yield rng.choice(NOWHERE) + rng.choice(("", a[:3]))
        elif n % 7 == 0:
            yield f'"{a} {b}"'
        elif n % 11 == 0:
            yield f"{a} OR {b}"
        elif n % 13 == 0:
            yield f"title:{a}"
        elif n % 2:
            yield a
        else:
            yield f"{a} {b}"


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MB (Linux /proc)."""
    now = peak = 0.0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return now, peak


def load() -> float:
    return os.getloadavg()[0]


def checkpoints(rounds: int, every: int) -> set[int]:
    return {1, 10, rounds} | set(range(every, rounds + 1, every))


# ---- the library ---------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> Any:
    """Settings for LIBRARY with its index up to date (made first when asked)."""
    from newsreader.index.config import SourceConfig, settings_for
    from newsreader.index.store import Library

    library: Path = args.library
    if args.make_from is not None and not (library.exists() and any(library.iterdir())):
        import make_corpus

        started = time.perf_counter()
        made = make_corpus.make(args.make_from, args.size, library)
        print(f"made {made:,} articles in {library} ({time.perf_counter() - started:.0f} s)")
    index_dir = args.index or Path("/tmp/nr-soak") / f"index-{library.name}"
    state_dir = args.state or index_dir.with_name(index_dir.name + "-state")
    settings = settings_for([SourceConfig(SOURCE, library)], index_dir, state_dir=state_dir)
    started = time.perf_counter()
    library = Library(settings)
    if not args.no_update:
        library.update(warn=lambda _m: None)
    print(f"index {index_dir}: {library.count():,} articles"
          + ("" if args.no_update else
             f", brought up to date in {time.perf_counter() - started:.0f} s"))
    library.close()
    return settings


# ---- counting live objects ------------------------------------------------------------------


def live_counts(app_packages: tuple[str, ...]) -> tuple[dict[str, int], collections.Counter[str]]:
    """After a full collection: (fixed kinds -> live count, app class -> live count)."""
    from textual.message import Message
    from textual.strip import Strip
    from textual.timer import Timer
    from textual.widget import Widget
    from textual.worker import Worker
    from whoosh.searching import Searcher

    gc.collect()
    kinds = dict.fromkeys(
        ("widgets", "detached", "workers", "messages", "timers", "strips", "searchers"), 0
    )
    own: collections.Counter[str] = collections.Counter()
    for obj in gc.get_objects():
        cls = type(obj)
        module = getattr(cls, "__module__", None)
        if isinstance(module, str) and module.split(".")[0] in app_packages:
            own[cls.__qualname__] += 1
        if isinstance(obj, Widget):
            kinds["widgets"] += 1
            kinds["detached"] += not obj.is_attached
        elif isinstance(obj, Strip):
            kinds["strips"] += 1
        elif isinstance(obj, Message):
            kinds["messages"] += 1
        elif isinstance(obj, Worker):
            kinds["workers"] += 1
        elif isinstance(obj, Timer):
            kinds["timers"] += 1
        elif isinstance(obj, Searcher) and not obj.is_closed:
            kinds["searchers"] += 1
    return kinds, own


def cache_sizes(app: Any) -> dict[str, int]:
    """Entries of the caches the app keeps (what they hold is bounded by design)."""
    library = app.library
    sizes = {"lib.cache": len(library._cache), "lib.idle": len(library._idle)}
    try:
        from newsreader.tui.widgets.article_list import ArticleList

        rows = app.screen_stack[0 if len(app.screen_stack) == 1 else 1].query_one(
            ArticleList
        ).rows
        sizes["list.pages"] = len(getattr(rows, "_pages", ()))
    except Exception:  # the screen is not the main one yet: leave it out
        pass
    return sizes


def lru_entries() -> collections.Counter[str]:
    """Entries of every `functools.lru_cache` in the loaded modules (Rich's, Textual's, the
    project's): bounded caches that fill as new text is drawn, so RSS rises until they are
    full. Shown in the summary to tell them from a leak."""
    found: collections.Counter[str] = collections.Counter()
    for name, module in list(sys.modules.items()):
        for attr, value in list(vars(module).items()):
            candidates = [(attr, value)]
            if isinstance(value, type) and value.__module__ == name:
                candidates += [(f"{attr}.{k}", v) for k, v in vars(value).items()]
            for label, fn in candidates:
                fn = getattr(fn, "__func__", fn)  # a classmethod's function
                if isinstance(fn, functools._lru_cache_wrapper):
                    found[f"{name}.{label}"] = fn.cache_info().currsize
    return found


class Report:
    """Prints one line per checkpoint and, at the end, RSS against the round-100 figure."""

    def __init__(self, kinds: bool, extra: str = "") -> None:
        self.started = time.perf_counter()
        self.rss: dict[int, float] = {}
        self.first_own: collections.Counter[str] | None = None
        self.last_own: collections.Counter[str] | None = None
        self.first_lru: collections.Counter[str] | None = None
        self.kinds = kinds
        head = f"{'round':>6} {'s':>6} {'load':>5} {'RSS MB':>7} {'peak':>6}"
        if kinds:
            head += (f" {'widgets':>7} {'detach':>6} {'workers':>7} {'msgs':>5} {'timers':>6}"
                     f" {'strips':>6} {'search':>6} {'own':>6}  caches")
        print(head + extra, flush=True)

    def line(self, n: int, now: float, peak: float, kinds: dict[str, int] | None = None,
             own: collections.Counter[str] | None = None, caches: dict[str, int] | None = None,
             extra: str = "") -> None:
        self.rss[n] = now
        if self.first_lru is None and n >= 10:
            self.first_lru = lru_entries()
        text = (f"{n:>6} {time.perf_counter() - self.started:>6.0f} {load():>5.2f} {now:>7.1f}"
                f" {peak:>6.1f}")
        if kinds is not None and own is not None:
            if self.first_own is None and n >= 10:
                self.first_own = own
            self.last_own = own
            text += (f" {kinds['widgets']:>7} {kinds['detached']:>6} {kinds['workers']:>7}"
                     f" {kinds['messages']:>5} {kinds['timers']:>6} {kinds['strips']:>6}"
                     f" {kinds['searchers']:>6} {sum(own.values()):>6}  ")
            text += " ".join(f"{k}={v}" for k, v in (caches or {}).items())
        print(text + extra, flush=True)

    def summary(self, peak: float) -> None:
        base = self.rss.get(100) or self.rss.get(10)
        last_round = max(self.rss)
        if base:
            print(f"RSS after round {last_round}: {self.rss[last_round]:.1f} MB, "
                  f"{self.rss[last_round] / base:.2f}x the RSS after round "
                  f"{100 if 100 in self.rss else 10} ({base:.1f} MB); peak {peak:.1f} MB")
        if self.first_lru is not None:
            grew = lru_entries() - self.first_lru
            print("lru_cache entries added since round 10 (bounded caches filling):",
                  ", ".join(f"{k} +{v}" for k, v in grew.most_common(10)) or "none")
        if self.first_own is not None and self.last_own is not None:
            grew = self.last_own - self.first_own
            print("app objects that grew since round 10:",
                  ", ".join(f"{k} +{v}" for k, v in grew.most_common(12)) or "none")


class Tracer:
    """With `--trace N`: tracemalloc (N frames) from round 10 on; at each later checkpoint, the
    allocation sites whose live memory grew most since round 10 (slow: for finding a leak)."""

    def __init__(self, frames: int) -> None:
        self.frames = frames
        self.start: Any = None

    def checkpoint(self, n: int) -> None:
        import tracemalloc

        if self.start is None:
            if n >= 10:
                tracemalloc.start(self.frames)
                self.start = tracemalloc.take_snapshot()
            return
        gc.collect()
        now = tracemalloc.take_snapshot()
        for stat in now.compare_to(self.start, "traceback")[:8]:
            if stat.size_diff <= 0:
                break
            print(f"    {stat.size_diff / 1024:+9.0f} KiB {stat.count_diff:+7d} blocks")
            for line in stat.traceback.format(limit=self.frames)[::2]:
                print(f"        {line.strip()}")
        print(flush=True)


# ---- pilot mode ---------------------------------------------------------------------------


def run_pilot(settings: Any, args: argparse.Namespace) -> None:
    from newsreader.index.store import Library
    from newsreader.tui.app import make_app

    app = make_app(settings)
    packages = tuple({type(app).__module__.split(".")[0], Library.__module__.split(".")[0]})
    marks = checkpoints(args.rounds, args.every)
    report = Report(kinds=True)
    tracer = Tracer(args.trace)

    async def settle(pilot: Any) -> None:
        await app.workers.wait_for_complete()
        await pilot.pause()

    async def session(pilot: Any) -> None:
        await settle(pilot)
        stream = queries()
        for n in range(1, args.rounds + 1):
            await pilot.press("slash", "ctrl+u", *next(stream), "enter")
            await settle(pilot)
            await pilot.press("enter")  # open the first hit (nothing when none was found)
            await settle(pilot)
            if n % args.related_every == 0:
                await pilot.press("r")
                await settle(pilot)
                if n % args.compare_every == 0:
                    await pilot.press("j", "c")  # compare one of them with the open article
                    await settle(pilot)
                    await pilot.press("escape")
                    await settle(pilot)
                    await pilot.press("escape")
                else:
                    await pilot.press("j", "enter")  # open one of them
                await settle(pilot)
            await pilot.press("escape")  # back to the list
            await settle(pilot)
            if n in marks:
                kinds, own = live_counts(packages)
                report.line(n, *rss_mb(), kinds, own, cache_sizes(app))
                if args.trace:
                    tracer.checkpoint(n)
        report.summary(rss_mb()[1])
        app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=session)


# ---- pty mode ---------------------------------------------------------------------------------

KEYS = {"slash": b"/", "enter": b"\r", "escape": b"\x1b", "ctrl+u": b"\x15"}


def run_pty(settings: Any, args: argparse.Namespace) -> None:
    import fcntl
    import pty
    import struct
    import termios

    command = shutil.which("newsreader") or str(Path(sys.executable).with_name("newsreader"))
    config = Path(settings.state_dir) / "soak-config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f"name: soak\nsources:\n  - name: {SOURCE}\n    path: {settings.sources[0].path}\n"
        f"index_dir: {settings.index_dir}\nstate_dir: {settings.state_dir}\n",
        encoding="utf-8",
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: the reader, in the pseudo-terminal
        os.environ["TERM"] = "xterm-256color"
        os.execv(command, [command, "--config", str(config)])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.kill(pid, signal.SIGWINCH)

    def drain(quiet: float, cap: float = 30.0) -> None:
        """Read the screen's output until it has been quiet for `quiet` seconds."""
        deadline = time.monotonic() + cap
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], quiet)
            if not ready:
                return
            try:
                if not os.read(fd, 1 << 16):
                    return
            except OSError:
                return

    def press(*keys: str) -> None:
        os.write(fd, b"".join(KEYS.get(k, k.encode()) for k in keys))
        drain(args.quiet)

    report = Report(kinds=False)
    marks = checkpoints(args.rounds, args.every)
    drain(2.0, cap=120.0)  # the first screen, the lists, the index check
    stream = queries()
    try:
        for n in range(1, args.rounds + 1):
            press("slash", "ctrl+u", *next(stream), "enter")
            press("enter")
            if n % args.related_every == 0:
                press("r")
                if n % args.compare_every == 0:
                    press("j", "c")
                    press("escape")
                    press("escape")
                else:
                    press("j", "enter")
            press("escape")
            if n in marks:
                report.line(n, *rss_mb(pid))
        report.summary(rss_mb(pid)[1])
    finally:
        os.write(fd, b"q")
        drain(0.5, cap=5.0)
        with _suppress():
            os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], ProcessLookupError)  # type: ignore[arg-type]


# ---- library mode -------------------------------------------------------------------------


def run_library(settings: Any, args: argparse.Namespace) -> None:
    from whoosh.searching import Searcher

    from newsreader.index.search import search
    from newsreader.index.store import Library

    library = Library(settings)
    report = Report(kinds=False, extra=f" {'search':>6} {'cache':>5} {'idle':>4}")
    marks = checkpoints(args.rounds, args.every)
    stream = queries()
    for n in range(1, args.rounds + 1):
        search(library, next(stream), limit=args.limit)
        if n in marks:
            gc.collect()
            open_searchers = sum(
                1 for o in gc.get_objects() if isinstance(o, Searcher) and not o.is_closed
            )
            report.line(n, *rss_mb(), extra=f" {open_searchers:>6} {len(library._cache):>5}"
                                            f" {len(library._idle):>4}")
    report.summary(rss_mb()[1])
    library.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path, help="folder of articles (source `corpus`)")
    parser.add_argument("--make-from", type=Path, help="corpus to make LIBRARY from if empty")
    parser.add_argument("--size", type=int, default=100_000, help="articles to make")
    parser.add_argument("--index", type=Path, help="index folder (default /tmp/nr-soak/...)")
    parser.add_argument("--state", type=Path, help="read-state folder (default: INDEX-state)")
    parser.add_argument("--no-update", action="store_true",
                        help="use the index as it is (runs side by side share one index)")
    parser.add_argument("--mode", choices=("pilot", "pty", "library"), default="pilot")
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100, help="print every N rounds")
    parser.add_argument("--related-every", type=int, default=10)
    parser.add_argument("--compare-every", type=int, default=50)
    parser.add_argument("--quiet", type=float, default=0.4,
                        help="pty: seconds without output that end a step")
    parser.add_argument("--trace", type=int, default=0, metavar="FRAMES",
                        help="pilot: print the allocation sites that grew (tracemalloc)")
    parser.add_argument("--limit", type=int, default=20, help="library: hits per search")
    args = parser.parse_args(argv)
    settings = prepare(args)
    print(f"mode {args.mode}, {args.rounds} rounds, {os.cpu_count()} CPUs, "
          f"load {load():.2f}, Python {sys.version.split()[0]}", flush=True)
    modes: dict[str, Callable[[Any, argparse.Namespace], None]] = {
        "pilot": run_pilot, "pty": run_pty, "library": run_library,
    }
    modes[args.mode](settings, args)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of this process: {peak:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
