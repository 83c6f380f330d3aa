"""The article list: a virtual, Line API list that draws only the rows on screen.

It holds a `Rows` source (see `tui.models`), not widgets: with 100,000 articles it still renders a
screenful of lines, fetching a page of entries from the index when one scrolls into view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.index.model import day_text
from newsreader.tui.models import Entry, EntryRows, Rows
from newsreader.tui.text import from_segments, one_line

DATE_WIDTH = 10
OUTLET_WIDTH = 24
"""The outlet column's widest (a quarter of the row at most)."""
UNREAD_MARK = "•"
COMPARE_MARK = "◆"
"""Shown before the article marked (space) for comparison."""


class ArticleList(ScrollView, can_focus=True):
    """A keyboard-driven list of articles or search hits; posts `Opened` on enter or click."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down",
                tooltip="Move to the next article"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up",
                tooltip="Move to the previous article"),
        Binding("g,home", "first", "First", show=False, id="list.first",
                tooltip="Go to the first article"),
        Binding("G,end", "last", "Last", show=False, id="list.last",
                tooltip="Go to the last article"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down",
                tooltip="Move down a screenful"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up",
                tooltip="Move up a screenful"),
        Binding("enter", "open", "Open", id="list.open", tooltip="Open the article"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--meta",
        "article-list--snippet",
        "article-list--match",
        "article-list--empty",
        "article-list--marked",
    }

    DEFAULT_CSS = """
    ArticleList {
        background: $surface;
        & > .article-list--cursor { background: $boost; }
        &:focus > .article-list--cursor { background: $block-cursor-background;
                                          color: $block-cursor-foreground; }
        & > .article-list--unread { text-style: bold; }
        & > .article-list--meta { color: $text-muted; }
        & > .article-list--snippet { color: $text-muted; }
        & > .article-list--match { color: $text-accent; text-style: bold reverse; }
        & > .article-list--empty { color: $text-muted; text-style: italic; }
        & > .article-list--marked { color: $text-warning; text-style: bold; }
    }
    """

    class _EntryMessage(Message):
        def __init__(self, article_list: ArticleList, entry: Entry, index: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.entry = entry
            self.index = index

        @property
        def control(self) -> ArticleList:
            return self.article_list

    class Highlighted(_EntryMessage):
        """The cursor moved onto an entry."""

    class Opened(_EntryMessage):
        """The user chose an entry to read (enter or click)."""

    class SnippetsWanted(Message):
        """Search hits whose snippets are still to come (`EntryRows.pending`) are in view, or
        a screenful from it: their owner should find them and `EntryRows.fill` them."""

        def __init__(self, article_list: ArticleList, rows: EntryRows, indexes: list[int]) -> None:
            super().__init__()
            self.article_list = article_list
            self.rows = rows
            self.indexes = indexes

        @property
        def control(self) -> ArticleList:
            return self.article_list

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """Index of the highlighted entry."""
    empty_text: reactive[str] = reactive("No articles.")
    """What an empty list says."""

    def __init__(
        self,
        *,
        is_read: Callable[[str], bool] = lambda _id: False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Rows = EntryRows([])
        self._empty_wrapped: tuple[tuple[str, int] | None, list[Text]] = (None, [])
        self.is_read = is_read
        """Tells read from unread articles: unread rows are bold and marked."""
        self.marked: str | None = None
        """The id of the article marked for comparison (shown with COMPARE_MARK)."""
        self.show_scores = False
        """Whether rows show their `score` (the related list does)."""
        self._columns_for: tuple[object, ...] | None = None
        self._column_widths = (0, 0)
        self._paint_style: Style | None = None
        """The widget's style while `render_lines` paints (see there)."""

    # -- data -------------------------------------------------------------------------------

    @property
    def rows(self) -> Rows:
        """The row source shown."""
        return self._rows

    def show(self, rows: Rows, *, cursor: int = 0) -> None:
        """Show `rows`, with the cursor on `cursor` (clamped) and scrolled into view."""
        self._rows = rows
        self._update_virtual_size()
        self.set_reactive(ArticleList.cursor, self._clamp(cursor))
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_cursor_into_view()
        self.refresh()
        # The rows in view came with their snippets (see ListPane.load); those of the next
        # screenful are asked for once these are painted, so that their thread does not take
        # the GIL from the paint.
        self.call_after_refresh(self._want_snippets)

    def rows_in_view(self, row_height: int = 2) -> int:
        """How many rows of `row_height` lines the list shows at once (0 before layout)."""
        height = self.scrollable_content_region.height
        return height // row_height + 1 if height > 0 else 0

    def _want_snippets(self) -> None:
        """Ask for the pending snippets of the rows in view and of the next screenful (so
        that paging down finds them ready)."""
        rows = self._rows
        if not isinstance(rows, EntryRows) or not rows.pending:
            return
        count = self.rows_in_view(self.row_height)
        if not count:
            return
        first = int(self.scroll_offset.y) // self.row_height
        wanted = rows.wanted(first, first + 2 * count)
        if wanted:
            self.post_message(self.SnippetsWanted(self, rows, wanted))

    def snippets_filled(self, rows: Rows, indexes: Iterable[int]) -> None:
        """The rows at `indexes` of `rows` got snippets: repaint if one of them is in view
        (those of the next screenful come while the user reads this one: no repaint then)."""
        if rows is not self._rows:
            return
        first = int(self.scroll_offset.y) // self.row_height
        last = first + self.rows_in_view(self.row_height)
        if any(first <= i <= last for i in indexes):
            self.refresh()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._want_snippets()

    @property
    def row_height(self) -> int:
        return 2 if self._rows.snippets else 1

    @property
    def entry(self) -> Entry | None:
        """The entry under the cursor."""
        return self._rows.get(self.cursor)

    def __len__(self) -> int:
        return len(self._rows)

    def _clamp(self, index: int) -> int:
        return max(0, min(index, len(self._rows) - 1)) if len(self._rows) else 0

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(
            self.scrollable_content_region.width, len(self._rows) * self.row_height
        )

    def on_resize(self, _event: events.Resize) -> None:
        self._update_virtual_size()
        self._want_snippets()

    # -- cursor ----------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return self._clamp(value)

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        entry = self.entry
        if entry is not None:
            self.post_message(self.Highlighted(self, entry, new))

    def _scroll_cursor_into_view(self) -> None:
        height = self.row_height
        region = Region(0, self.cursor * height, 1, height)
        self.scroll_to_region(region, animate=False, immediate=True, force=True)

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height // self.row_height - 1)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_page_down(self) -> None:
        self.cursor += self._page

    def action_page_up(self) -> None:
        self.cursor -= self._page

    def action_open(self) -> None:
        entry = self.entry
        if entry is not None:
            self.post_message(self.Opened(self, entry, self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + self.scroll_offset.y) // self.row_height
        if 0 <= index < len(self._rows):
            self.cursor = index
            self.action_open()

    def refresh_rows(self) -> None:
        """Repaint (after read state changed, say)."""
        self.refresh()

    # -- rendering -------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Every line of one paint has the same base style: looked up once, not for each line
        # (Textual works it out from the colours of every ancestor: a fifth of the list's
        # paint, which is most of the UI thread's work when a search's hits come in).
        self._paint_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._paint_style = None

    def render_line(self, y: int) -> Strip:
        _scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self._paint_style if self._paint_style is not None else self.rich_style
        if not len(self._rows):
            # Wrapped, not cut: it may name a folder and the key that reads it.
            lines = self._empty_lines(width)
            if y < len(lines):
                text = Text(" ", end="") + lines[y]
                text.stylize(self.get_component_rich_style("article-list--empty"))
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        line = scroll_y + y
        index, sub = divmod(line, self.row_height)
        entry = self._rows.get(index)
        if entry is None:
            return Strip.blank(width, base)
        text = self._snippet_line(entry, width) if sub else self._title_line(entry, width)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("article-list--cursor")
        return self._strip(text, width, style)

    def _empty_lines(self, width: int) -> list[Text]:
        """`empty_text` wrapped to the list's width (less a margin of one each side)."""
        key = (self.empty_text, width)
        if self._empty_wrapped[0] != key:
            wrapped = Text(self.empty_text, end="").wrap(self.app.console, max(width - 2, 1))
            self._empty_wrapped = (key, list(wrapped))
        return self._empty_wrapped[1]

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [
            Segment(s.text, style + s.style if s.style else style)
            for s in text.render(self.app.console)
        ]
        return Strip(segments, width).crop_extend(0, width, style)

    def _columns(self, width: int) -> tuple[int, int]:
        """The widths of the outlet and date columns for the rows in view: as wide as the
        widest outlet shown (a quarter of the row at most), none for a column no row in view
        fills, so titles get the rest (BBC files name no outlet: 30 of 66 cells were empty)."""
        first = int(self.scroll_offset.y) // self.row_height
        count = self.scrollable_content_region.height // self.row_height + 1
        key = (id(self._rows), len(self._rows), first, count, width)
        if key != self._columns_for:
            outlet, dated = 0, False
            for index in range(first, min(first + count, len(self._rows))):
                entry = self._rows.get(index)
                if entry is not None:
                    outlet = max(outlet, cell_len(one_line(entry.outlet)))
                    dated = dated or entry.date is not None
            self._columns_for = key
            self._column_widths = (min(outlet, OUTLET_WIDTH, max(0, width // 4)),
                                   DATE_WIDTH if dated else 0)
        return self._column_widths

    def _title_line(self, entry: Entry, width: int) -> Text:
        unread = not self.is_read(entry.id)
        meta_style = self.get_component_rich_style("article-list--meta", partial=True)
        title_style = (
            self.get_component_rich_style("article-list--unread", partial=True)
            if unread
            else Style()
        )
        marked = entry.id == self.marked
        mark_style = self.get_component_rich_style("article-list--marked", partial=True)
        outlet_width, date_width = self._columns(width)
        if width < 56:
            outlet_width = 0  # a narrow row keeps its title and the date
        outlet = Text(one_line(entry.outlet), end="")
        outlet.truncate(outlet_width, overflow="ellipsis", pad=True)
        date = day_text(entry.date)
        meta = Text(end="")
        if outlet_width:
            meta.append("  ")
            meta.append_text(outlet)
        if date_width:
            # (One space before the date when it stands alone: a narrow row needs every cell.)
            meta.append(f"{'  ' if outlet_width else ' '}{date:>{date_width}}")
        if self.show_scores and entry.score is not None:
            meta.append(f"  score {entry.score:5.2f}")
        meta.append(" ")
        title_width = max(1, width - 3 - meta.cell_len)
        title = Text(one_line(entry.title) or "(untitled)", style=title_style, end="")
        if entry.tell:  # a twin's path: it is what tells the two rows apart
            # The title keeps half the room; a longer path loses its start, not its file name
            # (`…/165.txt`), which is where twins differ.
            path = left_cut(one_line(entry.tell), max(1, title_width - title_width // 2 - 2))
            tell = Text(f"  {path}", style=meta_style, end="")
            title.truncate(max(1, title_width - tell.cell_len), overflow="ellipsis")
            title.append_text(tell)
        title.truncate(title_width, overflow="ellipsis", pad=True)
        return Text.assemble(
            (COMPARE_MARK if marked else " ", mark_style),
            (f"{UNREAD_MARK} " if unread else "  ", title_style),
            title,
            (meta.plain, meta_style),
            end="",
        )

    def _snippet_line(self, entry: Entry, width: int) -> Text:
        indent = "    "
        snippet = from_segments(
            entry.snippet,
            style=self.get_component_rich_style("article-list--snippet", partial=True),
            match_style=self.get_component_rich_style("article-list--match", partial=True),
            width=width - len(indent),
        )
        return Text.assemble(indent, snippet, end="")

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()


def left_cut(text: str, width: int) -> str:
    """`text` in `width` cells at most: its end, after an ellipsis, if it is longer."""
    if cell_len(text) <= width:
        return text
    while text and cell_len(text) > width - 1:
        text = text[1:]
    return "…" + text
