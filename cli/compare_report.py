"""The plain-text report of `newsreader compare ID_A ID_B`.

Article text is hostile: every piece of it goes through `tui.terminal.printable` (folded onto
one line, then wrapped here), nothing is parsed as Rich markup, and ANSI colour codes are added
only around text when `color=True`. No Textual or Rich import: the CLI stays quick.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator

from newsreader.index.compare import (
    Alignment,
    Difference,
    Quote,
    QuoteMatch,
    SentencePair,
    describe,
)
from newsreader.index.model import Article, day_text
from newsreader.tui.terminal import counted
from newsreader.tui.terminal import printable_line as _line

# SGR codes, matched to the compare screen's colours: shared passages yellow, paraphrase pairs
# cyan, what one side has alone dim.
_BOLD = "1"
_SHARED = "33"
_PAIR = "36"
_QUOTE = "35"
_DIM = "2"
_DIFFER = "1;31"  # what differs inside a pair: bold red, the screen's third style


def report_lines(
    a: Article, b: Article, alignment: Alignment, *, color: bool = False, width: int = 100
) -> Iterable[str]:
    """The report, line by line, without line ends: who A and B are, the similarity and shares,
    then where the two differ (pairs whose verdict is "differs", quotes given to another
    speaker or worded otherwise), the shared passages, the paraphrase pairs, the matched
    quotes, the quotes and the sentences each side has alone. Lines are wrapped at `width`
    columns (at least 40)."""
    return list(_Report(color, max(40, width)).lines(a, b, alignment))


class _Report:
    def __init__(self, color: bool, width: int) -> None:
        self.color = color
        self.width = width

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def wrap(self, text: str, indent: str, first: str | None = None, code: str = "") -> list[str]:
        """`text`, made printable and folded onto one line, wrapped under `indent`; the first
        line starts with `first` instead (same width) when given."""
        lead = indent if first is None else first
        lines = textwrap.wrap(
            _line(text),
            width=self.width,
            initial_indent=lead,
            subsequent_indent=indent,
            break_long_words=True,
            break_on_hyphens=False,
        ) or [lead.rstrip()]
        if not code:
            return lines
        # Colour the article text, not the indent or the label in front of it.
        painted = []
        for n, line in enumerate(lines):
            head = lead if n == 0 else indent
            painted.append(line[: len(head)] + self.paint(line[len(head) :], code))
        return painted

    def heading(self, title: str, count: int) -> list[str]:
        return ["", self.paint(f"{title} ({count})", _BOLD)]

    def lines(self, a: Article, b: Article, al: Alignment) -> Iterator[str]:
        for label, article, share in (("A", a, al.shared_share_a), ("B", b, al.shared_share_b)):
            title = self.wrap(article.title or "(untitled)", "   ", f"{label}  ")
            title[0] = self.paint(label, _BOLD) + self.paint(title[0][1:], _BOLD)
            yield from title
            parts = (_line(article.outlet), day_text(article.date), f"{share:.0%} shared")
            meta = " · ".join(x for x in parts if x)
            yield f"   {meta}  [{_line(article.id)}]"
        yield ""
        quotes_total = len(al.quotes) + len(al.quotes_only_a) + len(al.quotes_only_b)
        yield self.paint(
            f"Similarity {al.similarity:.1%} · {counted(len(al.shared), 'shared passage')} "
            f"(runs of {al.min_words}+ words) · {counted(len(al.pairs), 'paraphrase pair')} · "
            f"{len(al.quotes)} of {quotes_total} quotes matched",
            _BOLD,
        )

        yield from self.where_they_differ(al)
        if al.shared:
            yield from self.heading("Shared passages", len(al.shared))
            for p in al.shared:
                where = f"A {p.a.start}-{p.a.end}, B {p.b.start}-{p.b.end}"
                yield f"  {p.number:>2}. {p.words} words · {where}"
                yield from self.wrap(_quoted(p.a.text), "      ", code=_SHARED)
        if al.pairs:
            yield from self.heading("Said in other words", len(al.pairs))
            for n, pair in enumerate(al.pairs, 1):
                how = " · the same quote" if pair.via_quote else ""
                yield f"  {n:>2}. {pair.verdict} · score {pair.score:.2f}{how}"
                yield from self.wrap(pair.a.text, "        ", "      A ", code=_PAIR)
                yield from self.wrap(pair.b.text, "        ", "      B ", code=_PAIR)
        if al.quotes:
            yield from self.heading("Quotes on both sides", len(al.quotes))
            for n, m in enumerate(al.quotes, 1):
                who = _line(m.speaker) if m.speaker else "speaker not named"
                yield f"  {n:>2}. {who} · score {m.score:.2f}"
                yield from self.wrap(_quoted(m.a.span.text), "        ", "      A ", code=_QUOTE)
                yield from self.wrap(_quoted(m.b.span.text), "        ", "      B ", code=_QUOTE)
        for label, quotes in (("A", al.quotes_only_a), ("B", al.quotes_only_b)):
            if quotes:
                yield from self.heading(f"Quotes only in {label}", len(quotes))
                for q in quotes:
                    yield from self.wrap(_quote_line(q), "      ", "    - ")
        for label, alone in (("A", al.only_a), ("B", al.only_b)):
            if alone:
                yield from self.heading(f"Only in {label}", len(alone))
                for span in alone:
                    yield from self.wrap(span.text, "      ", "    - ", code=_DIM)
        if not (al.shared or al.pairs or al.quotes):
            yield ""
            yield "Nothing in common: no shared passage, no paraphrased sentence, no common quote."

    def where_they_differ(self, al: Alignment) -> Iterator[str]:
        """Each pair that differs and each quote with a difference: what differs on each side,
        then the two sentences (quotes) with the differing words painted."""
        items: list[SentencePair | QuoteMatch] = [p for p in al.pairs if p.verdict == "differs"]
        items += [m for m in al.quotes if m.differences]
        items.sort(key=lambda x: x.a.start if isinstance(x, SentencePair) else x.a.span.start)
        if not items:
            return
        yield from self.heading("Where they differ", len(items))
        for n, item in enumerate(items, 1):
            if isinstance(item, SentencePair):
                a, b, what = item.a, item.b, f"score {item.score:.2f}"
            else:
                a, b, what = item.a.span, item.b.span, "quote"
                speakers = " / ".join(
                    _line(q.speaker or "speaker not named") for q in (item.a, item.b)
                )
                what += f" · {speakers}"
            what += f" · {describe(item.differences, _line)}"
            yield from self.wrap(what, "      ", f"  {n:>2}. ")
            for label, span, side in (("A", a, "a"), ("B", b, "b")):
                text = self.marked(span.text, span.start, item.differences, side)
                yield from self.wrap_marked(text, "        ", f"      {label} ")

    def marked(self, text: str, offset: int, differences: tuple[Difference, ...], side: str) -> str:
        """`text` with each difference on `side` between two private-use marks (taken out of the
        article text first), so that the marks survive folding and wrapping."""
        text = text.replace(_OPEN, "").replace(_CLOSE, "")
        cuts = sorted(
            (max(0, span[0] - offset), min(len(text), span[1] - offset))
            for d in differences
            if (span := getattr(d, side)) is not None and d.kind != "attribution"
        )
        out, at = [], 0
        for s, e in cuts:
            if s >= at:
                out += [text[at:s], _OPEN, text[s:e], _CLOSE]
                at = e
        out.append(text[at:])
        return "".join(out)

    def wrap_marked(self, text: str, indent: str, first: str) -> list[str]:
        """Wrap like `wrap`, then paint what lies between the marks (colour only: the summary
        line above says what differs in words), the marks themselves dropped. A stretch that a
        line break cuts is closed at the line's end and reopened on the next."""
        on, off = f"\x1b[{_DIFFER}m", "\x1b[0m"
        lines, inside = [], False
        for line in self.wrap(text, indent, first):
            if not self.color:
                lines.append(line.replace(_OPEN, "").replace(_CLOSE, ""))
                continue
            head = first if not lines else indent
            body = (on if inside else "") + line[len(head) :]
            inside = body.rfind(_OPEN) > body.rfind(_CLOSE) or (inside and _CLOSE not in body)
            body = body.replace(_OPEN, on).replace(_CLOSE, off)
            lines.append(head + body + (off if inside else ""))
        return lines


# Private-use characters around the differing words while the text is folded and wrapped.
_OPEN, _CLOSE = "\ue000", "\ue001"


def _quoted(text: str) -> str:
    return f"“{text}”"


def _quote_line(q: Quote) -> str:
    return _quoted(q.span.text) + (f" ({q.speaker})" if q.speaker else "")
