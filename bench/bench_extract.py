"""Body extraction from web pages: precision, recall and F1 of each reader, side by side.

    python bench/bench_extract.py PAGES [--readers old,new,trafilatura,readability]
                                        [--worst N] [--page NAME]

PAGES is a folder of your own (keep third-party pages out of this repository), flat:
- `NAME.html`: the page, bytes as saved from the browser or the server;
- `NAME.txt`: the expected body, UTF-8 text (paragraphs separated by blank lines; only the
  words count);
- `NAME.json` (optional): `{"url": ..., "title": ...}`: `url` is given to the readers as the
  page's address; `title`, when present, is compared with the new reader's title.
`bench/import_pages.py` makes such a folder from mozilla/readability-style test pages or from
newspaper-style html/ + txt/ folders.

Scoring is the usual one for article bodies: both texts are cut into word tokens (`\\w+`,
case kept), then into shingles of 4 consecutive tokens; per page, true positives are the
shingles both have (counted with multiplicity), false positives the extra ones extracted,
false negatives the missed ones, each divided by their sum so that long pages weigh no more
than short ones; precision, recall and F1 are computed from the sums over all pages. The mean
of per-page F1, the share of pages at F1 >= 0.9, the pages with an empty body and the parse
time per page are printed too. Prints figures; asserts nothing.

Readers: `old` is the hand-written reader newsreader had before (its choice of paragraphs,
kept for HTML fragments), `new` is `newsreader.index.parsing.read_html` (what the app indexes),
`trafilatura` and `readability` are those libraries on their own (readability-lxml must be
installed for the last one).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

_TOKEN = re.compile(r"\w+")

Reader = Callable[[bytes, str], tuple[str, str]]  # (html, url) -> (body, title)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The word n-grams of `text` with their counts (one short n-gram for a text of < n words)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def score(expected: str, got: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of the 4-gram shingles of `got` against `expected`, normalised to sum 1."""
    want, have = shingles(expected), shingles(got)
    tp = sum((want & have).values())
    fp = sum((have - want).values())
    fn = sum((want - have).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ---- readers ---------------------------------------------------------------------------------


def old_reader(data: bytes, url: str) -> tuple[str, str]:
    # The old reader's choice of paragraphs (the longest <article>, else <main>, else <body>),
    # which newsreader still uses for HTML fragments in JSON bodies.
    from newsreader.index.parsing import decode
    from newsreader.index.parsing.html_fragment import html_paragraphs as _html_paragraphs

    return "\n\n".join(_html_paragraphs(decode(data))), ""


def new_reader(data: bytes, url: str) -> tuple[str, str]:
    from newsreader.index.parsing import ArticleError, read_html

    try:
        article = read_html(data, url, article_id="bench/page.html", source="bench")
    except ArticleError:
        return "", ""
    return article.body, article.title


def trafilatura_reader(data: bytes, url: str) -> tuple[str, str]:
    import trafilatura

    return trafilatura.extract(data, url=url or None, include_comments=False) or "", ""


def readability_reader(data: bytes, url: str) -> tuple[str, str]:
    from import_pages import html_to_text
    from readability import Document

    from newsreader.index.parsing import decode

    try:
        doc = Document(decode(data), url=url or None)
        return html_to_text(doc.summary(html_partial=True)), doc.short_title()
    except Exception:  # readability raises on pages it cannot make sense of
        return "", ""


READERS: dict[str, Reader] = {
    "old": old_reader,
    "new": new_reader,
    "trafilatura": trafilatura_reader,
    "readability": readability_reader,
}


# ---- the run ---------------------------------------------------------------------------------


def load_pages(folder: Path, only: str | None) -> list[tuple[str, bytes, str, dict[str, str]]]:
    pages = []
    for html in sorted(folder.glob("*.html")):
        name = html.name[: -len(".html")]
        if only and name != only:
            continue
        txt = folder / f"{name}.txt"
        if not txt.is_file():
            continue
        meta_path = folder / f"{name}.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        pages.append((name, html.read_bytes(), txt.read_text(encoding="utf-8"), meta))
    return pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages", type=Path)
    ap.add_argument("--readers", default="old,new,trafilatura")
    ap.add_argument("--worst", type=int, default=5, help="list each reader's N worst pages")
    ap.add_argument("--page", help="only the page NAME; prints the extracted body")
    args = ap.parse_args(argv)
    pages = load_pages(args.pages, args.page)
    if not pages:
        print(f"no NAME.html + NAME.txt pairs in {args.pages}", file=sys.stderr)
        return 2
    names = [r.strip() for r in args.readers.split(",") if r.strip()]
    if unknown := [n for n in names if n not in READERS]:
        print(f"unknown reader {unknown[0]!r} (one of {', '.join(READERS)})", file=sys.stderr)
        return 2
    if "readability" in names and importlib.util.find_spec("readability") is None:
        print("the readability reader needs readability-lxml: pip install readability-lxml",
              file=sys.stderr)  # fmt: skip
        return 2
    print(f"{len(pages)} pages from {args.pages}")
    print(f"{'reader':<12} {'P':>6} {'R':>6} {'F1':>6} {'meanF1':>7} {'>=0.9':>6} {'empty':>5} "
          f"{'ms/page':>8} {'median':>7} {'title':>6}")  # fmt: skip
    for name in names:
        reader = READERS[name]
        reader(b"<html><body><p>warm up imports</p></body></html>", "")
        sums = [0.0, 0.0, 0.0]
        per_page: list[tuple[float, str]] = []
        times: list[float] = []
        empty = titles = titled = 0
        for page, data, expected, meta in pages:
            t = time.perf_counter()
            body, title = reader(data, meta.get("url", ""))
            times.append(time.perf_counter() - t)
            tp, fp, fn = score(expected, body)
            sums = [sums[0] + tp, sums[1] + fp, sums[2] + fn]
            per_page.append((prf(tp, fp, fn)[2], page))
            empty += not body.strip()
            if meta.get("title") and title:
                titled += 1
                titles += " ".join(title.split()) == " ".join(meta["title"].split())
            if args.page:
                print(f"--- {name}: {title}\n{body}\n")
        p, r, f = prf(*sums)
        f1s = [x for x, _ in per_page]
        good = sum(x >= 0.9 for x in f1s) / len(f1s)
        title_share = f"{titles}/{titled}" if titled else "-"
        print(
            f"{name:<12} {p:6.3f} {r:6.3f} {f:6.3f} {statistics.mean(f1s):7.3f} {good:6.0%} "
            f"{empty:5d} {1000 * statistics.mean(times):8.1f} "
            f"{1000 * statistics.median(times):7.1f} {title_share:>6}"
        )
        if args.worst and not args.page:
            worst = sorted(per_page)[: args.worst]
            print("             worst: " + ", ".join(f"{pg} {x:.2f}" for x, pg in worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
