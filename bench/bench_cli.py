"""What one `newsreader search` command costs: wall and CPU time of fresh processes over the
query set, and what its imports cost, module group by module group (`python -X importtime`,
the least of --runs runs per module). Prints figures; asserts nothing.

    python bench/bench_cli.py --config /tmp/nr-scale/config-100k.yaml [--runs 5]

Python writes no bytecode cache when PYTHONDONTWRITEBYTECODE is set (as on this project's
machines); an installed package always has one, so the commands here run without it (the first
run writes the cache and is not counted).
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_search import QUERIES  # noqa: E402

GROUPS = [
    ("numpy", "numpy"),
    ("whoosh", "whoosh"),
    ("yaml", "yaml"),
    ("platformdirs", "platformdirs"),
    ("textual", "textual"),
    ("rich", "rich"),
    ("newsreader.index.store", "newsreader.index.store"),
    ("newsreader.index.search", "newsreader.index.search"),
    ("newsreader.index.parsing", "newsreader.index.parsing"),
    ("newsreader (other)", "newsreader"),
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def env() -> dict[str, str]:
    out = dict(os.environ)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    return out


def command(config: Path, query: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "newsreader.cli.main", "--config", str(config),
        "search", query, "--limit", "20", *extra,
    ]  # fmt: skip


def group_of(module: str) -> str:
    for label, prefix in GROUPS:
        if module == prefix or module.startswith(prefix + "."):
            return label
    return "standard library"


def imports(config: Path, runs: int) -> None:
    """Self time of every module, the least over `runs` runs, summed by group."""
    best: dict[str, int] = {}
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *command(config, "government", "--json")[1:]],
            capture_output=True, text=True, env=env(),
        )  # fmt: skip
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _cumulative, name = line[len("import time:") :].split("|")
            key = name.strip()
            best[key] = min(best.get(key, 1 << 60), int(self_us))
    groups: collections.Counter[str] = collections.Counter()
    counts: collections.Counter[str] = collections.Counter()
    for module, us in best.items():
        groups[group_of(module)] += us
        counts[group_of(module)] += 1
    total = sum(groups.values())
    print(f"imports of `search government --json`: {total / 1000:.1f} ms, {len(best)} modules")
    for label, us in groups.most_common():
        print(f"  {label:<28} {us / 1000:7.1f} ms  {us * 100 / total:5.1f}%  {counts[label]:4d}")
    for heavy in ("numpy", "textual", "rich"):
        print(f"  {heavy} imported: {'yes' if heavy in best else 'no'}")


def timings(config: Path, runs: int, *extra: str) -> None:
    walls: list[float] = []
    cpus: list[float] = []
    queries = [q for group in QUERIES.values() for q in group]
    for _ in range(runs):
        for q in queries:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(command(config, q, *extra), stdout=subprocess.DEVNULL, env=env())
            walls.append((time.perf_counter() - t) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(
                (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
            )
    label = " ".join(extra) or "(plain text)"
    print(
        f"search {label:<13} wall p50 {statistics.median(walls):6.0f} ms  p95 "
        f"{pct(walls, 95):6.0f} ms   CPU p50 {statistics.median(cpus):6.0f} ms  p95 "
        f"{pct(cpus, 95):6.0f} ms   ({len(walls)} processes, load {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    subprocess.run(command(args.config, "warmup", "--json"), stdout=subprocess.DEVNULL, env=env())
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}")
    imports(args.config, args.runs)
    timings(args.config, max(1, args.runs // 2), "--json")
    timings(args.config, max(1, args.runs // 2))


if __name__ == "__main__":
    main()
