"""The two sides of the compare screen, and their scrolling kept in step.

With sync on, the scroll keys of either side move one shared position (`sync_t`) through a
`tui.compare_marks.SyncMap`: the two tops, each shared passage or pair standing on the same row
of both sides, the two ends. Each key moves each side a line or a page at most; the side with
more text goes on alone until the next passage stands level. A scroll by other means (the
mouse, the scrollbar) brings the other side to where the map puts it.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.widgets import Static

from newsreader.tui.compare_marks import Stop, SyncMap
from newsreader.tui.widgets.compare_pane import ComparePane


class ComparePanes(Container):
    """Side A (`#compare-pane-a`, under its header `#compare-head-a`) and side B."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stops: Sequence[Stop] = ()
        """The passages and pairs shown, in A's order (the screen's `stops`)."""
        self.sync = True
        self.sync_t = 0.0
        """The shared scroll position while sync is on (see `SyncMap`)."""
        self._map_cache: tuple[object, SyncMap] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-side-a", classes="compare-side"):
            yield Static(id="compare-head-a", classes="compare-head")
            yield ComparePane(id="compare-pane-a")
        with Vertical(id="compare-side-b", classes="compare-side"):
            yield Static(id="compare-head-b", classes="compare-head")
            yield ComparePane(id="compare-pane-b")

    @property
    def pane_a(self) -> ComparePane:
        return self.query_one("#compare-pane-a", ComparePane)

    @property
    def pane_b(self) -> ComparePane:
        return self.query_one("#compare-pane-b", ComparePane)

    def changed(self, stops: Sequence[Stop]) -> None:
        """The sides were drawn again (new marks, swapped sides) with these `stops`."""
        self.stops = stops
        self._map_cache = None

    def set_sync(self, sync: bool) -> None:
        """Take the scroll keys from each pane (sync on) or hand them back; turned on, the
        shared position starts where A is, and B comes level with it."""
        self.sync = sync
        self.pane_a.synced = self.pane_b.synced = sync
        if sync:
            map_ = self.sync_map()
            self.sync_t = map_.t_of(0, self.pane_a.scroll_y, self.sync_t)
            self.pane_b.drive(map_.at(self.sync_t)[1])

    def show_level(self, start_a: int, start_b: int) -> None:
        """Scroll both panes so that body offsets `start_a` and `start_b` stand on the same row,
        a quarter down the pane (higher when one of them is nearer the top than that)."""
        row_a, row_b = self.pane_a.line_of(start_a), self.pane_b.line_of(start_b)
        if row_a is None or row_b is None:
            return
        row = min(self.margin(), row_a, row_b)
        y_a, y_b = float(row_a - row), float(row_b - row)
        self.pane_a.drive(y_a)
        self.pane_b.drive(y_b)
        sync = self.sync_map()
        # Where the shared position puts both sides here (exactly, when the passage is one of
        # the map's points), so that the next key moves on from this place.
        t = sync.t_of(0, y_a, self.sync_t)
        if sync.at(t)[1] != y_b:
            t = sync.t_of(1, y_b, t)
        self.sync_t = t

    def margin(self) -> int:
        return max(1, min(self.pane_a.size.height, self.pane_b.size.height) // 4)

    def resync(self) -> None:
        """Take the shared position from where the panes stand (after a swap)."""
        if self.sync:
            self.sync_t = self.sync_map().t_of(0, self.pane_a.scroll_y, self.sync_t)

    @on(ComparePane.ScrollAsked)
    def _scroll_both(self, message: ComparePane.ScrollAsked) -> None:
        """A scroll key with sync on moves the shared position: each pane one line (or a page)
        or, while the other side catches up on text this one lacks, not at all."""
        sync = self.sync_map()
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
        sync = self.sync_map()
        self.sync_t = sync.t_of(side, leader.scroll_y, self.sync_t)
        other = self.pane_b if side == 0 else self.pane_a
        other.drive(sync.at(self.sync_t)[1 - side])

    def sync_map(self) -> SyncMap:
        """The shared position's map (see `SyncMap`): the tops, each shared passage or pair at
        the same row of both panes (where they come in the same order), the two ends at the
        panes' feet, then the blank rows after them. Cached until the text (`changed`) or the
        layout changes."""
        a, b = self.pane_a, self.pane_b
        key = (a.size, b.size, a.max_scroll_y, b.max_scroll_y, len(self.stops))
        if self._map_cache is not None and self._map_cache[0] == key:
            return self._map_cache[1]
        points: list[tuple[float, float]] = [(0.0, 0.0)]
        margin = self.margin()
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
        self._map_cache = (key, sync)
        return sync
