"""Reading article files into `Article` records: decoding, dates, metadata lines, boilerplate,
paragraphs, and one reader per format (txt, md, html, json, jsonl). `read_html` turns a web
page's bytes (and its URL, if known) into the article it tells: for files and fetched pages.

Everything here takes bytes or text and returns records; nothing touches the index.
"""

from newsreader.index.parsing.articles import (
    FORMATS,
    MAX_FILE_BYTES,
    ArticleError,
    decode,
    format_for,
    parse_articles,
    parse_date,
    path_text,
    read_articles,
)
from newsreader.index.parsing.html import read_html

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "ArticleError",
    "decode",
    "format_for",
    "parse_articles",
    "parse_date",
    "path_text",
    "read_articles",
    "read_html",
]
