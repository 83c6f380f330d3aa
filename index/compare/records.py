"""What a comparison returns: passages, sentence pairs with their verdicts, quotes, and the
whole `Alignment`, each with its JSON form (the compare shape of docs/ARCHITECTURE.md).

All spans are character offsets into each article's `body`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsreader.index.compare.differences import Difference


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of one article's body: `body[start:end] == text`."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "span": [self.start, self.end]}


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A maximal run of words (normalised) common to both sides, numbered in A's order."""

    number: int
    a: Span
    b: Span
    words: int

    @property
    def text(self) -> str:
        return self.a.text

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.number,
            "text": self.a.text,
            "a": [self.a.start, self.a.end],
            "b": [self.b.start, self.b.end],
            "b_text": self.b.text,
            "words": self.words,
        }


@dataclass(frozen=True, slots=True)
class SentencePair:
    """Two sentences about the same thing. `score` (0..1) orders pairs by how surely they say
    the same (see `verdict`); `verdict` is "agree" or "differs", `differences` what differs
    with spans into each body; `link` (0..1) is how strongly the alignment ties the two."""

    a: Span
    b: Span
    score: float
    via_quote: bool = False  # the two sentences carry the same (matched) quote
    link: float = 0.0
    verdict: str = "agree"
    differences: tuple[Difference, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "a": self.a.text,
            "b": self.b.text,
            "score": round(self.score, 3),
            "verdict": self.verdict,
            "link": round(self.link, 3),
            "a_span": [self.a.start, self.a.end],
            "b_span": [self.b.start, self.b.end],
            "via_quote": self.via_quote,
            "differences": [d.to_json() for d in self.differences],
        }

    def swapped(self) -> SentencePair:
        return SentencePair(
            self.b,
            self.a,
            self.score,
            self.via_quote,
            self.link,
            self.verdict,
            tuple(sorted((d.swapped() for d in self.differences), key=_difference_order)),
        )


def _difference_order(d: Difference) -> tuple[int, int, int, int]:
    return (*(d.a or (1 << 60, 0)), *(d.b or (1 << 60, 0)))


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted passage (the words inside the marks) and its speaker where the text names one."""

    span: Span
    speaker: str | None


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """The same quote on both sides, worded alike or not; `score` in 0..1. `differences`: the
    quote given to different speakers (`attribution`), words one side has in other wording."""

    a: Quote
    b: Quote
    score: float
    differences: tuple[Difference, ...] = ()

    @property
    def speaker(self) -> str | None:
        """The speaker as named on either side, the fuller name when both name one
        ("Andrey Rudenko" over "Rudenko"); A's on a tie."""
        x, y = self.a.speaker, self.b.speaker
        if x and y:
            return y if len(y.split()) > len(x.split()) else x
        return x or y


@dataclass(frozen=True, slots=True)
class Alignment:
    """What `compare(a, b)` found. Tuples are in order of appearance in A (B for B-only)."""

    a_id: str
    b_id: str
    similarity: float
    shared_share_a: float
    shared_share_b: float
    shared: tuple[SharedPassage, ...] = ()
    pairs: tuple[SentencePair, ...] = ()
    quotes: tuple[QuoteMatch, ...] = ()
    quotes_only_a: tuple[Quote, ...] = ()
    quotes_only_b: tuple[Quote, ...] = ()
    only_a: tuple[Span, ...] = ()
    only_b: tuple[Span, ...] = ()
    min_words: int = field(default=6)

    def to_json(self) -> dict[str, object]:
        """The compare JSON (docs/ARCHITECTURE.md); a quote found on one side only has null on
        the other."""
        quotes = [_quote_json(m.a, m.b, m.speaker, m.score, m.differences) for m in self.quotes]
        quotes += [_quote_json(q, None, q.speaker, None, ()) for q in self.quotes_only_a]
        quotes += [_quote_json(None, q, q.speaker, None, ()) for q in self.quotes_only_b]
        return {
            "a": self.a_id,
            "b": self.b_id,
            "similarity": round(self.similarity, 4),
            "shared_share_a": round(self.shared_share_a, 4),
            "shared_share_b": round(self.shared_share_b, 4),
            "min_words": self.min_words,
            "shared": [p.to_json() for p in self.shared],
            "pairs": [p.to_json() for p in self.pairs],
            "quotes": quotes,
            "only_a": [s.to_json() for s in self.only_a],
            "only_b": [s.to_json() for s in self.only_b],
        }

    def swapped(self) -> Alignment:
        """The same alignment seen from B: what `compare(b, a)` gives for ordinary texts."""
        by_b = sorted(self.shared, key=lambda p: p.b.start)
        return Alignment(
            a_id=self.b_id,
            b_id=self.a_id,
            similarity=self.similarity,
            shared_share_a=self.shared_share_b,
            shared_share_b=self.shared_share_a,
            shared=tuple(SharedPassage(n, p.b, p.a, p.words) for n, p in enumerate(by_b, 1)),
            pairs=tuple(
                sorted(
                    (p.swapped() for p in self.pairs),
                    key=lambda p: p.a.start,
                )
            ),
            quotes=tuple(
                sorted(
                    (
                        QuoteMatch(
                            m.b,
                            m.a,
                            m.score,
                            tuple(
                                sorted((d.swapped() for d in m.differences), key=_difference_order)
                            ),
                        )
                        for m in self.quotes
                    ),
                    key=lambda m: m.a.span.start,
                )
            ),
            quotes_only_a=self.quotes_only_b,
            quotes_only_b=self.quotes_only_a,
            only_a=self.only_b,
            only_b=self.only_a,
            min_words=self.min_words,
        )


def _quote_json(
    a: Quote | None,
    b: Quote | None,
    speaker: str | None,
    score: float | None,
    differences: tuple[Difference, ...],
) -> dict[str, object]:
    return {
        "a": a.span.text if a else None,
        "b": b.span.text if b else None,
        "speaker": speaker,
        "score": round(score, 3) if score is not None else None,
        "a_span": [a.span.start, a.span.end] if a else None,
        "b_span": [b.span.start, b.span.end] if b else None,
        "a_speaker": a.speaker if a else None,
        "b_speaker": b.speaker if b else None,
        "differences": [d.to_json() for d in differences],
    }
