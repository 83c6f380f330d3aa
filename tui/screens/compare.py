"""Two articles side by side: what they share word for word, what they say in other words, the
quotes they have in common, and what each has alone.

The alignment (`index.compare.compare`) is computed in a thread worker on the *cleaned* bodies
(`tui.text.clean` drops control characters, which would shift offsets against the raw body), so
every span it returns indexes the very text shown here. Article text is hostile: it reaches the
screen only as Rich `Text` built from plain strings, never as markup.

Keys: `]`/`[` next/previous shared passage or paraphrase pair (both panes scroll to it), `d`
lists where the two differ (`enter` goes there), `S` toggles synchronised scrolling, `x` swaps
the sides, `escape` goes back.
"""

from __future__ import annotations

import bisect
import dataclasses
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from newsreader.index.compare import Alignment, compare
from newsreader.index.model import Article, day_text
from newsreader.tui.compare_marks import (
    DEFAULT_PALETTE,
    Marks,
    Palette,
    Stop,
    SyncMap,
    marks_of,
    render_paragraph,
    stops_of,
)
from newsreader.tui.screens.base import NARROW
from newsreader.tui.screens.differences import DifferencesScreen, Place, places_of
from newsreader.tui.terminal import counted
from newsreader.tui.text import clean, one_line, paragraphs
from newsreader.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from newsreader.index.store.library import Library

PLAIN_AFTER = 0.1
"""Seconds to wait for the alignment before showing the articles without their marks."""


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


class CompareScreen(Screen[None]):
    """Articles `a` and `b` side by side (stacked on narrow terminals).

    `library` (an `index.store.library.Library`, or None) is kept for screens pushed from here; the
    comparison itself needs only the two articles.
    """

    CSS_PATH = "compare.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "right_square_bracket",
            "next",
            "Next",
            id="compare.next",
            tooltip="Go to the next shared passage or paraphrase pair",
        ),
        Binding(
            "left_square_bracket",
            "previous",
            "Previous",
            id="compare.previous",
            tooltip="Go to the previous shared passage or paraphrase pair",
        ),
        Binding(
            "d",
            "differences",
            "Differences",
            id="compare.differences",
            tooltip="List where the two differ: facts, quotes, other words",
        ),
        Binding(
            "S",
            "toggle_sync",
            "Sync",
            id="compare.sync",
            tooltip="Scroll both sides together, or each on its own",
        ),
        Binding("x", "swap", "Swap", id="compare.swap", tooltip="Swap the two sides"),
        Binding("w", "save", "Save", id="compare.save",
                tooltip="Save the comparison as a Markdown report (the file's path is shown)"),
        Binding(
            "escape",
            "close",
            "Back",
            id="compare.close",
            tooltip="Close the comparison and go back",
        ),
    ]

    class Aligned(Message):
        """The worker finished aligning `a` with `b` (as first given, before any swap)."""

        def __init__(self, a_id: str, b_id: str, alignment: Alignment) -> None:
            super().__init__()
            self.a_id = a_id
            self.b_id = b_id
            self.alignment = alignment

    current: reactive[int] = reactive(-1, init=False)
    """Index into `stops` of the passage or pair `]`/`[` last went to; -1 for none."""
    sync: reactive[bool] = reactive(True, init=False)
    """Scroll both panes together."""
    swapped: reactive[bool] = reactive(False, init=False)
    """Show B on the left (or top)."""

    def __init__(self, library: Library | None, a: Article, b: Article, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.library = library
        # Cleaned before comparing, so that every span indexes the text on screen.
        self.first = dataclasses.replace(a, body=clean(a.body))
        self.second = dataclasses.replace(b, body=clean(b.body))
        self.computed: Alignment | None = None
        self.failure: str | None = None  # why the alignment could not be computed
        self.stops: list[Stop] = []
        self._anchor_cache: tuple[object, SyncMap] | None = None
        self.sync_t = 0.0
        """The shared scroll position while sync is on (see `SyncMap`)."""

    # --- what is shown ----------------------------------------------------------------------

    @property
    def a(self) -> Article:
        """The article on the left (top)."""
        return self.second if self.swapped else self.first

    @property
    def b(self) -> Article:
        """The article on the right (bottom)."""
        return self.first if self.swapped else self.second

    @property
    def alignment(self) -> Alignment | None:
        """The alignment as seen from the left side, None while it is being computed."""
        if self.computed is None:
            return None
        return self.computed.swapped() if self.swapped else self.computed

    def compose(self) -> ComposeResult:
        yield Static("Comparing…", id="compare-summary")
        with Container(id="compare-panes"):
            with Vertical(id="compare-side-a", classes="compare-side"):
                yield Static(id="compare-head-a", classes="compare-head")
                yield ComparePane(id="compare-pane-a")
            with Vertical(id="compare-side-b", classes="compare-side"):
                yield Static(id="compare-head-b", classes="compare-head")
                yield ComparePane(id="compare-pane-b")
        yield Footer()

    def on_mount(self) -> None:
        # The marks are Rich styles baked into the text: paint them again in a new theme.
        self.app.theme_changed_signal.subscribe(self, lambda _: self._render_all())
        self._layout_for(self.app.size.width)
        self.pane_a.focus()
        self._update_sync(self.sync)
        self._align(self.first, self.second)
        # Ordinary articles align in a few milliseconds: show them once, aligned. Long ones
        # show their text first and their marks when the worker is done.
        self.set_timer(PLAIN_AFTER, self._show_plain)

    def on_unmount(self) -> None:
        # Textual's signal keeps a subscriber until it next publishes (a theme change), and the
        # callback it stores refers to this screen: without this, every compare screen closed
        # stayed in memory with both articles and their marked-up text (issue 19).
        self.app.theme_changed_signal.unsubscribe(self)

    def _show_plain(self) -> None:
        if self.computed is None:
            self._render_all()

    def on_resize(self) -> None:
        self._layout_for(self.size.width)

    def _layout_for(self, width: int) -> None:
        self.set_class(width < NARROW, "narrow")

    @property
    def pane_a(self) -> ComparePane:
        return self.query_one("#compare-pane-a", ComparePane)

    @property
    def pane_b(self) -> ComparePane:
        return self.query_one("#compare-pane-b", ComparePane)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _align(self, a: Article, b: Article) -> None:
        self.post_message(self.Aligned(a.id, b.id, compare(a, b)))

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "compare" or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        self.failure = (str(error).splitlines() or [type(error).__name__])[0]
        self._render_all()
        # The app's one place for worker failures (tui.screens.base), when there is one.
        report = getattr(self.app, "report_worker_error", None)
        if callable(report):
            report(event.worker)

    @on(Aligned)
    def _aligned(self, message: Aligned) -> None:
        if (message.a_id, message.b_id) != (self.first.id, self.second.id):
            return  # a stale result
        self.computed = message.alignment
        self.stops = stops_of(self.alignment) if self.alignment else []
        self.current = -1
        self._render_all()

    def _render_all(self) -> None:
        self._anchor_cache = None
        alignment = self.alignment
        for side, article, pane_id, head_id in (
            ("a", self.a, "#compare-pane-a", "#compare-head-a"),
            ("b", self.b, "#compare-pane-b", "#compare-head-b"),
        ):
            share = None
            if alignment is not None:
                share = alignment.shared_share_a if side == "a" else alignment.shared_share_b
            _set(self.query_one(head_id, Static), _header(article, share))
            marks = marks_of(alignment, self.stops, side) if alignment else None
            current = self.current if self.current >= 0 else None
            self.query_one(pane_id, ComparePane).show(article.body, marks, current)
        self._update_summary()

    def _update_summary(self) -> None:
        _set(self.query_one("#compare-summary", Static), self.summary())

    def summary(self) -> Text:
        """The summary bar: similarity, counts, where `]`/`[` are, sync state, a legend."""
        al = self.alignment
        if self.failure is not None:
            reason = one_line(self.failure)
            return Text(f"Could not compare these articles: {reason}", style="bold", end="")
        if al is None:
            return Text("Comparing…", end="")
        quotes = len(al.quotes)
        parts = [
            f"Similarity {al.similarity:.1%}",
            counted(len(al.shared), "shared passage"),
            counted(len(al.pairs), "pair"),
            counted(quotes, "quote"),
        ]
        out = Text(" · ".join(parts), style="bold", end="")
        if self.stops:
            if self.current >= 0:
                stop = self.stops[self.current]
                what = "passage" if stop.kind == "shared" else "pair"
                out.append(f"   ▶ {what} {stop.label} ({self.current + 1}/{len(self.stops)})")
            else:
                out.append(f"   ] next of {len(self.stops)}")
        palette = self.pane_a.palette()
        out.append("   sync " + ("on" if self.sync else "off"), style="dim")
        out.append("   ")
        out.append(" shared ", style=palette.shared)
        out.append(" ")
        out.append(" other words ", style=palette.pair)
        out.append(" ")
        out.append(" differs ", style=palette.differ)
        out.append(" ")
        out.append(" one side only ", style=palette.alone)
        return out

    def watch_current(self) -> None:
        self._render_all()

    def watch_sync(self, sync: bool) -> None:
        self._update_sync(sync)
        self._update_summary()

    def _update_sync(self, sync: bool) -> None:
        """Hand the scroll keys to the screen (sync on) or back to each pane; turned on, the
        shared position starts where A is, and B comes level with it."""
        self.pane_a.synced = self.pane_b.synced = sync
        if sync:
            map_ = self._sync_map()
            self.sync_t = map_.t_of(0, self.pane_a.scroll_y, self.sync_t)
            self.pane_b.drive(map_.at(self.sync_t)[1])

    # --- actions ----------------------------------------------------------------------------

    def action_next(self) -> None:
        self._go(1)

    def action_previous(self) -> None:
        self._go(-1)

    def _go(self, step: int) -> None:
        if not self.stops:
            self.notify("Nothing in common to go to.", severity="information", timeout=2)
            return
        if self.current < 0:
            index = 0 if step > 0 else len(self.stops) - 1
        else:
            index = (self.current + step) % len(self.stops)
        self.current = index
        self.call_after_refresh(self._scroll_to_current)

    def _scroll_to_current(self) -> None:
        if not 0 <= self.current < len(self.stops):
            return
        stop = self.stops[self.current]
        self._show_level(stop.a[0], stop.b[0])

    def _show_level(self, start_a: int, start_b: int) -> None:
        """Scroll both panes so that body offsets `start_a` and `start_b` stand on the same row,
        a quarter down the pane (higher when one of them is nearer the top than that)."""
        row_a, row_b = self.pane_a.line_of(start_a), self.pane_b.line_of(start_b)
        if row_a is None or row_b is None:
            return
        row = min(self._margin(), row_a, row_b)
        y_a, y_b = float(row_a - row), float(row_b - row)
        self.pane_a.drive(y_a)
        self.pane_b.drive(y_b)
        sync = self._sync_map()
        # Where the shared position puts both sides here (exactly, when the passage is one of
        # the map's points), so that the next key moves on from this place.
        t = sync.t_of(0, y_a, self.sync_t)
        if sync.at(t)[1] != y_b:
            t = sync.t_of(1, y_b, t)
        self.sync_t = t

    def _margin(self) -> int:
        return max(1, min(self.pane_a.size.height, self.pane_b.size.height) // 4)

    def action_differences(self) -> None:
        alignment = self.alignment
        if alignment is None:
            self.notify("Still comparing…", severity="information", timeout=2)
            return
        places = places_of(alignment)

        def go(index: int | None) -> None:
            if index is not None:
                self.go_to(places[index])

        self.app.push_screen(DifferencesScreen(places), go)

    def go_to(self, place: Place) -> None:
        """Show `place` in both panes: a pair becomes the current stop, a quote is scrolled to."""
        for n, stop in enumerate(self.stops):
            if place.pair is not None and stop.kind == "pair" and stop.number == place.pair:
                self.current = n
                self.call_after_refresh(self._scroll_to_current)
                return
        self.call_after_refresh(self._show_level, place.a_start, place.b_start)

    def action_toggle_sync(self) -> None:
        self.sync = not self.sync
        self.notify(
            "Scrolling both sides together." if self.sync else "Scrolling each side on its own.",
            timeout=2,
        )

    def action_swap(self) -> None:
        keep = self.stops[self.current] if 0 <= self.current < len(self.stops) else None
        self.swapped = not self.swapped
        self.stops = stops_of(self.alignment) if self.alignment else []
        index = -1
        if keep is not None:
            for n, stop in enumerate(self.stops):
                if (stop.a, stop.b) == (keep.b, keep.a):
                    index = n
                    break
        y_a, y_b = self.pane_a.scroll_y, self.pane_b.scroll_y
        if index != self.current:
            self.current = index  # renders
        else:
            self._render_all()
        self.call_after_refresh(self.pane_a.drive, y_b)
        self.call_after_refresh(self.pane_b.drive, y_a)
        self.call_after_refresh(self._resync)

    def _resync(self) -> None:
        """Take the shared position from where the panes stand (after a swap)."""
        if self.sync:
            self.sync_t = self._sync_map().t_of(0, self.pane_a.scroll_y, self.sync_t)

    def action_save(self) -> None:
        alignment = self.alignment
        if alignment is None:
            self.notify("Still comparing: save again in a moment.", timeout=3)
            return
        self._save(self.a, self.b, alignment)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, a: Article, b: Article, alignment: Alignment) -> None:
        from newsreader.tui.compare_markdown import save_report

        try:
            path = save_report(a, b, alignment)
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"The report could not be saved: {exc.strerror or exc}",
                severity="error", markup=False,
            )
            return
        self.app.call_from_thread(
            self.notify, f"Saved the report to {path}", title="Report saved", timeout=15,
            markup=False,
        )

    def action_close(self) -> None:
        self.app.pop_screen()

    # --- synchronised scrolling -------------------------------------------------------------

    @on(ComparePane.ScrollAsked)
    def _scroll_both(self, message: ComparePane.ScrollAsked) -> None:
        """A scroll key with sync on moves the shared position: each pane one line (or a page)
        or, while the other side catches up on text this one lacks, not at all."""
        sync = self._sync_map()
        page = max(1, min(self.pane_a.size.height, self.pane_b.size.height) - 1)
        steps = {"down": 1, "up": -1, "page_down": page, "page_up": -page}
        if message.how == "home":
            t = 0.0
        elif message.how == "end":
            t = sync.starts[-2] if len(sync.starts) > 1 else sync.length  # both ends at the foot
        else:
            t = self.sync_t + steps.get(message.how, 0)
        self.sync_t = max(0.0, min(t, sync.length))
        y_a, y_b = sync.at(self.sync_t)
        self.pane_a.drive(y_a)
        self.pane_b.drive(y_b)

    @on(ComparePane.Scrolled)
    def _follow(self, message: ComparePane.Scrolled) -> None:
        """The reader scrolled one pane by other means (the mouse, the scrollbar): the other
        follows to where the shared position puts it."""
        if not self.sync:
            return
        leader = message.pane
        side = 0 if leader is self.pane_a else 1
        sync = self._sync_map()
        self.sync_t = sync.t_of(side, leader.scroll_y, self.sync_t)
        other = self.pane_b if side == 0 else self.pane_a
        other.drive(sync.at(self.sync_t)[1 - side])

    def _sync_map(self) -> SyncMap:
        """The shared position's map (see `SyncMap`): the tops, each shared passage or pair at
        the same row of both panes (where they come in the same order), the two ends at the
        panes' feet, then the blank rows after them. Cached until the text or the layout
        changes."""
        a, b = self.pane_a, self.pane_b
        key = (a.size, b.size, a.max_scroll_y, b.max_scroll_y, self.swapped, len(self.stops))
        if self._anchor_cache is not None and self._anchor_cache[0] == key:
            return self._anchor_cache[1]
        points: list[tuple[float, float]] = [(0.0, 0.0)]
        margin = self._margin()
        for stop in self.stops:
            row_a, row_b = a.line_of(stop.a[0]), b.line_of(stop.b[0])
            if row_a is None or row_b is None:
                continue
            y_a, y_b = float(row_a - margin), float(row_b - margin)
            # The tops stay lined up; passages that B has in another order are skipped, so that
            # the points rise on both sides.
            if y_a <= 0 or y_b <= 0:
                continue
            if y_a >= points[-1][0] and y_b >= points[-1][1] and (y_a, y_b) != points[-1]:
                points.append((y_a, y_b))
        last = points[-1]
        ends = (max(a.end_y, last[0]), max(b.end_y, last[1]))
        if ends != last:
            points.append(ends)
        bottoms = (max(float(a.max_scroll_y), ends[0]), max(float(b.max_scroll_y), ends[1]))
        if bottoms != ends:
            points.append(bottoms)
        sync = SyncMap(points)
        self._anchor_cache = (key, sync)
        return sync

def _row(text: Text) -> Text:
    """One wrapped row as drawn: no line end, no trailing space (which would carry the colour
    of a passage to the pane's edge)."""
    text.end = ""
    text.rstrip()
    return text


def _set(static: Static, text: Text) -> None:
    """Show `text` in `static` unless it shows it already. The summary and the headers have
    fixed heights (see compare.tcss), so a new text needs no new layout of the screen."""
    if static.content != text:
        static.update(text, layout=False)


def _header(article: Article, share: float | None) -> Text:
    """Two lines, each cut to fit: the title, then outlet · date · share in shared passages."""
    day = day_text(article.date)
    shared = f"{share:.0%} shared" if share is not None else ""
    meta = " · ".join(x for x in (one_line(article.outlet), day, shared) if x)
    header = Text(end="", no_wrap=True, overflow="ellipsis")
    header.append(one_line(article.title) or "(untitled)", style="bold")
    header.append("\n")
    header.append(meta or " ", style="dim")
    return header
