"""Index-building benchmark: full build, no-change re-run and one changed file.

    python bench/bench_index.py CORPUS_FOLDER [--variants 1x0,2x0,1x1,2x1]

The corpus is copied to a temporary folder first (the one-changed-file step edits a file), and
every variant builds into its own temporary index folder. Prints figures; asserts nothing.
A variant `PxW` indexes with P Whoosh writer processes (1 = in this process, 2 = the
multi-process writer) and parses with W worker processes (0 = in this process).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from newsreader.index.config import SourceConfig, settings_for
from newsreader.index.store.library import Library


def peak_rss_mb() -> float:
    """Peak RSS of this process in MiB (Linux reports KiB). Children are not shown: Linux
    carries a forked child's pre-exec peak into ru_maxrss, which makes the figure meaningless."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_variant(corpus: Path, procs: int, workers: int, scratch: Path) -> dict[str, float]:
    index_dir = scratch / f"index-{procs}x{workers}"
    settings = settings_for([SourceConfig("corpus", corpus)], index_dir)
    library = Library(settings, workers=workers, procs=procs)
    warnings: list[str] = []

    t = time.perf_counter()
    report = library.update(warn=warnings.append)
    full = time.perf_counter() - t

    t = time.perf_counter()
    again = library.update()
    nochange = time.perf_counter() - t
    assert again.added == again.changed == again.deleted == 0, again

    t = time.perf_counter()
    needs = library.needs_update()
    needs_s = time.perf_counter() - t
    assert not needs

    victim = next(p for p in sorted(corpus.rglob("*.txt")) if p.name != "README.TXT")
    victim.write_text(victim.read_text(encoding="latin-1") + "\nOne more line.\n", "latin-1")
    t = time.perf_counter()
    one = library.update()
    one_s = time.perf_counter() - t
    assert one.changed == 1, one

    t = time.perf_counter()
    rows = library.list_articles(limit=50)
    list_s = time.perf_counter() - t
    assert rows

    size = sum(f.stat().st_size for f in index_dir.iterdir() if f.is_file())
    return {
        "files": report.added + report.skipped,
        "articles": report.articles,
        "warnings": len(warnings),
        "full_s": full,
        "docs_per_s": report.articles / full,
        "nochange_s": nochange,
        "needs_update_s": needs_s,
        "one_changed_s": one_s,
        "list50_s": list_s,
        "index_mb": size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--variants", default="1x0,2x0,1x1,2x1", help="PROCSxWORKERS,...")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nr-bench-") as tmp:
        scratch = Path(tmp)
        print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}")
        for variant in args.variants.split(","):
            procs, workers = (int(n) for n in variant.split("x"))
            corpus = scratch / f"corpus-{variant}"
            shutil.copytree(args.corpus, corpus)
            figures = run_variant(corpus, procs, workers, scratch)
            me = peak_rss_mb()
            print(
                f"procs={procs} workers={workers}: {figures['files']} files, "
                f"{figures['articles']} articles, "
                f"{figures['warnings']} warnings | full build {figures['full_s']:.1f} s = "
                f"{figures['docs_per_s']:.0f} docs/s | no-change re-run "
                f"{figures['nochange_s']:.2f} s | needs_update {figures['needs_update_s']:.2f} s"
                f" | one changed file {figures['one_changed_s']:.2f} s | list 50 rows "
                f"{figures['list50_s'] * 1000:.0f} ms | index {figures['index_mb']:.1f} MiB | "
                f"peak RSS (main process, so far) {me:.0f} MiB | "
                f"load {os.getloadavg()[0]:.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
