"""Plain-text articles: the title is the first line that is not metadata."""

from __future__ import annotations

from typing import Any

from newsreader.index.model import Article
from newsreader.index.parsing.decoding import decode_entities
from newsreader.index.parsing.meta import Meta
from newsreader.index.parsing.metadata import strip_metadata
from newsreader.index.parsing.paragraphs import build_article, split_paragraphs


def parse_txt(text: str, **where: Any) -> list[Article]:
    # Text saved from web pages keeps its character references ("&#163;1.8m", the BBC corpus).
    text = decode_entities(text)
    lines: list[str | None] = [line.strip() or None for line in text.split("\n")]
    content = [i for i, x in enumerate(lines) if x is not None]
    inner = lines[content[0] : content[-1] + 1] if content else []
    no_blank_lines = None not in inner[3:]  # the header may be tight even when the body is not
    meta = Meta()
    units = strip_metadata(lines, meta, first_line_title=True)
    return [build_article(meta, split_paragraphs(units, no_blank_lines=no_blank_lines), **where)]
