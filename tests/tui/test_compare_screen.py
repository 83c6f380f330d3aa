"""The compare screen (tui.screens.compare) driven by Pilot, plus its SVG snapshots.

Two invented reports of one story: a wire paragraph both copy word for word (late in both, so
that going to it scrolls), a statement each outlet words differently, a quote from the same
official translated two ways, and paragraphs each has alone. Nothing sleeps: the tests wait for
the alignment worker with `app.workers.wait_for_complete()` and for the screen with `pause()`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from newsreader.index.model import Article
from newsreader.tui.compare_marks import DEFAULT_PALETTE, Marks, SyncMap, render_paragraph
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.widgets.compare_pane import ComparePane

WIRE_1 = (
    "The port authority of Lindmark said on Thursday that the northern ferry terminal would "
    "stay closed until divers had finished inspecting the pylons under the loading ramp."
)
WIRE_2 = (
    "Freight bound for the islands is being diverted through the smaller harbour at Osterby, "
    "where cranes have been working through the night to clear a backlog of containers."
)


_VOCAB = {
    "first": [
        "amber",
        "basalt",
        "cobalt",
        "delta",
        "ember",
        "fjord",
        "granite",
        "harbour",
        "indigo",
        "jetty",
        "kelp",
        "lagoon",
        "marble",
        "nettle",
        "onyx",
        "pebble",
        "quartz",
        "reef",
    ],
    "second": [
        "acorn",
        "birch",
        "cedar",
        "dune",
        "elm",
        "fern",
        "grove",
        "heath",
        "ivy",
        "juniper",
        "larch",
        "moss",
        "oak",
        "pine",
        "quince",
        "rowan",
        "sage",
        "thistle",
    ],
}


def filler(side: str, n: int) -> str:
    """A paragraph of made-up words only `side` uses, long enough to wrap over many lines."""
    vocab = _VOCAB[side]
    words = [vocab[(n * 7 + i * 5 + i // 3) % len(vocab)] for i in range(48)]
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, 48, 12)]
    return " ".join(sentences)


BODY_A = "\n\n".join(
    [
        "Ferry passengers in Lindmark faced long queues on Friday after the terminal shut.",
        "“We will not reopen a ramp that we cannot vouch for,” harbour master Ilse Brandt told "
        "the Lindmark Courier.",
        *(filler("first", n) for n in range(8)),
        WIRE_1,
        "Shopkeepers near the terminal said their takings had halved since Monday.",
        *(filler("first", n) for n in range(8, 12)),
        WIRE_2,
    ]
)
BODY_B = "\n\n".join(
    [
        *(filler("second", n) for n in range(5)),
        "Harbour master Ilse Brandt said she would not “put passengers on a ramp nobody can "
        "vouch for”.",
        WIRE_2,
        *(filler("second", n) for n in range(5, 10)),
        "Traders close to the terminal say their takings have fallen by half since Monday.",
        WIRE_1,
        *(filler("second", n) for n in range(10, 16)),
    ]
)


def article(aid: str, title: str, body: str, outlet: str, day: int) -> Article:
    return Article(
        id=aid,
        title=title,
        body=body,
        source="t",
        path=f"/tmp/{aid}",
        outlet=outlet,
        date=dt.date(2030, 3, day),
    )


A = article("t/courier.txt", "Lindmark ferry terminal shut for checks", BODY_A, "Courier", 14)
B = article("t/gazette.txt", "Freight diverted as ferry ramp closes", BODY_B, "Gazette", 15)


class CompareApp(App[None]):
    """A bare app with one screen underneath, pushing the compare screen on mount."""

    def __init__(self, a: Article = A, b: Article = B) -> None:
        super().__init__()
        self.a, self.b = a, b

    def compose(self) -> ComposeResult:
        yield Static("the article list", id="underneath")

    def on_mount(self) -> None:
        self.push_screen(CompareScreen(None, self.a, self.b))


async def ready(pilot) -> CompareScreen:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    assert screen.alignment is not None
    return screen


def visible(pane: ComparePane, offset: int) -> bool:
    row = pane.line_of(offset)
    assert row is not None
    return pane.scroll_y <= row < pane.scroll_y + pane.scrollable_content_region.height


def shown_paragraphs(pane: ComparePane) -> list[Text]:
    return list(pane.shown.split("\n\n"))


def painted(text: Text, style: object) -> list[str]:
    return [text.plain[s.start : s.end] for s in text.spans if s.style == style]


def summary_text(screen: CompareScreen) -> str:
    return screen.summary().plain


async def test_summary_counts_what_was_found() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        al = screen.alignment
        assert al is not None
        assert [p.a.text for p in al.shared] == [WIRE_1.rstrip("."), WIRE_2.rstrip(".")]
        assert len(al.quotes) == 1 and al.quotes[0].speaker == "Ilse Brandt"
        assert any("takings" in p.a.text for p in al.pairs)
        text = summary_text(screen)
        assert "2 shared passages" in text and "1 quote" in text and "sync on" in text
        head = screen.query_one("#compare-head-a", Static).content
        assert isinstance(head, Text)
        assert "Lindmark ferry terminal" in head.plain and "Courier · 2030-03-14" in head.plain


async def test_next_and_previous_scroll_both_panes_to_the_passage() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        assert screen.current == -1
        wire = next(n for n, s in enumerate(screen.stops) if s.kind == "shared" and s.number == 1)
        for _ in range(wire + 1):
            await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.current == wire
        stop = screen.stops[wire]
        assert screen.pane_a.scroll_y > 0 and screen.pane_b.scroll_y > 0
        assert visible(screen.pane_a, stop.a[0]) and visible(screen.pane_b, stop.b[0])
        assert f"passage 1 ({wire + 1}/{len(screen.stops)})" in summary_text(screen)

        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.current == wire - 1
        before = screen.stops[wire - 1]
        assert visible(screen.pane_a, before.a[0]) and visible(screen.pane_b, before.b[0])


async def test_previous_from_the_start_goes_to_the_last_stop() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.current == len(screen.stops) - 1
        await pilot.press("right_square_bracket")
        assert screen.current == 0


async def test_current_passage_is_marked_in_both_panes() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        label = f"[{screen.stops[0].label}]"
        for pane in (screen.pane_a, screen.pane_b):
            assert pane.shown.plain.count(label) == 1


async def test_shared_passages_are_numbered_alike_on_both_sides() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        for pane, wire in ((screen.pane_a, WIRE_1), (screen.pane_b, WIRE_1)):
            para = next(t for t in shown_paragraphs(pane) if wire[:30] in t.plain)
            assert para.plain.startswith("[1] ")
            assert painted(para, pane.palette().shared) == [wire.rstrip(".")]


async def test_swap_exchanges_the_sides_and_keeps_the_current_passage() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("right_square_bracket")
        before = screen.stops[screen.current]
        await pilot.press("x")
        await pilot.pause()
        assert screen.a.id == B.id and screen.b.id == A.id
        head = screen.query_one("#compare-head-a", Static).content
        assert isinstance(head, Text) and head.plain.startswith("Freight diverted")
        now = screen.stops[screen.current]
        assert (now.a, now.b) == (before.b, before.a)
        await pilot.press("x")
        await pilot.pause()
        assert screen.a.id == A.id
        assert screen.stops[screen.current] == before


async def test_sync_scrolling_is_on_by_default_and_toggled_with_S() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        a, b = screen.pane_a, screen.pane_b
        assert screen.sync
        a.scroll_to(y=a.max_scroll_y, animate=False, immediate=True)
        await pilot.pause()
        assert b.scroll_y == pytest.approx(b.max_scroll_y, abs=1)

        await pilot.press("S")
        await pilot.pause()
        assert not screen.sync and "sync off" in summary_text(screen)
        a.scroll_to(y=0, animate=False, immediate=True)
        await pilot.pause()
        assert b.scroll_y == pytest.approx(b.max_scroll_y, abs=1)

        await pilot.press("S")
        await pilot.pause()
        assert screen.sync
        b.scroll_to(y=0, animate=False, immediate=True)
        await pilot.pause()
        assert a.scroll_y == 0


async def test_escape_returns_to_the_screen_underneath() -> None:
    app = CompareApp()
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        assert app.screen.query_one("#underneath")


async def test_narrow_terminal_stacks_the_panes() -> None:
    async with CompareApp().run_test(size=(80, 40)) as pilot:
        screen = await ready(pilot)
        assert screen.has_class("narrow")
        assert screen.pane_b.region.y > screen.pane_a.region.y + screen.pane_a.region.height - 1
        assert screen.pane_a.region.x == screen.pane_b.region.x
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        assert not screen.has_class("narrow")
        assert screen.pane_b.region.x > screen.pane_a.region.x
        await pilot.resize_terminal(90, 40)
        await pilot.pause()
        assert screen.has_class("narrow")
        assert screen.pane_b.region.y > screen.pane_a.region.y


async def test_hostile_text_is_shown_literally_and_spans_fit_the_cleaned_text() -> None:
    # Control characters before the shared run shift every offset of the raw body; markup-like
    # text must stay text.
    hostile = "\x1b[31mRed\x1b[0m [bold]loud[/bold]\t\x07\x00 港口 " + WIRE_1
    a = article("t/h1", "[b]Title[/b] \x1b]52;c;Zm9v\x07", hostile, "[i]Out[/i]", 1)
    b = article("t/h2", "Plain", "Earlier: " + WIRE_1, "Other", 2)
    async with CompareApp(a, b).run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        para = shown_paragraphs(screen.pane_a)[0]
        assert "\x1b" not in para.plain and "\x07" not in para.plain
        assert "[bold]loud[/bold]" in para.plain and "\t" not in para.plain
        assert all(
            not row.plain or row.cell_len <= screen.pane_a._width for row in screen.pane_a._rows
        )
        assert painted(para, screen.pane_a.palette().shared) == [WIRE_1.rstrip(".")]
        head = screen.query_one("#compare-head-a", Static).content
        assert isinstance(head, Text) and "[b]Title[/b]" in head.plain
        assert "[i]Out[/i]" in head.plain and "\x1b" not in head.plain


async def test_an_empty_side_and_nothing_in_common() -> None:
    empty = article("t/empty", "Empty", "", "", 3)
    async with CompareApp(A, empty).run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        assert screen.stops == []
        await pilot.press("right_square_bracket")
        assert screen.current == -1
        assert "0 shared passages" in summary_text(screen)
        assert screen.pane_b.shown.plain == "(this article has no text)"


def test_render_paragraph_offsets_and_badges() -> None:

    body = "One two. Three four five."
    marks = Marks(shared=[(9, 24, 0)], pairs=[], labels=["1"], quotes=[], alone=[(0, 8)])
    text, badges = render_paragraph(0, body, marks, None)
    assert text.plain == "One two. [1] Three four five."
    assert badges == [(9, 4)]
    assert painted(text, DEFAULT_PALETTE.shared) == ["Three four five"]
    # A paragraph further into the body: spans are clipped to it.
    text, badges = render_paragraph(9, body[9:], marks, 0)
    assert text.plain.startswith("[1] Three")


# --- snapshots ---------------------------------------------------------------------------------

SNAPSHOT_APP = Path(__file__)


async def _go_to_first_wire(pilot) -> None:  # type: ignore[no-untyped-def]
    screen = await ready(pilot)
    wire = next(n for n, s in enumerate(screen.stops) if s.kind == "shared")
    for _ in range(wire + 1):
        await pilot.press("right_square_bracket")
    await pilot.pause()


def test_snapshot_wide(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(CompareApp(), terminal_size=(140, 40), run_before=_go_to_first_wire)


def test_snapshot_narrow(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(CompareApp(), terminal_size=(80, 40), run_before=_go_to_first_wire)


async def test_a_failed_compare_is_shown_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsreader.tui.screens.compare as module

    def broken(a: Article, b: Article) -> None:
        raise RuntimeError("out of cheese")

    monkeypatch.setattr(module, "compare", broken)
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, CompareScreen) and screen.alignment is None
        summary = screen.query_one("#compare-summary", Static).content
        assert isinstance(summary, Text) and "out of cheese" in summary.plain
        await pilot.press("right_square_bracket", "x")
        assert screen.current == -1 and screen.swapped


async def test_synchronised_scrolling_lines_up_the_shared_passages() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        a, b = screen.pane_a, screen.pane_b
        stop = next(s for s in screen.stops if s.kind == "shared" and s.number == 1)
        row_a, row_b = a.line_of(stop.a[0]), b.line_of(stop.b[0])
        assert row_a is not None and row_b is not None and row_a != row_b
        margin = max(1, a.size.height // 4)
        a.scroll_to(y=row_a - margin, animate=False, immediate=True)
        await pilot.pause()
        # The passage sits on the same row of both panes.
        assert b.scroll_y - row_b == pytest.approx(a.scroll_y - row_a, abs=1)
        assert visible(a, stop.a[0]) and visible(b, stop.b[0])


def test_sync_map_moves_each_side_a_line_at_a_time_and_levels_the_points() -> None:
    # Issue 10, item 11: between two points each side moves a line per step, then waits for
    # the other (interpolating moved B three lines for each of A's).
    sync = SyncMap([(0.0, 0.0), (10.0, 30.0), (20.0, 35.0), (40.0, 55.0)])
    assert sync.length == 30 + 10 + 20
    assert sync.at(0) == (0, 0)
    assert sync.at(5) == (5, 5)
    assert sync.at(10) == (10, 10)  # A has reached its point and waits for B
    assert sync.at(30) == (10, 30)  # both at the point: level
    assert sync.at(35) == (15, 35)
    assert sync.at(40) == (20, 35)
    assert sync.at(99) == (40, 55)
    for t in range(60):  # one step moves each side one line at most
        (a0, b0), (a1, b1) = sync.at(t), sync.at(t + 1)
        assert 0 <= a1 - a0 <= 1 and 0 <= b1 - b0 <= 1
    # Scrolling A by hand onto a line where it waits: coming down or up, B comes level with
    # the point; from inside the stretch, B does not move.
    assert sync.t_of(0, 10, near=3) == 30
    assert sync.t_of(0, 10, near=50) == 30
    assert sync.t_of(0, 10, near=25) == 25
    assert sync.t_of(1, 35, near=0) == 40
    assert SyncMap([(0.0, 0.0), (0.0, 0.0)]).at(3) == (0, 0)


async def test_rows_after_moving_between_passages_are_the_rows_before() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        before = [row.plain for row in screen.pane_a._rows]
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert [row.plain for row in screen.pane_a._rows] == before
        for row, start in zip(screen.pane_a._rows, screen.pane_a._row_starts, strict=True):
            assert screen.pane_a.shown.plain[start:].startswith(row.plain)
