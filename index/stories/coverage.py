"""How the reports of one story differ, from the compare module's alignments: what each report
adds to the ones before it (what changed over time) and what only one report says.

Both compare articles pairwise (`compare.alignment.compare`, 10-60 ms a pair), so both are
bounded: `changes` compares each report with at most `EARLIER` reports before it, for the first
`MAX_REPORTS` reports; `exclusive` compares each report with at most `PEERS` others (the
nearest in date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsreader.index.compare import Alignment, Span, compare
from newsreader.index.model import Article, iso_date

EARLIER = 4
MAX_REPORTS = 16
PEERS = 7
FACT_KINDS = ("number", "name", "date")


@dataclass(frozen=True, slots=True)
class Fact:
    """A fact a later report states otherwise than an earlier one (a number, a name, a date,
    a negation): `was` in `earlier`, `now` in this report."""

    kind: str
    earlier: str
    was: str
    now: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "earlier": self.earlier, "was": self.was, "now": self.now}


@dataclass(frozen=True, slots=True)
class Change:
    """What one report brought to the story: the sentences no earlier report compared had
    (`new`), and the facts it states otherwise (`differs`)."""

    id: str
    date: dt.date | dt.datetime | None
    outlet: str
    new: tuple[Span, ...] = ()
    differs: tuple[Fact, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": iso_date(self.date),
            "outlet": self.outlet,
            "new": [s.text for s in self.new],
            "differs": [f.to_json() for f in self.differs],
        }


class _Pairs:
    """Alignments of article pairs, each computed once (either order)."""

    def __init__(self, cancelled: Callable[[], bool] | None = None) -> None:
        self._done: dict[tuple[str, str], Alignment] = {}
        self.cancelled = cancelled or (lambda: False)

    def only(self, a: Article, b: Article) -> tuple[tuple[Span, ...], Alignment]:
        """The sentences of `a` that `b` does not say too: those without a counterpart, and
        those whose counterpart says something else (a pair whose verdict is `differs`); and
        the alignment of the two (in either order)."""
        al = self._done.get((a.id, b.id)) or self._done.get((b.id, a.id))
        if al is None:
            al = self._done[(a.id, b.id)] = compare(a, b)
        mine_is_a = al.a_id == a.id
        spans = list(al.only_a if mine_is_a else al.only_b)
        for pair in al.pairs:
            if pair.verdict == "differs":
                spans.append(pair.a if mine_is_a else pair.b)
        return tuple(sorted(set(spans), key=lambda s: (s.start, s.end))), al


def _in_order(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.date is None, _sortable(a.date), a.id))


def _sortable(value: dt.date | dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, 12, tzinfo=dt.UTC)


def changes(articles: list[Article], cancelled: Callable[[], bool] | None = None) -> list[Change]:
    """For each report in date order (undated ones after), what it adds to the reports before
    it: the first report adds everything and is listed with no sentences."""
    ordered = _in_order(articles)[:MAX_REPORTS]
    pairs = _Pairs(cancelled)
    out: list[Change] = []
    for k, article in enumerate(ordered):
        if pairs.cancelled():
            break
        earlier = ordered[max(0, k - EARLIER) : k]
        if not earlier:
            out.append(Change(article.id, article.date, article.outlet))
            continue
        alone: set[tuple[int, int]] | None = None
        spans: dict[tuple[int, int], Span] = {}
        facts: list[Fact] = []
        for other in earlier:
            only, al = pairs.only(article, other)
            here = {(s.start, s.end) for s in only}
            spans.update({(s.start, s.end): s for s in only})
            alone = here if alone is None else alone & here
            facts += _facts(al, article, other)
        new = tuple(spans[k2] for k2 in sorted(alone or ()))
        out.append(Change(article.id, article.date, article.outlet, new, tuple(_unique(facts))))
    return out


def _facts(al: Alignment, article: Article, other: Article) -> list[Fact]:
    """Conflicting facts between `article` and an earlier `other` in their alignment."""
    mine_is_a = al.a_id == article.id
    out = []
    for pair in al.pairs:
        for d in pair.differences:
            # Numbers, names and dates: a hedge or a lone "not" is too often a false alarm.
            if d.kind not in FACT_KINDS or not d.conflict or not d.a_text or not d.b_text:
                continue
            now, was = (d.a_text, d.b_text) if mine_is_a else (d.b_text, d.a_text)
            if now.strip().casefold() != was.strip().casefold():
                out.append(Fact(d.kind, other.id, was, now))
    return out


def _unique(facts: list[Fact]) -> list[Fact]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in facts:
        key = (f.kind, f.was.casefold(), f.now.casefold())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def exclusive(
    articles: list[Article], cancelled: Callable[[], bool] | None = None
) -> dict[str, tuple[Span, ...]]:
    """For each article, the sentences none of the others compared with it has a
    counterpart for (what only it reports), in body order."""
    ordered = _in_order(articles)
    pairs = _Pairs(cancelled)
    out: dict[str, tuple[Span, ...]] = {}
    for k, article in enumerate(ordered):
        if pairs.cancelled():
            break
        others = [o for j, o in enumerate(ordered) if j != k]
        others.sort(key=lambda o: (abs(ordered.index(o) - k), o.id))
        alone: set[tuple[int, int]] | None = None
        spans: dict[tuple[int, int], Span] = {}
        for other in others[:PEERS]:
            only, _al = pairs.only(article, other)
            here = {(s.start, s.end) for s in only}
            spans.update({(s.start, s.end): s for s in only})
            alone = here if alone is None else alone & here
        out[article.id] = tuple(spans[key] for key in sorted(alone or ()))
    return out
