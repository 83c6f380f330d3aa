"""Where two articles differ on the compare screen, driven by Pilot: the third style over the
differing words, the ≠ badge, the legend, and the `d` list that goes to a place.

Two invented reports of one storm: a death toll each gives differently, far down in both (so
that going to it scrolls), the same quote given to two speakers, a sentence both word alike,
and paragraphs each has alone. Nothing sleeps: the tests wait for the alignment worker and for
the screen with `pause()`.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import OptionList, Static

from newsreader.index.model import Article
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.differences import DifferencesScreen
from newsreader.tui.widgets.compare_pane import ComparePane

_WORDS = {
    "a": ("gravel", "lantern", "meadow", "orchard", "pylon", "quarry", "ridge", "saddle"),
    "b": ("timber", "upland", "valley", "willow", "alder", "bramble", "cinder", "dredge"),
}


def filler(side: str, seed: int) -> str:
    """A paragraph of made-up words that only `side` uses."""
    vocab = _WORDS[side]
    words = [vocab[(seed * 5 + i * 3 + i // 4) % len(vocab)] for i in range(40)]
    return " ".join(" ".join(words[i : i + 10]).capitalize() + "." for i in range(0, 40, 10))


TOLL_A = "The storm killed 75 people in the coastal town of Marden on Monday."
TOLL_B = "The storm killed 62 people in the coastal town of Marden on Monday."
QUOTE_A = "“We will rebuild the pier before winter,” harbour master Ola Brekke said."
QUOTE_B = "“We will rebuild the pier before winter,” mayor Siv Lund said."

BODY_A = "\n\n".join(
    [QUOTE_A, *(filler("a", n) for n in range(10)), TOLL_A, *(filler("a", n) for n in range(3))]
)
BODY_B = "\n\n".join(
    [*(filler("b", n) for n in range(3)), QUOTE_B, *(filler("b", n) for n in range(3, 12)),
     TOLL_B, *(filler("b", n) for n in range(2))]
)  # fmt: skip


def article(aid: str, body: str) -> Article:
    return Article(id=aid, title=aid, body=body, source="t", path=f"/tmp/{aid}")


class CompareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("underneath")

    def on_mount(self) -> None:
        self.push_screen(CompareScreen(None, article("t/a", BODY_A), article("t/b", BODY_B)))


async def ready(pilot) -> CompareScreen:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen) and screen.alignment is not None
    return screen


def painted(pane: ComparePane, style: object) -> list[str]:
    shown: Text = pane.shown
    return [shown.plain[s.start : s.end] for s in shown.spans if s.style == style]


def visible(pane: ComparePane, offset: int) -> bool:
    row = pane.line_of(offset)
    assert row is not None
    return pane.scroll_y <= row < pane.scroll_y + pane.scrollable_content_region.height


async def test_differing_words_get_the_third_style_and_a_badge() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        style = screen.pane_a.palette().differ
        assert "75" in painted(screen.pane_a, style)
        assert "62" in painted(screen.pane_b, style)
        # The quote is the same words: nothing inside it is marked as differing.
        assert not any("rebuild" in text for text in painted(screen.pane_a, style))
        toll = next(s for s in screen.stops if s.kind == "pair" and s.differs)
        assert toll.label.startswith("≠")
        assert f"[{toll.label}]" in screen.pane_a.shown.plain
        assert f"[{toll.label}]" in screen.pane_b.shown.plain
        legend = screen.summary()
        assert " differs " in legend.plain
        assert any(
            legend.plain[s.start : s.end] == " differs " and s.style == style for s in legend.spans
        )


async def test_d_lists_where_they_differ_and_enter_goes_there() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("d")
        await pilot.pause()
        listing = pilot.app.screen
        assert isinstance(listing, DifferencesScreen)
        options = listing.query_one(OptionList)
        prompts = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert any("number: A “75”, B “62”" in p for p in prompts)
        assert any("Ola Brekke / Siv Lund" in p and "attribution" in p for p in prompts)
        toll = next(n for n, p in enumerate(prompts) if "75" in p)
        for _ in range(toll):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert pilot.app.screen is screen
        stop = screen.stops[screen.current]
        assert stop.kind == "pair" and stop.differs
        assert screen.pane_a.scroll_y > 0 and screen.pane_b.scroll_y > 0
        assert visible(screen.pane_a, stop.a[0]) and visible(screen.pane_b, stop.b[0])


async def test_the_list_closes_with_escape_and_changes_nothing() -> None:
    async with CompareApp().run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DifferencesScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen and screen.current == -1
        assert screen.pane_a.scroll_y == 0


async def test_the_list_says_so_when_nothing_differs() -> None:
    class Same(App[None]):
        def on_mount(self) -> None:
            body = "\n\n".join([TOLL_A, filler("a", 1)])
            self.push_screen(CompareScreen(None, article("t/a", body), article("t/b", TOLL_A)))

    async with Same().run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        await pilot.press("d")
        await pilot.pause()
        listing = pilot.app.screen
        assert isinstance(listing, DifferencesScreen)
        note = listing.query_one("#differences-none", Static).content
        assert "No pair differs" in str(note)
