"""Reading article files into `Article` records. Nothing here touches the index.

The modules, in the order a file meets them:
- `articles`: the entry points (`read_articles`, `parse_articles`), formats and size limits.
- `decoding`: bytes -> text (BOMs, stray cp1252 bytes, BOM-less UTF-16, binary files refused).
- one reader per format: `txt`, `markdown`, `html` (`read_html` turns a web page's bytes, and
  its URL if known, into the article it tells: for files and fetched pages), `json` (json and
  jsonl); `html_fragment` reads the markup a JSON body may hold.
- `metadata` and `boilerplate`: the lines every format strips out of the text, and what they
  state (`meta.Meta`); `dates`: the table of date shapes; `fields`: named JSON/YAML fields.
- `paragraphs`: lines -> paragraphs, and the Article built from them.
Text is made safe by `newsreader.index.untrusted`, the module the display uses too.
"""

from newsreader.index.parsing.articles import (
    FORMATS,
    MAX_FILE_BYTES,
    format_for,
    parse_articles,
    read_articles,
)
from newsreader.index.parsing.dates import parse_date
from newsreader.index.parsing.decoding import decode, path_text
from newsreader.index.parsing.errors import ArticleError
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
