"""Search latency: a fixed query set (with the 20 snippets the UI shows), related articles, and
in-article highlight spans on a long text. Prints p50/p95 in milliseconds; asserts nothing.

    python bench/bench_search.py ../shared/corpora/bbc          # index a corpus folder first
    python bench/bench_search.py --index-dir /path/to/index       # an existing newsreader index

A corpus folder is indexed with `index.store.library.Library` into a temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh import index as windex
from whoosh.searching import Searcher

from newsreader.index.search.results import highlight_spans, related, search

QUERIES = {
    "single": ["government", "film", "economy", "music", "games", "election"],
    "and": ["oil prices", "england rugby coach", "mobile phone users", "bank interest"],
    "phrase": ['"interest rates"', '"prime minister"', '"world cup"', '"chief executive"'],
    "or": ["apple OR microsoft", "oscar OR bafta", "chelsea OR arsenal"],
    "rare": ["kilroy", "ebbers", "yukos", "glazer"],
    "date": ["government date:2004", "date:[2004-01-01 to 2005-12-31] film"],
    "fuzzy": ["goverment~", "econmy~2", "technolog*"],
    "nothing": ["lighthuose"],
    # A rare word one edit from a frequent one ("goverment" finds "governess" by its stem):
    # "did you mean" runs although there are hits.
    "near miss": ["goverment", "goverment budget", "minster", "econmy"],
}


class IndexDir:
    """A searcher source over an existing index folder, as Library.searcher() gives one."""

    def __init__(self, folder: Path) -> None:
        self.ix = windex.open_dir(str(folder))

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        with self.ix.searcher() as s:
            yield s


def build(corpus: Path, index_dir: Path) -> object:
    from newsreader.index.config import SourceConfig, settings_for
    from newsreader.index.store.library import Library

    settings = settings_for([SourceConfig(name="corpus", path=corpus)], index_dir)
    lib = Library(settings)
    start = time.perf_counter()
    report = lib.update(warn=lambda m: None)
    print(f"indexed {report.articles} articles in {time.perf_counter() - start:.1f} s")
    return lib


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def row(name: str, ms: list[float], extra: str = "") -> None:
    print(
        f"{name:<14} n={len(ms):<5} p50 {statistics.median(ms):7.2f} ms   "
        f"p95 {pct(ms, 95):7.2f} ms   max {max(ms):7.2f} ms  {extra}"
    )


def run(lib: object, repeat: int) -> None:
    for q in ("warmup", "government"):
        search(lib, q)
    everything: list[float] = []
    for kind, queries in QUERIES.items():
        ms: list[float] = []
        totals = []
        suggested = []
        for q in queries:
            ms += timed(lambda q=q: search(lib, q, limit=20), repeat)
            results = search(lib, q)
            totals.append(results.total)
            suggested.append(results.suggestion)
        everything += ms
        said = f"  suggestions {suggested}" if any(suggested) else ""
        row(kind, ms, f"totals {totals}{said}")
    row("ALL queries", everything)
    newest = [
        t
        for queries in QUERIES.values()
        for q in queries
        for t in timed(lambda q=q: search(lib, q, limit=20, sort="date"), repeat)
    ]
    row("ALL, newest 1st", newest)

    with lib.searcher() as s:  # type: ignore[attr-defined]
        # Live documents only: an index updated in place keeps its deleted ones' numbers.
        reader = s.reader()
        ids = [
            s.stored_fields(n)["id"]
            for n in range(0, s.doc_count_all(), 7)
            if not reader.is_deleted(n)
        ]
    rng = random.Random(1)
    sample = rng.sample(ids, min(60, len(ids)))
    row("related", [t for i in sample for t in timed(lambda i=i: related(lib, i), 1)])

    with lib.searcher() as s:  # type: ignore[attr-defined]
        bodies = [s.stored_fields(n)["body"] for n in range(min(200, s.doc_count_all()))]
    words: list[str] = []
    for body in bodies:
        words += body.split()
        if len(words) >= 10_000:
            break
    long_text = " ".join(words[:10_000])
    query = 'government "prime minister" econom* market~ NOT football'
    highlight_spans(query, "warm up")
    spans: list[tuple[int, int]] = []
    ms = timed(lambda: spans.extend(highlight_spans(query, long_text)), repeat * 3)
    row("highlight 10k", ms, f"{len(words[:10_000])} words, {len(spans) // (repeat * 3)} spans")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, help="corpus folder to index first")
    ap.add_argument("--index-dir", type=Path, help="an existing index (skips indexing)")
    ap.add_argument("--repeat", type=int, default=10, help="runs per query")
    args = ap.parse_args()
    if args.index_dir:
        run(IndexDir(args.index_dir), args.repeat)
    elif args.corpus:
        with tempfile.TemporaryDirectory() as tmp:
            run(build(args.corpus, Path(tmp) / "index"), args.repeat)
    else:
        ap.error("give a corpus folder or --index-dir")


if __name__ == "__main__":
    main()
