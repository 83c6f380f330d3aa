"""The fast paths at scale give what Whoosh's own code gives: hits, scores, totals, snippets,
suggestions and related articles for the query set of bench_search.py, both sorts. Prints how
many answers were compared and every one that differs; exits 1 if any does.

    python bench/check_equivalence.py --index-dir /tmp/nr-scale/index-100000
        # one index, answered by index.store.whoosh.engine and by Whoosh's matchers; and the
        # JSON of `search --json`'s lean path (index.search.lean, no Whoosh) against
        # results.search(...).to_json(), byte for byte but for took_ms
    python bench/check_equivalence.py --corpus /tmp/nr-scale/corpus-20000 [--work DIR]
        # also the build: an index made through every fast path against one made through
        # Whoosh's analysis, posting pool and codec (one writer process each, so document
        # numbers, and so the order of tied scores, are the same)

tests/system/test_perf_equivalence.py checks the same on a small corpus at every test run; this is
the check at 20,000 or 100,000 articles, run on demand.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import QUERIES as BENCH_QUERIES
from bench_search import IndexDir

from newsreader.index.search.results import related, search
from newsreader.index.store.whoosh import switch

# bench_search's classes, plus the field, NOT, wildcard and title shapes the UI also sends.
QUERIES = [q for qs in BENCH_QUERIES.values() for q in qs] + [
    "title:election",
    "market NOT oil",
    "economy -growth",
    "r?n",
    "bank* interest",
    '"world cup" football',
    "film date:2005",
]
RELATED = 60
# Sums over segments are made in another order by numpy and by Whoosh.
REL_TOLERANCE = 1e-9


@contextlib.contextmanager
def whoosh_only() -> Iterator[None]:
    """Index and answer through Whoosh's own code (the one switch of store.whoosh.switch)."""
    old = switch.ENABLED
    switch.ENABLED = False
    try:
        yield
    finally:
        switch.ENABLED = old


Answer = tuple[str, str, tuple[int, list[tuple[str, float, list[tuple[str, bool]]]], object]]
"""(query or "related", sort or article id, (total, [(id, score, snippet)], suggestion and
notice))."""


def answers(lib: object, sample: list[str]) -> list[Answer]:
    out: list[Answer] = []
    for q in QUERIES:
        for sort in ("relevance", "date"):
            r = search(lib, q, limit=20, sort=sort)  # type: ignore[arg-type]
            hits = [(h.id, h.score, [(s.text, s.match) for s in h.snippet]) for h in r.hits]
            out.append((q, sort, (r.total, hits, (r.suggestion, r.notice))))
    for article_id in sample:
        hits = [(h.id, h.score, []) for h in related(lib, article_id, limit=10)]  # type: ignore[arg-type]
        out.append(("related", article_id, (len(hits), hits, None)))
    return out


def differences(lib: object, got: list[Answer], want: list[Answer]) -> tuple[list[str], int]:
    """What differs, and how many answers hold the same hits up to the order of tied scores."""
    out = []
    ties = 0
    for (q, how, a), (_, _, b) in zip(got, want, strict=True):
        (ta, ha, ra), (tb, hb, rb) = a, b
        close = ta == tb and ra == rb and _close([h[1] for h in ha], [h[1] for h in hb])
        if close and [(i, s) for i, _, s in ha] == [(i, s) for i, _, s in hb]:
            continue
        if close and how == "relevance" and _tie_order_only(lib, q, ha, hb, ta):
            ties += 1
            continue
        out.append(f"{q} {how}:\n  fast      {str(a)[:600]}\n  reference {str(b)[:600]}")
    return out, ties


def _close(xs: list[float], ys: list[float]) -> bool:
    return len(xs) == len(ys) and all(
        math.isclose(x, y, rel_tol=REL_TOLERANCE) for x, y in zip(xs, ys, strict=True)
    )


def _tie_order_only(lib: object, query: str, ha: list, hb: list, total: int) -> bool:  # type: ignore[type-arg]
    """True when the fast hits are a best-first page too: the same scores, each hit's score
    what Whoosh gives that article, the same snippets for the articles both pages show. Among
    tied articles Whoosh keeps the ones its block skipping happened to reach."""
    with whoosh_only():
        everything = search(lib, query, limit=total, snippets=False)  # type: ignore[arg-type]
    scores = {h.id: h.score for h in everything.hits}
    snippets = {i: s for i, _, s in hb}
    return all(
        i in scores
        and math.isclose(x, scores[i], rel_tol=REL_TOLERANCE)
        and snippets.get(i, s) == s
        for i, x, s in ha
    )


def sample_ids(lib: object) -> list[str]:
    with lib.searcher() as s:  # type: ignore[attr-defined]
        # Live documents only: an index updated in place keeps its deleted ones' numbers.
        reader = s.reader()
        live = [d for d in range(s.doc_count_all()) if not reader.is_deleted(d)]
        picks = random.Random(1).sample(live, min(RELATED, len(live)))
        return [s.stored_fields(d)["id"] for d in picks]


def compare(fast: object, reference: object, build: bool) -> int:
    sample = sample_ids(fast)
    t = time.perf_counter()
    got = answers(fast, sample)
    fast_s = time.perf_counter() - t
    with whoosh_only():
        t = time.perf_counter()
        want = answers(reference, sample)
        ref_s = time.perf_counter() - t
    with fast.searcher() as s:  # type: ignore[attr-defined]
        docs = s.doc_count()
    found, ties = differences(reference, got, want)
    for line in found:
        print(line)
    what = "fast build + index.store.whoosh.engine" if build else "index.store.whoosh.engine"
    print(
        f"{docs:,} articles: {len(got)} answers ({len(QUERIES)} queries x 2 sorts, "
        f"{len(sample)} related), {what} against Whoosh's own code: {len(found)} differ, "
        f"{ties} the same up to the order of tied scores; "
        f"answered in {fast_s:.1f} s against {ref_s:.1f} s"
    )
    return 1 if found else 0


LEAN_PAGES = ((1, None), (20, None), (100, None), (20, "SOURCE"), (20, "elsewhere"))
"""(limit, --source) of each lean comparison; SOURCE: the index's first article's source."""


def compare_lean(lib: object, index_dir: Path) -> int:
    """Each query of QUERIES, both sorts, LEAN_PAGES: where the lean path answers (it
    returns None for what it leaves to the usual path: other syntax, past its budget), its
    JSON must be results.search's."""
    from newsreader.index.search.lean import search_json

    with lib.searcher() as s:  # type: ignore[attr-defined]
        source = s.stored_fields(0)["source"]
    compared = differ = 0
    left: dict[str, int] = {}
    t = time.perf_counter()
    for q in QUERIES:
        for sort in ("relevance", "date"):
            for limit, name in LEAN_PAGES:
                src = source if name == "SOURCE" else name
                got = search_json(str(index_dir), q, limit=limit, source=src, sort=sort)
                if got is None:
                    left[q] = left.get(q, 0) + 1
                    continue
                want = search(lib, q, limit=limit, source=src, sort=sort).to_json()  # type: ignore[arg-type]
                got.pop("took_ms")
                want.pop("took_ms")
                compared += 1
                if got != want:
                    differ += 1
                    print(f"lean {q!r} sort={sort} limit={limit} source={src}:\n"
                          f"  lean  {str(got)[:600]}\n  usual {str(want)[:600]}")  # fmt: skip
    asked = len(QUERIES) * 2 * len(LEAN_PAGES)
    print(
        f"lean path: {asked} answers asked ({len(QUERIES)} queries x 2 sorts x "
        f"{len(LEAN_PAGES)} limits/sources), {compared} given by the lean path and compared "
        f"with results.search's JSON: {differ} differ; {asked - compared} left to the usual "
        f"path ({', '.join(f'{q!r} {n}' for q, n in left.items()) or 'none'}); "
        f"{time.perf_counter() - t:.1f} s"
    )
    return 1 if differ else 0


def build(corpus: Path, index_dir: Path, reference: bool) -> object:
    from newsreader.index.config import SourceConfig, settings_for
    from newsreader.index.store.library import Library

    lib = Library(settings_for([SourceConfig("corpus", corpus)], index_dir), procs=1)
    t = time.perf_counter()
    if reference:
        with whoosh_only():
            lib.update(rebuild=True, warn=lambda _m: None)
    else:
        lib.update(rebuild=True, warn=lambda _m: None)
    kind = "Whoosh's own code" if reference else "the fast paths"
    print(f"built {index_dir} through {kind} in {time.perf_counter() - t:.1f} s", flush=True)
    return lib


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", type=Path, help="an existing index: check the engine")
    ap.add_argument("--corpus", type=Path, help="a corpus folder: check the build as well")
    ap.add_argument("--work", type=Path, default=Path("/tmp/nr-equivalence"))
    ap.add_argument("--lean-only", action="store_true", help="with --index-dir: the lean path")
    args = ap.parse_args()
    if args.index_dir:
        lib = IndexDir(args.index_dir)
        if args.lean_only:
            return compare_lean(lib, args.index_dir)
        return compare(lib, lib, build=False) | compare_lean(lib, args.index_dir)
    if args.corpus:
        name = args.corpus.name
        fast = build(args.corpus, args.work / f"{name}-fast", reference=False)
        reference = build(args.corpus, args.work / f"{name}-reference", reference=True)
        return compare(fast, reference, build=True)
    ap.error("give --index-dir or --corpus")
    return 2


if __name__ == "__main__":
    sys.exit(main())
