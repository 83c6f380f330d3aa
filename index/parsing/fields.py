"""Named fields of JSON entries, Markdown front matter and HTML's JSON-LD: which keys mean title,
date, author, outlet, URL, tags and body."""

from __future__ import annotations

import re
from typing import Any

from newsreader.index.parsing.dates import date_value
from newsreader.index.parsing.meta import Meta
from newsreader.index.parsing.metadata import URL
from newsreader.index.untrusted import one_line

FIELDS = {
    "title": ("title", "headline", "name", "heading", "subject"),
    "body": (
        "body", "text", "content", "article", "articlebody", "fulltext", "story", "bodytext",
        "maintext", "html", "contenthtml", "description", "summary", "abstract", "lede",
    ),
    "date": (
        "date", "published", "publishedat", "pubdate", "datepublished", "publishdate",
        "publicationdate", "publishedon", "publishedtime", "created", "createdat",
        "datecreated", "timestamp", "time", "datetime", "firstpublished", "updated",
        "updatedat", "datemodified", "modified", "lastmodified",
    ),
    "outlet": (
        "outlet", "publication", "source", "site", "sitename", "publisher", "newspaper",
        "sourcename", "provider", "website", "domain",
    ),
    "author": ("author", "byline", "authors", "creator", "writer", "by", "reporter"),
    "url": ("url", "link", "permalink", "canonicalurl", "weburl", "href", "sourceurl", "uri"),
    "tags": ("tags", "keywords", "categories", "topics", "labels", "subjects", "section"),
}  # fmt: skip


_UPDATED = {"updated", "updatedat", "datemodified", "modified", "lastmodified"}


def _text_of(value: Any) -> str:
    """A display string from a JSON/YAML value: a string, a number, or an object's name."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for key in ("name", "title", "rendered", "text", "value", "@value", "displayName"):
            if isinstance(value.get(key), str):
                return value[key]
    return ""


def _names(value: Any) -> str:
    if isinstance(value, list):
        names = [one_line(_text_of(v)) for v in value[:50]]
        return ", ".join(n for n in names if n)
    return _text_of(value)


def field_map(obj: dict[Any, Any], meta: Meta) -> tuple[str, Any]:
    """Fill `meta` from an object's common field names; returns (body key, body value)."""
    keys: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(key, str):
            keys.setdefault(re.sub(r"[^a-z0-9]", "", key.lower()), value)
    for key in FIELDS["title"]:
        if title := one_line(_text_of(keys.get(key))):
            meta.set("title", title)
            break
    for key in FIELDS["date"]:
        if key in keys and (when := date_value(keys[key])) is not None:
            meta.date(when, 2 if key in _UPDATED else 0)
            break
    for key in FIELDS["outlet"]:
        if (name := one_line(_text_of(keys.get(key)))) and not URL.fullmatch(name):
            meta.set("outlet", name)
            break
    for key in FIELDS["author"]:
        if author := one_line(_names(keys.get(key))):
            meta.set("author", author)
            break
    for key in FIELDS["url"]:
        value = keys.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("href") or value.get("url")
        if isinstance(value, str) and URL.fullmatch(value.strip()):
            meta.set("url", value.strip())
            break
    if not meta.url and isinstance(keys.get("mainentityofpage"), str | dict):
        page = keys["mainentityofpage"]
        page = page.get("@id") if isinstance(page, dict) else page
        if isinstance(page, str) and URL.fullmatch(page):
            meta.set("url", page)
    for key in FIELDS["tags"]:
        if key in keys:
            value = keys[key]
            meta.add_tags([_text_of(v) for v in value] if isinstance(value, list) else value)
            break
    for key in FIELDS["body"]:
        value = keys.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "\n\n".join(value)
        value = _text_of(value) if isinstance(value, dict) else value
        if isinstance(value, str) and value.strip():
            return key, value
    return "", ""
