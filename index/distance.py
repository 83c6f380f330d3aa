"""Edit distance between two words: the one copy "did you mean", fuzzy highlights and quote
speakers' surnames all use."""

from __future__ import annotations


def edit_distance(a: str, b: str, limit: int = 1 << 30, *, transpositions: bool = True) -> int:
    """Edits that turn `a` into `b`: insertions, deletions, substitutions and, with
    `transpositions`, swaps of two adjacent letters ("optimal string alignment", as Whoosh's
    fuzzy terms count them). Any value above `limit` is reported as `limit + 1`, and the work
    stops as soon as every path is over it."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if (
                transpositions
                and i > 1
                and j > 1
                and ca == b[j - 2]
                and a[i - 2] == cb
                and prev2[j - 2] + 1 < v
            ):
                v = prev2[j - 2] + 1
            cur[j] = v
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)
