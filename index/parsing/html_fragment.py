"""Paragraphs of an HTML fragment (a JSON body field holding markup), with where they were
(article n, main, body), and the article object of a page's JSON-LD blocks. Whole web pages
are read by `parsing.html`."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

# fmt: off
_SKIP = frozenset((
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "template",
    "iframe", "button", "select", "figure", "figcaption", "object", "canvas", "head", "dialog",
    "menu",
))


# fmt: on
# fmt: off
_BLOCK = frozenset((
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
    "ol", "blockquote", "pre", "br", "hr", "tr", "td", "th", "table", "dd", "dt", "dl", "address",
    "body", "center", "summary", "details", "caption",
))


# fmt: on
class _HTMLText(HTMLParser):
    """Collects the paragraphs of an HTML fragment (a JSON body field holding markup) with
    where they were: article n, main, body. Whole web pages are read by `parsing.html`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[tuple[str, int | None, bool, bool]] = []
        self._buf: list[str] = []
        self._skip = 0
        self._article: list[int] = []
        self._articles = 0
        self._main = 0
        self._body = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf = []
        if text:
            where = self._article[0] if self._article else None
            self.paras.append((text, where, self._main > 0, self._body > 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._flush()
        if tag in _SKIP:
            self._skip += 1
        elif tag == "article":
            self._articles += 1
            self._article.append(self._articles)
        elif tag == "main":
            self._main += 1
        elif tag == "body":
            self._body += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._flush()
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "article" and self._article:
            self._article.pop()
        elif tag == "main":
            self._main = max(0, self._main - 1)
        elif tag == "body":
            self._body = max(0, self._body - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def main_text(self) -> list[str]:
        """Paragraphs of the longest <article>, else <main>, else <body>, else everything."""
        by_article: dict[int, list[str]] = {}
        for text, art, _, _ in self.paras:
            if art is not None:
                by_article.setdefault(art, []).append(text)
        if by_article:
            return max(by_article.values(), key=lambda ps: sum(len(p) for p in ps))
        for pick in (lambda p: p[2], lambda p: p[3], lambda p: True):
            chosen = [p[0] for p in self.paras if pick(p)]
            if chosen:
                return chosen
        return []


def html_paragraphs(text: str) -> list[str]:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    return parser.main_text()


def ld_article(blocks: list[str]) -> dict[str, Any] | None:
    """The first schema.org *Article / BlogPosting object of the page's JSON-LD."""
    stack: list[Any] = []
    for block in blocks:
        try:
            stack.append(json.loads(block[:1_000_000]))
        except (ValueError, RecursionError):
            continue
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item[:100])
        elif isinstance(item, dict):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith(("Article", "BlogPosting")) for k in kinds):
                return item
            if isinstance(item.get("@graph"), list):
                stack.extend(item["@graph"][:100])
    return None
