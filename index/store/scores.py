"""Documents found by a query with their scores: the union and intersection of a query's parts,
and the documents a phrase matches. `store.whoosh.light` (the engine in plain Python) and
`search.lean` (the command's path without Whoosh) share them, so that both sum a document's
scores in the order numpy's engine does and give the same floats."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

Found = dict[int, float]
"""Document number -> score."""


def union(parts: list[Found]) -> Found:
    """Every document of any part, each score the sum over the parts holding it in the parts'
    order (0.0 first, as numpy's add.at does), in no particular document order (`top` sorts).
    The largest part is copied in C when its turn comes: a document in it alone scores 0.0 + s,
    which is s bit for bit unless s is -0.0 (then it is summed like the others)."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return parts[0] if parts else {}
    largest = max(parts, key=len)
    if 0.0 in largest.values():
        largest = {}
    summed: dict[int, float] = {}
    for p in parts:
        if p is largest:
            added = {d: t + largest[d] for d, t in summed.items() if d in largest}
            summed = largest | summed
            summed.update(added)
            continue
        for d, s in p.items():
            summed[d] = summed.get(d, 0.0) + s
    return summed


def intersection(parts: list[Found]) -> Found:
    if not parts or any(not p for p in parts):
        return {}
    common = set(parts[0])
    for p in parts[1:]:
        common.intersection_update(p)
    out: dict[int, float] = {}
    for d in sorted(common):
        total = 0.0
        for p in parts:
            total = total + p[d]
        out[d] = total
    return out


def phrase_matches(
    lists: Sequence[tuple[Sequence[int], Any, Sequence[Any]]],
    positions: Callable[[Any], Iterable[int]],
) -> list[int]:
    """The documents, in order, where the phrase's words stand one after another: `lists` holds
    each word's postings in the phrase's order as (document ids, weights, values), `positions`
    reads a value's word positions. Only documents holding every word are read, and each
    word's positions are kept only where the words before it left a start."""
    candidates = set(lists[0][0])
    for ids, _, _ in lists[1:]:
        candidates.intersection_update(ids)
    if not candidates:
        return []
    starts: dict[int, set[int]] | None = None
    for i, (ids, _, found) in enumerate(lists):
        mine: dict[int, set[int]] = {}
        for j, d in enumerate(ids):
            if d in candidates and (starts is None or d in starts):
                shifted = {p - i for p in positions(found[j]) if p >= i}
                if starts is not None:
                    shifted &= starts[d]
                if shifted:
                    mine[d] = shifted
        starts = mine
        if not starts:
            return []
    return sorted(starts or ())
