"""Stories at scale: clustering from scratch, the cost of each added (and deleted) article, and
the memory, on a library indexed beforehand. Prints figures; asserts nothing.

    python bench/make_corpus.py ../shared/corpora/bbc 100000 /tmp/stories-100k/corpus
    newsreader --config /tmp/stories-100k/config.yaml index
    python bench/bench_stories.py /tmp/stories-100k/config.yaml [--adds 1,10,100]

Each step runs in a fresh process (its peak RSS is that step's alone). The added articles are
new files written into the first source's folder (copies of existing articles, re-titled and
dated in the corpus's range) and removed again at the end, so the library is left as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ADDED = "bench-stories-added"


def step_scratch(config: Path) -> dict[str, object]:
    from newsreader.index.config import load_settings
    from newsreader.index.store.library import Library
    from newsreader.index.stories.store import StoryIndex

    library = Library(load_settings(config))
    stories = StoryIndex(library.index_dir)
    ix = library._index()
    started = time.perf_counter()
    with ix.searcher() as searcher:
        report = stories.sync(searcher, generation=ix.latest_generation(), rebuilt=True)
    seconds = time.perf_counter() - started
    listed = stories.stories(min_outlets=1, limit=None, articles=False)
    sizes = sorted((s.count for s in listed), reverse=True)
    return {
        "articles": report.added,
        "seconds": round(seconds, 1),
        "stories": len(listed),
        "largest": sizes[:5],
        "file_mb": round(stories.path.stat().st_size / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def step_update(config: Path, count: int, remove: bool) -> dict[str, object]:
    """Add `count` article files (or remove the ones added), then one index update."""
    from newsreader.index.config import load_settings
    from newsreader.index.store.library import Library

    settings = load_settings(config)
    folder = Path(settings.sources[0].path) / ADDED
    if remove:
        for path in folder.glob("*.txt"):
            path.unlink()
    else:
        root = Path(settings.sources[0].path)
        originals = sorted(p for p in root.rglob("*.txt") if ADDED not in p.parts)
        rng = random.Random(count)
        folder.mkdir(exist_ok=True)
        for k in range(count):
            source = originals[rng.randrange(len(originals))]
            lines = source.read_text(encoding="utf-8", errors="replace").split("\n")
            day = f"2005{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
            body = "\n".join(lines[1:])
            (folder / f"added-{count}-{k}.txt").write_text(
                f"{lines[0]} (bench {k})\n\n{day}\n\n{body}", encoding="utf-8"
            )
    library = Library(settings)
    started = time.perf_counter()
    report = library.update()
    seconds = time.perf_counter() - started
    story = report.stories
    return {
        "articles": count,
        "removed": remove,
        "update_s": round(seconds, 2),
        "stories_s": None if story is None else round(story.seconds, 3),
        "per_article_ms": None if story is None else round(story.seconds / max(count, 1) * 1000, 1),
        "scratch": None if story is None else story.scratch,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _child(config: str, *step: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, config, "--step", *step],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--adds", default="1,10,100", help="batch sizes of added articles")
    parser.add_argument("--no-scratch", action="store_true")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        name, *rest = args.step
        if name == "scratch":
            result = step_scratch(args.config)
        else:
            result = step_update(args.config, int(rest[0]), name == "remove")
        print(json.dumps(result))
        return 0
    config = str(args.config)
    print(f"load average before: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs")
    if not args.no_scratch:
        print("from scratch:", json.dumps(_child(config, "scratch")))
    for count in (int(c) for c in args.adds.split(",")):
        print(f"add {count}:", json.dumps(_child(config, "add", str(count))))
        print(f"remove {count}:", json.dumps(_child(config, "remove", str(count))))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
