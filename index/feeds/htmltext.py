"""HTML from feeds (titles, summaries, content) to plain text.

Feed HTML is a fragment, not a page: the web-page extractor's job is to find the main text
among menus and footers, this one's is to keep every paragraph of a fragment and drop what is
not text. Scripts, styles, embedded objects and hidden elements lose their content; images
(tracking pixels included) leave nothing; a `javascript:` link loses its text too, since it is
a button, not prose. The stdlib parser never fetches anything and expands only the fixed HTML
character references, so nothing here can read a file or blow up.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = frozenset((
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "canvas", "form", "button", "select", "textarea", "head", "title", "audio", "video",
))  # fmt: skip
_BLOCK = frozenset((
    "p", "div", "section", "article", "main", "header", "footer", "aside", "h1", "h2", "h3", "h4",
    "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "br", "hr", "tr", "table", "dd", "dt", "dl",
    "figure", "figcaption", "address", "center", "details", "summary", "caption", "body",
))  # fmt: skip
_VOID = frozenset(("br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col"))
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# C0/C1 control characters other than newline and tab: terminal escapes have no place in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TAGLIKE = re.compile(r"<[a-zA-Z/!?][^>]*>")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._buf: list[str] = []
        self._skip: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf = []
        if text:
            self.paragraphs.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag == self._skip[-1] and tag not in _VOID:
                self._skip.append(tag)
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in _BLOCK:
            self._flush()
        if tag in _VOID:
            return
        hidden = "hidden" in a or bool(_HIDDEN_STYLE.search(a.get("style", "")))
        bad_link = tag == "a" and a.get("href", "").strip().lower().startswith(_BAD_SCHEMES)
        if tag in _SKIP or hidden or bad_link:
            self._skip.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skip and tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            elif tag in _BLOCK and tag != "br" and "a" in self._skip:
                # An unclosed javascript: link must not swallow the rest of the text.
                self._skip.clear()
            return
        if tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_paragraphs(fragment: str) -> list[str]:
    """The paragraphs of an HTML fragment, as plain text (whitespace collapsed)."""
    parser = _Text()
    parser.feed(_CONTROL.sub("", fragment))
    parser.close()
    return [p for p in parser.paragraphs if p]


def html_to_text(fragment: str) -> str:
    """An HTML fragment as plain text: paragraphs separated by one blank line."""
    return "\n\n".join(html_paragraphs(fragment))


def text_paragraphs(text: str) -> str:
    """Plain text as paragraphs: blank-line separated, lines inside a paragraph joined."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    paras = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paras if p)


def inline_text(value: str, *, is_html: bool) -> str:
    """One line of text (a title, an author) from HTML or plain text."""
    # Plain text arrives already unescaped (feedparser, JSON): unescaping again would turn
    # a title about "&amp;" into one about "&".
    text = " ".join(html_paragraphs(value)) if is_html else value
    return " ".join(_CONTROL.sub("", text).split())


def looks_like_html(value: str) -> bool:
    """Whether text that claims nothing about its type carries tags."""
    return bool(_TAGLIKE.search(value))
