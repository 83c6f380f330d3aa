"""The article pane: title, a meta line, the URL and the body, with search matches highlighted.

`n`/`N` walk the matches (title first, then the body in reading order); the pane's subtitle
shows where you are ("3/17") and the current match is scrolled to the middle of the pane.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from newsreader.index.model import day_text
from newsreader.tui.models import Reading
from newsreader.tui.text import highlighted, joined, one_line, paragraphs

TITLE = -1
"""`Match.block` of a match in the title."""
BODY = 0
"""`Match.block` of a match in the body."""


@dataclass(frozen=True, slots=True)
class Match:
    """One match: in the title (`block == TITLE`) or in the shown body (`block == BODY`), with
    offsets into that text."""

    block: int
    start: int
    end: int


def locate(reading: Reading) -> tuple[str, list[Match]]:
    """The body as shown (paragraphs separated by one blank line) and every match, in reading
    order, with offsets into the title or into that shown body."""
    paras = paragraphs(reading.body)
    starts = [offset for offset, _ in paras]
    shown: list[str] = []
    shown_starts: list[int] = []
    position = 0
    for _, text in paras:
        shown_starts.append(position)
        shown.append(text)
        position += len(text) + 2
    matches = [Match(TITLE, s, e) for s, e in sorted(reading.title_spans)]
    for start, end in sorted(reading.body_spans):
        block = bisect.bisect_right(starts, start) - 1
        if block < 0:
            continue
        offset, text = paras[block]
        s, e = start - offset, min(end - offset, len(text))
        if 0 <= s < e:
            base = shown_starts[block]
            matches.append(Match(BODY, base + s, base + e))
    return "\n\n".join(shown), matches


class ArticleView(VerticalScroll, can_focus=True):
    """Shows one article; `n`/`N` move between highlighted matches."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Down", show=False, id="article.down",
                tooltip="Scroll down a line"),
        Binding("k,up", "scroll_up", "Up", show=False, id="article.up",
                tooltip="Scroll up a line"),
        Binding("space,pagedown", "page_down", "Page down", id="article.page_down",
                key_display="space",
                tooltip="Scroll down a page"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="article.page_up",
                tooltip="Scroll up a page"),
        Binding("g,home", "scroll_home", "Top", show=False, id="article.top",
                tooltip="Go to the top of the article"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="article.bottom",
                tooltip="Go to the end of the article"),
        Binding("n", "next_match", "Next hit", id="article.next_match",
                tooltip="Go to the next search match"),
        Binding("N", "previous_match", "Prev hit", id="article.previous_match",
                tooltip="Go to the previous search match"),
    ]

    class MatchChanged(Message):
        """The current match moved (`index` is 0-based; -1 when there are none)."""

        def __init__(self, view: ArticleView, index: int, total: int) -> None:
            super().__init__()
            self.view = view
            self.index = index
            self.total = total

        @property
        def control(self) -> ArticleView:
            return self.view

    match_index: reactive[int] = reactive(-1, init=False)
    """The current match (0-based), -1 for none."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.reading: Reading | None = None
        self._body = ""
        self.matches: list[Match] = []

    def compose(self) -> ComposeResult:
        yield Static("Choose an article and press enter to read it.", id="article-empty")
        yield Static(id="article-title")
        yield Static(id="article-meta")
        yield Static(id="article-url")
        # One Static for the whole body, not one per paragraph: a new article is one update,
        # not a remount and relayout of dozens of widgets (measured 5x faster to show).
        yield Static(id="article-body")

    @property
    def article(self) -> Any:
        """The article shown, or None."""
        return self.reading.article if self.reading else None

    @property
    def counter(self) -> str:
        """"3/17" style position among the matches; "" without matches."""
        if not self.matches:
            return ""
        return f"{self.match_index + 1}/{len(self.matches)}"

    async def show(self, reading: Reading | None) -> None:
        """Show `reading` (None: the empty placeholder), scrolled to its first match if any."""
        previous, self.reading = self.reading, reading
        body = self.query_one("#article-body", Static)
        self.set_class(reading is None, "-empty")
        if reading is None:
            self._body, self.matches = "", []
            for part in ("#article-title", "#article-meta", "#article-url", "#article-body"):
                self.query_one(part, Static).update("")
            self.set_reactive(ArticleView.match_index, -1)
            self._update_counter()
            return
        # The same article again with other matches (search as you type: the first hit stays
        # while the query grows): the same text, so the same lines; only the highlights are
        # redrawn, with no layout of the pane (two of them, the dearest work of a keystroke).
        same = (
            previous is not None and previous.article.id == reading.article.id
            and previous.title == reading.title and previous.body == reading.body
        )
        self._body, self.matches = locate(reading)
        article = reading.article
        if not same:
            author = one_line(article.author)
            self.query_one("#article-meta", Static).update(
                joined([article.outlet, f"by {author}" if author else "", day_text(article.date)])
            )
            url = self.query_one("#article-url", Static)
            url.update(Text(one_line(article.url), end=""))
            url.display = bool(one_line(article.url))  # no blank line where there is no URL
        self.set_reactive(ArticleView.match_index, 0 if self.matches else -1)
        body.update(self._body_text(), layout=not same)
        self._render_title(layout=not same)
        self._update_counter()
        self.refresh_bindings()
        self.scroll_home(animate=False, immediate=True)
        if self.matches:
            self.call_after_refresh(self._scroll_to_match)
        self.post_message(self.MatchChanged(self, self.match_index, len(self.matches)))

    # -- rendering --------------------------------------------------------------------------

    def _spans(self, block: int) -> tuple[list[tuple[int, int]], int | None]:
        spans: list[tuple[int, int]] = []
        current = None
        for i, match in enumerate(self.matches):
            if match.block == block:
                if i == self.match_index:
                    current = len(spans)
                spans.append((match.start, match.end))
        return spans, current

    def _render_title(self, *, layout: bool = True) -> None:
        if self.reading is None:
            return
        spans, current = self._spans(TITLE)
        title = highlighted(
            self.reading.title or "(untitled)", spans, style="bold",
            match_style="bold reverse", current=current,
            current_style="bold reverse underline",
        )
        self.query_one("#article-title", Static).update(title, layout=layout)

    def _body_text(self) -> Text:
        spans, current = self._spans(BODY)
        return highlighted(
            self._body, spans, match_style="reverse",
            current=current, current_style="bold reverse underline",
        )

    def _block_widget(self, block: int) -> Widget:
        return self.query_one("#article-title" if block == TITLE else "#article-body")

    def _rerender(self, block: int) -> None:
        # Another current match: the same text, the same lines (no layout).
        if block == TITLE:
            self._render_title(layout=False)
        else:
            self.query_one("#article-body", Static).update(self._body_text(), layout=False)

    def _update_counter(self) -> None:
        self.border_subtitle = f"match {self.counter}" if self.matches else ""

    # -- matches ---------------------------------------------------------------------------

    def watch_match_index(self, old: int, new: int) -> None:
        blocks = {self.matches[i].block for i in (old, new) if 0 <= i < len(self.matches)}
        for block in blocks:
            self._rerender(block)
        self._update_counter()
        self.call_after_refresh(self._scroll_to_match)
        self.post_message(self.MatchChanged(self, new, len(self.matches)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # n/N only mean something (and only show in the footer) when there are matches.
        if action in ("next_match", "previous_match"):
            return bool(self.matches)
        return True

    def action_next_match(self) -> None:
        if self.matches:
            self.match_index = (self.match_index + 1) % len(self.matches)

    def action_previous_match(self) -> None:
        if self.matches:
            self.match_index = (self.match_index - 1) % len(self.matches)

    def _scroll_to_match(self) -> None:
        if not 0 <= self.match_index < len(self.matches):
            return
        match = self.matches[self.match_index]
        widget = self._block_widget(match.block)
        y = 0
        node: DOMNode | None = widget
        while isinstance(node, Widget) and node is not self:
            y += node.virtual_region.y
            node = node.parent
        title = self.reading.title if self.reading is not None else ""
        text = self._body if match.block != TITLE else title
        y += self._line_of(text, match.start, widget.content_region.width or self.size.width)
        self.scroll_to_region(Region(0, y, 1, 1), center=True, animate=False, immediate=True)

    def _line_of(self, text: str, offset: int, width: int) -> int:
        """The wrapped line (0-based) that holds character `offset` of `text`."""
        lines = Text(text).wrap(self.app.console, max(1, width))
        seen = 0
        for number, line in enumerate(lines):
            seen += len(line.plain)
            # wrap() drops the spaces it breaks at: count one back per line.
            if offset < seen + number + 1:
                return number
        return max(0, len(lines) - 1)
