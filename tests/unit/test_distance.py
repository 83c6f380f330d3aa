"""The one edit distance: "did you mean" and fuzzy highlights count a swap of two adjacent
letters as one edit (as Whoosh's fuzzy terms do); quote speakers' surnames count it as two."""

from __future__ import annotations

import pytest

from newsreader.index.distance import edit_distance


@pytest.mark.parametrize(
    ("a", "b", "swaps", "plain"),
    [
        ("ferry", "ferry", 0, 0),
        ("ferry", "fery", 1, 1),
        ("ferry", "fetry", 1, 1),
        ("johnson", "jonhson", 1, 2),
        ("", "abc", 3, 3),
        ("kitten", "sitting", 3, 3),
    ],
)
def test_distances(a: str, b: str, swaps: int, plain: int) -> None:
    assert edit_distance(a, b) == edit_distance(b, a) == swaps
    assert edit_distance(a, b, transpositions=False) == plain


def test_over_the_limit_is_limit_plus_one() -> None:
    assert edit_distance("kitten", "sitting", 1) == 2
    assert edit_distance("a", "abcdef", 2) == 3
    assert edit_distance("johnson", "jonhson", 1, transpositions=False) == 2
