"""Web pages as articles: the story of an HTML page, not the page around it.

`read_html(data, url)` is the one way HTML becomes an Article, for saved pages in a source
folder and for the pages of feed entries alike. The body comes from trafilatura (the best of
the extractors measured on real article pages, see bench/bench_extract.py), which drops menus,
teasers, comment threads, subscription and newsletter boxes; the metadata comes first from what
the page states in a structured way (meta tags, JSON-LD), then from trafilatura's heuristics.

trafilatura and lxml take ~150 ms to import: they are imported here, on the first HTML page,
never when a library holds no HTML.

Size: one reader, the page's metadata and the story around trafilatura; the metadata part
(meta tags, JSON-LD, the site name) could move out next.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from newsreader.index.model import Article
from newsreader.index.parsing.articles import MAX_FILE_BYTES, size_error
from newsreader.index.parsing.dates import parse_date
from newsreader.index.parsing.decoding import decode
from newsreader.index.parsing.errors import ArticleError
from newsreader.index.parsing.fields import field_map
from newsreader.index.parsing.html_fragment import html_paragraphs, ld_article
from newsreader.index.parsing.meta import Meta
from newsreader.index.parsing.metadata import URL, strip_metadata
from newsreader.index.parsing.paragraphs import build_article, host_outlet
from newsreader.index.untrusted import clean, one_line

if TYPE_CHECKING:
    from lxml.html import HtmlElement

MAX_TREE_NODES = 200_000
"""Pages with more elements than this (200,000) are not handed to the extractor, whose passes
over the tree would take seconds; their title and description are indexed, with a warning. A
news page has a few thousand."""

MIN_STORY_WORDS = 10
"""Fewer words than this (10) extracted from a page whose description is longer are not a
story but a stray label ("Home", "Play video"): the description is indexed instead."""

# What each field is called in meta tags (name=, property= or itemprop=), by preference.
_META_KEYS = {
    "title": ("og:title", "twitter:title", "dc.title", "headline"),
    "date": (
        "article:published_time", "og:published_time", "og:article:published_time",
        "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "dc.date",
        "dc.date.issued", "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date",
        "article.published", "citation_publication_date", "date",
    ),
    "updated": ("article:modified_time", "datemodified", "og:updated_time", "last-modified"),
    "author": (
        "author", "article:author", "og:article:author", "dc.creator", "byl", "parsely-author",
        "sailthru.author", "citation_author",
    ),
    "outlet": ("og:site_name", "publisher", "dc.publisher", "application-name"),
    "url": ("og:url", "twitter:url"),
    "description": ("og:description", "description", "twitter:description", "dc.description"),
}  # fmt: skip
_TAG_KEYS = ("article:tag", "keywords", "news_keywords")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»/]{1,2}\s+")
_FOLD = re.compile(r"[\W_]+")


def read_html(
    data: bytes | str,
    url: str = "",
    *,
    article_id: str = "",
    source: str = "",
    path: Path | str = "",
    outlet: str = "",
    warn: Callable[[str], None] | None = None,
) -> Article:
    """The article that the HTML page `data` tells: its bytes as served or saved (the charset
    is found as a browser would), or its text already decoded.

    `url` is where the page came from, if known: it resolves a relative canonical link and is
    the article's URL when the page states none. `article_id`, `source` and `path` go into the
    Article as they are; `outlet` is the default when the page names no site.

    The body is the story's paragraphs. When no story text can be found, the article holds the
    page's title and its description, and `warn` is told why (one line, no file name: the
    caller knows which file or URL it was). Raises ArticleError for data over MAX_FILE_BYTES,
    binary data, and a page with no text at all.
    """
    from lxml import etree  # deferred: see the module docstring

    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(size_error(len(data)))
    text = _decode_html(data) if isinstance(data, bytes) else clean(data)
    if not text.strip():
        raise ArticleError("empty file")
    url = url or _saved_from(text)
    tree, problem = _tree(text)
    meta = Meta()
    description = _page_metadata(tree, meta, url) if tree is not None else ""
    paragraphs: list[str] = []
    if tree is not None and not problem:
        nodes = sum(1 for _ in tree.iter())
        if nodes > MAX_TREE_NODES:
            problem = f"page too large to extract ({nodes:,} elements)"
        else:
            try:
                paragraphs = _story(tree, meta, url)
            except (RecursionError, ValueError, etree.LxmlError) as exc:
                problem = f"cannot extract the story ({type(exc).__name__})"
    if problem:
        # Better the page's whole text, menus and all, than a page that search cannot find.
        paragraphs = html_paragraphs(text)
    units = [p for para in paragraphs for p in (para, None)]
    units = strip_metadata(units, meta, first_line_title=False)
    body = [u for u in units if u]
    words = sum(len(p.split()) for p in body)
    if words < MIN_STORY_WORDS and len(description.split()) > words:
        body = []  # a menu item or a button label, where the page has no story
    # A page whose whole text was indexed lost nothing, so it is not warned about; only one
    # reduced to its title and description is.
    if not body:
        if description and not _same_text(description, meta.title):
            body = [description]
        if not body and not meta.title:
            raise ArticleError(problem or "no article text in the page")
        what = "its title and description" if body else "its title only"
        _tell(warn, f"{problem or 'no article text found'}; indexed {what}")
    where = Path(path) if path else Path(article_id or "page.html")
    return build_article(
        meta, body, path=where, article_id=article_id, source=source, outlet=outlet
    )


# Browsers and SingleFile note where a saved page came from in a comment at its top.
_SAVED_FROM = re.compile(
    r"<!--\s*(?:saved from url=\(\d+\)|Page saved with SingleFile\s+url:\s*)(https?://[^\s>]+)",
    re.I,
)


def _saved_from(text: str) -> str:
    m = _SAVED_FROM.search(text, 0, 4096)
    return m[1] if m else ""


def _tell(warn: Callable[[str], None] | None, message: str) -> None:
    if warn is not None:
        warn(message)


# ---- decoding and parsing --------------------------------------------------------------------

_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.I)


def _decode_html(data: bytes) -> str:
    """The page as text: a BOM, else the charset its <meta> declares, else UTF-8 with a cp1252
    fallback per byte (see decoding.decode). Escape sequences and control characters are
    dropped before parsing, and again from every extracted field (entities can make them)."""
    import codecs

    m = _CHARSET.search(data[:4096])
    if m and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            charset = codecs.lookup(m[1].decode("ascii")).name
        except LookupError:
            charset = "utf-8"
        # A page that says UTF-8 is read by decode(), which keeps a stray cp1252 byte.
        if charset not in ("utf-8", "ascii", "us-ascii"):
            try:
                return clean(data.decode(charset))
            except UnicodeDecodeError:
                pass
    return decode(data)


_CONTROL_REF = re.compile(r"&#(?:0*(\d{1,3})|[xX]0*([0-9a-fA-F]{1,2}));?")


def _control_char(m: re.Match[str]) -> str:
    code = int(m[1]) if m[1] else int(m[2], 16)
    return chr(code) if (code < 32 and code not in (9, 10, 13)) or code == 127 else m[0]


def _tree(text: str) -> tuple[HtmlElement | None, str]:
    """The page parsed by lxml (libxml2's HTML parser, forgiving like a browser), and why it
    cannot be trusted ("" if it can): libxml2 drops whatever lies deeper than 256 elements."""
    import lxml.html
    from lxml import etree

    # An XML declaration with an encoding makes lxml refuse a str: the text is decoded already.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    # "&#27;[2J" is an escape sequence once parsed, and trafilatura gives up on text holding
    # control characters: resolve such references here so that clean drops the whole sequence.
    if "&#" in text:
        text = clean(_CONTROL_REF.sub(_control_char, text))
    parser = lxml.html.HTMLParser(collect_ids=False)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None, "cannot parse the page"
    if any("depth" in entry.message.lower() for entry in parser.error_log):
        return tree, "page nested too deeply to extract"
    _demote_teaser_articles(tree)
    # What a page shows without JavaScript ("Please enable JavaScript", tracking pixels) is not
    # the story; trafilatura's fallback for short pages would keep it.
    for el in list(tree.iter("noscript")):
        el.drop_tree()
    return tree, ""


def _paragraph_words(el: HtmlElement) -> int:
    return sum(len(p.text_content().split()) for p in el.iter("p"))


def _demote_teaser_articles(tree: HtmlElement) -> None:
    """Make plain <div>s of the <article> elements whose words are few (under 150) next to
    the page's paragraphs (under 30% of their words): teasers for other stories, comments.
    trafilatura looks in <article> first and would put a teaser above the story it found
    elsewhere."""
    articles = list(tree.iter("article"))
    if not articles:
        return
    total = _paragraph_words(tree)
    for el in articles:
        # All its words, not only its <p>s': a story written in <div>s or with <br>s stays.
        words = len(el.text_content().split())
        if words < 150 and words < 0.3 * total:
            el.tag = "div"


# ---- metadata --------------------------------------------------------------------------------


def _page_metadata(tree: HtmlElement, meta: Meta, url: str) -> str:
    """Fill `meta` from the page's meta tags, JSON-LD, canonical link and <title>; returns the
    page's description ("" if none)."""
    tags: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content and content.strip():
            tags.setdefault(key, []).append(content)

    def first(kind: str) -> str:
        for key in _META_KEYS[kind]:
            for value in tags.get(key, ()):
                value = one_line(htmllib.unescape(value))
                if value and not (kind in ("author", "outlet") and URL.fullmatch(value)):
                    return value
        return ""

    meta.set("title", first("title"))
    meta.date(_date(first("date")), 0)
    meta.date(_date(first("updated")), 2)
    meta.set("author", first("author"))
    meta.set("outlet", first("outlet"))
    for key in _TAG_KEYS:
        for value in tags.get(key, ()):
            meta.add_tags(one_line(value))
    blocks = [el.text_content() for el in tree.iter("script") if "ld+json" in el.get("type", "")]
    if blocks and (ld := ld_article(blocks)):
        field_map(ld, meta)
    canonical = next(
        (
            (el.get("href") or "").strip()
            for el in tree.iter("link")
            if "canonical" in (el.get("rel") or "").lower().split() and el.get("href")
        ),
        "",
    )
    page_url = _absolute(canonical, url) or _absolute(first("url"), url) or _absolute(url, "")
    # The canonical link beats a URL from JSON-LD or og:url: it is the one the site maintains.
    if page_url:
        meta.url = page_url
    elif meta.url and not _absolute(meta.url, ""):
        meta.url = ""
    title_el = next(tree.iter("title"), None)
    page_title = one_line(title_el.text_content()) if title_el is not None else ""
    if not meta.title and page_title:
        meta.set("title", page_title)
    if not meta.title:
        h1 = next((one_line(h.text_content()) for h in tree.iter("h1") if h.text_content()), "")
        meta.set("title", h1)
    meta.title = _without_site_name(meta.title, meta.outlet, meta.url or url)
    return first("description")


def _date(text: str) -> dt.datetime | dt.date | None:
    return parse_date(text) if text and len(text) < 100 else None


def _absolute(link: str, base: str) -> str:
    """`link` as an absolute http(s) URL (resolved against `base`), or ""."""
    link = one_line(link)
    if not link:
        return ""
    try:
        full = urljoin(base, link) if base else link
        parts = urlsplit(full)
    except ValueError:
        return ""
    return full if parts.scheme in ("http", "https") and parts.hostname else ""


def _fold(text: str) -> str:
    folded = _FOLD.sub("", text.casefold())
    return folded[3:] if folded.startswith("the") and len(folded) > 6 else folded


def _site_names(outlet: str, url: str) -> list[str]:
    """What the site may be called in a title: its outlet, and its host's registrable label
    ("bbc" for www.bbc.co.uk), folded."""
    names = [_fold(outlet)] if outlet else []
    if host := host_outlet(url):
        names.append(_fold(host.split(".")[0]))
    return [n for n in names if len(n) >= 2]


def _is_site(part: str, names: list[str]) -> bool:
    folded = _fold(part)
    if not folded or len(part.split()) > 6:
        return False
    return any(
        folded == name or (min(len(folded), len(name)) >= 3 and (
            folded.startswith(name) or name.startswith(folded)))
        for name in names
    )  # fmt: skip


def _without_site_name(title: str, outlet: str, url: str) -> str:
    """`title` less a " | Site" / " - Site" suffix (or a "Site: " prefix) naming the site."""
    names = _site_names(outlet, url)
    if not title or not names:
        return title
    seps = list(_TITLE_SEPARATORS.finditer(title))
    if seps:
        last, head = seps[-1], title[: seps[-1].start()]
        if len(head.split()) >= 2 and _is_site(title[last.end() :], names):
            return head.strip()
        first, tail = seps[0], title[seps[0].end() :]
        if len(tail.split()) >= 2 and _is_site(title[: first.start()], names):
            return tail.strip()
    return title


def _same_text(a: str, b: str) -> bool:
    return _fold(a) == _fold(b)


# ---- the story -------------------------------------------------------------------------------


def _story(tree: HtmlElement, meta: Meta, url: str) -> list[str]:
    """The story's paragraphs, and what trafilatura's metadata adds to `meta` (author, date,
    site name) where the page's structured metadata said nothing.

    trafilatura runs twice on the same tree (it does not change it): once as it comes, which
    finds the whole story but often runs on into a comment thread, a "read more" list or a
    newsletter box, and once favouring precision, which stops at the story's edges but drops
    some of its paragraphs. The first run's paragraphs are kept from the first to the last one
    that the second run also has. Measured on 47 real pages (bench/bench_extract.py, word
    4-gram F1, 2025-12): 0.943 for the first run alone, 0.959 for the second, 0.963 trimmed.
    """
    import trafilatura

    common: dict[str, Any] = {"url": url or None, "include_comments": False}
    # Its metadata pass (~10 ms, mostly htmldate) only when the page's own tags left a gap.
    wanted = not (meta.author and meta.dates and meta.outlet)
    doc = trafilatura.bare_extraction(
        tree,
        with_metadata=wanted,
        # A wrong date is worse than none: no guessing from dates anywhere in the text.
        date_extraction_params={"extensive_search": False, "original_date": True},
        **common,
    )
    if doc is None:
        return []
    if wanted:
        _add_heuristic_metadata(doc, meta)
    found = _lines(doc.text)  # type: ignore[union-attr]  # a Document: as_dict is not set
    strict = trafilatura.bare_extraction(tree, favor_precision=True, **common)
    strict_text = strict.text if strict is not None else None  # type: ignore[union-attr]
    return _trimmed(found, _lines(strict_text) if strict_text is not None else [])


def _lines(text: str | None) -> list[str]:
    return [p for p in (" ".join(line.split()) for line in (text or "").split("\n")) if p]


_WORDS = re.compile(r"\w+")
_GRAM = 4


def _grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _trimmed(paragraphs: list[str], reference: list[str]) -> list[str]:
    """`paragraphs` less the leading and trailing ones that `reference` does not hold (half
    of their word 4-grams or more; a shorter paragraph's words in a row). Kept whole when the
    reference holds less than a third of their words: a reference that short missed the
    story, it does not bound it. The reference itself when it holds as many words: it is the
    cleaner of the two (trafilatura's first run cuts a short page into a line per element)."""
    ref_words = [w for p in reference for w in _WORDS.findall(p.casefold())]
    words = [_WORDS.findall(p.casefold()) for p in paragraphs]
    total = sum(len(w) for w in words)
    if len(ref_words) < total / 3:
        return paragraphs
    known: dict[int, set[tuple[str, ...]]] = {}

    def held(para: list[str]) -> bool:
        n = min(_GRAM, len(para))
        if n == 0:
            return False
        if n not in known:
            known[n] = {g for p in reference for g in _grams(_WORDS.findall(p.casefold()), n)}
        grams = [tuple(para[i : i + n]) for i in range(len(para) - n + 1)]
        return 2 * sum(g in known[n] for g in grams) >= len(grams)

    start, end = 0, len(paragraphs)
    while start < end and not held(words[start]):
        start += 1
    while end > start and not held(words[end - 1]):
        end -= 1
    kept = paragraphs[start:end]
    if not kept or len(ref_words) >= sum(len(w) for w in words[start:end]):
        return reference
    return kept


def _add_heuristic_metadata(doc: Any, meta: Meta) -> None:
    if not meta.author and isinstance(doc.author, str):
        # trafilatura reads bylines from the page too, and sometimes a form field ("Username"):
        # only names of two words or more are taken from it.
        names = [one_line(n) for n in doc.author.split(";")]
        names = [n for n in names if len(n.split()) >= 2 and n[0].isupper()]
        meta.set("author", ", ".join(names))
    if not meta.dates and isinstance(doc.date, str):
        meta.date(_date(doc.date), 1)
    hostname = (doc.hostname or "").lower() if isinstance(doc.hostname, str) else ""
    if not meta.outlet and isinstance(doc.sitename, str):
        name = one_line(doc.sitename)
        # trafilatura falls back on the host name; the source's outlet beats a host name.
        if name and name.lower() not in (hostname, "www." + hostname):
            meta.set("outlet", name)
