"""Turn third-party extraction test sets into the page folder that `bench_extract.py` reads.

Run: `python bench/import_pages.py LAYOUT SRC DEST [--prefix P]`. Nothing is copied into this
repository: DEST is a folder of your own (e.g. /tmp/pages).

LAYOUT is how SRC holds its pages:
- `mozilla`: one folder per page with `source.html`, `expected.html` (the expected article as
  HTML) and optionally `expected-metadata.json` (`title`), as in mozilla/readability's
  test-pages;
- `pairs`: `html/NAME.html` with `txt/NAME.txt` (the expected body as text) and optionally
  `metadata/NAME.json` (`url`, `title`), as in newspaper's tests/data.

DEST gets the flat layout described in `bench_extract.py`: `NAME.html`, `NAME.txt`, and
`NAME.json` when there is metadata. Pages whose expected body is empty are left out.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import lxml.html

# Block elements: each one's text is a paragraph of the expected body.
_BLOCKS = {
    "p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote",
    "pre", "td", "th", "dd", "dt", "figcaption", "tr", "table", "ul", "ol", "br", "hr",
}  # fmt: skip


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment, a blank line between block elements."""
    root = lxml.html.fromstring(markup or "<div></div>")
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        block = isinstance(el.tag, str) and el.tag.lower() in _BLOCKS
        if block:
            parts.append("\n\n")
        if el.text and isinstance(el.tag, str):
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n\n")

    walk(root)
    paragraphs = (" ".join(p.split()) for p in "".join(parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _write(dest: Path, name: str, html: Path, body: str, meta: dict[str, str]) -> bool:
    if not body.strip():
        return False
    shutil.copyfile(html, dest / f"{name}.html")
    (dest / f"{name}.txt").write_text(body.strip() + "\n", encoding="utf-8")
    if meta:
        (dest / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    return True


def import_mozilla(src: Path, dest: Path, prefix: str) -> int:
    n = 0
    for folder in sorted(p for p in src.iterdir() if (p / "source.html").is_file()):
        expected = folder / "expected.html"
        if not expected.is_file():
            continue
        meta: dict[str, str] = {}
        if (md := folder / "expected-metadata.json").is_file():
            data = json.loads(md.read_text(encoding="utf-8"))
            meta = {k: data[k] for k in ("title",) if data.get(k)}
        body = html_to_text(expected.read_text(encoding="utf-8"))
        n += _write(dest, prefix + folder.name, folder / "source.html", body, meta)
    return n


def import_pairs(src: Path, dest: Path, prefix: str) -> int:
    n = 0
    for html in sorted((src / "html").glob("*.htm*")):
        txt = src / "txt" / f"{html.stem}.txt"
        if not txt.is_file():
            continue
        meta: dict[str, str] = {}
        if (md := src / "metadata" / f"{html.stem}.json").is_file():
            data = json.loads(md.read_text(encoding="utf-8"))
            meta = {k: data[k] for k in ("url", "title") if isinstance(data.get(k), str)}
        n += _write(dest, prefix + html.stem, html, txt.read_text(encoding="utf-8"), meta)
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("layout", choices=("mozilla", "pairs"))
    ap.add_argument("src", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--prefix", default="", help="prepended to every page name")
    args = ap.parse_args(argv)
    args.dest.mkdir(parents=True, exist_ok=True)
    importer = import_mozilla if args.layout == "mozilla" else import_pairs
    n = importer(args.src, args.dest, args.prefix)
    print(f"{n} pages written to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
