"""Where two compared articles differ, as a list over the compare screen (key `d`): each pair
whose verdict is "differs" and each matched quote given to another speaker or worded otherwise,
with what differs in words. `enter` goes to the chosen place in both panes, `escape` closes.

Article text reaches the list only as plain strings in Rich `Text`, folded onto one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.index.compare import Alignment, describe
from newsreader.tui.screens.base import ReaderModal
from newsreader.tui.text import one_line
from newsreader.tui.widgets.footer import Footer

EXCERPT = 90
"""Characters of each side's sentence shown under an item."""


@dataclass(frozen=True, slots=True)
class Place:
    """One place the two differ: its label ("≠3", "quote"), what differs in words, each
    side's sentence (or quote) and where it starts in that side's body."""

    label: str
    what: str
    a_text: str
    b_text: str
    a_start: int
    b_start: int
    pair: int | None  # the pair's number (1-based, as in its badge), None for a quote


def places_of(alignment: Alignment) -> list[Place]:
    """The places, in reading order of side A."""
    found = [
        Place(
            f"≠{n}",
            describe(p.differences, one_line),
            p.a.text,
            p.b.text,
            p.a.start,
            p.b.start,
            n,
        )
        for n, p in enumerate(alignment.pairs, 1)
        if p.verdict == "differs"
    ]
    for m in alignment.quotes:
        if m.differences:
            speakers = " / ".join(one_line(q.speaker or "speaker not named") for q in (m.a, m.b))
            found.append(
                Place(
                    "quote",
                    f"{speakers} · {describe(m.differences, one_line)}",
                    m.a.span.text,
                    m.b.span.text,
                    m.a.span.start,
                    m.b.span.start,
                    None,
                )
            )
    found.sort(key=lambda p: (p.a_start, p.pair is None))
    return found


def _prompt(place: Place) -> Text:
    text = Text(end="")
    text.append(f"{place.label} ", style="bold")
    text.append(place.what)
    for side, sentence in (("A", place.a_text), ("B", place.b_text)):
        line = one_line(sentence)
        if len(line) > EXCERPT:
            line = line[: EXCERPT - 1] + "…"
        text.append(f"\n  {side} ", style="bold dim")
        text.append(line, style="dim")
    return text


class DifferencesScreen(ReaderModal[int | None]):
    """Dismisses with the index (into `places`) of the place to go to, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding, or the list's own enter (not shown) would hide it from the footer.
        Binding("enter", "go", "Go to", priority=True, id="differences.go",
                tooltip="Go to the chosen place in both articles"),
        Binding("escape,d,q", "close", "Close", id="differences.close",
                tooltip="Close the list of differences"),
    ]  # fmt: skip

    CSS_PATH = "compare.tcss"

    def __init__(self, places: list[Place]) -> None:
        super().__init__()
        self.places = places

    def compose(self) -> ComposeResult:
        with Vertical(id="differences-body") as body:
            body.border_title = f"Where they differ ({len(self.places)})"
            body.border_subtitle = "enter go to · escape close"
            if self.places:
                yield OptionList(
                    *(Option(_prompt(p), id=str(n)) for n, p in enumerate(self.places)),
                    id="differences-list",
                )
            else:
                yield Static(
                    "No pair differs and no quote is given to another speaker or worded otherwise.",
                    id="differences-none",
                )
        # Its own keys underneath, not the compare screen's (which stay in its footer).
        yield Footer()

    def on_mount(self) -> None:
        for options in self.query(OptionList):
            options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to go to when no place differs: enter is neither shown nor bound.
        return bool(self.places) if action == "go" else True

    def action_go(self) -> None:
        for options in self.query(OptionList):
            if options.highlighted is not None:
                self.dismiss(options.highlighted)

    def action_close(self) -> None:
        self.dismiss(None)
