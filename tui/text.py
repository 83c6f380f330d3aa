"""Safe rendering helpers: Rich `Text` built from plain strings and character spans.

Article text is hostile. Nothing here parses markup: every string becomes a `Text` through its
constructor or `append`, which treat `[bold]` as the six characters it is, and every string is
first passed through `tui.terminal.printable`, which drops ANSI/OSC escape sequences, control
characters and bidi overrides. Offsets given to these helpers refer to the cleaned string, so
callers clean first (`clean`) and compute spans on the cleaned text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from rich.style import StyleType
from rich.text import Text

from newsreader.tui.models import SegmentLike
from newsreader.tui.terminal import inline, printable, printable_line


def clean(text: str) -> str:
    """`text` without escape sequences or control characters; paragraphs kept."""
    return printable(text or "")


def one_line(text: str) -> str:
    """`text` cleaned and folded onto one line (titles, outlets, URLs)."""
    return printable_line(text)


def pasted(text: str) -> str:
    """Pasted text as one line: every line break (LF, CR as terminals send it, CRLF) becomes a
    space, escape sequences and control characters go."""
    return one_line(text.replace("\r", "\n"))


def plain(text: str, style: StyleType = "") -> Text:
    """A one-line `Text` showing `text` literally."""
    return Text(one_line(text), style=style, no_wrap=True, overflow="ellipsis", end="")


def joined(parts: Iterable[str], separator: str = " · ", style: StyleType = "") -> Text:
    """The non-empty `parts`, cleaned, joined on one line."""
    return plain(separator.join(p for p in (one_line(x) for x in parts) if p), style)


def highlighted(
    text: str,
    spans: Sequence[tuple[int, int]],
    *,
    style: StyleType = "",
    match_style: StyleType = "bold reverse",
    current: int | None = None,
    current_style: StyleType = "bold reverse underline",
) -> Text:
    """`text` (already cleaned) with each `(start, end)` span styled as a match.

    The span at index `current` gets `current_style`, so the reader sees where `n`/`N` are.
    """
    result = Text(text, style=style, end="")
    for index, (start, end) in enumerate(spans):
        result.stylize(current_style if index == current else match_style, start, end)
    return result


def from_segments(
    segments: Iterable[SegmentLike],
    *,
    style: StyleType = "",
    match_style: StyleType = "bold reverse",
    width: int | None = None,
) -> Text:
    """A one-line snippet from search segments: matches styled, nothing parsed as markup.

    Given the `width` it is shown in, a first match that would not show whole has the text
    before it cut at a word, behind "…", so that it starts in the first third of the line: a
    snippet puts up to 100 characters of context before it, past the edge of a list row."""
    result = Text(style=style, no_wrap=True, overflow="ellipsis", end="")
    first: int | None = None
    match_cells = 0
    for segment in segments:
        text = inline(segment.text)
        if segment.match and first is None:
            first = len(result)
            match_cells = cell_len(text)
        result.append(text, style=match_style if segment.match else None)
    if width is None or first is None:
        return result
    lead = max(8, width // 3)
    before = result.plain[:first]
    before_cells = cell_len(before)
    # Cut only a match that would not show whole (the last cell holds the ellipsis); widths
    # in cells, as the terminal shows them (CJK and emoji take two).
    if before_cells + match_cells < width or before_cells <= lead:
        return result
    cut, cells = first, 0  # back from the match, `lead` cells at most
    while cut > 0 and cells + cell_len(before[cut - 1]) <= lead:
        cut -= 1
        cells += cell_len(before[cut])
    space = before.find(" ", cut)
    cut = space + 1 if space >= 0 else cut
    shown = Text("…", style=style, no_wrap=True, overflow="ellipsis", end="")
    shown.append_text(result[cut:])
    return shown


def paragraphs(body: str) -> list[tuple[int, str]]:
    """The paragraphs of a cleaned body, each with its offset in `body`.

    Paragraphs are separated by blank lines; lone newlines inside one stay (poems, lists).
    """
    result: list[tuple[int, str]] = []
    start = 0
    for chunk in body.split("\n\n"):
        stripped = chunk.strip("\n")
        if stripped.strip():
            result.append((start + chunk.index(stripped), stripped))
        start += len(chunk) + 2
    return result

