"""JSON and JSONL articles: one object, a list of them, an object holding a list under a key like
"articles", or one object a line."""

from __future__ import annotations

import json
import re
from typing import Any

from newsreader.index.model import Article
from newsreader.index.parsing.errors import ArticleError
from newsreader.index.parsing.fields import FIELDS, field_map
from newsreader.index.parsing.html_fragment import html_paragraphs
from newsreader.index.parsing.meta import Meta
from newsreader.index.parsing.metadata import strip_metadata
from newsreader.index.parsing.paragraphs import build_article, split_paragraphs
from newsreader.index.untrusted import clean

_CONTAINERS = ("articles", "items", "entries", "data", "results", "posts", "stories", "docs")


_HTML_HINT = re.compile(r"</?(?:p|br|div|h[1-6]|li|ul|ol|blockquote|article|section)\b", re.I)


def _body_units(body: str) -> list[str | None]:
    """Paragraph units of a body field: HTML when it looks like HTML, else plain text."""
    if _HTML_HINT.search(body):
        return [p for para in html_paragraphs(body) for p in (para, None)]
    text = clean(body)
    lines: list[str | None] = [x.strip() or None for x in text.split("\n")]
    return [p for para in split_paragraphs(lines, no_blank_lines=False) for p in (para, None)]


def _json_article(obj: Any, *, article_id: str, **where: Any) -> Article | None:
    if not isinstance(obj, dict):
        return None
    meta = Meta()
    _, body = field_map(obj, meta)
    if not meta.title and not body:
        return None
    units = strip_metadata(_body_units(body), meta, first_line_title=False)
    return build_article(meta, [u for u in units if u], article_id=article_id, **where)


def _json_error(exc: json.JSONDecodeError, line_offset: int = 0) -> str:
    return f"malformed JSON at line {exc.lineno + line_offset}, column {exc.colno}: {exc.msg}"


def parse_json(text: str, *, article_id: str, **where: Any) -> list[Article]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(_json_error(exc)) from None
    except RecursionError:
        raise ArticleError("JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ArticleError(f"malformed JSON: {exc}") from None
    if isinstance(data, dict) and not any(
        re.sub(r"[^a-z]", "", str(k).lower()) in FIELDS["title"] + FIELDS["body"] for k in data
    ):
        for key in _CONTAINERS:
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if isinstance(data, dict):
        article = _json_article(data, article_id=article_id, **where)
        if article is None:
            raise ArticleError("JSON object has no title or body field")
        return [article]
    if not isinstance(data, list):
        raise ArticleError("JSON is neither an article object nor a list of them")
    found = [
        a
        for n, obj in enumerate(data, 1)
        if (a := _json_article(obj, article_id=f"{article_id}#{n}", **where)) is not None
    ]
    if not found:
        raise ArticleError("JSON list holds no article (no object with a title or body)")
    return found


def parse_jsonl(text: str, *, article_id: str, **where: Any) -> list[Article]:
    found: list[Article] = []
    first_error = ""
    n = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        n += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            first_error = first_error or _json_error(exc, lineno - 1)
            continue
        except RecursionError:
            first_error = first_error or f"JSON nested too deeply at line {lineno}"
            continue
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            first_error = first_error or f"malformed JSON at line {lineno}: {exc}"
            continue
        article = _json_article(obj, article_id=f"{article_id}#{n}", **where)
        if article is None:
            first_error = first_error or f"line {lineno} holds no article object"
        else:
            found.append(article)
    if not found:
        raise ArticleError(first_error or "no article in JSONL")
    return found
