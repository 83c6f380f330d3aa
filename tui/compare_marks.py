"""What the compare screen paints: the places `]`/`[` stop at, the marks of each side, one
paragraph as a styled Rich `Text`, and the mapping that keeps two panes in step.

Pure functions of an `index.compare.Alignment` and plain strings, no Textual: article text is
only ever appended to a `Text` as a plain string, never parsed as markup.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from newsreader.index.compare import Alignment


@dataclass(frozen=True, slots=True)
class Palette:
    """The Rich styles of the marked text. The screen takes them from `ComparePane`'s component
    classes (see compare.tcss), so themes and user CSS decide the colours; the defaults here
    serve tests and the rendering helpers."""

    shared: Style
    pair: Style
    quote: Style
    alone: Style
    current: Style
    badge_shared: Style
    badge_pair: Style
    differ: Style


DEFAULT_PALETTE = Palette(
    shared=Style(color="#1a1a1a", bgcolor="#e0c26a"),
    pair=Style(color="#1a1a1a", bgcolor="#8cc8d8"),
    quote=Style(underline=True),
    alone=Style(dim=True),
    current=Style(reverse=True, bold=True),
    badge_shared=Style(color="#000000", bgcolor="#c9a227", bold=True),
    badge_pair=Style(color="#ffffff", bgcolor="#1f6f8b", bold=True),
    differ=Style(color="#ffffff", bgcolor="#b03a2e", bold=True),
)


@dataclass(frozen=True, slots=True)
class Stop:
    """A place `]`/`[` stop at: a shared passage (`kind == "shared"`) or a paraphrase pair
    (`"pair"`), numbered as shown in the text, with its spans on each side. A pair whose
    verdict is "differs" is labelled ≠ instead of ≈."""

    kind: str
    number: int
    a: tuple[int, int]
    b: tuple[int, int]
    differs: bool = False

    @property
    def label(self) -> str:
        if self.kind == "shared":
            return f"{self.number}"
        return f"{'≠' if self.differs else '≈'}{self.number}"


@dataclass(frozen=True, slots=True)
class Marks:
    """What to paint on one side: spans in the cleaned body, with the stop they belong to;
    `differs`, the words that differ inside pairs and quotes (the third style)."""

    shared: list[tuple[int, int, int]]  # start, end, index into the screen's stops
    pairs: list[tuple[int, int, int]]
    labels: list[str]  # the badge of each stop, by index
    quotes: list[tuple[int, int]]
    alone: list[tuple[int, int]]
    differs: list[tuple[int, int]] = dataclasses.field(default_factory=list)


def stops_of(alignment: Alignment) -> list[Stop]:
    """Shared passages and paraphrase pairs in reading order of side A."""
    stops = [
        Stop("shared", p.number, (p.a.start, p.a.end), (p.b.start, p.b.end))
        for p in alignment.shared
    ]
    stops += [
        Stop("pair", n, (p.a.start, p.a.end), (p.b.start, p.b.end), p.verdict == "differs")
        for n, p in enumerate(alignment.pairs, 1)
    ]
    stops.sort(key=lambda s: (s.a, s.kind))
    return stops


def marks_of(alignment: Alignment, stops: list[Stop], side: str) -> Marks:
    """The spans to paint on side `"a"` or `"b"` of `alignment`."""
    shared = [(*getattr(s, side), n) for n, s in enumerate(stops) if s.kind == "shared"]
    pairs = [(*getattr(s, side), n) for n, s in enumerate(stops) if s.kind == "pair"]
    quotes = [
        (q.span.start, q.span.end)
        for m in alignment.quotes
        for q in ((m.a,) if side == "a" else (m.b,))
    ]
    alone = alignment.only_a if side == "a" else alignment.only_b
    labels = [s.label for s in stops]
    return Marks(
        shared,
        pairs,
        labels,
        quotes,
        [(s.start, s.end) for s in alone],
        differs_of(alignment, side),
    )


def differs_of(alignment: Alignment, side: str) -> list[tuple[int, int]]:
    """Where the words differ on `side`: every difference inside a pair whose verdict is
    "differs", and the words a matched quote has in other wording (a quote given to another
    speaker is the same words: nothing inside it is marked)."""
    spans: list[tuple[int, int]] = []
    for p in alignment.pairs:
        if p.verdict == "differs":
            spans += [span for d in p.differences if (span := getattr(d, side)) is not None]
    for m in alignment.quotes:
        spans += [
            span
            for d in m.differences
            if d.kind != "attribution" and (span := getattr(d, side)) is not None
        ]
    return sorted(set(spans))


def render_paragraph(
    offset: int,
    text: str,
    marks: Marks | None,
    current: int | None,
    palette: Palette = DEFAULT_PALETTE,
) -> tuple[Text, list[tuple[int, int]]]:
    """One paragraph (at `offset` in the cleaned body) as a styled `Text`, with a numbered badge
    in front of each shared passage or pair that starts in it.

    Also returns (body offset, badge length) for each badge, so that callers can map a body
    offset to a column of the rendered paragraph.
    """
    result = Text(text, end="")
    if marks is None:
        return result, []
    end = offset + len(text)

    def paint(spans: list[tuple[int, int]], style: Style) -> None:
        for start, stop in spans:
            s, e = max(start, offset) - offset, min(stop, end) - offset
            if s < e:
                result.stylize(style, s, e)

    paint(marks.alone, palette.alone)
    paint([(s, e) for s, e, _ in marks.pairs], palette.pair)
    paint([(s, e) for s, e, _ in marks.shared], palette.shared)
    paint(marks.differs, palette.differ)
    paint(marks.quotes, palette.quote)
    if current is not None:
        paint([(s, e) for s, e, n in marks.shared + marks.pairs if n == current], palette.current)
    badges = sorted(
        (start - offset, n, kind)
        for kind, spans in (("shared", marks.shared), ("pair", marks.pairs))
        for start, _, n in spans
        if offset <= start < end
    )
    if not badges:
        return result, []
    pieces = result.divide([at for at, _, _ in badges])
    out = Text(end="")
    out.append_text(pieces[0])
    moved: list[tuple[int, int]] = []
    for (at, n, kind), piece in zip(badges, pieces[1:], strict=True):
        style = palette.badge_shared if kind == "shared" else palette.badge_pair
        if n == current:
            style = style + palette.current
        badge = Text(f"[{marks.labels[n]}]", style=style, end="") + Text(" ", end="")
        moved.append((offset + at, len(badge)))
        out.append_text(badge)
        out.append_text(piece)
    return out, moved


class SyncMap:
    """Keeps two panes in step: scroll positions (a, b) as functions of one shared position t.

    `points` are (a, b) scroll positions that show the same thing on both sides (the tops, each
    passage at the same row, the ends), rising in both. Between two of them each side moves one
    line per step of t until it has covered its own distance, then waits for the other: a key
    moves each pane one line or not at all, never three lines for one (a side with more text
    between two passages simply goes on alone for a while), and at every point the passages
    are level.
    """

    def __init__(self, points: list[tuple[float, float]]) -> None:
        self.points = points or [(0.0, 0.0)]
        self.starts = [0.0]
        for (a0, b0), (a1, b1) in itertools.pairwise(self.points):
            self.starts.append(self.starts[-1] + max(a1 - a0, b1 - b0, 0.0))

    @property
    def length(self) -> float:
        """The largest t."""
        return self.starts[-1]

    def at(self, t: float) -> tuple[float, float]:
        """The (a, b) positions at shared position `t` (clamped to the map)."""
        t = max(0.0, min(t, self.length))
        for k, ((a0, b0), (a1, b1)) in enumerate(itertools.pairwise(self.points)):
            if t <= self.starts[k + 1]:
                u = t - self.starts[k]
                return a0 + min(u, max(0.0, a1 - a0)), b0 + min(u, max(0.0, b1 - b0))
        return self.points[-1]

    def t_of(self, side: int, y: float, near: float) -> float:
        """The shared position at which side `side` (0: a, 1: b) is at `y`, for a pane scrolled
        by hand (the mouse, the scrollbar) from shared position `near`. Where the side stands
        still at `y` while the other catches up, the far end of that stretch in the direction
        of travel: the other side then comes level with the passage as this one reaches it."""
        best: float | None = None
        for k, (p0, p1) in enumerate(itertools.pairwise(self.points)):
            lo, d = p0[side], max(0.0, p1[side] - p0[side])
            if lo <= y <= lo + d:
                first = self.starts[k] + (y - lo)
                last = self.starts[k + 1] if y >= lo + d else first
                t = last if near < first else first if near > last else near
                if best is None or abs(t - near) < abs(best - near):
                    best = t
        if best is None:  # before the first point or past the last one
            return 0.0 if y < self.points[0][side] else self.length
        return best
