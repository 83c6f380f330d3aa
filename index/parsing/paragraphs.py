"""Lines -> paragraphs (hard-wrapped text, lists, blank-line separated blocks), and the Article
built from them and a `Meta`."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from newsreader.index.model import Article
from newsreader.index.parsing.decoding import path_text
from newsreader.index.parsing.meta import Meta, cut_title
from newsreader.index.parsing.metadata import infer_outlet
from newsreader.index.untrusted import UNSAFE, one_line

_LONG_LINE = 100  # a line longer than this is a paragraph of its own, not a hard-wrapped line


_TERMINAL = tuple(".!?…\"”’'):;")


def _wrapped(lines: list[str]) -> list[str]:
    """Paragraphs of hard-wrapped lines with no blank lines: a line clearly shorter than the
    wrap width ends its paragraph."""
    width = max(len(x) for x in lines)
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        short = len(line) < 0.5 * width
        if short or (line.endswith(_TERMINAL) and len(line) < 0.8 * width):
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def split_paragraphs(units: list[str | None], *, no_blank_lines: bool) -> list[str]:
    """Paragraphs from lines, None marking a break. Blank-separated blocks of short lines are
    hard-wrapped paragraphs; long lines, and every line of a file with no blank lines, are
    paragraphs of their own (unless that file is plainly hard-wrapped)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for unit in [*units, None]:
        if unit is None:
            if current:
                blocks.append(current)
            current = []
        elif unit.strip():
            current.append(unit)
    out: list[str] = []
    if no_blank_lines:
        lines = [x for b in blocks for x in b]
        wrapped = (
            len(lines) >= 3
            and max(len(x) for x in lines) <= _LONG_LINE
            and sum(not x.endswith(_TERMINAL) for x in lines) * 2 >= len(lines)
        )
        blocks = [[p] for p in _wrapped(lines)] if wrapped else [[x] for x in lines]
    for block in blocks:
        if len(block) > 1 and any(len(x) > _LONG_LINE or _LIST_ITEM.match(x) for x in block):
            out.extend(block)
        else:
            out.append(" ".join(block))
    return [p for p in (" ".join(x.split()) for x in out) if p]


_LIST_ITEM = re.compile(r"\s*(?:[-*+•]|\d{1,3}[.)])\s+\S")


def build_article(
    meta: Meta,
    paragraphs: list[str],
    *,
    path: Path,
    article_id: str,
    source: str,
    outlet: str,
) -> Article:
    paragraphs = _without_standfirst_repeats(paragraphs)
    if not meta.outlet:
        infer_outlet(paragraphs, meta)
    url = one_line(meta.url)
    title = cut_title(meta.title) if meta.title else ""
    if not title:
        first = next((p for p in paragraphs if p.strip()), "")
        title = cut_title(first.split("\n", 1)[0]) if first else one_line(path.stem) or article_id
    return Article(
        id=article_id,
        title=title,
        body="\n\n".join(UNSAFE.sub("", p) for p in paragraphs).strip(),
        source=source,
        path=path_text(str(path)),
        date=meta.best_date(),
        outlet=one_line(meta.outlet or meta.inferred_outlet or outlet or host_outlet(url)),
        author=one_line(re.sub(r"^by\s+", "", meta.author, flags=re.I)),
        url=url,
        tags=tuple(meta.tags),
    )


_NON_WORD = re.compile(r"\W+")


def _fold(text: str) -> str:
    return _NON_WORD.sub(" ", text.casefold()).strip()


def _without_standfirst_repeats(paragraphs: list[str]) -> list[str]:
    """`paragraphs` less a standfirst that the next paragraph repeats word for word.

    Outlets print the summary above the byline and again as the lead ("Amid tensions ...,
    said X." then "Amid tensions ..., said X, but ..."); keeping both shows the reader, and
    search snippets, the same sentence twice. Only the opening paragraphs are looked at, and
    only a paragraph wholly contained at the start of the next one is dropped, so no sentence
    is lost.
    """
    out = list(paragraphs)
    for i in range(min(3, len(out) - 1) - 1, -1, -1):
        # Folding a prefix gives a prefix of the folded text: compare the openings first.
        a, b = _fold(out[i][:48]), _fold(out[i + 1][:48])
        k = min(24, len(a), len(b))
        if a[:k] != b[:k]:
            continue
        head = _NON_WORD.sub(" ", out[i].casefold()).strip()
        following = _NON_WORD.sub(" ", out[i + 1].casefold()).strip()
        if len(head) >= 40 and following.startswith(head):
            del out[i]
    return out


def host_outlet(url: str) -> str:
    """ "europesun.com" for "https://www.europesun.com/news/...": the registrable part of the
    host (three labels for hosts like "bbc.co.uk")."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    labels = [x for x in host.split(".") if x]
    if len(labels) < 2 or all(x.isdigit() for x in labels):
        return ""
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])
