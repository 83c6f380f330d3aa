"""Make an N-article benchmark library out of a corpus folder (e.g. the BBC corpus).

Each copy of an article is a distinct document: its paragraphs are shuffled (the title stays on
the first line), a copy number is appended to the title, and it lands in its own folder, so the
index holds N different documents rather than N duplicates. Every article, the originals too,
gets a date in 2004-2005 as a bare YYYYMMDD line under its title.

    python bench/make_corpus.py ../shared/corpora/bbc 100000 /tmp/bbc-100k
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path


def load(corpus: Path) -> list[tuple[str, bytes]]:
    """Every text file of the corpus, as (relative path, bytes), sorted for determinism."""
    return [
        (p.relative_to(corpus).as_posix(), p.read_bytes())
        for p in sorted(corpus.rglob("*.txt"))
        if p.is_file()
    ]


FIRST_DAY = dt.date(2004, 1, 1)
DAYS = 731
"""Every article gets a day in 2004-2005 (the BBC corpus's years), so that date queries and
the newest-first order have real work to do."""


def variant(data: bytes, copy: int, rng: random.Random) -> bytes:
    """Copy number `copy` of an article, dated: a bare YYYYMMDD line under the title (a shape
    the parser reads); from the second copy on, the title tagged with the copy and the
    paragraphs reordered."""
    # Keep the original bytes (one BBC file is not UTF-8) by working on lines of bytes.
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    title, rest = lines[0], b"\n".join(lines[1:])
    paragraphs = [p.strip(b"\n") for p in rest.split(b"\n\n") if p.strip()]
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    if copy:
        title += f" ({copy + 1})".encode()
        rng.shuffle(paragraphs)
    return title + day.strftime("\n\n%Y%m%d\n\n").encode() + b"\n\n".join(paragraphs) + b"\n"


def make(corpus: Path, count: int, out: Path, seed: int = 1) -> int:
    """Write `count` articles below `out`; return how many were written."""
    originals = load(corpus)
    if not originals:
        raise SystemExit(f"no .txt files below {corpus}")
    rng = random.Random(seed)
    written = 0
    copies = -(-count // len(originals))
    for copy in range(copies):
        folder = out / f"copy{copy:03d}"
        for rel, data in originals:
            if written == count:
                return written
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(variant(data, copy, rng))
            written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty; remove it first", file=sys.stderr)
        return 2
    started = time.perf_counter()
    written = make(args.corpus, args.count, args.out)
    print(f"{written:,} articles written to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
