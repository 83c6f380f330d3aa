"""Full text for teaser entries: when to fetch an entry's page, and reading it.

`read_page` is the one seam to the web-page extractor: swapping extractors is a change here
and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsreader.index.parsing import ArticleError, read_html

FULL_TEXT_MODES = ("auto", "always", "never")
TEASER_CHARS = 700
"""An entry text shorter than this is a teaser: feeds that carry whole articles carry
thousands of characters, teasers one or two sentences."""
_TEASER_END = re.compile(
    r"(?:read\s+more|continue\s+reading|read\s+the\s+(?:full|rest)\b.*|full\s+(?:story|article)"
    r"|more\s*»|\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\W{0,3}$",
    re.I,
)


def is_teaser(text: str) -> bool:
    """Whether an entry's text is only a lead-in to its page: short, or ending the way
    excerpts end ("Read more", "Continue reading", "…", "[...]")."""
    text = text.strip()
    return len(text) < TEASER_CHARS or bool(_TEASER_END.search(text[-120:]))


def wants_page(mode: str, text: str, url: str) -> bool:
    """Whether to fetch the page at `url` for an entry whose feed text is `text`."""
    if not url or mode == "never":
        return False
    return mode == "always" or is_teaser(text)


@dataclass(frozen=True, slots=True)
class PageText:
    title: str
    body: str
    author: str


def read_page(html: bytes, url: str, entry_title: str = "") -> PageText | None:
    """The story of a fetched page (the web-page extractor, `read_html`), or None when the page
    has no story text of its own (the extractor fell back to the page's title and description,
    which is no better than the feed's teaser)."""
    fallback: list[str] = []
    try:
        article = read_html(html, url, source="page", warn=fallback.append)
    except ArticleError:
        return None
    paragraphs = article.body.split("\n\n")
    # The page's headline often leads its story text; the entry has its own title already.
    if paragraphs and _is_headline(paragraphs[0], (article.title, entry_title)):
        paragraphs = paragraphs[1:]
    body = "\n\n".join(paragraphs).strip()
    if fallback or not body:
        return None
    return PageText(title=article.title, body=body, author=article.author)


def _is_headline(paragraph: str, titles: tuple[str, ...]) -> bool:
    """A short line without a sentence's end that a title begins (or that begins a title)."""
    if len(paragraph) > 200 or paragraph.rstrip().endswith((".", "!", "?", '"', "”")):
        return False
    head = _fold(paragraph)
    return any(
        t and head and (head.startswith(t) or t.startswith(head)) for t in map(_fold, titles)
    )


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.casefold()).split())
