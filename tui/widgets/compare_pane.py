"""One side of the compare screen: the whole article as one `Text`, painted with the marks of
the alignment (`tui.compare_marks`), wrapped here and drawn a line at a time.

Only the rows in view are rendered, and body offsets map exactly to rows (`line_of`), which
the compare screen uses to stand two passages level. With sync on, the scroll keys do not
scroll the pane: they ask the screen (`ScrollAsked`), which moves both sides.
"""

from __future__ import annotations

import bisect
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.tui.compare_marks import DEFAULT_PALETTE, Marks, Palette, render_paragraph
from newsreader.tui.text import paragraphs


class ComparePane(ScrollView, can_focus=True):
    """One side: the whole article as one `Text`, wrapped here and drawn a line at a time (only
    the rows in view are rendered, and body offsets map exactly to rows). Posts `Scrolled`
    when the reader scrolls it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Down", show=False, id="compare.down",
                tooltip="Scroll this side down a line"),
        Binding("k,up", "scroll_up", "Up", show=False, id="compare.up",
                tooltip="Scroll this side up a line"),
        Binding("space,pagedown", "page_down", "Page down", show=False,
                id="compare.page_down", tooltip="Scroll this side down a page"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="compare.page_up",
                tooltip="Scroll this side up a page"),
        Binding("g,home", "scroll_home", "Top", show=False, id="compare.top",
                tooltip="Go to the top of this side"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="compare.bottom",
                tooltip="Go to the end of this side"),
    ]  # fmt: skip

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "compare-pane--shared",
        "compare-pane--pair",
        "compare-pane--quote",
        "compare-pane--alone",
        "compare-pane--current",
        "compare-pane--badge-shared",
        "compare-pane--badge-pair",
        "compare-pane--differ",
    }

    class ScrollAsked(Message):
        """A scroll key on a pane whose scrolling the screen keeps in step with the other:
        `how` is down, up, page_down, page_up, home or end."""

        def __init__(self, pane: ComparePane, how: str) -> None:
            super().__init__()
            self.pane = pane
            self.how = how

        @property
        def control(self) -> ComparePane:
            return self.pane

    class Scrolled(Message):
        """The reader scrolled this pane (not the screen keeping it in step)."""

        def __init__(self, pane: ComparePane) -> None:
            super().__init__()
            self.pane = pane

        @property
        def control(self) -> ComparePane:
            return self.pane

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.driven_to: float | None = None
        self.synced = False
        """Set by the screen while sync is on: scroll keys then ask it (`ScrollAsked`)."""
        self.paras: list[tuple[int, str]] = []
        self.badges: list[tuple[int, int]] = []  # (body offset, badge length), sorted
        self.starts: list[int] = []  # where each paragraph begins in the shown text
        self.shown = Text(end="")  # the whole article as shown: paragraphs, badges, styles
        self._width = 0  # the width the rows below were wrapped at
        self._rows: list[Text] = []
        self._row_starts: list[int] = []  # the offset in `shown` of each row's first character
        self._strips: dict[int, Strip] = {}

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.driven_to is not None and abs(new_value - self.driven_to) < 1:
            self.driven_to = None
            return
        if round(old_value) != round(new_value):
            self.post_message(self.Scrolled(self))

    @property
    def end_y(self) -> float:
        """The scroll position that shows the article's last line at the pane's foot (the
        pane scrolls further, so that a passage near the end can stand level with the other
        side's)."""
        return float(max(0, len(self._rows) - self.scrollable_content_region.height))

    def _ask(self, how: str) -> bool:
        if self.synced:
            self.post_message(self.ScrollAsked(self, how))
        return self.synced

    def action_scroll_down(self) -> None:
        if not self._ask("down"):
            super().action_scroll_down()

    def action_scroll_up(self) -> None:
        if not self._ask("up"):
            super().action_scroll_up()

    def action_page_down(self) -> None:
        if not self._ask("page_down"):
            super().action_page_down()

    def action_page_up(self) -> None:
        if not self._ask("page_up"):
            super().action_page_up()

    def action_scroll_home(self) -> None:
        if not self._ask("home"):
            super().action_scroll_home()

    def action_scroll_end(self) -> None:
        if not self._ask("end"):
            self.scroll_to(y=self.end_y, animate=False)

    def drive(self, y: float) -> None:
        """Scroll to `y` at once, without this counting as the reader's scroll."""
        y = max(0.0, min(float(y), float(self.max_scroll_y)))
        if abs(y - self.scroll_y) < 1:
            return
        self.driven_to = y
        self.scroll_to(y=y, animate=False, immediate=True)

    def palette(self) -> Palette:
        """The styles of the marks, from the component classes in the CSS."""

        def style(name: str, default: Style) -> Style:
            return self.get_component_rich_style(f"compare-pane--{name}", partial=True) or default

        base = DEFAULT_PALETTE
        return Palette(
            shared=style("shared", base.shared),
            pair=style("pair", base.pair),
            quote=style("quote", base.quote),
            alone=style("alone", base.alone),
            current=style("current", base.current),
            badge_shared=style("badge-shared", base.badge_shared),
            badge_pair=style("badge-pair", base.badge_pair),
            differ=style("differ", base.differ),
        )

    def show(self, body: str, marks: Marks | None, current: int | None) -> None:
        """Show `body` (cleaned), painted with `marks`, paragraphs separated by a blank line."""
        palette = self.palette()
        self.paras = paragraphs(body)
        self.badges, self.starts = [], []
        shown = Text(end="")
        for n, (offset, text) in enumerate(self.paras):
            if n:
                shown.append("\n\n")
            # A tab would be drawn as one cell and shift the row: a space keeps every offset.
            text = text.replace("\t", " ")
            rendered, moved = render_paragraph(offset, text, marks, current, palette)
            self.badges.extend(moved)
            self.starts.append(len(shown))
            shown.append_text(rendered)
        if not self.paras:
            shown = Text("(this article has no text)", style="italic dim", end="")
        self.badges.sort()
        if shown == self.shown:
            return
        # Same characters, other styles (moving between passages): the rows stay where they are.
        restyle = shown.plain == self.shown.plain and self._width > 0
        self.shown = shown
        if restyle:
            self._restyle()
        else:
            self._wrap(self.scrollable_content_region.width)

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._wrap(width)
        else:
            self._size_for_rows()

    def _size_for_rows(self) -> None:
        # A pane's height minus one blank rows after the end: the last passage can be scrolled
        # up to the row where the other side shows it.
        extra = max(0, self.scrollable_content_region.height - 1)
        self.virtual_size = Size(self._width, len(self._rows) + extra)

    def _wrap(self, width: int) -> None:
        self._strips = {}
        self._width = max(0, width)
        self._rows, self._row_starts = [], []
        if self._width:
            console = self.app.console
            position = 0
            for line in self.shown.split("\n", allow_blank=True):
                plain, at = line.plain, 0
                for row in line.wrap(console, self._width, overflow="fold"):
                    # Wrapping may drop the spaces at a break: find where the row really starts.
                    found = plain.find(row.plain, at) if row.plain else -1
                    at = found if found >= 0 else at
                    self._row_starts.append(position + at)
                    at += len(row.plain)
                    self._rows.append(_row(row))
                position += len(line) + 1
        self._size_for_rows()
        self.refresh()

    def _restyle(self) -> None:
        """Cut the (restyled) shown text at the rows it was wrapped into before."""
        # One pass over the spans, at the rows the text was wrapped into before.
        self._rows = [_row(row) for row in self.shown.divide(self._row_starts[1:])]
        self._strips = {}
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if row >= len(self._rows):
            return Strip.blank(width, style)
        strip = self._strips.get(row)
        if strip is None:
            strip = Strip(self._rows[row].render(self.app.console)).apply_style(style)
            self._strips[row] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, style).apply_offsets(scroll_x, row)

    def line_of(self, offset: int) -> int | None:
        """The row (in the pane's scrollable content) that shows body character `offset`, or
        None before the pane has a width."""
        n = bisect.bisect_right([start for start, _ in self.paras], offset) - 1
        if n < 0 or not self._row_starts:
            return None
        start = self.paras[n][0]
        # The badges in front of passages lengthen the shown text.
        shift = sum(length for at, length in self.badges if start <= at <= offset)
        position = self.starts[n] + offset - start + shift
        return bisect.bisect_right(self._row_starts, position) - 1


def _row(text: Text) -> Text:
    """One wrapped row as drawn: no line end, no trailing space (which would carry the colour
    of a passage to the pane's edge)."""
    text.end = ""
    text.rstrip()
    return text
