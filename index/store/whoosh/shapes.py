"""Which queries the two engines (`engine` in numpy, `light` in Python) run: the shapes plain
words, quotes, the operators, `word*`, `word~` and `date:` give, and what `related` asks, under
Whoosh's BM25F. Anything else is left to Whoosh's matchers (see `engine`'s docstring)."""

from __future__ import annotations

from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher


class Unsupported(Exception):
    """A query shape (or a size) this engine does not run."""


def supported(q: wq.Query) -> bool:
    """Whether the engines run `q` (see `engine`'s module docstring), else Whoosh does."""
    kind = type(q)
    if kind is wq.Term:
        return q.minquality in (0, None)
    if kind is wq.Phrase:
        return q.slop == 1
    if kind is wq.And or kind is wq.AndNot:
        return all(supported(c) for c in q.children())
    if kind is wq.Not:
        return supported(q.query)
    if isinstance(q, wq.Or):
        # Or, and subclasses that only choose how Whoosh matches (index.search.results._ArrayOr).
        plain = kind is wq.Or or not any(k in kind.__dict__ for k in ("matcher", "_matcher"))
        return (
            plain and not q.minmatch and q.scale is None and all(supported(c) for c in q.children())
        )
    if isinstance(q, wq.NumericRange):  # date:2021, date:[a to b]
        return True
    if isinstance(q, wq.MultiTerm):
        # Prefix, wildcard and fuzzy terms scored as the words they expand to. Prefix and
        # Wildcard override MultiTerm.matcher only to match every document for "" and "*".
        matcher = type(q).matcher
        plain = matcher is wq.MultiTerm.matcher or (
            matcher in (wq.Prefix.matcher, wq.Wildcard.matcher) and q.text not in ("", "*")
        )
        return plain and not q.constantscore
    return False


def usable(searcher: Searcher) -> bool:
    """Whoosh's BM25F without per-field B values: the scoring both engines reproduce."""
    weighting = searcher.weighting
    return type(weighting) is scoring.BM25F and not weighting._field_B
