"""Documents found by a query with their scores, and the two ways parts of a query combine them:
the arithmetic of `store.whoosh.light` (the engine in plain Python) and `search.lean` (the
command's path without Whoosh) share, so that both sum a document's scores in the order numpy's
engine does and give the same floats."""

from __future__ import annotations

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
