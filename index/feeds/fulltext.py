"""Full text for teaser entries: when to fetch an entry's page, and reading it.

`read_page` is the one seam to the web-page extractor: swapping extractors is a change here
and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from newsreader.index.parsing.articles import ArticleError, parse_articles

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


def read_page(html: bytes, url: str) -> PageText | None:
    """The main text of a fetched page (the web-page extractor), or None if it has none."""
    name = PurePosixPath(urlsplit(url).path).name or "page.html"
    try:
        found = parse_articles(
            html,
            path=PurePosixPath(name),
            article_id="page",
            source="page",
            fmt="html",  # type: ignore[arg-type]
        )
    except ArticleError:
        return None
    if not found or not found[0].body.strip():
        return None
    article = found[0]
    return PageText(title=article.title, body=article.body, author=article.author)
