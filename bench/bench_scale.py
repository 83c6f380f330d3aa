"""Scale benchmark: build, re-scan, search, related, TUI start-up and memory at N articles.

    python bench/bench_scale.py CORPUS --sizes 2000,20000,100000 [--markdown out.md]
        [--work /tmp/nr-scale] [--procs 2] [--repeat 5] [--skip-tui]

For every size, `bench/make_corpus.py` makes an N-article library out of CORPUS (e.g.
`../shared/corpora/bbc`; distinct documents: paragraphs reordered, titles tagged per copy) in
`--work/corpus-N` (kept and reused by later runs), then each step runs in a fresh process so
that its peak RSS is its own:

- build: full build into a new index, then a no-change re-scan and one changed file;
- search: the fixed query set of bench_search.py (single words, AND, phrases, OR, rare
  words, date filters, fuzzy/prefix, nothing found), each with 20 snippets, p50/p95, and
  as the reader asks it (its 200 hits, each with a snippet), p95; then `related` on 60
  sampled articles, p95; peak RSS of that process;
- first (with --first-launch): the reader's first index of the library, batches committed as
  it goes, in a fresh folder: the time to all articles and to the first batch shown;
- tui: process start to the first key handled by the app's first screen (headless, best of
  --tui-runs), then a search typed and its first hit opened; the app's peak RSS after that.

Prints a table (and writes it as Markdown with --markdown) with the load average next to each
figure: the machine is shared, so read figures with their load. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

TUI_PROBE = r"""
import resource, sys, time
start = float(sys.argv[1])
from newsreader.index.config import load_settings
from newsreader.tui.app import make_app
from pathlib import Path

app = make_app(load_settings(Path(sys.argv[2])))

async def probe(pilot):
    await pilot.press("j")  # handled: the first screen is up and accepts keys
    ready = time.time() - start
    # Then what a user does next, for the app's peak memory: a search typed and an open hit.
    await pilot.press("slash", *"government minister", "enter", "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{ready:.4f} {rss:.1f}")
    pilot.app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=probe)
"""


def load() -> float:
    return os.getloadavg()[0]


def rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def library(corpus: Path, index_dir: Path, procs: int | None = None):  # type: ignore[no-untyped-def]
    from newsreader.index.config import SourceConfig, settings_for
    from newsreader.index.store.library import Library

    settings = settings_for([SourceConfig("corpus", corpus)], index_dir)
    return Library(settings, procs=procs)


# ---- steps, each run in its own process ------------------------------------------------------


def step_build(corpus: Path, index_dir: Path, procs: int | None) -> dict[str, object]:
    lib = library(corpus, index_dir, procs)
    out: dict[str, object] = {}
    t = time.perf_counter()
    report = lib.update(rebuild=True, warn=lambda _m: None)
    out["build_s"] = time.perf_counter() - t
    out["build_load"] = load()
    out["articles"] = report.articles
    out["build_rss"] = rss_mb()
    out["build_rss_children"] = rss_mb(resource.RUSAGE_CHILDREN)

    t = time.perf_counter()
    again = lib.update()
    out["rescan_s"] = time.perf_counter() - t
    assert again.added == again.changed == again.deleted == 0, again

    victim = next(p for p in sorted(corpus.rglob("*.txt")) if p.name != "README.TXT")
    original = victim.read_bytes()
    try:
        victim.write_bytes(original + b"\nOne more line.\n")
        t = time.perf_counter()
        one = lib.update()
        out["one_s"] = time.perf_counter() - t
        assert one.changed == 1, one
    finally:
        victim.write_bytes(original)
    lib.update()  # back to the corpus as made
    out["rescan_load"] = load()
    out["index_mb"] = sum(f.stat().st_size for f in index_dir.iterdir() if f.is_file()) / 2**20
    return out


def step_first(corpus: Path, index_dir: Path) -> dict[str, object]:
    """The reader's first index of the library: batches committed as it goes (what a user
    with no index yet waits for), into a fresh folder."""
    from newsreader.tui.jobs.indexer import FIRST_BATCH

    shutil.rmtree(index_dir, ignore_errors=True)
    lib = library(corpus, index_dir)
    t = time.perf_counter()
    shown: list[float] = []

    def progress(p: Any) -> None:
        if p.committed:
            shown.append(time.perf_counter() - t)

    lib.update(progress=progress, first_batch=FIRST_BATCH, warn=lambda _m: None)
    out: dict[str, object] = {"first_s": time.perf_counter() - t}
    if shown:
        out["first_batch_s"] = shown[0]
    shutil.rmtree(index_dir, ignore_errors=True)
    return out


def step_search(corpus: Path, index_dir: Path, repeat: int) -> dict[str, object]:
    from bench_search import QUERIES

    from newsreader.index.search.results import related, search
    from newsreader.tui.loaders import SEARCH_LIMIT

    lib = library(corpus, index_dir)
    for q in ("warmup", "government"):
        search(lib, q)
    ms: dict[int, list[float]] = {20: [], SEARCH_LIMIT: []}
    for queries in QUERIES.values():
        for q in queries:
            for limit, times in ms.items():
                for _ in range(repeat):
                    t = time.perf_counter()
                    results = search(lib, q, limit=limit)
                    times.append((time.perf_counter() - t) * 1000)
                    assert results.total == 0 or results.hits
    out: dict[str, object] = {
        "search_p50": statistics.median(ms[20]),
        "search_p95": pct(ms[20], 95),
        "ui_search_p95": pct(ms[SEARCH_LIMIT], 95),
        "search_load": load(),
    }
    with lib.searcher() as s:
        n = s.doc_count_all()
        rng = random.Random(1)
        picks = rng.sample(range(n), min(60, n))
        ids = [s.stored_fields(d)["id"] for d in picks]
    rel: list[float] = []
    for i in ids:
        t = time.perf_counter()
        related(lib, i)
        rel.append((time.perf_counter() - t) * 1000)
    out["related_p50"] = statistics.median(rel)
    out["related_p95"] = pct(rel, 95)
    out["search_rss"] = rss_mb()
    return out


def step_tui(corpus: Path, index_dir: Path, runs: int) -> dict[str, object]:
    config = index_dir.parent / f"{index_dir.name}-config.yaml"
    config.write_text(
        "sources:\n"
        f"  - name: corpus\n    path: {json.dumps(str(corpus))}\n"
        f"index_dir: {json.dumps(str(index_dir))}\n",
        encoding="utf-8",
    )
    times: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        start = time.time()
        done = subprocess.run(
            [sys.executable, "-c", TUI_PROBE, repr(start), str(config)],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
        try:
            ready, peak = done.stdout.split()[-2:]
        except ValueError:
            tail = done.stderr.strip().splitlines()[-1:]
            return {"tui_note": f"failed: exit {done.returncode} {tail}"}
        times.append(float(ready) * 1000)
        rss.append(float(peak))
    return {
        "tui_ms": min(times),
        "tui_p50": statistics.median(times),
        "tui_load": load(),
        "tui_rss": max(rss),
    }


def run_step(args: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--step", *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"step {args[0]} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- the table -------------------------------------------------------------------------------

COLUMNS = [
    ("articles", "articles", "{:,}"),
    ("full build", "build_s", "{:.1f} s"),
    ("docs/s", "docs_s", "{:.0f}"),
    ("load", "build_load", "{:.1f}"),
    ("no-change re-scan", "rescan_s", "{:.2f} s"),
    ("1 changed file", "one_s", "{:.2f} s"),
    ("indexer peak RSS", "build_rss_all", "{:.0f} MB"),
    ("index size", "index_mb", "{:.0f} MB"),
    ("query+20 snippets p50/p95", "search", "{}"),
    ("the reader's query (200 hits + snippets) p95", "ui_search_p95", "{:.0f} ms"),
    ("related p95", "related_p95", "{:.0f} ms"),
    ("search peak RSS", "search_rss", "{:.0f} MB"),
    ("load", "search_load", "{:.1f}"),
    ("reader's first index (first batch shown)", "first", "{}"),
    ("TUI first screen", "tui", "{}"),
    ("TUI peak RSS", "tui_rss", "{:.0f} MB"),
]


def cell(row: dict[str, object], key: str, fmt: str) -> str:
    if key == "search":
        return f"{row['search_p50']:.0f} / {row['search_p95']:.0f} ms"
    if key == "tui":
        if "tui_ms" in row:
            return f"{row['tui_ms'] / 1000:.2f} s (load {row['tui_load']:.1f})"
        return str(row.get("tui_note", "-"))
    if key == "first":
        if "first_s" not in row:
            return "-"
        batch = f" ({row['first_batch_s']:.1f} s)" if "first_batch_s" in row else ""
        return f"{row['first_s']:.1f} s{batch}"
    if key == "docs_s":
        return fmt.format(float(row["articles"]) / float(row["build_s"]))  # type: ignore[arg-type]
    if key == "build_rss_all":
        return f"{row['build_rss']:.0f} + {row['build_rss_children']:.0f} MB"
    value = row.get(key)
    return "-" if value is None else fmt.format(value)


def markdown(rows: list[dict[str, object]], procs: int | None) -> str:
    lines = [
        "| " + " | ".join(c[0] for c in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        lines.append("| " + " | ".join(cell(row, key, fmt) for _, key, fmt in COLUMNS) + " |")
    note = (
        f"\n{os.cpu_count()} CPUs, writer procs={procs or 'default'}; 'load' is the 1-minute "
        "load average when the step ended; indexer RSS = main process + largest child (MB)."
    )
    return "\n".join(lines) + "\n" + note + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, nargs="?", default=ROOT.parent / "shared/corpora/bbc")
    ap.add_argument("--sizes", default="2000,20000")
    ap.add_argument("--work", type=Path, default=Path("/tmp/nr-scale"))
    ap.add_argument("--procs", type=int, default=None, help="Whoosh writer processes")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each query")
    ap.add_argument("--tui-runs", type=int, default=3)
    ap.add_argument("--skip-tui", action="store_true")
    ap.add_argument(
        "--first-launch", action="store_true", help="also the reader's first index, batched"
    )
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.step:
        name, corpus, index_dir, *rest = args.step
        if name == "build":
            out = step_build(Path(corpus), Path(index_dir), int(rest[0]) or None)
        elif name == "first":
            out = step_first(Path(corpus), Path(index_dir))
        elif name == "search":
            out = step_search(Path(corpus), Path(index_dir), int(rest[0]))
        else:
            out = step_tui(Path(corpus), Path(index_dir), int(rest[0]))
        print(json.dumps(out))
        return

    from make_corpus import make

    rows: list[dict[str, object]] = []
    print(f"cpus={os.cpu_count()} load={load():.2f}", flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        corpus = args.work / f"corpus-{size}"
        if not corpus.is_dir() or not any(corpus.iterdir()):
            t = time.perf_counter()
            make(args.corpus, size, corpus)
            print(f"made {corpus} in {time.perf_counter() - t:.1f} s", flush=True)
        index_dir = args.work / f"index-{size}"
        row: dict[str, object] = {"size": size}
        row |= run_step(["build", str(corpus), str(index_dir), str(args.procs or 0)])
        print(f"{size}: build {row['build_s']:.1f} s (load {row['build_load']:.1f})", flush=True)
        row |= run_step(["search", str(corpus), str(index_dir), str(args.repeat)])
        print(
            f"{size}: search p50/p95 {row['search_p50']:.1f}/{row['search_p95']:.1f} ms, "
            f"related p95 {row['related_p95']:.1f} ms (load {row['search_load']:.1f})", flush=True
        )  # fmt: skip
        if args.first_launch:
            first_dir = args.work / f"first-{size}"
            row |= run_step(["first", str(corpus), str(first_dir)])
        if not args.skip_tui:
            row |= run_step(["tui", str(corpus), str(index_dir), str(args.tui_runs)])
        rows.append(row)
        print(json.dumps(row), flush=True)
    table = markdown(rows, args.procs)
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
