"""Reading article files into `Article` records: decoding, dates, metadata lines, boilerplate,
paragraphs, and one reader per format (txt, md, html, json, jsonl).

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
]
