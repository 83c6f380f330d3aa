"""Markdown articles: YAML front matter (guarded against alias bombs), headings, rules, inline
markup dropped."""

from __future__ import annotations

import re
from typing import Any

import yaml

from newsreader.index.model import Article
from newsreader.index.parsing.decoding import decode_entities
from newsreader.index.parsing.errors import ArticleError
from newsreader.index.parsing.fields import field_map
from newsreader.index.parsing.meta import Meta
from newsreader.index.parsing.metadata import strip_metadata
from newsreader.index.parsing.paragraphs import build_article

MAX_FRONT_MATTER_BYTES = 64 * 1024


MAX_YAML_ALIASES = 10  # article metadata never needs anchors; a few are harmless, many are a bomb


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with more than MAX_YAML_ALIASES aliases (alias bombs)."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise ArticleError(f"front matter has more than {MAX_YAML_ALIASES} YAML aliases")
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        # "date: 2021-13-45" looks like a YAML timestamp but is no date: keep it as text (the
        # article stays readable, just undated) instead of failing the whole file.
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_GuardedLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _GuardedLoader.construct_yaml_timestamp
)


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter mapping, the rest) of a Markdown text."""
    if not re.match(r"---[ \t]*\n", text):
        return {}, text
    close = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M).search(text, 4)
    if not close:
        raise ArticleError("front matter has no closing '---' line")
    block = text[4 : close.start()]
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise ArticleError(f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB")
    try:
        data = yaml.load(block, Loader=_GuardedLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        raise ArticleError(f"malformed front matter{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ArticleError(f"malformed front matter: {exc}") from None
    except RecursionError:
        raise ArticleError("malformed front matter: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ArticleError(f"malformed front matter: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ArticleError("malformed front matter: not a mapping of keys to values")
    return data, text[close.end() :]


_MD_HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*#*\s*$")


_MD_RULE = re.compile(r"\s*(?:[-*_]\s*){3,}$")


_MD_REFDEF = re.compile(r"\s*\[[^\]]+\]:\s*\S+.*$")


_MD_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),
    (re.compile(r"!\[([^\]]*)\]\[[^\]]*\]"), ""),
    (re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[a-zA-Z][^<>]*>"), ""),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])"), r"\1"),
]


def _md_inline(text: str) -> str:
    for regex, repl in _MD_INLINE:
        text = regex.sub(repl, text)
    # Markdown's character references ("&amp;", "&#163;"), as CommonMark reads them outside code.
    return decode_entities(text)


def _md_blocks(text: str) -> tuple[str | None, list[str]]:
    """(the text of a heading opening the document or None, plain-text paragraphs)."""
    paragraphs: list[str] = []
    current: list[str] = []
    first_heading: str | None = None
    fence: str | None = None

    def flush() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    lines = text.split("\n")
    for i, raw in enumerate(lines):
        line = raw.strip()
        if fence:
            if line.startswith(fence):
                fence = None
                flush()
            elif line:
                current.append(line)
            continue
        if line.startswith(("```", "~~~")):
            flush()
            fence = line[:3]
            continue
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not line or _MD_REFDEF.fullmatch(line):
            flush()
            continue
        if current and re.fullmatch(r"=+|-+", line):
            # setext heading underline: the lines above were a heading
            heading = " ".join(current)
            current.clear()
            if first_heading is None and not paragraphs:
                first_heading = heading
            else:
                paragraphs.append(heading)
            continue
        if _MD_RULE.fullmatch(line):
            flush()
            continue
        line = re.sub(r"^(?:>\s?)+", "", line).strip()
        if h := _MD_HEADING.fullmatch(line):
            flush()
            heading = _md_inline(h[2])
            if first_heading is None and not paragraphs:
                first_heading = heading
            else:
                paragraphs.append(heading)
            continue
        if m := re.match(r"[-*+•]\s+(.*)", line):
            flush()
            line = m[1]
        elif re.match(r"\d{1,3}[.)]\s+", line):
            flush()
        current.append(_md_inline(line))
        if not nxt:
            flush()
    flush()
    return first_heading, [p for p in (" ".join(x.split()) for x in paragraphs) if p]


def parse_md(text: str, **where: Any) -> list[Article]:
    front, rest = _front_matter(text)
    meta = Meta()
    field_map(front, meta)
    heading, paragraphs = _md_blocks(rest)
    if heading and not meta.title:
        meta.set("title", heading)
    elif heading:
        paragraphs.insert(0, heading)
    units = [p for para in paragraphs for p in (para, None)]
    units = strip_metadata(units, meta, first_line_title=False)
    return [build_article(meta, [u for u in units if u], **where)]
