"""First launch: the reader indexing a library it has never seen, against `newsreader index`.

    python bench/bench_first_launch.py --config CONFIG [--runs 3]

Each run starts from an empty index folder (a fresh one under --work; the config's own
`index_dir` is left alone) and alternates the two, so that both meet the same load:
- cli: `newsreader --config C index` in a fresh process, start to exit;
- reader: `newsreader --config C` headless in a fresh process (no terminal, 120x40), from the
  process start to: the first key handled, the list's first rows shown, the index up to date
  (the header says so).
Prints the figures with the 1-minute load average, and the CPU seconds each used (the
processes and their writer processes), which the machine's other load inflates much less;
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

READER_PROBE = r"""
import asyncio, sys, time
start = float(sys.argv[1])
from pathlib import Path
from textual import events
from newsreader.index.config import load_settings
from newsreader.tui.app import make_app
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.status import LibraryHeader

app = make_app(load_settings(Path(sys.argv[2])))

async def probe(pilot):
    app.post_message(events.Key("question_mark", "?"))
    while not isinstance(app.screen, HelpScreen):
        await asyncio.sleep(0.001)
    first_key = time.time() - start
    app.pop_screen()
    rows = None
    while True:
        await asyncio.sleep(0.005)
        screen = app.screen
        if rows is None and len(screen.query_one(ArticleList)):
            rows = time.time() - start
        header = screen.query_one(LibraryHeader)
        if header.state == "index up to date" and not screen.indexing and rows is not None:
            break
    done = time.time() - start
    print(f"{first_key:.3f} {rows:.3f} {done:.3f}")
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=probe)
"""


def fresh_config(config: Path, work: Path, name: str) -> Path:
    """A copy of `config` (its paths made absolute) whose index and state folders are new."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    base = config.parent
    for source in data.get("sources", []):
        for key in ("path", "opml"):
            if key in source:
                source[key] = str((base / Path(source[key]).expanduser()).resolve())
    folder = work / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    data["index_dir"] = str(folder / "index")
    data["state_dir"] = str(folder / "state")
    out = folder / "config.yaml"
    out.write_text(yaml.safe_dump(data), encoding="utf-8")
    return out


def load() -> float:
    return os.getloadavg()[0]


def cpu() -> float:
    """CPU seconds (user + system) of the finished child processes and their own children:
    on a shared machine, a figure the other helpers' load does not inflate much."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(config: Path) -> tuple[float, float]:
    start, cpu_start = time.perf_counter(), cpu()
    subprocess.run(["newsreader", "--config", str(config), "index"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, cpu() - cpu_start


def run_reader(config: Path) -> tuple[float, float, float, float]:
    cpu_start = cpu()
    out = subprocess.run(
        [sys.executable, "-c", READER_PROBE, repr(time.time()), str(config)],
        check=True, capture_output=True, text=True, timeout=600,
    ).stdout.split()
    first_key, rows, done = (float(x) for x in out[-3:])
    return first_key, rows, done, cpu() - cpu_start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "nr-first-launch")
    args = parser.parse_args()
    cli: list[tuple[float, float]] = []
    reader: list[tuple[float, float, float, float]] = []
    for n in range(args.runs):
        cli.append(run_cli(fresh_config(args.config, args.work, f"cli-{n}")))
        print(f"run {n + 1}: cli index {cli[-1][0]:.1f} s, cpu {cli[-1][1]:.1f} s "
              f"(load {load():.1f})", flush=True)
        reader.append(run_reader(fresh_config(args.config, args.work, f"reader-{n}")))
        first_key, rows, done, used = reader[-1]
        print(f"run {n + 1}: reader first key {first_key:.2f} s, first rows {rows:.2f} s, "
              f"index up to date {done:.1f} s, cpu {used:.1f} s (load {load():.1f})", flush=True)
    median = statistics.median
    print(f"median of {args.runs}: cli {median(c[0] for c in cli):.1f} s "
          f"(cpu {median(c[1] for c in cli):.1f} s); reader: first key "
          f"{median(r[0] for r in reader):.2f} s, first rows {median(r[1] for r in reader):.2f} s, "
          f"up to date {median(r[2] for r in reader):.1f} s "
          f"(cpu {median(r[3] for r in reader):.1f} s)")


if __name__ == "__main__":
    main()
