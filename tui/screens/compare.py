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

import dataclasses
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from newsreader.index.compare import Alignment, compare
from newsreader.index.model import Article, day_text
from newsreader.tui.compare_marks import Stop, marks_of, stops_of
from newsreader.tui.messages import Aligned, WorkerFailed
from newsreader.tui.screens.base import NARROW
from newsreader.tui.screens.differences import DifferencesScreen, Place, places_of
from newsreader.tui.terminal import counted
from newsreader.tui.text import clean, one_line
from newsreader.tui.widgets.compare_pane import ComparePane
from newsreader.tui.widgets.compare_panes import ComparePanes
from newsreader.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from newsreader.index.store.library import Library

PLAIN_AFTER = 0.1
"""Seconds to wait for the alignment before showing the articles without their marks."""


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
        self._longest: tuple[object, int] = (None, 0)
        """(what it was measured for, cells): the summary at its longest, see _update_summary."""

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
        yield ComparePanes(id="compare-panes")
        yield Footer()

    def on_mount(self) -> None:
        # The marks are Rich styles baked into the text: paint them again in a new theme.
        self.app.theme_changed_signal.subscribe(self, lambda _: self._render_all())
        self._layout_for(self.app.size.width)
        self.pane_a.focus()
        self.query_one(ComparePanes).set_sync(self.sync)
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
        self._update_summary()

    @property
    def pane_a(self) -> ComparePane:
        return self.query_one(ComparePanes).pane_a

    @property
    def pane_b(self) -> ComparePane:
        return self.query_one(ComparePanes).pane_b

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _align(self, a: Article, b: Article) -> None:
        self.post_message(Aligned(a.id, b.id, compare(a, b)))

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        if event.worker.group == "compare":
            error = event.worker.error
            self.failure = (str(error).splitlines() or [type(error).__name__])[0]
            self._render_all()
        # The app's one place for worker failures (an app that has none ignores the message).
        self.post_message(WorkerFailed(event.worker))

    @on(Aligned)
    def _aligned(self, message: Aligned) -> None:
        if (message.a_id, message.b_id) != (self.first.id, self.second.id):
            return  # a stale result
        self.computed = message.alignment
        self.stops = stops_of(self.alignment) if self.alignment else []
        self.current = -1
        self._render_all()

    def _render_all(self) -> None:
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
        self.query_one(ComparePanes).changed(self.stops)
        self._update_summary()

    def _update_summary(self) -> None:
        # Two lines when the summary at its longest (any passage's place, "sync off") does not
        # fit one: from 100 columns up the legend goes on the second line (it was cut after
        # "other words" at 100 columns), narrower the text wraps where it must. Measured at
        # its longest, the bar keeps its height while `]`, `[` and `S` change it.
        width = (self.size.width or self.app.size.width) - 2  # the bar's padding
        two_lines = self._longest_summary() > width
        self.set_class(two_lines, "two-line-summary")
        legend_below = two_lines and not self.has_class("narrow")
        _set(self.query_one("#compare-summary", Static), self.summary(legend_below=legend_below))

    def _longest_summary(self) -> int:
        key = (id(self.computed), len(self.stops), self.failure)
        if self._longest[0] != key:
            longest = max(
                (self.summary(current=current, sync=False).cell_len
                 for current in range(-1, len(self.stops))),
                default=0,
            )
            self._longest = (key, longest)
        return self._longest[1]

    def summary(self, *, current: int | None = None, sync: bool | None = None,
                legend_below: bool = False) -> Text:
        """The summary bar: similarity, counts, where `]`/`[` are (`current`, else the
        screen's), sync state (`sync`, else the screen's), a legend (on a line of its own if
        `legend_below`)."""
        current = self.current if current is None else current
        sync = self.sync if sync is None else sync
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
            if current >= 0:
                stop = self.stops[current]
                what = "passage" if stop.kind == "shared" else "pair"
                out.append(f"   ▶ {what} {stop.label} ({current + 1}/{len(self.stops)})")
            else:
                out.append(f"   ] next of {len(self.stops)}")
        palette = self.pane_a.palette()
        out.append("   sync " + ("on" if sync else "off"), style="dim")
        out.append("\n" if legend_below else "   ")
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
        self.query_one(ComparePanes).set_sync(sync)
        self._update_summary()


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
        self.query_one(ComparePanes).show_level(stop.a[0], stop.b[0])


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
        self.call_after_refresh(self.query_one(ComparePanes).show_level, place.a_start,
                                place.b_start)

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
        self.call_after_refresh(self.query_one(ComparePanes).resync)


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
